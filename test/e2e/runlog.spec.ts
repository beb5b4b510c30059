/**
 * File ▸ Open run log… on the web host, through the overlay bar's "Open run log…" button and the
 * browser's file chooser: a run log built here with the app's own run-log writers, a real 2-process
 * torchrun job's log (when Debian's PyTorch is installed), and bad logs that must change nothing.
 */
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { expect, test, type Page, withoutFilePickers } from './fixtures';
import { parseDesignText } from '../../src/graph/parse';
import type { Design } from '../../src/graph/design';
import { unroll } from '../../src/graph/unroll';
import { endLine, epochLine, runHeaderLine, statsLine } from '../../src/protocol/runLog';
import { ACTIVATION_FIELDS, GRADIENT_FIELDS, HISTOGRAM_BINS, STATS_SCHEMA_VERSION, type StatsFrame } from '../../src/schema/stats';
import { startWithNewDesign } from './welcomeHelpers';

const ROOT = join(import.meta.dirname, '../..');
const status = (page: Page) => page.getByRole('contentinfo').getByRole('status');
const overlay = (page: Page) => page.getByRole('radiogroup', { name: 'Overlay' });
const flowNodes = (page: Page) => page.locator('.react-flow__node');

function example(name: string): Design {
  const parsed = parseDesignText(readFileSync(join(ROOT, 'assets/examples', `${name}.rescanvas.json`), 'utf8'));
  if (!parsed.ok) throw new Error(`${name} does not parse`);
  return parsed.design;
}

/**
 * A run log for `design` in the format train.py and `rescanvas train --log` write. Row r of frame k has
 * activation std (r % 7 + 1)·(k + 1)/10 and gradient RMS (r % 5 + 1)·10^-(k + 1), so every frame differs;
 * the Input's gradient is unmeasured (NaN), as the engine reports it.
 */
function syntheticLog(design: Design, frames: number, withDesign: boolean): string {
  const nodes = unroll(design).nodes;
  const ids = nodes.map((n) => n.id);
  const runId = 'replay-e2e';
  const lines = [
    runHeaderLine({
      format: 'rescanvas.runlog',
      version: 1,
      source: 'rescanvas',
      runId,
      designName: design.metadata.name,
      design: withDesign ? design : undefined,
      nodeIds: ids,
      startedAt: '2026-11-27T20:00:00.000Z',
    }),
  ];
  for (let k = 0; k < frames; k++) {
    const activation = new Float32Array(ids.length * ACTIVATION_FIELDS.length);
    const gradient = new Float32Array(ids.length * GRADIENT_FIELDS.length);
    nodes.forEach((n, r) => {
      const std = ((r % 7) + 1) * (k + 1) * 0.1;
      activation.set([0, std, -3 * std, 3 * std, 0], r * ACTIVATION_FIELDS.length);
      const rms = n.node.type === 'Input' ? NaN : ((r % 5) + 1) * 10 ** -(k + 1);
      gradient.set([rms * 4, rms, rms * 3], r * GRADIENT_FIELDS.length);
    });
    const frame: StatsFrame = {
      schema: STATS_SCHEMA_VERSION,
      runId,
      step: k * 10,
      epoch: Math.floor(k / 2) + 1,
      elapsedMs: k * 100,
      loss: 1 / (k + 1),
      nodes: {
        ids,
        activation,
        activationHistogram: new Float32Array(ids.length * HISTOGRAM_BINS).fill(1 / HISTOGRAM_BINS),
        gradient,
        gradientHistogram: new Float32Array(ids.length * HISTOGRAM_BINS).fill(1 / HISTOGRAM_BINS),
      },
      edges: { ids: [], gradient: new Float32Array() },
      weights: { ids: [], nodeIds: [], values: new Float32Array() },
      groups: { ids: [], values: new Float32Array() },
    };
    lines.push(statsLine(frame));
    if (k % 2 === 1)
      lines.push(
        epochLine({
          epoch: (k + 1) / 2,
          step: k * 10,
          loss: 1 / (k + 1),
          accuracy: 0.5 + k / 20,
          validationLoss: null,
          validationAccuracy: null,
          learningRate: 0.01,
          elapsedMs: k * 100,
        }),
      );
  }
  lines.push(endLine({ reason: 'completed', step: (frames - 1) * 10, epoch: Math.ceil(frames / 2), elapsedMs: frames * 100 }));
  return `${lines.join('\n')}\n`;
}

async function openRunLog(page: Page, name: string, content: string): Promise<void> {
  const chooser = page.waitForEvent('filechooser');
  await page.getByRole('button', { name: 'Open run log…' }).click();
  await (await chooser).setFiles({ name, mimeType: 'application/jsonl', buffer: Buffer.from(content) });
}

