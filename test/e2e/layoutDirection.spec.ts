import { expect, test, type Page } from './fixtures';
import { dismissWelcome, openExample, toolbar } from './blocksHelpers';

/**
 * The layout direction switch, a folded block's two edges out of its fork, and fitting clear of the
 * minimap, on the production build at 1400×900.
 */

interface StoreView {
  getState(): {
    design: {
      nodes: { id: string; type: string; position: { x: number; y: number } }[];
      edges: { source: string; target: string }[];
      view?: { direction?: string };
    };
  };
}
type PageWindow = { __rescanvasStore: StoreView };

interface Rect {
  left: number;
  top: number;
  right: number;
  bottom: number;
}

/** Every drawn node's screen rectangle, and the minimap's and the zoom controls'. */
async function screenRects(page: Page): Promise<{ nodes: { label: string; r: Rect }[]; minimap: Rect | null; controls: Rect | null; canvas: Rect }> {
  return page.evaluate(() => {
    const rect = (el: Element | null) => {
      if (!el) return null;
      const r = el.getBoundingClientRect();
      return { left: r.left, top: r.top, right: r.right, bottom: r.bottom };
    };
    return {
      nodes: [...document.querySelectorAll('.react-flow__node:not(.react-flow__node-groupFrame)')].map((el) => ({
        label: el.getAttribute('aria-label') ?? '',
        r: rect(el)!,
      })),
      minimap: rect(document.querySelector('.react-flow__minimap')),
      controls: rect(document.querySelector('.react-flow__controls')),
      canvas: rect(document.querySelector('section[aria-label="Canvas"]'))!,
    };
  });
}

const overlapping = (a: Rect, b: Rect): boolean => a.left < b.right && b.left < a.right && a.top < b.bottom && b.top < a.bottom;

async function expectClearOfPanels(page: Page, what: string): Promise<void> {
  const { nodes, minimap, controls, canvas } = await screenRects(page);
  expect(nodes.length, what).toBeGreaterThan(2);
  // Where fitting around the minimap would shrink names below the legible size, the fit sets it aside
  // (the whole network is in view, so there is nothing off-screen for it to map) and the nodes stay legible.
  const setAside = (await page.locator('[data-face]').first().getAttribute('data-minimap')) === 'hidden';
  if (setAside)
    expect(
      nodes.filter((n) => n.r.bottom - n.r.top < 28).map((n) => n.label),
      `${what}: nodes at least 28 px tall`,
    ).toEqual([]);
  else expect(minimap, `${what}: the minimap is shown`).not.toBeNull();
  // Set aside, legibility comes first: the zoom controls may then overlap a node.
  for (const panel of setAside ? [] : [minimap, controls]) {
    if (!panel) continue;
    expect(
      nodes.filter((n) => overlapping(n.r, panel)).map((n) => n.label),
      `${what}: nodes under a corner panel`,
    ).toEqual([]);
  }
  const out = nodes.filter((n) => n.r.left < canvas.left - 1 || n.r.right > canvas.right + 1 || n.r.top < canvas.top - 1 || n.r.bottom > canvas.bottom + 1);
  expect(
    out.map((n) => n.label),
    `${what}: whole network in view`,
  ).toEqual([]);
}

test.beforeEach(async ({ page }) => {
  await page.goto('/?host=memory');
  await dismissWelcome(page);
});

// Fit View right after a fit that set the minimap aside (Unfold blocks fits too) must measure the
// minimap where it would be drawn, not skip it as hidden and then bring it back over the nodes.
test('after opening and after Fit View no node lies under the minimap or the zoom controls', async ({ page }) => {
  test.setTimeout(120_000);
  for (const name of ['ResNet-20 (CIFAR)', 'Residual MLP-20', 'Residual MLP-56']) {
    await openExample(page, name);
    await expectClearOfPanels(page, `${name} opened`);
    await toolbar(page).getByRole('button', { name: 'Unfold blocks', exact: true }).click();
    await page.waitForTimeout(1500);
    await page.getByRole('button', { name: 'Fit View' }).click();
    await page.waitForTimeout(300);
    await expectClearOfPanels(page, `${name} unfolded, Fit View`);
  }
  await page.screenshot({ path: 'test-results/direction-minimap-clear.png' });
});

