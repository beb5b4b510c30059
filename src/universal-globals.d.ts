/**
 * The few globals that Node, browsers and Web Workers all provide (WinterCG's common minimum).
 * src/ may use these and nothing else from its environment; the tsconfig loads neither DOM nor Node types.
 */
declare class TextEncoder {
  encode(input?: string): Uint8Array;
}
declare class TextDecoder {
  constructor(label?: string, options?: { fatal?: boolean });
  decode(input?: ArrayBufferView | ArrayBuffer): string;
}
declare const performance: { now(): number };
declare const console: {
  log(...data: unknown[]): void;
  warn(...data: unknown[]): void;
  error(...data: unknown[]): void;
};
declare function setTimeout(handler: () => void, timeoutMs?: number): unknown;
declare function clearTimeout(id: unknown): void;
declare function queueMicrotask(callback: () => void): void;
