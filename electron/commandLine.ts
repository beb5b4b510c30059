/**
 * Finds the design file in a launch command line: `rescanvas model.rescanvas`, a double-click on
 * Windows or Linux (the OS passes the path), or a second launch forwarded to the running instance.
 * macOS delivers double-clicks as `open-file` events instead (electron/main.ts).
 */
import { resolve } from 'node:path';
import { isDesignPath } from './files/designFiles';

/**
 * The first argument naming a design (`.rescanvas`, or any `.json` such as `x.rescanvas.json`),
 * resolved against the directory the launch was made from: a second instance forwards its own
 * working directory, which need not be this process's.
 */
export function designPathFromArgv(argv: readonly string[], isPackaged: boolean, cwd: string): string | null {
  // Unpackaged runs are `electron <app dir> [file]`; packaged ones are `rescanvas [file]`.
  const args = argv.slice(isPackaged ? 1 : 2);
  const path = args.find((arg) => !arg.startsWith('-') && isDesignPath(arg));
  return path === undefined ? null : resolve(cwd, path);
}
