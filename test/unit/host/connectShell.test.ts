import { describe, expect, it } from 'vitest';
import { connectShell, type ShellActions } from '../../../renderer/host/connectShell';
import { MemoryHost } from '../../../renderer/host/memory';
import { serializeDesign } from '../../../src/graph/parse';
import { sampleDesign } from './contract';

function actions(answer: boolean) {
  const log: string[] = [];
  const a: ShellActions = {
    commands: { save: () => log.push('save'), 'train-start': () => log.push('train') },
    openDesign: (design, name, handle) => log.push(`open ${name} ${design.metadata.name} ${handle}`),
    openFile: (file) => log.push(`open file ${file.name} ${file.design.metadata.name} ${file.handle}`),
    showError: (m) => log.push(`error ${m}`),
    confirmRecovery: (entry) => {
      log.push(`asked ${entry.name}`);
      return answer;
    },
  };
  return { a, log };
}

describe('connectShell', () => {
  it('offers unsaved work and opens it as unsaved when accepted', async () => {
    const host = new MemoryHost();
    await host.writeRecovery({ design: sampleDesign('lost'), name: 'net.rescanvas.json', savedAt: '2026-01-01T00:00:00.000Z' });
    const { a, log } = actions(true);
    await connectShell(host, a);
    expect(log).toEqual(['asked net.rescanvas.json', 'open net.rescanvas.json lost null']);
    expect(await host.readRecovery()).not.toBeNull();
  });

  it('discards unsaved work when declined', async () => {
    const host = new MemoryHost();
    await host.writeRecovery({ design: sampleDesign('lost'), name: 'x', savedAt: '2026-01-01T00:00:00.000Z' });
    const { a } = actions(false);
    await connectShell(host, a);
    expect(await host.readRecovery()).toBeNull();
  });

  it('runs menu commands and opens external files, then stops when disconnected', async () => {
    const host = new MemoryHost();
    host.files.set('launch.rescanvas.json', serializeDesign(sampleDesign('launched')));
    host.nextOpen = 'launch.rescanvas.json';
    host.emitExternalOpen(await host.openDesign());
    const { a, log } = actions(true);
    const disconnect = await connectShell(host, a);
    host.emitMenuCommand('save');
    host.emitMenuCommand('zoom-in');
    host.emitExternalOpen({ status: 'error', message: 'bad.json could not be opened: not valid JSON' });
    disconnect();
    host.emitMenuCommand('train-start');
    // zoom-in has no action here: said, not silently dropped.
    expect(log).toEqual([
      'open file launch.rescanvas.json launched launch.rescanvas.json',
      'save',
      'error The menu command "zoom-in" has no action in this window.',
      'error Could not open: bad.json could not be opened: not valid JSON',
    ]);
  });
});
