/**
 * What the desktop shell can ask of the UI (menu commands, files opened from outside, the recovery
 * offer at start), mapped onto the same actions the toolbar and shortcuts use.
 */
import { connectShell } from './host/connectShell';
import { getHost } from './host';
import type { MenuCommand } from './host/host';
import { appStore } from './store/store';
import {
  exportDesignJson,
  exportModelFiles,
  exportPytorchFiles,
  newDocumentAsked,
  openDocument,
  openFileAsked,
  openOpenedFile,
  saveFile,
} from './files/fileActions';
import { canvasInstance, fitCanvas } from './canvas/canvasApi';
import { startTraining, stopTraining } from './training/controller';
import { openRunLogAsked } from './replay/replayRunLog';
import { useLessons } from './lessons/lessonState';
import { useAbout } from './about/aboutState';
import { connectNativeEditRoles, textOrGraph, type EditDocument } from './editCommands';

/** One action per menu command: a command added to the menu without one fails to compile. */
export function menuCommandHandlers(doc: EditDocument): Record<MenuCommand, () => void> {
  const state = () => appStore.getState();
  const zoom = (factor: number) => {
    const flow = canvasInstance();
    if (flow) void flow.zoomTo(flow.getZoom() * factor, { duration: 100 });
  };
  return {
    new: newDocumentAsked,
    open: openFileAsked,
    save: () => void saveFile(false),
    'save-as': () => void saveFile(true),
    'open-run-log': () => void openRunLogAsked(),
    'export-tfjs': () => void exportModelFiles('tfjs'),
    'export-keras': () => void exportModelFiles('keras'),
    'export-design': () => void exportDesignJson(),
    'export-pytorch': () => void exportPytorchFiles(),
    'export-onnx': () => void exportModelFiles('onnx'),
    undo: textOrGraph(doc, 'undo', () => appStore.undo()),
    redo: textOrGraph(doc, 'redo', () => appStore.redo()),
    delete: textOrGraph(doc, 'delete', () => state().deleteSelection()),
    // Select All, Copy and Paste are native roles in the desktop menu (editCommands.ts); these
    // serve hosts whose menus send them as commands.
    'select-all': () => state().selectAll(),
    copy: () => state().copySelection(),
    paste: () => state().paste(),
    'fit-view': fitCanvas,
    'zoom-in': () => zoom(1.25),
    'zoom-out': () => zoom(0.8),
    'overlay-off': () => state().setOverlayMode('off'),
    'overlay-forward': () => state().setOverlayMode('forward'),
    'overlay-backward': () => state().setOverlayMode('backward'),
    'train-start': () => void startTraining(),
    'train-stop': stopTraining,
    lessons: () => useLessons.getState().setGalleryOpen(true),
    examples: () => state().setExamplesOpen(true),
    about: () => useAbout.getState().setOpen(true),
    welcome: () => state().setWelcomeOpen(true),
  };
}

export function connectShellCommands(): Promise<() => void> {
  const disconnectEdits = connectNativeEditRoles(document, {
    copy: () => appStore.getState().copySelection(),
    cut: () => {
      appStore.getState().copySelection();
      appStore.getState().deleteSelection();
    },
    paste: () => appStore.getState().paste(),
    selectAll: () => appStore.getState().selectAll(),
  });
  return connectShell(getHost(), {
    commands: menuCommandHandlers(document),
    openDesign: openDocument,
    openFile: openOpenedFile,
    showError: (message) => appStore.getState().say(message, 'error'),
    confirmRecovery: (entry) => window.confirm(`Recover unsaved work "${entry.name}" from ${new Date(entry.savedAt).toLocaleString()}?`),
  }).then((disconnect) => () => {
    disconnect();
    disconnectEdits();
  });
}
