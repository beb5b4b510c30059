/**
 * Connects the UI to what the host sends on its own: menu commands, designs opened from outside
 * the page, and the offer to recover unsaved work at start. The UI passes its actions; this file
 * holds the order and the rules (recovered work opens as unsaved, declined work is discarded).
 */
import type { Design } from '../../src/graph/design';
import type { Host, MenuCommand, OpenedDesign, RecoveryEntry } from './host';

export interface ShellActions {
  commands: Partial<Record<MenuCommand, () => void>>;
  /** `handle` null: a recovered or new document, saved with Save As. */
  openDesign(design: Design, name: string, handle: string | null): void;
  /** A file opened from outside the page (command line, Open Recent, the OS), with any weights found beside it. */
  openFile(file: OpenedDesign): void;
  showError(message: string): void;
  /** "Recover unsaved work from <savedAt>?" — true restores it. */
  confirmRecovery(entry: RecoveryEntry): boolean | Promise<boolean>;
}

export async function connectShell(host: Host, actions: ShellActions): Promise<() => void> {
  const offMenu = host.onMenuCommand((command) => {
    const run = actions.commands[command];
    // Said, not dropped: a menu item that does nothing is a bug the user should be able to report.
    if (run) run();
    else actions.showError(`The menu command "${command}" has no action in this window.`);
  });
  let recovery: RecoveryEntry | null = null;
  try {
    recovery = await host.readRecovery();
  } catch (error) {
    actions.showError(`Unsaved work from the last session could not be read: ${error instanceof Error ? error.message : String(error)}`);
  }
  if (recovery) {
    // Kept until the user saves (the UI clears recovery after a save), so a second crash loses nothing either.
    if (await actions.confirmRecovery(recovery)) actions.openDesign(recovery.design, recovery.name, null);
    else await host.clearRecovery();
  }
  // Subscribed after the recovery question so a file from the command line is not hidden behind it.
  const offOpen = host.onExternalOpen((result) => {
    if (result.status === 'opened') actions.openFile(result.file);
    else if (result.status === 'error') actions.showError(`Could not open: ${result.message}`);
  });
  return () => {
    offMenu();
    offOpen();
  };
}
