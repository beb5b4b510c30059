import { expect, test, type Page } from './fixtures';
import { dismissWelcome, exampleNames, openExample, toolbar } from './blocksHelpers';

/**
 * Foldable residual blocks, semantic zoom and the layout chosen on open, on the production build at
 * 1400×900, driven through ui-contract.md names.
 */

interface StoreView {
  getState(): {
    design: { nodes: { id: string; type: string }[]; edges: { id: string; source: string; target: string }[]; view?: { folded?: string[] } };
    select(ids: string[]): void;
  };
}
type PageWindow = { __rescanvasStore: StoreView };

const training = (page: Page) => page.getByRole('region', { name: 'Training' });
const overlay = (page: Page) => page.getByRole('radiogroup', { name: 'Overlay' });
const canvas = (page: Page) => page.getByRole('region', { name: 'Canvas' });

interface Legibility {
  zoom: number;
  nodes: number;
  tooSmall: string[];
  smallText: string[];
  outOfView: string[];
  /** Nodes under the floating overlay bar or the minimap: covered, though inside the canvas. */
  covered: string[];
  /** The overlay bar's height: one line (it once wrapped to two and covered the top row). */
  barHeight: number;
}

/** Every node drawn: at least 28 px tall, its name at least 10 px, inside the canvas. */
async function legibility(page: Page): Promise<Legibility> {
  return page.evaluate(() => {
    const viewport = document.querySelector<HTMLElement>('.react-flow__viewport');
    const zoom = Number(/scale\(([\d.e-]+)\)/.exec(viewport?.style.transform ?? '')?.[1] ?? NaN);
    const area = document.querySelector('section[aria-label="Canvas"]')?.getBoundingClientRect();
    const panel = (el: Element | null) => (el && getComputedStyle(el).display !== 'none' ? el.getBoundingClientRect() : null);
    const bar = panel(document.querySelector('.overlay-bar'));
    const panels = [bar, panel(document.querySelector('.react-flow__minimap'))].filter((r): r is DOMRect => !!r);
    const result = {
      zoom,
      nodes: 0,
      tooSmall: [] as string[],
      smallText: [] as string[],
      outOfView: [] as string[],
      covered: [] as string[],
      barHeight: bar?.height ?? 0,
    };
    if (!area) return result;
    for (const el of document.querySelectorAll<HTMLElement>('.react-flow__node:not(.react-flow__node-groupFrame)')) {
      const label = el.getAttribute('aria-label') ?? el.dataset.id ?? '?';
      const r = el.getBoundingClientRect();
      result.nodes++;
      if (r.left < area.left - 1 || r.right > area.right + 1 || r.top < area.top - 1 || r.bottom > area.bottom + 1) result.outOfView.push(label);
      if (panels.some((p) => r.left < p.right && p.left < r.right && r.top < p.bottom && p.top < r.bottom)) result.covered.push(label);
      if (r.height < 28) result.tooSmall.push(`${label} ${r.height.toFixed(1)}px`);
      const name = el.querySelector<HTMLElement>('.layer-node-name, .block-node-name, .group-node-title');
      const size = name && name.getClientRects().length ? parseFloat(getComputedStyle(name).fontSize) * zoom : 0;
      if (size < 10) result.smallText.push(`${label} ${size.toFixed(1)}px`);
    }
    return result;
  });
}

async function trainOneEpoch(page: Page, conv: boolean): Promise<void> {
  await training(page)
    .getByRole('combobox', { name: 'Dataset' })
    .selectOption({ label: conv ? 'Shapes' : 'Spirals' });
  await training(page)
    .getByRole('spinbutton', { name: 'Samples', exact: true })
    .fill(conv ? '100' : '64');
  await training(page).getByRole('spinbutton', { name: 'Epochs', exact: true }).fill('1');
  await training(page).getByRole('spinbutton', { name: 'Batch size', exact: true }).fill('32');
  const train = toolbar(page).getByRole('button', { name: 'Train', exact: true });
  await expect(train).toBeEnabled({ timeout: 60_000 });
  await train.click();
  await expect(training(page).getByRole('status')).toContainText(/Done after 1 epoch/, { timeout: 400_000 });
}

