/**
 * The Edit menu acts on whatever has focus: a text field edits its text, the canvas edits the graph.
 *
 * Cut, Copy, Paste and Select All are native menu roles (electron/menu.ts): on macOS that is the
 * only way their shortcuts reach text fields, native dialogs included. The browser runs them as
 * editing commands on the page, and when no text field has focus this module turns what they fire
 * into graph commands: `beforecopy`/`beforecut`/`beforepaste` are cancelled so the commands run
 * without a text selection, then `copy`/`cut`/`paste` do the graph's, and the `selectstart` of
 * Select All selects every node instead of every word on the page.
 *
 * Undo, Redo and Delete are commands the menu sends: the browser's own undo fires nothing outside a
 * text field (and would undo a field edited earlier), so the renderer decides. With a text field
 * focused it runs the browser's editing command there, which is what the native role would do.
 *
 * Keyboard shortcuts on the canvas never get here: the page handles them first
 * (renderer/keyboard/useShortcuts.ts) and cancels the key, so the menu does not see it.
 */

/** What the decisions need of the DOM (a Document in the app, a stand-in in unit tests). */
export interface EditDocument {
  readonly activeElement: unknown;
  execCommand(command: string): boolean;
  addEventListener(type: string, listener: (event: Event) => void, options?: { capture?: boolean }): void;
  removeEventListener(type: string, listener: (event: Event) => void, options?: { capture?: boolean }): void;
}

const NON_TEXT_INPUTS = new Set(['button', 'checkbox', 'color', 'file', 'hidden', 'image', 'radio', 'range', 'reset', 'submit']);

/** A field whose text the Edit menu should edit: text inputs, text areas, contenteditable. */
export function isTextField(element: unknown): boolean {
  if (typeof element !== 'object' || element === null) return false;
  const el = element as { tagName?: unknown; type?: unknown; isContentEditable?: unknown; readOnly?: unknown };
  if (el.isContentEditable === true) return true;
  if (el.tagName === 'TEXTAREA') return true;
  return el.tagName === 'INPUT' && !NON_TEXT_INPUTS.has(String(el.type ?? 'text').toLowerCase());
}

function insideDialog(element: unknown): boolean {
  const el = element as { closest?: (selector: string) => unknown } | null;
  return typeof el?.closest === 'function' && el.closest('[role="dialog"],[role="alertdialog"],[role="menu"]') !== null;
}

export type TextEdit = 'undo' | 'redo' | 'delete';

/** The menu command's action: the browser's editing command in a focused text field, else the graph's. */
export function textOrGraph(doc: EditDocument, edit: TextEdit, graph: () => void): () => void {
  return () => {
    if (isTextField(doc.activeElement)) doc.execCommand(edit);
    else graph();
  };
}

export interface GraphClipboard {
  copy(): void;
  cut(): void;
  paste(): void;
  selectAll(): void;
}

/**
 * Routes the native Cut/Copy/Paste/Select All to the graph while no text field has focus. Returns
 * the function that disconnects it.
 */
export function connectNativeEditRoles(doc: EditDocument, graph: GraphClipboard): () => void {
  // Focus in a dialog or menu (Lessons, Examples, a confirmation) belongs to it, not to the graph.
  const onCanvas = (): boolean => !isTextField(doc.activeElement) && !insideDialog(doc.activeElement);
  // A mouse drag also starts a selection; only a selectstart with no button held is Select All.
  let pointerDown = false;
  const listeners: [string, (event: Event) => void][] = [
    ['pointerdown', () => (pointerDown = true)],
    ['pointerup', () => (pointerDown = false)],
    ['pointercancel', () => (pointerDown = false)],
  ];
  for (const kind of ['copy', 'cut', 'paste'] as const) {
    listeners.push([
      `before${kind}`,
      (event) => {
        if (onCanvas()) event.preventDefault();
      },
    ]);
    listeners.push([
      kind,
      (event) => {
        if (!onCanvas()) return;
        event.preventDefault();
        graph[kind]();
      },
    ]);
  }
  listeners.push([
    'selectstart',
    (event) => {
      if (pointerDown || !onCanvas()) return;
      event.preventDefault();
      graph.selectAll();
    },
  ]);
  for (const [type, listener] of listeners) doc.addEventListener(type, listener, { capture: true });
  return () => {
    for (const [type, listener] of listeners) doc.removeEventListener(type, listener, { capture: true });
  };
}
