import { MemoryHost } from '../../../renderer/host/memory';
import { hostContract } from './contract';

hostContract('memory', async () => {
  const host = new MemoryHost();
  return {
    host,
    userWillOpen: (name, content) => {
      host.files.set(name, content);
      host.nextOpen = name;
    },
    userWillOpenRunLog: (name, content) => {
      host.files.set(name, typeof content === 'string' ? content : new TextDecoder().decode(content));
      host.nextRunLog = name;
    },
    limitRunLogBytes: (bytes) => {
      host.maxRunLogBytes = bytes;
    },
    userWillCancel: () => {
      host.nextOpen = null;
      host.nextRunLog = null;
      host.nextSaveAs = null;
    },
    userWillSaveAs: (name) => {
      host.nextSaveAs = name;
    },
    readSaved: async (name) => {
      const exported = host.exports.flatMap((b) => b.files).find((f) => f.name === name);
      if (exported) return typeof exported.data === 'string' ? exported.data : new TextDecoder().decode(exported.data);
      return host.files.get(name) ?? null;
    },
    restart: 'none',
    writesBack: true,
    openFromOutside: async (name, content) => {
      host.files.set(name, content);
      host.nextOpen = name;
      host.emitExternalOpen(await host.openDesign());
    },
  };
});