test.beforeEach(async ({ page }) => {
  await page.goto('/?host=memory');
  await dismissWelcome(page);
  await expect(canvas(page)).toBeVisible();
});

test('every bundled example opens legible at 1400×900', async ({ page }) => {
  test.setTimeout(300_000);
  for (const name of await exampleNames(page)) {
    await openExample(page, name);
    const l = await legibility(page);
    expect(l.outOfView, `${name}: whole network in view`).toEqual([]);
    expect(l.tooSmall, `${name}: nodes at least 28 px tall`).toEqual([]);
    expect(l.smallText, `${name}: names at least 10 px`).toEqual([]);
  }
});

test('every bundled example opens legible at 1400×900 and stays so with the overlay on', async ({ page }) => {
  test.setTimeout(1_500_000);
  const names = await exampleNames(page);
  expect(names.length).toBeGreaterThanOrEqual(8);
  for (const name of names) {
    await openExample(page, name);
    const opened = await legibility(page);
    expect(opened.nodes, name).toBeGreaterThan(2);
    expect(opened.outOfView, `${name}: whole network in view`).toEqual([]);
    expect(opened.tooSmall, `${name}: nodes at least 28 px tall`).toEqual([]);
    expect(opened.smallText, `${name}: names at least 10 px`).toEqual([]);
    expect(opened.covered, `${name}: no node under the overlay bar or the minimap`).toEqual([]);
    const conv = /CIFAR/.test(name);
    await trainOneEpoch(page, conv);
    for (const mode of ['Forward', 'Backward'] as const) {
      await overlay(page).getByRole('radio', { name: mode }).check();
      await expect.poll(async () => page.locator('.react-flow__node[data-stat-value]').count()).toBeGreaterThan(2);
      const l = await legibility(page);
      expect(l.tooSmall, `${name} ${mode}`).toEqual([]);
      expect(l.smallText, `${name} ${mode}`).toEqual([]);
      expect(l.outOfView, `${name} ${mode}`).toEqual([]);
      // Fitted with the overlay off, the view must not be covered once the bar grows its legend and timeline.
      expect(l.covered, `${name} ${mode}: no node under the overlay bar or the minimap`).toEqual([]);
      expect(l.barHeight, `${name} ${mode}: the overlay bar is one line`).toBeLessThanOrEqual(opened.barHeight + 1);
    }
    const file = name
      .toLowerCase()
      .replace(/[^a-z0-9]+/g, '-')
      .replace(/-+$/, '');
    await page.screenshot({ path: `test-results/blocks-${file}.png` });
    await overlay(page).getByRole('radio', { name: 'Off' }).check();
  }
});

