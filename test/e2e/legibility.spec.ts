import { expect, test, type Page } from './fixtures';
import { dismissWelcome, openExample, toolbar } from './blocksHelpers';

/**
 * What a newcomer reads off the canvas at 1400×900 on the production build: edges that are not hidden
 * under nodes, node names that are not cut, backward arrowheads in proportion to their edges.
 */

interface StoreView {
  getState(): { design: { edges: { id: string; source: string; target: string }[] } };
}
type PageWindow = { __rescanvasStore: StoreView };

const training = (page: Page) => page.getByRole('region', { name: 'Training' });
const overlay = (page: Page) => page.getByRole('radiogroup', { name: 'Overlay' });

test.beforeEach(async ({ page }) => {
  await page.goto('/?host=memory');
  await dismissWelcome(page);
});

/** For each drawn edge, how many of 60 points along it lie inside a node that is neither of its ends. */
async function hiddenEdgePoints(page: Page): Promise<Record<string, number>> {
  return page.evaluate(() => {
    const design = (window as unknown as PageWindow).__rescanvasStore.getState().design;
    const rects = new Map<string, DOMRect>();
    for (const el of document.querySelectorAll<HTMLElement>('.react-flow__node[data-id]')) rects.set(el.dataset.id ?? '', el.getBoundingClientRect());
    const out: Record<string, number> = {};
    for (const e of design.edges) {
      const path = document.querySelector<SVGPathElement>(`.react-flow__edge[data-id="${e.id}"] .react-flow__edge-path`);
      const ctm = path?.getScreenCTM();
      if (!path || !ctm) continue;
      const length = path.getTotalLength();
      let hidden = 0;
      for (let i = 0; i <= 60; i++) {
        const q = path.getPointAtLength((length * i) / 60);
        const p = new DOMPoint(q.x, q.y).matrixTransform(ctm);
        for (const [id, r] of rects)
          if (id !== e.source && id !== e.target && p.x > r.left + 1 && p.x < r.right - 1 && p.y > r.top + 1 && p.y < r.bottom - 1) hidden++;
      }
      out[e.id] = hidden;
    }
    return out;
  });
}

test('no edge of the Projection shortcut example runs under a node', async ({ page }) => {
  await openExample(page, 'Projection shortcut');
  const hidden = await hiddenEdgePoints(page);
  expect(Object.keys(hidden).length).toBe(8);
  expect(Object.entries(hidden).filter(([, n]) => n > 0)).toEqual([]);
  await page.screenshot({ path: 'test-results/legibility-projection.png' });
});

test('long names on the name face wrap between words and are not cut; the full face keeps them on one line', async ({ page }) => {
  test.setTimeout(180_000);
  await openExample(page, 'Plain MLP-56');
  const canvas = page.getByRole('region', { name: 'Canvas' });
  await expect(canvas).toHaveAttribute('data-face', 'name');
  const names = await page.evaluate(() =>
    [...document.querySelectorAll<HTMLElement>('.react-flow__node .layer-node-name')].map((el) => {
      // Each run of text between break opportunities must sit on one line: no word is split.
      const splitWords = [...el.childNodes]
        .filter((n) => n.nodeType === Node.TEXT_NODE)
        .filter((n) => {
          const range = document.createRange();
          range.selectNodeContents(n);
          return new Set([...range.getClientRects()].map((r) => Math.round(r.top))).size > 1;
        })
        .map((n) => n.textContent);
      return {
        name: el.title,
        text: el.textContent,
        cut: el.scrollWidth > el.clientWidth + 1 || el.scrollHeight > el.clientHeight + 1,
        splitWords,
      };
    }),
  );
  expect(names.length).toBeGreaterThan(100);
  expect(names.filter((n) => n.cut).map((n) => n.name)).toEqual([]);
  expect(names.filter((n) => n.splitWords.length).map((n) => n.name)).toEqual([]);
  expect(names.filter((n) => n.text !== n.name)).toEqual([]);
  // batchnorm_12 does not fit one line of the name face: it is there, on two.
  expect(names.some((n) => n.name.startsWith('batchnorm_'))).toBe(true);
  await page.screenshot({ path: 'test-results/legibility-names.png' });

  // Zoomed in to the full face the name goes back to one line beside the type (the body needs the height).
  // (By wheel: the fit set the zoom buttons aside, as they would cover a name.)
  const box = (await canvas.boundingBox())!;
  await page.mouse.move(box.x + box.width / 2, box.y + box.height / 2);
  await expect
    .poll(async () => {
      await page.mouse.wheel(0, -150);
      return canvas.getAttribute('data-face');
    })
    .toBe('full');
  const heads = await page.evaluate(() =>
    [...document.querySelectorAll<HTMLElement>('.react-flow__node .layer-node-name')].map((el) => {
      const range = document.createRange();
      range.selectNodeContents(el);
      return new Set([...range.getClientRects()].map((r) => Math.round(r.top))).size;
    }),
  );
  expect(heads.length).toBeGreaterThan(0);
  expect(heads.filter((lines) => lines > 1)).toEqual([]);
});

test('backward arrowheads stay in proportion to their edges', async ({ page }) => {
  test.setTimeout(180_000);
  await openExample(page, 'Projection shortcut');
  await training(page).getByRole('spinbutton', { name: 'Samples', exact: true }).fill('64');
  await training(page).getByRole('spinbutton', { name: 'Epochs', exact: true }).fill('1');
  const train = toolbar(page).getByRole('button', { name: 'Train', exact: true });
  await expect(train).toBeEnabled({ timeout: 60_000 });
  await train.click();
  await expect(training(page).getByRole('status')).toContainText(/Done after 1 epoch/, { timeout: 120_000 });
  await overlay(page).getByRole('radio', { name: 'Backward' }).check();
  await expect.poll(async () => page.locator('.react-flow__edge[data-grad-norm]').count()).toBeGreaterThan(4);
  const arrows = await page.evaluate(() =>
    [...document.querySelectorAll<SVGPathElement>('.overlay-edge')].map((path) => {
      const id = /url\(#([^)]+)\)/.exec(path.getAttribute('marker-start') ?? '')?.[1] ?? '';
      const marker = document.getElementById(id);
      return {
        stroke: parseFloat(getComputedStyle(path).strokeWidth),
        units: marker?.getAttribute('markerUnits'),
        size: Number(marker?.getAttribute('markerWidth')),
      };
    }),
  );
  expect(arrows.length).toBe(8);
  for (const a of arrows) {
    // Sized in flow units, not multiples of the stroke: a head wider than its stroke, never a slab.
    expect(a.units).toBe('userSpaceOnUse');
    expect(a.size).toBeGreaterThan(a.stroke + 2);
    expect(a.size).toBeLessThanOrEqual(3 * a.stroke + 5);
  }
  expect(new Set(arrows.map((a) => a.size)).size, 'thicker edges carry larger heads').toBeGreaterThan(1);
  await page.screenshot({ path: 'test-results/legibility-backward.png' });
});
