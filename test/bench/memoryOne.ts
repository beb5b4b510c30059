/**
 * One design, one process (the wasm heap never shrinks, and RSS peaks are per process): train a few
 * steps on the wasm engine and print the estimate beside the measured peaks as one JSON line.
 * Run by test/bench/memory.ts.
 */
import { readFileSync } from 'node:fs';
import * as tf from '@tensorflow/tfjs';
import type { BackendWasm } from '@tensorflow/tfjs-backend-wasm';
import { EngineSession } from '../../src/engine/session';
import { selectBackend } from '../../src/engine/backends/select';
import { portableCandidates } from '../../src/engine/backends/portable';
import { parseDesignText } from '../../src/graph/parse';
import { estimateResources } from '../../src/compile/resources';
import { loadDataset } from '../../src/engine/datasets/load';
import { TrainSettings } from '../../src/schema/settings';
import { trackTensorPeak } from './tensorPeak';
import { PROTOCOL_VERSION, type FromEngine } from '../../src/protocol/messages';

const [file, datasetKind, batchText, samplesText] = process.argv.slice(2);
const parsed = parseDesignText(readFileSync(file, 'utf8'));
if (!parsed.ok) throw new Error(`${file}: ${parsed.diagnostics.map((d) => d.message).join('; ')}`);
const design = parsed.design;
const batchSize = Number(batchText);
const samples = Number(samplesText);
const report = await selectBackend(portableCandidates(tf), 'wasm');
// HEAPU8 is the Emscripten module's view of the whole heap; tf.js' types leave it out.
const heap = () => ((tf.backend() as BackendWasm).wasm as unknown as { HEAPU8: Uint8Array }).HEAPU8.byteLength;
const heapBefore = heap();
const tensorPeak = trackTensorPeak(tf);
const rssBefore = process.memoryUsage().rss;

const settings = TrainSettings.parse({ dataset: { kind: datasetKind, size: samples }, epochs: 1, batchSize, fitDesignToDataset: true });
let failure: string | null = null;
const session = new EngineSession(tf, {
  backend: report,
  statsMaxInFlight: Infinity,
  post: (m: FromEngine) => {
    if (m.type === 'error') failure = m.message;
  },
});
await session.handle({ v: PROTOCOL_VERSION, type: 'loadDesign', design });
await session.handle({ v: PROTOCOL_VERSION, type: 'start', runId: 'bench', settings });
await session.idle();
session.dispose();
if (failure) throw new Error(failure);

// As the engine's own check: the validation batch is 256 or the whole validation set when smaller.
const validation = (await loadDataset(settings.dataset)).validation.count;
const estimate = estimateResources(design, { batchSize, optimizer: 'adam', samples, evaluationBatch: Math.min(256, validation) });
console.log(
  JSON.stringify({
    design: design.metadata.name,
    batchSize,
    samples,
    estimateBytes: estimate.trainingBytes,
    parameters: estimate.parameters,
    tensorPeakBytes: tensorPeak.value(),
    heapBeforeBytes: heapBefore,
    heapPeakBytes: heap(),
    rssBeforeBytes: rssBefore,
    rssPeakBytes: process.resourceUsage().maxRSS * 1024,
  }),
);
