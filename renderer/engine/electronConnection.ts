import { PROTOCOL_VERSION, type ToEngineInput } from '../../src/protocol/messages';
import { EngineHostStatus, type EngineHostCommand } from '../../src/protocol/ipc';
import { Listeners, parseIncoming, type EngineConnection, type EngineMessage, type EngineStatus } from './connection';

/**
 * The desktop engine process, reached through the MessagePort the preload hands to the page. Main
 * validates and forwards; messages arrive wrapped as `{kind: 'engine', message}` or
 * `{kind: 'host', status}` (EnginePortMessage), both validated again here.
 */
export class ElectronEngineConnection implements EngineConnection {
  readonly kind = 'electron' as const;
  private port: MessagePort | null = null;
  private queue: unknown[] = [];
  private readonly messages = new Listeners<EngineMessage>();
  private readonly statuses = new Listeners<EngineStatus>();
  private current: EngineStatus = { state: 'starting' };

  constructor(portPromise: Promise<MessagePort>) {
    void portPromise.then((port) => this.attach(port));
  }

  get status(): EngineStatus {
    return this.current;
  }

  send(message: ToEngineInput): void {
    const full = { v: PROTOCOL_VERSION, ...message };
    if (this.port) this.port.postMessage(full);
    else this.queue.push(full);
  }

  subscribe(listener: (message: EngineMessage) => void): () => void {
    return this.messages.add(listener);
  }

  onStatus(listener: (status: EngineStatus) => void): () => void {
    return this.statuses.add(listener);
  }

  /** Asks the desktop host for a fresh engine (a new thread, fresh memory); it answers `restarted`, then the engine `ready`. */
  restart(): void {
    this.setStatus({ state: 'starting' });
    const command: EngineHostCommand = { kind: 'host', command: 'restart' };
    if (this.port) this.port.postMessage(command);
    else this.queue.push(command);
  }

  dispose(): void {
    this.port?.close();
    this.port = null;
  }

  private setStatus(status: EngineStatus): void {
    this.current = status;
    this.statuses.emit(status);
  }

  private attach(port: MessagePort): void {
    this.port = port;
    port.onmessage = (event: MessageEvent<unknown>) => this.receive(event.data);
    port.start();
    // The handshake: a page that connects to an engine already running (after a reload) learns its
    // state from the answer; one that is still starting answers once ready.
    port.postMessage({ v: PROTOCOL_VERSION, type: 'hello' });
    for (const message of this.queue.splice(0)) port.postMessage(message);
  }

  private receive(raw: unknown): void {
    const wrapper = typeof raw === 'object' && raw !== null ? (raw as { kind?: unknown; message?: unknown; status?: unknown }) : {};
    if (wrapper.kind === 'host') {
      const status = EngineHostStatus.safeParse(wrapper.status);
      if (!status.success) return;
      const s = status.data;
      if (s.event === 'crashed') {
        // Requests waiting on the dead engine end with it.
        this.messages.emit({ v: PROTOCOL_VERSION, type: 'error', code: 'crash', message: s.message });
        this.setStatus({ state: 'crashed', message: s.message, restarting: s.restarting });
      } else if (s.event === 'restarted') {
        this.setStatus({ state: 'starting' });
        this.port?.postMessage({ v: PROTOCOL_VERSION, type: 'hello' });
      } else if (s.event === 'rejected') this.messages.emit({ v: PROTOCOL_VERSION, type: 'error', code: 'bad-message', message: s.message });
      return;
    }
    const parsed = parseIncoming(wrapper.kind === 'engine' ? wrapper.message : raw);
    if (!parsed.ok) {
      this.messages.emit({ v: PROTOCOL_VERSION, type: 'error', code: 'bad-message', message: parsed.error });
      return;
    }
    if (parsed.message.type === 'error' && parsed.message.code === 'crash') {
      // The engine says its memory cannot be trusted (wasm out of memory, abort): replace it.
      this.messages.emit(parsed.message);
      this.setStatus({ state: 'crashed', message: parsed.message.message, restarting: true });
      this.restart();
      return;
    }
    if (parsed.message.type === 'ready' || parsed.message.type === 'engineState') this.setStatus({ state: 'ready', backend: parsed.message.backend });
    this.messages.emit(parsed.message);
  }
}