test('a folded block shows the gradient norms of its shortcut and branch edges; fold, unfold and Turn into repeat group undo in one step', async ({ page }) => {
  test.setTimeout(240_000);
  await openExample(page, 'ResNet-20 (CIFAR)');
  const folded = page.locator('.react-flow__node[aria-label^="Block "]');
  await expect(folded).toHaveCount(9);
  await trainOneEpoch(page, true);
  await overlay(page).getByRole('radio', { name: 'Backward' }).check();
  await expect(page.getByRole('group', { name: 'Block add_4' })).toHaveAttribute('data-branch-grad-norm', /\d/);
  const block = page.getByRole('group', { name: 'Block add_2' });
  await expect(block).toHaveAttribute('data-shortcut-grad-norm', /\d/);
  const shortcut = Number(await block.getAttribute('data-shortcut-grad-norm'));
  const branch = Number(await block.getAttribute('data-branch-grad-norm'));
  expect(Number(await block.getAttribute('data-stat-value'))).toBeGreaterThan(0);
  // The same frame (training is over) with the blocks unfolded: the edges leaving the fork.
  const edges = await page.evaluate(() => {
    const d = (window as unknown as PageWindow).__rescanvasStore.getState().design;
    const into = d.edges.filter((e) => e.target === 'add_2').map((e) => e.source);
    // An identity block: the fork is the merge's input that is an activation, and feeds branch and shortcut.
    const fork = into.find((id) => d.nodes.find((n) => n.id === id)?.type === 'Activation');
    return { into, fromFork: d.edges.filter((e) => e.source === fork) };
  });
  expect(edges.into.length).toBe(2);
  expect(edges.fromFork.length).toBe(2);
  await toolbar(page).getByRole('button', { name: 'Unfold blocks', exact: true }).click();
  await expect(folded).toHaveCount(0);
  const norms = await Promise.all(
    edges.fromFork.map(async (e) => Number(await page.locator(`.react-flow__edge[data-id="${e.id}"]`).getAttribute('data-grad-norm'))),
  );
  expect(norms.sort()).toEqual([shortcut, branch].sort());
  await page.screenshot({ path: 'test-results/blocks-resnet20-unfolded-backward.png' });

  // Unfold was one step; so is fold.
  await toolbar(page).getByRole('button', { name: 'Undo', exact: true }).click();
  await expect(folded).toHaveCount(9);
  await toolbar(page).getByRole('button', { name: 'Redo', exact: true }).click();
  await expect(folded).toHaveCount(0);
  await toolbar(page).getByRole('button', { name: 'Fold blocks', exact: true }).click();
  await expect(folded).toHaveCount(9);
  await toolbar(page).getByRole('button', { name: 'Undo', exact: true }).click();
  await expect(folded).toHaveCount(0);
  await toolbar(page).getByRole('button', { name: 'Redo', exact: true }).click();
  await expect(folded).toHaveCount(9);

  // Identical blocks share a badge; two consecutive ones become a repeat group in one step.
  await expect(page.getByRole('group', { name: 'Block add_2' }).locator('.block-node-badge')).toHaveText(/×3/);
  const before = await page.evaluate(() => (window as unknown as PageWindow).__rescanvasStore.getState().design.nodes.length);
  await page.getByRole('group', { name: 'Block add_2' }).click();
  await page.getByRole('group', { name: 'Block add_3' }).click({ modifiers: ['Shift'] });
  await toolbar(page).getByRole('button', { name: 'Turn into repeat group', exact: true }).click();
  await expect(page.getByRole('group', { name: /^Repeat .* ×2$/ })).toBeVisible();
  await expect(folded).toHaveCount(7);
  await toolbar(page).getByRole('button', { name: 'Undo', exact: true }).click();
  await expect(folded).toHaveCount(9);
  expect(await page.evaluate(() => (window as unknown as PageWindow).__rescanvasStore.getState().design.nodes.length)).toBe(before);
});

test('zooming out switches nodes to the compact face, keeping their names and statistics', async ({ page }) => {
  test.setTimeout(300_000);
  await openExample(page, 'Residual MLP-56');
  await trainOneEpoch(page, false);
  await overlay(page).getByRole('radio', { name: 'Forward' }).check();
  await toolbar(page).getByRole('button', { name: 'Unfold blocks', exact: true }).click();
  await expect(canvas(page)).toHaveAttribute('data-face', 'compact');
  const node = page.getByRole('group', { name: 'Dense dense_2', exact: true });
  await expect(node).toHaveAttribute('data-stat-value', /\d/);
  await expect(node.locator('.layer-node-name')).toBeHidden();
  await expect(node.locator('.react-flow__handle')).toHaveCount(2);
  await expect(node.locator('.react-flow__handle').first()).toBeHidden();
  await page.screenshot({ path: 'test-results/blocks-compact-face.png' });
  await toolbar(page).getByRole('button', { name: 'Fold blocks', exact: true }).click();
  await expect(canvas(page)).not.toHaveAttribute('data-face', 'compact');
});
