import { expect, test, type Page, type Worker } from './fixtures';
import { openExample } from './blocksHelpers';
import { startWithNewDesign } from './welcomeHelpers';

/**
 * The engine recovers from what kills it, on the web build with the engine in its Web Worker: a run
 * that exhausts the worker's wasm memory, and a worker that ends without a word. Each time the UI
 * names the real cause, says the engine was restarted, and the next run trains without a reload.
 */

interface StoreView {
  getState(): {
    runs: { outcome: { reason: string } | null }[];
    loadDesign(design: unknown, name: string, handle: null): void;
  };
}
type PageWindow = { __rescanvasStore: StoreView };

const training = (page: Page) => page.getByRole('region', { name: 'Training' });
const toolbar = (page: Page) => page.getByRole('toolbar', { name: 'Main toolbar' });
const status = (page: Page) => training(page).getByRole('status');
const trainButton = (page: Page) => toolbar(page).getByRole('button', { name: 'Train', exact: true });

async function configure(page: Page, { epochs, samples, batch, lr = '0.003' }: { epochs: number; samples: number; batch: number; lr?: string }): Promise<void> {
  await training(page).getByRole('combobox', { name: 'Dataset' }).selectOption({ label: 'Spirals' });
  await training(page).getByRole('spinbutton', { name: 'Samples', exact: true }).fill(String(samples));
  await training(page).getByRole('spinbutton', { name: 'Epochs', exact: true }).fill(String(epochs));
  await training(page).getByRole('spinbutton', { name: 'Batch size', exact: true }).fill(String(batch));
  await training(page).getByRole('spinbutton', { name: 'Learning rate', exact: true }).fill(lr);
}

/** Residual MLP-20 trains to the end on the engine as it now is. */
async function trainResidualMlp(page: Page): Promise<void> {
  await openExample(page, 'Residual MLP-20');
  await configure(page, { epochs: 2, samples: 300, batch: 32 });
  await expect(trainButton(page)).toBeEnabled({ timeout: 60_000 });
  await trainButton(page).click();
  await expect(status(page)).toContainText(/Done after 2 epochs · loss [\d.e+-]+ · accuracy/, { timeout: 120_000 });
  const last = await page.evaluate(() => (window as unknown as PageWindow).__rescanvasStore.getState().runs.at(-1)?.outcome?.reason);
  expect(last).toBe('completed');
}

/**
 * Input[2] → Dense 16384 → 16 LayerNorms → Output. At batch 256 the memory estimate (~3.7 GB: the
 * statistics' copies and LayerNorm's backward pass) is more than the wasm engine can use, so the
 * engine refuses it before compiling. At batch 128 it needs ~1.9 GB and is let through.
 */
function layerNormTower(): unknown {
  const at = (y: number) => ({ x: 0, y });
  const nodes: unknown[] = [
    { id: 'in', type: 'Input', params: { shape: [2] }, position: at(0) },
    { id: 'wide', type: 'Dense', params: { units: 16384, activation: 'relu', useBias: true, kernelInitializer: 'glorotUniform' }, position: at(120) },
  ];
  const edges: unknown[] = [{ id: 'e0', source: 'in', target: 'wide', targetPort: 0 }];
  let previous = 'wide';
  for (let i = 1; i <= 16; i++) {
    nodes.push({ id: `norm${i}`, type: 'LayerNorm', params: { epsilon: 0.001 }, position: at(120 + 120 * i) });
    edges.push({ id: `e${i}`, source: previous, target: `norm${i}`, targetPort: 0 });
    previous = `norm${i}`;
  }
  nodes.push({ id: 'out', type: 'Output', params: { units: 2, activation: 'softmax', loss: 'categoricalCrossentropy' }, position: at(2300) });
  edges.push({ id: 'eo', source: previous, target: 'out', targetPort: 0 });
  return { format: 'rescanvas.design', version: 1, metadata: { name: 'LayerNorm tower', description: '', tags: [] }, nodes, edges, groups: [] };
}

/**
 * Takes `bytes` of the engine worker's wasm heap, as memory held by earlier work would: the one thing
 * a design-only estimate cannot know is what the heap already holds. tf.js keeps its engine on the
 * worker's global scope; its wasm backend's `_malloc` is the engine's checked allocator. Returns
 * the bytes taken (less when the heap runs out first).
 */
async function occupyWasmHeap(worker: Worker, bytes: number): Promise<number> {
  return worker.evaluate((target) => {
    const engine = (self as unknown as { _tfengine?: { backendName: string; backend: { wasm?: { _malloc(n: number): number } } } })._tfengine;
    const wasm = engine?.backendName === 'wasm' ? engine.backend.wasm : undefined;
    if (!wasm) throw new Error(`the engine runs on ${engine?.backendName ?? 'no backend'}, not wasm`);
    const block = 128 * 2 ** 20;
    let taken = 0;
    while (taken + block <= target) {
      try {
        if (wasm._malloc(block) === 0) break;
      } catch {
        break;
      }
      taken += block;
    }
    return taken;
  }, bytes);
}

