import { setHost, type Host } from './host';
import { MemoryHost } from './host/memory';
import { ElectronHost } from './host/electronHost';
import { WebHost } from './host/web';
import { WorkerEngineConnection } from './engine/workerConnection';
import type { Design } from '../src/graph/design';
import type { SaveResult } from './host/host';
import { exposeTestHooks, underAutomation } from './testHooks';

const SESSION_KEY = 'rescanvas.memoryHost.files';

/**
 * A MemoryHost whose files survive a page reload (sessionStorage), so browser tests can save,
 * reload and open again. Chosen only with `?host=memory` on a page driven by automation; never in normal use.
 */
class SessionMemoryHost extends MemoryHost {
  constructor() {
    super(() => new WorkerEngineConnection());
    try {
      const saved: unknown = JSON.parse(sessionStorage.getItem(SESSION_KEY) ?? '{}');
      if (saved && typeof saved === 'object') {
        for (const [name, text] of Object.entries(saved)) if (typeof text === 'string') this.files.set(name, text);
      }
    } catch {
      // A corrupt test store starts empty; it never holds user work.
    }
  }

  override async saveDesign(design: Design, handle: string | null): Promise<SaveResult> {
    const result = await super.saveDesign(design, handle);
    sessionStorage.setItem(SESSION_KEY, JSON.stringify(Object.fromEntries(this.files)));
    return result;
  }
}

/** The one place that decides which host the UI runs on (the shell engineer wires the real hosts here). */
export function selectHost(search: string = location.search): Host {
  const params = new URLSearchParams(search);
  if (params.get('host') === 'memory' && underAutomation()) {
    const host = new SessionMemoryHost();
    exposeTestHooks({ __rescanvasTestHost: host });
    setHost(host);
    return host;
  }
  // The desktop preload exposes `window.rescanvas`; a browser tab has none.
  const host = window.rescanvas ? new ElectronHost(window.rescanvas) : WebHost.forBrowser(window);
  setHost(host);
  return host;
}
