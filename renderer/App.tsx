import { useEffect } from 'react';
import { ReactFlowProvider } from '@xyflow/react';
import { Toolbar } from './toolbar/Toolbar';
import { Palette } from './palette/Palette';
import { Canvas } from './canvas/Canvas';
import { ProblemsPanel } from './problems/ProblemsPanel';
import { Inspector } from './inspector/Inspector';
import { ExamplesGallery } from './examples/ExamplesGallery';
import { LessonsGallery } from './lessons/LessonsGallery';
import { LessonPanel } from './lessons/LessonPanel';
import { AboutDialog } from './about/AboutDialog';
import { Dialogs } from './Dialogs';
import { FreshWeightsDialog } from './export/FreshWeightsDialog';
import { Welcome } from './welcome/Welcome';
import { StatusBar } from './StatusBar';
import { OpeningProgress } from './open/OpeningProgress';
import { useShortcuts } from './keyboard/useShortcuts';
import { useApp } from './store/store';
// The training panel and the live statistics overlay on the canvas.
import { TrainingPanel } from './training/TrainingPanel';
import { OverlayBar } from './overlay/OverlayBar';

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
            <OverlayBar />
            <ProblemsPanel />
          </main>
          <div className="side">
            <Inspector />
            <TrainingPanel />
          </div>
        </div>
        <StatusBar />
        <OpeningProgress />
        <ExamplesGallery />
        <LessonsGallery />
        <AboutDialog />
        <LessonPanel />
        <Welcome />
        <Dialogs />
        <FreshWeightsDialog />
      </div>
    </ReactFlowProvider>
  );
}