/** The engine's worker: the one whose name carries the engine's options (workerOptions.ts). */
async function engineWorker(page: Page): Promise<Worker> {
  let found: Worker | undefined;
  await expect
    .poll(async () => {
      for (const worker of page.workers()) {
        // wasm's thread workers run from blob: URLs and may be too busy to answer an evaluate.
        if (worker.url().startsWith('blob:')) continue;
        const name = await worker.evaluate(() => (self as unknown as { name: string }).name).catch(() => '');
        if (name.startsWith('rescanvas-engine ')) found = worker;
      }
      return found !== undefined;
    })
    .toBe(true);
  return found as Worker;
}

test.beforeEach(async ({ page }) => {
  await page.setViewportSize({ width: 1400, height: 900 });
  // Threads forced: the worker would run these dense designs on one thread, and the out-of-memory
  // hang below was one of the threaded build.
  await page.goto('/?host=memory&threads=2');
  await startWithNewDesign(page);
  await expect(training(page)).toBeVisible();
});

// On threaded wasm (the page is cross-origin isolated) running out of heap used to hang at "Starting…": tf.js
// took a null or wrapped-around block from the full heap and a pool thread trapped writing it. The engine
// now checks every allocation (src/engine/backends/wasmAllocation.ts), so the step fails with a named error.
test('a design the estimate refuses is refused before compiling; one that runs out of wasm memory is named, the engine restarts, and Residual MLP-20 then trains', async ({
  page,
}) => {
  test.setTimeout(600_000);
  await page.evaluate(
    (design) => (window as unknown as PageWindow).__rescanvasStore.getState().loadDesign(design, 'layernorm-tower.rescanvas.json', null),
    layerNormTower(),
  );
  const problems = page.getByRole('region', { name: 'Problems' });
  await expect(problems).toContainText('0 errors');
  await expect(problems.getByRole('listitem')).toHaveCount(0);

  // At batch 256 the engine refuses it from the estimate, before compiling: no crash, the same worker.
  await configure(page, { epochs: 1, samples: 300, batch: 256 });
  await expect(trainButton(page)).toBeEnabled({ timeout: 60_000 });
  const firstWorker = await engineWorker(page);
  await trainButton(page).click();
  await expect(status(page)).toContainText(/training needs ~(3\.[6-9]|[4-9]\.\d) GB .*; the wasm engine can use ~3\.5 GB/, { timeout: 120_000 });
  await expect(status(page)).not.toContainText('crashed');
  // Problems lists nothing (it checks at the default batch), so the hint must not send the user there.
  await expect(status(page)).not.toContainText('Fix the items listed under Problems');
  await expect(status(page)).toContainText('Problems lists nothing for this design at its default settings');
  expect(await engineWorker(page)).toBe(firstWorker);

  // At batch 128 it fits an empty heap (~1.7 GB measured), but not one that already holds 3.3 GB.
  await configure(page, { epochs: 1, samples: 300, batch: 128 });
  const taken = await occupyWasmHeap(firstWorker, 3.3e9);
  expect(taken).toBeGreaterThan(3e9);
  await trainButton(page).click();

  await expect(status(page)).toContainText(
    /The training engine crashed: the engine( ran out of memory|'s WebAssembly runtime aborted, most likely out of memory)/,
    { timeout: 480_000 },
  );
  await expect(status(page)).toContainText('the engine was restarted; press Train to try again', { timeout: 60_000 });
  await expect(status(page)).not.toContainText('Problems');
  await expect(problems.getByRole('listitem')).toHaveCount(0);
  const outcome = await page.evaluate(() => (window as unknown as PageWindow).__rescanvasStore.getState().runs.at(-1)?.outcome?.reason);
  expect(outcome).toBe('failed');
  // A fresh worker, hence fresh wasm memory.
  expect(await engineWorker(page)).not.toBe(firstWorker);
  await status(page).scrollIntoViewIfNeeded();
  await page.screenshot({ path: test.info().outputPath('out-of-memory-recovered.png') });

  await trainResidualMlp(page);
  await page.screenshot({ path: test.info().outputPath('trained-after-recovery.png') });
});

test('a worker closed mid-run from outside is noticed: the run fails with the reason, the engine restarts, the next run trains', async ({ page }) => {
  test.setTimeout(300_000);
  await openExample(page, 'Residual MLP-20');
  await configure(page, { epochs: 200, samples: 400, batch: 32 });
  await expect(trainButton(page)).toBeEnabled({ timeout: 60_000 });
  await trainButton(page).click();
  await expect(status(page)).toContainText(/Epoch \d+\/200/, { timeout: 60_000 });

  const worker = await engineWorker(page);
  // self.close() ends the worker with no error event; the evaluation itself may never answer.
  void worker.evaluate(() => self.close()).catch(() => undefined);

  await expect(status(page)).toContainText('The training engine crashed: the training worker stopped without reporting an error', { timeout: 60_000 });
  await expect(status(page)).toContainText('the engine was restarted; press Train to try again', { timeout: 60_000 });
  const outcome = await page.evaluate(() => (window as unknown as PageWindow).__rescanvasStore.getState().runs.at(-1)?.outcome?.reason);
  expect(outcome).toBe('failed');
  await status(page).scrollIntoViewIfNeeded();
  await page.screenshot({ path: test.info().outputPath('closed-worker-recovered.png') });

  await trainResidualMlp(page);
});
