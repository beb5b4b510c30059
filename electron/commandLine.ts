/**
 * Finds the design file in a launch command line: `rescanvas model.rescanvas.json`, a double-click
 * (the OS passes the path), or a second launch forwarded to the running instance.
 */
export function designPathFromArgv(argv: readonly string[], isPackaged: boolean): string | null {
  // Unpackaged runs are `electron <app dir> [file]`; packaged ones are `rescanvas [file]`.
  const args = argv.slice(isPackaged ? 1 : 2);
  return args.find((arg) => !arg.startsWith('-') && arg.toLowerCase().endsWith('.json')) ?? null;
}
