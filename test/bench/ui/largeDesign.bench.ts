import { mkdirSync, writeFileSync } from 'node:fs';
import { expect, test, type CDPSession, type Page } from '@playwright/test';
import { largeDesignText } from '../../fixtures/largeDesign';

/**
 * A 50,000-node design in the web UI, through the normal File ▸ Open path (the File System Access
 * picker answered with the generated file): time to the first painted canvas, the longest main-thread
 * task while opening, JS heap after opening, then edits (add, move, delete, connect, undo) timed from
 * the action to the next painted frame, and the longest task in the second after each edit (work an
 * edit schedules for later still freezes the page). Edit kinds: add, move, connect, delete, rename,
 * a parameter change, undo and redo; each reports p50 / p95.
 *
 * Target: every edit kind's p95 ≤ LARGE_DESIGN_TARGET_MS (100 ms); the run fails when one is over,
 * after writing every figure. LARGE_DESIGN_TARGET_MS=0 reports without a target (for a baseline).
 */

const NODES = Number(process.env.LARGE_DESIGN_NODES ?? 50_000);
const EDITS = Number(process.env.LARGE_DESIGN_EDITS ?? 12);
const TARGET_MS = Number(process.env.LARGE_DESIGN_TARGET_MS ?? 100);
const FILE_NAME = 'large.rescanvas.json';
/** LARGE_DESIGN_PROFILE=1: a sampled CPU profile of each timed edit, summed per edit kind (self time per function). */
const PROFILE = process.env.LARGE_DESIGN_PROFILE === '1';
const results: Record<string, unknown> = {};

async function installPicker(page: Page, text: string): Promise<void> {
  await page.route(`**/__bench/${FILE_NAME}`, (route) => route.fulfill({ body: text, contentType: 'application/json' }));
  await page.addInitScript((name) => {
    const w = window as unknown as Record<string, unknown>;
    w.showOpenFilePicker = async () => {
      const blob = await (await fetch(`/__bench/${name}`)).blob();
      const file = new File([blob], name, { type: 'application/json' });
      return [
        {
          kind: 'file',
          name,
          getFile: async () => file,
          createWritable: async () => {
            throw new Error('read only in the benchmark');
          },
        },
      ];
    };
    w.showSaveFilePicker = async () => {
      throw new DOMException('no saving in the benchmark', 'AbortError');
    };
    w.showDirectoryPicker = async () => {
      throw new DOMException('no saving in the benchmark', 'AbortError');
    };
    const probe = { long: [] as { start: number; duration: number }[] };
    (window as unknown as { __longTasks: typeof probe }).__longTasks = probe;
    new PerformanceObserver((list) => {
      for (const e of list.getEntries()) probe.long.push({ start: e.startTime, duration: e.duration });
    }).observe({ type: 'longtask', buffered: true });
  }, FILE_NAME);
}

const longestSince = (page: Page, since: number): Promise<number> =>
  page.evaluate(
    (t) =>
      Math.round(
        Math.max(
          0,
          ...(window as unknown as { __longTasks: { long: { start: number; duration: number }[] } }).__longTasks.long
            .filter((e) => e.start + e.duration >= t)
            .map((e) => e.duration),
        ),
      ),
    since,
  );

const now = (page: Page): Promise<number> => page.evaluate(() => performance.now());

/** Runs `action` in the page and resolves with the time until the frame after its work was painted. */
async function timeEdit(page: Page, action: string, arg?: unknown): Promise<number> {
  return page.evaluate(
    async ({ action, arg }) => {
      const store = window.__rescanvasStore!;
      const s = store.getState();
      const start = performance.now();
      switch (action) {
        case 'add':
          s.addLayer('Dense', arg as { x: number; y: number });
          break;
        case 'move':
          s.nudgeSelection(10, 0);
          break;
        case 'delete':
          s.deleteSelection();
          break;
        case 'connect':
          s.connectNodes((arg as string[])[0], (arg as string[])[1]);
          break;
        case 'undo':
          store.undo();
          break;
        case 'redo':
          store.redo();
          break;
        case 'rename':
          s.setName((arg as string[])[0], (arg as string[])[1]);
          break;
        case 'param':
          s.setParams((arg as [string, Record<string, unknown>])[0], (arg as [string, Record<string, unknown>])[1]);
          break;
      }
      await new Promise((resolve) => requestAnimationFrame(() => setTimeout(resolve, 0)));
      return performance.now() - start;
    },
    { action, arg },
  );
}

