import { StrictMode } from 'react';
import { createRoot } from 'react-dom/client';
import '@xyflow/react/dist/style.css';
import './styles/app.css';
import { selectHost } from './selectHost';
import { App } from './App';
import { appStore } from './store/store';
import { syncDocumentState } from './files/fileActions';
import './store/validation';
import { connectShellCommands } from './shellCommands';
import { exposeTestHooks } from './testHooks';
import { statsStore } from './overlay/statsStore';
import { badgeRenders } from './overlay/OverlayBadge';
import { parseIncoming } from './engine/connection';

selectHost();
syncDocumentState();

exposeTestHooks({ __rescanvasStore: appStore, __rescanvasStats: statsStore, __rescanvasBadgeRenders: badgeRenders, __rescanvasParse: parseIncoming });

const root = document.getElementById('root');
if (!root) throw new Error('index.html has no #root element');
createRoot(root).render(
  <StrictMode>
    <App />
  </StrictMode>,
);
// After the first render so menu commands find the canvas mounted.
void connectShellCommands();
