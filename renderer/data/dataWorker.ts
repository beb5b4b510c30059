/// <reference lib="webworker" />
/**
 * The data worker: reads CSV files and run logs and builds datasets for previews and exports, so a
 * 100 MB CSV or a 300 MB run log never holds the page (dataWorkerHandler.ts does the work).
 */
import { dataWorkerHandler } from './dataWorkerHandler';

const scope = self as unknown as DedicatedWorkerGlobalScope;
const handle = dataWorkerHandler((message, transfer = []) => scope.postMessage(message, transfer));
scope.onmessage = (event: MessageEvent<unknown>) => void handle(event.data);
