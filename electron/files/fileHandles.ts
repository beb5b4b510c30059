import { randomBytes } from 'node:crypto';
import { resolve } from 'node:path';

/**
 * The only way from a renderer request to a path on disk. Main registers a path when the user
 * picked it (dialog, command line, double-click, Open Recent) and gives the renderer a random
 * handle; a renderer can name no other file, whatever string it sends.
 */
export class FileHandles {
  private readonly pathByHandle = new Map<string, string>();
  private readonly handleByPath = new Map<string, string>();

  register(path: string): string {
    const absolute = resolve(path);
    const known = this.handleByPath.get(absolute);
    if (known) return known;
    const handle = `file-${randomBytes(16).toString('hex')}`;
    this.pathByHandle.set(handle, absolute);
    this.handleByPath.set(absolute, handle);
    return handle;
  }

  pathOf(handle: string): string | null {
    return this.pathByHandle.get(handle) ?? null;
  }
}
