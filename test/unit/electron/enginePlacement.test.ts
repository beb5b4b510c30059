import { describe, expect, it } from 'vitest';
import { decidePlacement, probeNativeBackends, type NativeProbe, type ProbeChild } from '../../../electron/engine/placement';
import { parsePlacement, placementArgument, placementFromArgv } from '../../../src/protocol/enginePlacement';

function child(script: (c: { message(m: unknown): void; exit(code: number): void }) => void): () => ProbeChild & { killed: boolean } {
  return () => {
    let onMessage: (m: unknown) => void = () => undefined;
    let onExit: (code: number) => void = () => undefined;
    const c = {
      killed: false,
      onMessage: (l: (m: unknown) => void) => void (onMessage = l),
      onExit: (l: (code: number) => void) => void (onExit = l),
      kill: () => void (c.killed = true),
    };
    setTimeout(() => script({ message: (m) => onMessage(m), exit: (code) => onExit(code) }), 0);
    return c;
  };
}

describe('desktop engine placement', () => {
  it('runs the engine in its own process on the best native backend that loaded', () => {
    expect(
      decidePlacement([
        { name: 'tensorflow-gpu', ok: false, reason: 'libcudart.so.11.0 not found' },
        { name: 'tensorflow', ok: true },
      ]),
    ).toEqual({ where: 'process', backend: 'tensorflow' });
    expect(decidePlacement([{ name: 'tensorflow-gpu', ok: true }])).toEqual({ where: 'process', backend: 'tensorflow-gpu' });
  });

  it('runs it in the renderer, never on wasm in Node, when no native backend loads, keeping the reasons', () => {
    const probes: NativeProbe[] = [
      { name: 'tensorflow-gpu', ok: false, reason: '@tensorflow/tfjs-node-gpu is not installed' },
      { name: 'tensorflow', ok: false, reason: '@tensorflow/tfjs-node is not installed' },
    ];
    expect(decidePlacement(probes)).toEqual({ where: 'renderer', skipped: probes.map((p) => ({ name: p.name, reason: p.ok ? '' : p.reason })) });
  });

  it('turns a probe that crashes, answers nonsense or hangs into reasons', async () => {
    const crashed = await probeNativeBackends(child((c) => c.exit(134)));
    expect(crashed.every((p) => !p.ok && p.reason.includes('exit code 134'))).toBe(true);
    const nonsense = await probeNativeBackends(child((c) => c.message({ probe: [{ name: 'quantum', ok: true }] })));
    expect(nonsense.every((p) => !p.ok && p.reason.includes('unreadable'))).toBe(true);
    const spawn = child(() => undefined);
    const hung = await probeNativeBackends(spawn, 20);
    expect(hung.every((p) => !p.ok && p.reason.includes('did not finish'))).toBe(true);
    const found = await probeNativeBackends(child((c) => c.message({ probe: [{ name: 'tensorflow-gpu', ok: true }] })));
    expect(found).toEqual([{ name: 'tensorflow-gpu', ok: true }]);
  });

  it('travels on the renderer command line and is validated there', () => {
    const placement = { where: 'renderer' as const, skipped: [{ name: 'tensorflow' as const, reason: 'a reason with spaces = and "quotes"' }] };
    const raw = placementFromArgv(['electron', '--foo', placementArgument(placement)]);
    expect(parsePlacement(raw)).toEqual({ ok: true, placement });
    expect(parsePlacement(null)).toEqual({ ok: true, placement: null });
    expect(parsePlacement(encodeURIComponent('{"where":"moon"}')).ok).toBe(false);
    expect(parsePlacement('%7B').ok).toBe(false);
  });
});
