import { memo } from 'react';
import { appStore, isDirty, useApp, useHistoryCounts } from '../store/store';
import { newDocumentAsked, openFileAsked, saveFile } from '../files/fileActions';
import { ExportMenu } from './ExportMenu';
import { ImportModelButton } from '../files/ImportModelButton';
import { foldAndLayout, repeatSelection, runAutoLayout, toggleLayoutDirection } from './commands';
import { BLOCK_PREFIX } from '../canvas/blockIds';
// Train/Stop drive the engine through the training controller.
import { startTraining, stopTraining } from '../training/controller';
import { LessonsButton } from '../lessons/LessonsButton';
import { useValidation } from '../store/validation';

function ToolbarView() {
  const { past, future } = useHistoryCounts();
  const hasSelection = useApp((s) => s.selectedIds.size > 0);
  const dirty = useApp(isDirty);
  const fileName = useApp((s) => s.fileName);
  const theme = useApp((s) => s.theme);
  const leftToRight = useApp((s) => s.design.view?.direction === 'right');
  const blockSelection = useApp((s) => [...s.selectedIds].filter((id) => id.startsWith(BLOCK_PREFIX)).length);
  // Memory errors are left out: Problems estimates them at the default batch, and a smaller batch in the
  // Training panel may fit; the engine checks the run's own batch when Train is pressed.
  const designErrors = useValidation((s) => s.result.diagnostics.filter((d) => d.severity === 'error' && d.code !== 'memory').length);
  const engineIdle = useApp((s) => s.runPhase === 'idle' && s.engineState === 'ready');
  const canTrain = engineIdle && designErrors === 0;
  const trainTitle =
    designErrors > 0
      ? `Fix the ${designErrors} error${designErrors === 1 ? '' : 's'} listed under Problems to train this design`
      : 'Train the design with the settings in the Training panel';
  const canStop = useApp((s) => s.runPhase === 'running' || s.runPhase === 'paused');
  return (
    <header className="toolbar" role="toolbar" aria-label="Main toolbar">
      <span className="app-title">
        ResCanvas — <span className="file-name">{fileName}</span>
        {dirty && (
          <span className="dirty-marker" aria-label="unsaved changes" title="Unsaved changes">
            ●
          </span>
        )}
      </span>
      <div className="toolbar-group">
        <button type="button" onClick={newDocumentAsked}>
          New
        </button>
        <button type="button" onClick={openFileAsked}>
          Open
        </button>
        <ImportModelButton />
        <button type="button" onClick={() => void saveFile()}>
          Save
        </button>
        <button type="button" onClick={() => void saveFile(true)}>
          Save As
        </button>
        <ExportMenu />
        <button type="button" onClick={() => appStore.getState().setExamplesOpen(true)}>
          Examples
        </button>
        <LessonsButton />
      </div>
      <div className="toolbar-group">
        <button type="button" onClick={() => appStore.undo()} disabled={past === 0} title="Undo (Ctrl+Z)">
          Undo
        </button>
        <button type="button" onClick={() => appStore.redo()} disabled={future === 0} title="Redo (Shift+Ctrl+Z)">
          Redo
        </button>
        <button type="button" onClick={() => void runAutoLayout()}>
          Auto layout
        </button>
        <button
          type="button"
          aria-pressed={leftToRight}
          onClick={() => void toggleLayoutDirection()}
          title="Draw data flowing left to right (pressed) or top-down, and lay the network out again"
        >
          Left to right
        </button>
        <button
          type="button"
          onClick={() => appStore.getState().wrapSelectionInResidual()}
          disabled={!hasSelection}
          title="Make the selected chain g into x + g(x)"
        >
          Wrap in residual block
        </button>
        <button
          type="button"
          onClick={() => repeatSelection()}
          disabled={!hasSelection}
          title="Repeat the selected block 10 times (change the count in the Inspector)"
        >
          Repeat block
        </button>
        <button type="button" onClick={() => void foldAndLayout('all', true)} title="Draw every residual block as one node (the network is unchanged)">
          Fold blocks
        </button>
        <button type="button" onClick={() => void foldAndLayout('all', false)} title="Draw every layer of every residual block">
          Unfold blocks
        </button>
        {blockSelection >= 2 && (
          <button
            type="button"
            onClick={() => appStore.getState().turnIntoRepeatGroup()}
            title="Replace the selected consecutive identical blocks by one repeat group (the inverse of Ungroup)"
          >
            Turn into repeat group
          </button>
        )}
      </div>
      <div className="toolbar-group">
        <button type="button" onClick={() => void startTraining()} disabled={!canTrain} title={trainTitle}>
          Train
        </button>
        <button type="button" onClick={stopTraining} disabled={!canStop} title="Stop the current run (its curves and weights are kept)">
          Stop
        </button>
        <button type="button" aria-pressed={theme === 'dark'} onClick={() => appStore.getState().setTheme(theme === 'dark' ? 'light' : 'dark')}>
          Dark theme
        </button>
      </div>
    </header>
  );
}

export const Toolbar = memo(ToolbarView);
