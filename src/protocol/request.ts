import { PROTOCOL_VERSION, type ErrorCode, type FromEngine, type FromEngineOf, type ToEngineInput } from './messages';

/**
 * A line to an engine that speaks the protocol: the UI's engine connection (a Web Worker or the
 * desktop engine), or an EngineSession in this process (the CLI, lessons, tests).
 */
export interface EngineLink {
  send(message: ToEngineInput): void;
  subscribe(listener: (message: FromEngine) => void): () => void;
}

/** Each request type and the type of the message that answers it. */
interface Replies {
  hello: 'engineState';
  loadDesign: 'designLoaded';
  evaluate: 'evaluation';
  dropBlocks: 'blockDrop';
  skipLayers: 'layersSkipped';
  exportWeights: 'weights';
  predictGrid: 'gridPrediction';
  lossLandscape: 'landscape';
}
export type RequestType = keyof Replies;
const REPLY: Replies = {
  hello: 'engineState',
  loadDesign: 'designLoaded',
  evaluate: 'evaluation',
  dropBlocks: 'blockDrop',
  skipLayers: 'layersSkipped',
  exportWeights: 'weights',
  predictGrid: 'gridPrediction',
  lossLandscape: 'landscape',
};

type Distribute<T> = T extends unknown ? Omit<T, 'v' | 'requestId'> : never;
export type RequestOf<T extends RequestType> = Distribute<Extract<ToEngineInput, { type: T }>>;
export type ReplyOf<T extends RequestType> = FromEngineOf<Replies[T]>;

/** The engine refused a request, or died before answering it; `code` is the protocol's error code. */
export class EngineReplyError extends Error {
  constructor(
    readonly code: ErrorCode | 'timeout',
    message: string,
    readonly inReplyTo: RequestType,
  ) {
    super(message);
    this.name = 'EngineReplyError';
  }
}

export interface RequestOptions {
  /** Rejects with code 'timeout' when no answer came within this time; no limit when omitted. */
  timeoutMs?: number;
}

const timers = globalThis as unknown as { setTimeout(callback: () => void, ms: number): unknown; clearTimeout(handle: unknown): void };
let sequence = 0;

/** Ids unique within this process and unlikely to meet another process's (a page and a CLI may share an engine log). */
function nextRequestId(type: RequestType): string {
  sequence += 1;
  return `${type}-${sequence.toString(36)}-${Math.floor(Math.random() * 2 ** 32).toString(36)}`;
}

/**
 * Sends one request and resolves with its reply, matched by request id; an engine error carrying the
 * id rejects it, and so does a crash (the engine that would have answered is gone). Other requests'
 * replies and errors pass by untouched.
 */
export function request<T extends RequestType>(link: EngineLink, message: RequestOf<T> & { type: T }, options: RequestOptions = {}): Promise<ReplyOf<T>> {
  const type = message.type;
  const requestId = nextRequestId(type);
  const replyType = REPLY[type];
  return new Promise<ReplyOf<T>>((resolve, reject) => {
    let timer: unknown = null;
    const finish = (): void => {
      if (timer !== null) timers.clearTimeout(timer);
      unsubscribe();
    };
    const unsubscribe = link.subscribe((reply) => {
      if (reply.type === replyType && (reply as { requestId?: string }).requestId === requestId) {
        finish();
        resolve(reply as ReplyOf<T>);
      } else if (reply.type === 'error' && (reply.requestId === requestId || reply.code === 'crash')) {
        finish();
        reject(new EngineReplyError(reply.code, reply.message, type));
      }
    });
    if (options.timeoutMs !== undefined) {
      timer = timers.setTimeout(() => {
        unsubscribe();
        reject(new EngineReplyError('timeout', `the engine did not answer ${type} within ${Math.round(options.timeoutMs ?? 0)} ms`, type));
      }, options.timeoutMs);
    }
    link.send({ ...message, v: PROTOCOL_VERSION, requestId } as ToEngineInput);
  });
}

/** Whether an engine error answers a request sent with request(), which then handles it. */
export function answersRequest(message: FromEngineOf<'error'>): boolean {
  return message.requestId !== undefined && message.requestId !== '';
}