test('a folded block draws both edges out of its fork: the branch into its input, the shortcut into its side', async ({ page }) => {
  test.setTimeout(90_000);
  await openExample(page, 'ResNet-20 (CIFAR)');
  await expect(page.locator('.react-flow__node[aria-label^="Block "]')).toHaveCount(9);
  const drawn = await page.evaluate(() =>
    [...document.querySelectorAll('.react-flow__edge')].map((el) => {
      const r = el.getBoundingClientRect();
      return { label: el.getAttribute('aria-label') ?? '', width: r.width, height: r.height };
    }),
  );
  // Every block after the first is fed by the block before it; from that fork come two edges.
  for (const merge of ['add_2', 'add_4', 'add_7', 'add_9']) {
    const into = drawn.filter((e) => new RegExp(` to block:${merge}\\b`).test(e.label));
    expect(into.length, `edges into Block ${merge}`).toBe(2);
    expect(into.filter((e) => e.label.includes('(shortcut)')).length, `shortcut into Block ${merge}`).toBe(1);
    expect(new Set(into.map((e) => e.label.split(' to ')[0])).size, `one fork for Block ${merge}`).toBe(1);
    for (const e of into) expect(e.width + e.height, `${e.label} is drawn`).toBeGreaterThan(10);
  }
  // The shortcut enters through the block's side handle.
  await expect(page.getByRole('group', { name: 'Block add_2' }).locator('.react-flow__handle-right')).toHaveCount(1);
  await page.screenshot({ path: 'test-results/direction-fork-edges.png' });
});

test('Left to right lays the network out along x with handles on the sides, in one undo step, and is saved in the view', async ({ page }) => {
  test.setTimeout(120_000);
  await openExample(page, 'Residual MLP-56');
  const before = await page.evaluate(() => (window as unknown as PageWindow).__rescanvasStore.getState().design);
  const button = toolbar(page).getByRole('button', { name: 'Left to right', exact: true });
  await expect(button).toHaveAttribute('aria-pressed', 'false');
  await button.click();
  await expect(button).toHaveAttribute('aria-pressed', 'true');
  await expect.poll(() => page.evaluate(() => (window as unknown as PageWindow).__rescanvasStore.getState().design.view?.direction)).toBe('right');
  await page.waitForTimeout(1000);
  const input = page.getByRole('group', { name: /^Input / });
  await expect(input.locator('.react-flow__handle-right')).toHaveCount(1);
  const firstBlock = page.locator('.react-flow__node[aria-label^="Block "]').first();
  await expect(firstBlock.locator('.react-flow__handle-left')).toHaveCount(1);
  await expect(firstBlock.locator('.react-flow__handle-bottom')).toHaveCount(1);
  // The input's consumer lies to its right, level with it.
  const layout = await page.evaluate(() => {
    const d = (window as unknown as PageWindow).__rescanvasStore.getState().design;
    const inputNode = d.nodes.find((n) => n.type === 'Input')!;
    const next = d.nodes.find((n) => n.id === d.edges.find((e) => e.source === inputNode.id)!.target)!;
    return { input: inputNode.position, next: next.position };
  });
  expect(layout.next.x).toBeGreaterThan(layout.input.x);
  expect(layout.next.y).toBe(layout.input.y);
  await expectClearOfPanels(page, 'left to right');
  await page.screenshot({ path: 'test-results/direction-left-to-right.png' });

  // One undo step restores the direction and every position.
  await toolbar(page).getByRole('button', { name: 'Undo', exact: true }).click();
  await expect(button).toHaveAttribute('aria-pressed', 'false');
  const undone = await page.evaluate(() => (window as unknown as PageWindow).__rescanvasStore.getState().design);
  expect(undone.view?.direction).toBeUndefined();
  expect(undone.nodes.map((n) => n.position)).toEqual(before.nodes.map((n) => n.position));
  await expect(input.locator('.react-flow__handle-bottom')).toHaveCount(1);
  await toolbar(page).getByRole('button', { name: 'Redo', exact: true }).click();
  await expect(button).toHaveAttribute('aria-pressed', 'true');
});

/** One stats frame for every layer of the open (ungrouped) design, through the engine-message validator. */
async function pushForwardFrame(page: Page): Promise<void> {
  await page.getByRole('radiogroup', { name: 'Overlay' }).getByRole('radio', { name: 'Forward' }).check();
  await page.evaluate(() => {
    const w = window as unknown as PageWindow & {
      __rescanvasParse(raw: unknown): { ok: boolean; message?: { frame: unknown; seq: number } };
      __rescanvasStats: { push(frame: unknown, seq: number): void };
    };
    const ids = w.__rescanvasStore.getState().design.nodes.map((n) => n.id);
    const rows = ids.length;
    const activation = new Float32Array(rows * 5);
    for (let r = 0; r < rows; r++) activation.set([0, Math.exp(Math.sin(r / 7) * 2), -1, 1, 0.1], r * 5);
    const raw = {
      v: 1,
      type: 'statsFrame',
      seq: 1,
      frame: {
        schema: 1,
        runId: 'compact-layer',
        step: 1,
        epoch: 0,
        elapsedMs: 100,
        loss: 1,
        nodes: {
          ids,
          activation,
          activationHistogram: new Float32Array(rows * 32),
          gradient: new Float32Array(rows * 3),
          gradientHistogram: new Float32Array(rows * 32),
        },
        edges: { ids: [], gradient: new Float32Array() },
        weights: { ids: [], nodeIds: [], values: new Float32Array() },
        groups: { ids: [], values: new Float32Array() },
      },
    };
    const parsed = w.__rescanvasParse(raw);
    if (!parsed.ok || !parsed.message) throw new Error('the stats frame was rejected');
    w.__rescanvasStats.push(parsed.message.frame, parsed.message.seq);
  });
}

