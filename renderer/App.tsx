import { useEffect } from 'react';
import { ReactFlowProvider } from '@xyflow/react';
import { Toolbar } from './toolbar/Toolbar';
import { Palette } from './palette/Palette';
import { Canvas } from './canvas/Canvas';
import { ProblemsPanel } from './problems/ProblemsPanel';
import { Inspector } from './inspector/Inspector';
import { ExamplesGallery } from './examples/ExamplesGallery';
import { Dialogs } from './Dialogs';
import { StatusBar } from './StatusBar';
import { useShortcuts } from './keyboard/useShortcuts';
import { useApp } from './store/store';

export function App() {
  useShortcuts();
  const theme = useApp((s) => s.theme);
  useEffect(() => {
    document.documentElement.dataset.theme = theme;
  }, [theme]);
  return (
    <ReactFlowProvider>
      <div className="app">
        <Toolbar />
        <div className="workspace">
          <Palette />
          <main className="centre">
            <Canvas />
            <ProblemsPanel />
          </main>
          <div className="side">
            <Inspector />
            {/* Filled by the training panel (another issue); the landmark exists so layout and tests can rely on it. */}
            <section className="training" aria-label="Training" />
          </div>
        </div>
        <StatusBar />
        <ExamplesGallery />
        <Dialogs />
      </div>
    </ReactFlowProvider>
  );
}