async function statValues(page: Page): Promise<{ id: string; value: string | null }[]> {
  return flowNodes(page).evaluateAll((els) => els.map((el) => ({ id: el.getAttribute('data-id') ?? '', value: el.getAttribute('data-stat-value') })));
}

/**
 * Every node has a finite value. In Backward, with `inputGradient: false`, the Input nodes alone have
 * none: the app's engine measures no gradient there (PyTorch's train.py does).
 */
async function expectValuesOnEveryNode(page: Page, mode: 'Forward' | 'Backward', inputGradient = true): Promise<{ id: string; value: string | null }[]> {
  await overlay(page).getByRole('radio', { name: mode }).check();
  const inputs = await page.evaluate(
    () =>
      window.__rescanvasStore
        ?.getState()
        .design.nodes.filter((n) => n.type === 'Input')
        .map((n) => n.id) ?? [],
  );
  const expectedEmpty = mode === 'Backward' && !inputGradient ? inputs.sort() : [];
  await expect
    .poll(
      async () =>
        (await statValues(page))
          .filter((n) => !n.value)
          .map((n) => n.id)
          .sort(),
      { timeout: 10_000 },
    )
    .toEqual(expectedEmpty);
  const values = await statValues(page);
  for (const v of values) if (v.value) expect(Number.isFinite(Number(v.value)), `${v.id}: ${v.value}`).toBe(true);
  return values;
}

const designIds = (page: Page) => page.evaluate(() => window.__rescanvasStore?.getState().design.nodes.map((n) => n.id) ?? []);

test.beforeEach(async ({ page }) => {
  // The <input type=file> path: Playwright's file chooser drives it (File System Access pickers it cannot).
  await withoutFilePickers(page);
  await page.goto('/');
  await startWithNewDesign(page);
  await expect(page.getByRole('region', { name: 'Canvas' })).toBeVisible();
});

test('replays a run log of another design: offers its design, then every node shows values and the timeline scrubs', async ({ page }) => {
  test.setTimeout(120_000);
  const design = example('residual-mlp-1002-repeat');
  const log = syntheticLog(design, 6, true);
  const questions: string[] = [];
  page.on('dialog', (dialog) => {
    questions.push(dialog.message());
    void dialog.accept();
  });
  await openRunLog(page, 'synthetic.jsonl', log);
  await expect(status(page)).toContainText('Replaying run log synthetic.jsonl: 6 frames, epochs 3, final loss 0.1667', { timeout: 30_000 });
  expect(questions).toHaveLength(1);
  expect(questions[0]).toContain(`It was written for the design "${design.metadata.name}"`);
  expect((await designIds(page)).sort()).toEqual(design.nodes.map((n) => n.id).sort());
  await expect(overlay(page).getByRole('radio', { name: 'Forward' })).toBeChecked();

  const forward = await expectValuesOnEveryNode(page, 'Forward');
  // The repeat group (500 copies, 1002 unrolled rows) is collapsed: its node shows its exit's copies.
  expect(forward.map((v) => v.id)).toContain('block');
  await expect(page.getByText(/^replay synthetic\.jsonl · step 50 · epoch 3$/)).toBeVisible();
  await page.screenshot({ path: 'test-results/runlog-replay.png' });

  // Scrub to the first frame: every value changes (its std is 1/6 of the last frame's).
  const timeline = page.getByRole('slider', { name: 'Timeline' });
  await expect(timeline).toHaveAttribute('max', '5');
  await timeline.fill('0');
  await expect(page.getByText(/^replay synthetic\.jsonl · step 0 · epoch 1$/)).toBeVisible();
  await expect.poll(async () => (await statValues(page)).filter((v, i) => v.value === forward[i].value).map((v) => v.id)).toEqual([]);
  const first = await statValues(page);
  for (let i = 0; i < first.length; i++) expect(Number(first[i].value)).toBeCloseTo(Number(forward[i].value) / 6, 4);

  const backward = await expectValuesOnEveryNode(page, 'Backward', false);
  await timeline.fill('5');
  await expect.poll(async () => (await statValues(page)).filter((v, i) => v.value && v.value === backward[i].value).map((v) => v.id)).toEqual([]);

  // Opening it again needs no question: the design on the canvas now fits the log.
  await openRunLog(page, 'synthetic.jsonl', log);
  await expect(status(page)).toContainText('Replaying run log synthetic.jsonl: 6 frames');
  expect(questions).toHaveLength(1);
});

