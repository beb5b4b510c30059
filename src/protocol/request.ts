import { awaitReply, nextRequestId } from './awaitReply';
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

/**
 * Sends one request and resolves with its reply, matched by request id; an engine error carrying the
 * id rejects it, and so does a crash (the engine that would have answered is gone). Other requests'
 * replies and errors pass by untouched.
 */
export function request<T extends RequestType>(link: EngineLink, message: RequestOf<T> & { type: T }, options: RequestOptions = {}): Promise<ReplyOf<T>> {
  const type = message.type;
  const requestId = nextRequestId(type);
  const replyType = REPLY[type];
  return awaitReply<FromEngine, ReplyOf<T>>(
    link,
    () => link.send({ ...message, v: PROTOCOL_VERSION, requestId } as ToEngineInput),
    (reply) => {
      if (reply.type === replyType && (reply as { requestId?: string }).requestId === requestId) return { value: reply as ReplyOf<T> };
      if (reply.type === 'error' && (reply.requestId === requestId || reply.code === 'crash'))
        return { error: new EngineReplyError(reply.code, reply.message, type) };
      return null;
    },
    {
      timeoutMs: options.timeoutMs,
      timeoutError: () => new EngineReplyError('timeout', `the engine did not answer ${type} within ${Math.round(options.timeoutMs ?? 0)} ms`, type),
    },
  );
}

/** Whether an engine error answers a request sent with request(), which then handles it. */
export function answersRequest(message: FromEngineOf<'error'>): boolean {
  return message.requestId !== undefined && message.requestId !== '';
}