interface ProfileNode {
  id: number;
  callFrame: { functionName: string; url: string; lineNumber: number; columnNumber: number };
}
interface CpuProfile {
  nodes: (ProfileNode & { children?: number[] })[];
  samples: number[];
  timeDeltas: number[];
}

/** Self and total time per function (name, file, line) of one profile, added into `into`. */
function addSelfTimes(profile: CpuProfile, into: Map<string, number>): void {
  const byId = new Map(profile.nodes.map((n) => [n.id, n]));
  const parent = new Map<number, number>();
  for (const n of profile.nodes) for (const c of n.children ?? []) parent.set(c, n.id);
  const keyOf = (f: ProfileNode['callFrame']): string =>
    `${f.functionName || '(anonymous)'} ${f.url ? `${f.url.split('/').pop()}:${f.lineNumber + 1}:${f.columnNumber + 1}` : ''}`.trim();
  profile.samples.forEach((id, i) => {
    const ms = (profile.timeDeltas[i] ?? 0) / 1000;
    const self = byId.get(id);
    if (!self) return;
    const selfKey = `self ${keyOf(self.callFrame)}`;
    into.set(selfKey, (into.get(selfKey) ?? 0) + ms);
    const seen = new Set<string>();
    for (let at: number | undefined = id; at !== undefined; at = parent.get(at)) {
      const node = byId.get(at);
      if (!node) break;
      const key = `total ${keyOf(node.callFrame)}`;
      if (seen.has(key)) continue;
      seen.add(key);
      into.set(key, (into.get(key) ?? 0) + ms);
    }
  });
}

function summary(times: number[]): { p50: number; p95: number; max: number; n: number } {
  const sorted = [...times].sort((a, b) => a - b);
  const at = (q: number) => Math.round(sorted[Math.min(sorted.length - 1, Math.floor(sorted.length * q))]);
  return { p50: at(0.5), p95: at(0.95), max: Math.round(sorted[sorted.length - 1]), n: sorted.length };
}