test('replays a real torchrun (2 processes) run log from an exported PyTorch package', async ({ page }) => {
  test.setTimeout(300_000);
  const torch = spawnSync('/usr/bin/python3', ['-c', 'import torch'], { encoding: 'utf8', timeout: 60_000 });
  // CI installs python3-torch (.ci/run): there its absence is a failure, not a skip.
  if (process.env.CI) expect(torch.status, `PyTorch is required in CI: ${torch.stderr}`).toBe(0);
  test.skip(torch.status !== 0, "Debian's PyTorch is not installed (/usr/bin/python3 -c 'import torch' failed), so no torchrun job can write a log");
  const dir = mkdtempSync(join(tmpdir(), 'rescanvas-runlog-e2e-'));
  try {
    const out = join(dir, 'run.jsonl');
    const made = spawnSync(join(ROOT, 'node_modules/.bin/tsx'), [join(ROOT, 'scripts/make-runlog-fixture.ts'), out], {
      cwd: ROOT,
      encoding: 'utf8',
      timeout: 280_000,
    });
    test.skip(made.status === 3, `make-runlog-fixture: ${made.stderr.trim()}`);
    expect(made.status, `make-runlog-fixture failed:\n${made.stdout}\n${made.stderr}`).toBe(0);
    const log = readFileSync(out, 'utf8');
    page.on('dialog', (dialog) => void dialog.accept());
    await openRunLog(page, 'run.jsonl', log);
    await expect(status(page)).toContainText(/Replaying run log run\.jsonl: \d+ frames, epochs 2, final loss [\d.]+ .*pytorch, 2 processes · completed/, {
      timeout: 30_000,
    });
    const expected = example('residual-mlp-20');
    expect((await designIds(page)).sort()).toEqual(expected.nodes.map((n) => n.id).sort());
    // Opening the log's design folds its blocks to fit the window; every layer is checked unfolded.
    await expect(page.locator('.react-flow__node[aria-label^="Block "]').first()).toBeVisible();
    await page.getByRole('button', { name: 'Unfold blocks', exact: true }).click();
    await expect(page.locator('.react-flow__node-layer')).toHaveCount(expected.nodes.length);
    const forward = await expectValuesOnEveryNode(page, 'Forward');
    expect(forward.length).toBe(expected.nodes.length);
    await page.screenshot({ path: 'test-results/runlog-replay-pytorch-forward.png' });
    await expectValuesOnEveryNode(page, 'Backward');
    await page.screenshot({ path: 'test-results/runlog-replay-pytorch-backward.png' });
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

test('a bad run log shows a clear error and changes neither the overlay nor the design', async ({ page }) => {
  test.setTimeout(120_000);
  await page.evaluate((design) => window.__rescanvasStore?.getState().loadDesign(design, 'residual-mlp-20.rescanvas.json', null), example('residual-mlp-20'));
  const before = await designIds(page);
  expect(before.length).toBeGreaterThan(20);
  const good = syntheticLog(example('residual-mlp-1002-repeat'), 2, false).split('\n');
  const badLine = `${[good[0], good[1], '{"kind":"stats","schema":1,', good[2]].join('\n')}\n`;
  await openRunLog(page, 'broken.jsonl', badLine);
  await expect(status(page)).toHaveText(/^Could not replay: broken\.jsonl: line 3: not JSON .*The canvas and overlay are unchanged\.$/);
  await expect(status(page)).toHaveClass(/status-error/);

  // Valid, but for a design that is not open and not stored in the log: names the missing ids and the design.
  await openRunLog(page, 'other.jsonl', good.join('\n'));
  await expect(status(page)).toContainText('Could not replay other.jsonl: its stats name');
  await expect(status(page)).toContainText('the open design does not have: "layernorm_1"');
  await expect(status(page)).toContainText('It was written for the design "Residual MLP-1002 (repeat group)"');

  await openRunLog(page, 'empty.jsonl', '');
  await expect(status(page)).toContainText('Could not replay: empty.jsonl: the file is empty');

  // A log carrying its design, with unsaved edits on the canvas: agreeing to open the log's design
  // still asks about the edits first, and Cancel there keeps them.
  await page.evaluate(() => {
    const store = window.__rescanvasStore;
    const design = store?.getState().design;
    if (store && design) store.setState({ design: { ...design, metadata: { ...design.metadata, description: 'unsaved edit' } } });
  });
  page.on('dialog', (dialog) => void dialog.accept());
  await openRunLog(page, 'carries-design.jsonl', syntheticLog(example('residual-mlp-1002-repeat'), 2, true));
  const discard = page.getByRole('alertdialog', { name: 'Discard unsaved changes' });
  await expect(discard).toBeVisible();
  await discard.getByRole('button', { name: 'Cancel' }).click();
  await expect(discard).toBeHidden();
  expect(await page.evaluate(() => window.__rescanvasStore?.getState().design.metadata.description)).toBe('unsaved edit');

  await expect(overlay(page).getByRole('radio', { name: 'Off' })).toBeChecked();
  expect(await designIds(page)).toEqual(before);
  expect((await statValues(page)).filter((v) => v.value)).toEqual([]);
  expect(await page.evaluate(() => window.__rescanvasStats?.frameCount)).toBe(0);
});