test('a large network zoomed out is drawn as one compact layer: a box per node with its name and overlay colour, clickable, and React Flow nodes again when zoomed in', async ({
  page,
}) => {
  test.setTimeout(240_000);
  await openExample(page, 'Residual MLP-1002 (repeat group)');
  await page.evaluate(() => {
    const store = (window as unknown as { __rescanvasStore: { getState(): { design: { groups: { id: string }[] }; ungroup(id: string): void } } })
      .__rescanvasStore;
    for (const g of store.getState().design.groups) store.getState().ungroup(g.id);
  });
  await toolbar(page).getByRole('button', { name: 'Auto layout', exact: true }).click();
  await expect(page.getByRole('contentinfo').getByRole('status')).toContainText('Auto layout done', { timeout: 180_000 });
  const canvasRegion = page.getByRole('region', { name: 'Canvas' });
  await expect(canvasRegion).toHaveAttribute('data-face', 'compact');
  const boxes = page.locator('.compact-node');
  await expect(boxes).toHaveCount(2004);
  await expect(page.locator('.react-flow__node')).toHaveCount(0);
  // Every box keeps its node's accessible name; the one edge path counts the edges it draws.
  expect(await boxes.evaluateAll((els) => els.filter((el) => !/^\w+ \S+/.test(el.getAttribute('aria-label') ?? '')).length)).toBe(0);
  await expect(page.locator('.compact-layer')).toHaveAttribute('data-drawn-edges', '2503');
  await expect(page.getByRole('group', { name: /^Input / })).toBeVisible();

  await pushForwardFrame(page);
  await expect.poll(() => page.locator('.compact-node[data-stat-value]').count()).toBe(2004);
  const colours = await boxes.evaluateAll((els) => new Set(els.map((el) => getComputedStyle(el).backgroundColor)).size);
  expect(colours, 'boxes coloured by their statistic').toBeGreaterThan(20);
  await page.screenshot({ path: 'test-results/compact-layer-forward.png' });

  // A click on a box selects its layer.
  const target = boxes.nth(700);
  const id = await target.getAttribute('data-id');
  const r = (await target.boundingBox())!;
  await page.mouse.click(r.x + r.width / 2, r.y + r.height / 2);
  await expect
    .poll(() =>
      page.evaluate(() => [
        ...(window as unknown as { __rescanvasStore: { getState(): { selectedIds: Set<string> } } }).__rescanvasStore.getState().selectedIds,
      ]),
    )
    .toEqual([id]);
  await expect(target).toHaveClass(/selected/);

  // Zoomed in to where names read, React Flow draws the nodes in view again, statistic included.
  await page.mouse.move(r.x + r.width / 2, r.y + r.height / 2);
  for (let i = 0; i < 10; i++) await page.mouse.wheel(0, -150);
  await expect(canvasRegion).not.toHaveAttribute('data-face', 'compact');
  await expect(boxes).toHaveCount(0);
  await expect(page.locator(`.react-flow__node[data-id="${id}"]`)).toHaveAttribute('data-stat-value', /\d/);
});

// The bar grows a legend and a timeline when the overlay turns on; it once wrapped onto a second line
// there and covered the top row of a network fitted with the overlay off.
for (const size of [
  { width: 1400, height: 900 },
  { width: 1600, height: 1000 },
]) {
  test(`at ${size.width}×${size.height} the overlay bar stays one line and covers no node when the overlay turns on`, async ({ page }) => {
    test.setTimeout(120_000);
    await page.setViewportSize(size);
    const bar = page.locator('.overlay-bar');
    for (const name of ['Residual MLP-20', 'ResNet-20 (CIFAR)', 'Plain MLP-56']) {
      await openExample(page, name);
      const off = (await bar.boundingBox())!;
      await pushForwardFrame(page);
      await expect(bar.getByText(/step 1 · epoch 0/)).toBeVisible();
      for (const mode of ['Forward', 'Backward'] as const) {
        await page.getByRole('radiogroup', { name: 'Overlay' }).getByRole('radio', { name: mode }).check();
        const on = (await bar.boundingBox())!;
        expect(on.height, `${name} ${mode}: one line`).toBeLessThanOrEqual(off.height + 1);
        const { nodes } = await screenRects(page);
        const covered = nodes.filter((n) => overlapping(n.r, { left: on.x, top: on.y, right: on.x + on.width, bottom: on.y + on.height }));
        expect(
          covered.map((n) => n.label),
          `${name} ${mode}: nodes under the overlay bar`,
        ).toEqual([]);
      }
      await page.getByRole('radiogroup', { name: 'Overlay' }).getByRole('radio', { name: 'Off' }).check();
    }
    await page.screenshot({ path: `test-results/overlay-bar-${size.width}.png` });
  });
}
