/**
 * The one way every host turns a file's bytes into text (CLI, Electron main, web page): UTF-8,
 * a leading byte-order mark dropped, and invalid bytes refused rather than replaced with U+FFFD, so
 * a design or run log reads the same, or fails the same, wherever it is opened.
 */
export type DecodedText = { ok: true; text: string } | { ok: false; message: string };

export function decodeTextFile(bytes: Uint8Array | ArrayBuffer, name: string, what: string): DecodedText {
  let text: string;
  try {
    // TextDecoder drops one leading BOM itself (ignoreBOM defaults to false).
    text = new TextDecoder('utf-8', { fatal: true }).decode(bytes);
  } catch {
    return { ok: false, message: `${name}: not a text file (invalid UTF-8), so not ${what}` };
  }
  // Text that was decoded elsewhere (or saved with two marks) may still start with one.
  return { ok: true, text: text.charCodeAt(0) === 0xfeff ? text.slice(1) : text };
}