test(`open and edit a ${NODES}-node design`, async ({ page }) => {
  test.setTimeout(900_000);
  const text = largeDesignText({ nodes: NODES });
  results.file = { nodes: NODES, megabytes: Math.round((text.length / 1048576) * 10) / 10 };
  await installPicker(page, text);
  await page.goto('/');
  await page.getByRole('dialog', { name: 'Welcome' }).getByRole('button', { name: 'New design', exact: true }).click();
  await page.waitForTimeout(500);

  const before = await now(page);
  const started = Date.now();
  await page.getByRole('toolbar', { name: 'Main toolbar' }).getByRole('button', { name: 'Open', exact: true }).click();
  const sawProgress = await page
    .getByRole('progressbar', { name: 'Opening design' })
    .waitFor({ timeout: 30_000 })
    .then(
      () => true,
      () => false,
    );
  await page.locator('.react-flow__node[data-id="output"], .react-flow__node').first().waitFor({ timeout: 600_000 });
  await page.waitForFunction((n) => window.__rescanvasStore!.getState().design.nodes.length === n, NODES, { timeout: 600_000 });
  await page.evaluate(() => new Promise((r) => requestAnimationFrame(() => setTimeout(r, 0))));
  const openMs = Date.now() - started;
  await page.waitForTimeout(3000);
  const heap = await page.evaluate(() => (performance as unknown as { memory?: { usedJSHeapSize: number } }).memory?.usedJSHeapSize ?? 0);
  results.open = {
    toFirstPaintMs: openMs,
    progressShown: sawProgress,
    longestTaskMs: await longestSince(page, before),
    renderedNodes: await page.locator('.react-flow__node').count(),
    heapMB: Math.round(heap / 1048576),
  };
  save();

  const cdp: CDPSession | null = PROFILE ? await page.context().newCDPSession(page) : null;
  if (cdp) {
    await cdp.send('Profiler.enable');
    await cdp.send('Profiler.setSamplingInterval', { interval: 200 });
  }
  const selfTimes = new Map<string, Map<string, number>>();
  const times: Record<string, number[]> = { add: [], move: [], connect: [], delete: [], rename: [], param: [], undo: [], redo: [] };
  const after: number[] = [];
  const edit = async (action: string, arg?: unknown): Promise<void> => {
    const t = await now(page);
    if (cdp) await cdp.send('Profiler.start');
    times[action].push(await timeEdit(page, action, arg));
    if (cdp) {
      const { profile } = (await cdp.send('Profiler.stop')) as unknown as { profile: CpuProfile };
      if (!selfTimes.has(action)) selfTimes.set(action, new Map());
      addSelfTimes(profile, selfTimes.get(action)!);
    }
    await page.waitForTimeout(1000);
    after.push(await longestSince(page, t));
    results.edits = Object.fromEntries(Object.entries(times).map(([k, v]) => [k, v.length ? summary(v) : null]));
    results.longestTaskAfterEditMs = summary(after);
    save();
  };
  for (let i = 0; i < EDITS; i++) {
    await edit('add', { x: -600, y: i * 100 });
    await edit('move');
    const added = await page.evaluate(() => [...window.__rescanvasStore!.getState().selectedIds][0]);
    await edit('connect', ['stem', added]);
    await page.evaluate((id) => window.__rescanvasStore!.getState().select([id]), added);
    await edit('delete');
    await edit('undo');
    await edit('redo');
    await edit('undo');
    // Layers in view at the network's start; the activation swap keeps every shape as it was.
    await edit('rename', ['dense_2', `renamed ${i}`]);
    await edit('param', ['dense_3', { units: 16, activation: i % 2 ? 'linear' : 'relu' }]);
  }
  expect(await page.evaluate(() => window.__rescanvasStore!.getState().design.nodes.length)).toBeGreaterThan(NODES);
  results.edits = Object.fromEntries(Object.entries(times).map(([k, v]) => [k, summary(v)]));
  results.longestTaskAfterEditMs = summary(after);
  const heapAfter = await page.evaluate(() => (performance as unknown as { memory?: { usedJSHeapSize: number } }).memory?.usedJSHeapSize ?? 0);
  results.heapAfterEditsMB = Math.round(heapAfter / 1048576);
  if (PROFILE)
    results.profile = Object.fromEntries(
      [...selfTimes].map(([kind, m]) => [
        kind,
        [...m]
          .sort((a, b) => b[1] - a[1])
          .slice(0, 60)
          .map(([name, ms]) => `${Math.round(ms / times[kind].length)} ms ${name}`),
      ]),
    );
  save();
  if (TARGET_MS > 0) {
    const over = Object.entries(times)
      .map(([kind, v]) => [kind, summary(v).p95] as const)
      .filter(([, p95]) => p95 > TARGET_MS);
    expect(over, `edit kinds whose p95 is over ${TARGET_MS} ms`).toEqual([]);
  }
});

/** Written as figures arrive, so a run cut short still leaves the opening figures. */
function save(): string {
  const text = JSON.stringify(results, null, 2);
  mkdirSync('test-results', { recursive: true });
  writeFileSync('test-results/bench-ui-large-design.json', `${text}\n`);
  return text;
}

/** Per edit kind, p50 / p95 / max against the target: the line to read first. */
function editTable(): string {
  const edits = (results.edits ?? {}) as Record<string, { p50: number; p95: number; max: number; n: number } | null>;
  const rows = Object.entries(edits)
    .filter((entry): entry is [string, { p50: number; p95: number; max: number; n: number }] => !!entry[1])
    .map(
      ([kind, s]) =>
        `${kind.padEnd(8)} | ${String(s.p50).padStart(7)} | ${String(s.p95).padStart(7)} | ${String(s.max).padStart(7)} | ${String(s.n).padStart(3)} | ${TARGET_MS > 0 ? (s.p95 <= TARGET_MS ? 'ok' : 'OVER') : '-'}`,
    );
  return [
    `Single edits on ${NODES} nodes (ms, action to next painted frame; target p95 ≤ ${TARGET_MS || 'none'})`,
    'edit     |     p50 |     p95 |     max |   n | p95',
    ...rows,
  ].join('\n');
}

test.afterAll(() => {
  console.log(save());
  console.log(editTable());
});
