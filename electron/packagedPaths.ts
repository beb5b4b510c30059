/**
 * Files electron-builder unpacks from app.asar (electron-builder.yml `asarUnpack`) must be opened at
 * their unpacked location by anything that does not go through Electron's asar file system: the
 * engine's ES-module utility process, and what it loads (wasm binaries, tfjs-node).
 */
import { sep } from 'node:path';

/** `…/resources/app.asar/dist/electron/x` → `…/resources/app.asar.unpacked/dist/electron/x`; other paths unchanged. */
export function unpackedPath(path: string): string {
  const marker = `${sep}app.asar${sep}`;
  const at = path.indexOf(marker);
  return at < 0 ? path : `${path.slice(0, at)}${sep}app.asar.unpacked${sep}${path.slice(at + marker.length)}`;
}
