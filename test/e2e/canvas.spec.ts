import { expect, test, type Locator, type Page } from './fixtures';
import { startWithNewDesign } from './welcomeHelpers';

/**
 * The canvas editor driven as a user would: by accessible roles and names (ui-contract.md), real
 * mouse drags and the keyboard. The page uses the in-memory host (`?host=memory`), whose files
 * survive a reload through sessionStorage, so save → reload → open can be checked without a file dialog.
 */

const palette = (page: Page) => page.getByRole('complementary', { name: 'Layer palette' });
const canvas = (page: Page) => page.getByRole('region', { name: 'Canvas' });
const problems = (page: Page) => page.getByRole('region', { name: 'Problems' });
const inspector = (page: Page) => page.getByRole('complementary', { name: 'Inspector' });
const node = (page: Page, id: string): Locator => page.locator(`.react-flow__node[data-id="${id}"]`);

async function addFromPalette(page: Page, type: string): Promise<void> {
  await palette(page).getByRole('button', { name: type, exact: true }).click();
}

async function connectInInspector(page: Page, target: string, source: string): Promise<void> {
  await node(page, target).click();
  await inspector(page).getByLabel('Connect input from').selectOption(source);
  await inspector(page).getByRole('button', { name: 'Connect', exact: true }).click();
}

async function fitView(page: Page): Promise<void> {
  await page.getByRole('button', { name: 'Fit View' }).click();
}

async function design(page: Page) {
  return page.evaluate(() => window.__rescanvasStore!.getState().design);
}

async function shot(page: Page, name: string): Promise<void> {
  await page.screenshot({ path: test.info().outputPath(`${name}.png`) });
}

/** Drags between two elements with real mouse events, in small steps as a hand would. */
async function mouseDrag(page: Page, from: Locator, to: Locator): Promise<void> {
  const a = await from.boundingBox();
  const b = await to.boundingBox();
  if (!a || !b) throw new Error('drag endpoints are not on screen');
  await page.mouse.move(a.x + a.width / 2, a.y + a.height / 2);
  await page.mouse.down();
  await page.mouse.move(a.x + a.width / 2 + 5, a.y + a.height / 2 + 5, { steps: 3 });
  await page.mouse.move(b.x + b.width / 2, b.y + b.height / 2, { steps: 12 });
  await page.mouse.up();
}

test.beforeEach(async ({ page }) => {
  await page.goto('/?host=memory');
  await startWithNewDesign(page);
  await page.evaluate(() => sessionStorage.clear());
  await expect(canvas(page)).toBeVisible();
});

test('builds a residual block with palette clicks and sees the shapes', async ({ page }) => {
  for (const type of ['Input', 'Dense', 'Dense', 'Add', 'Output']) await addFromPalette(page, type);
  await expect(page.getByRole('group', { name: 'Dense dense_2' })).toBeVisible();
  await connectInInspector(page, 'dense_1', 'input_1');
  await connectInInspector(page, 'dense_2', 'dense_1');
  // Both Dense layers are 64 wide and the Input is [2]: make the skip match by projecting nothing yet.
  await connectInInspector(page, 'add_1', 'dense_2');
  await connectInInspector(page, 'add_1', 'dense_1');
  await connectInInspector(page, 'output_1', 'add_1');
  await fitView(page);
  await expect(canvas(page).getByText('[?, 64]').first()).toBeVisible();
  await expect(problems(page).getByRole('listitem')).toHaveCount(0);
  await expect(problems(page)).toContainText('No problems');
  const d = await design(page);
  expect(
    d.edges
      .filter((e) => e.target === 'add_1')
      .map((e) => e.source)
      .sort(),
  ).toEqual(['dense_1', 'dense_2']);
  await shot(page, 'residual-by-clicks');
});

test('builds a residual block with real mouse drags', async ({ page }) => {
  const pane = canvas(page).locator('.react-flow__pane');
  const box = await pane.boundingBox();
  if (!box) throw new Error('no canvas');
  const drops: [string, number, number][] = [
    ['Input', 0.3, 0.1],
    ['Dense', 0.3, 0.3],
    ['Add', 0.45, 0.55],
    ['Output', 0.45, 0.8],
  ];
  for (const [type, fx, fy] of drops) {
    await palette(page)
      .getByRole('button', { name: type, exact: true })
      .dragTo(pane, { targetPosition: { x: box.width * fx, y: box.height * fy } });
  }
  await expect(page.locator('.react-flow__node')).toHaveCount(4);
  const d0 = await design(page);
  expect(d0.nodes.map((n) => n.type)).toEqual(['Input', 'Dense', 'Add', 'Output']);
  const handle = (id: string, kind: 'source' | 'target') => node(page, id).locator(`.react-flow__handle.${kind}`);
  await mouseDrag(page, handle('input_1', 'source'), handle('dense_1', 'target'));
  await mouseDrag(page, handle('dense_1', 'source'), handle('add_1', 'target'));
  await mouseDrag(page, handle('input_1', 'source'), handle('add_1', 'target'));
  await mouseDrag(page, handle('add_1', 'source'), handle('output_1', 'target'));
  await expect(page.locator('.react-flow__edge')).toHaveCount(4);
  // Input [2] and Dense [64] meet at the Add: a shape mismatch, shown on the node and in Problems.
  await expect(page.getByRole('group', { name: 'Add add_1' })).toHaveAttribute('aria-invalid', 'true');
  await shot(page, 'residual-by-drags');

  // Dragging a node is one undo step.
  const before = (await design(page)).nodes.find((n) => n.id === 'output_1')?.position;
  await mouseDrag(page, node(page, 'output_1').locator('.layer-node-head'), pane);
  const after = (await design(page)).nodes.find((n) => n.id === 'output_1')?.position;
  expect(after).not.toEqual(before);
  await page.getByRole('button', { name: 'Undo' }).click();
  expect((await design(page)).nodes.find((n) => n.id === 'output_1')?.position).toEqual(before);
});

test('fixes a shape mismatch with the quick fix, then undoes and redoes it', async ({ page }) => {
  for (const type of ['Input', 'Dense', 'Add', 'Output']) await addFromPalette(page, type);
  await connectInInspector(page, 'dense_1', 'input_1');
  await connectInInspector(page, 'add_1', 'dense_1');
  await connectInInspector(page, 'add_1', 'input_1');
  await connectInInspector(page, 'output_1', 'add_1');
  const add = page.getByRole('group', { name: 'Add add_1' });
  await expect(add).toHaveAttribute('aria-invalid', 'true');
  const describedBy = await add.getAttribute('aria-describedby');
  await expect(page.locator(`[id="${describedBy}"]`)).toContainText('[?, 2]');
  const problem = problems(page).getByRole('listitem').filter({ hasText: 'Add' });
  await expect(problem).toContainText('[?, 64]');
  await shot(page, 'mismatch');
  await problem.getByRole('button', { name: 'Insert projection' }).click();
  await expect(problems(page).getByRole('listitem')).toHaveCount(0);
  await expect(add).not.toHaveAttribute('aria-invalid', 'true');
  const fixed = await design(page);
  expect(fixed.nodes.find((n) => n.name === 'projection')).toMatchObject({ type: 'Dense', params: { units: 64 } });
  await shot(page, 'mismatch-fixed');

  await page.getByRole('button', { name: 'Undo' }).click();
  await expect(add).toHaveAttribute('aria-invalid', 'true');
  await page.keyboard.press('Control+Shift+Z');
  await expect(add).not.toHaveAttribute('aria-invalid', 'true');
  await page.keyboard.press('Control+z');
  await expect(add).toHaveAttribute('aria-invalid', 'true');
  await page.getByRole('button', { name: 'Redo' }).click();
  await expect(problems(page).getByRole('listitem')).toHaveCount(0);
});

test('wraps a chain in a residual block, repeats it ×10 and expands it', async ({ page }) => {
  for (const type of ['Input', 'Dense', 'Dense', 'Output']) await addFromPalette(page, type);
  await connectInInspector(page, 'dense_1', 'input_1');
  await connectInInspector(page, 'dense_2', 'dense_1');
  await connectInInspector(page, 'output_1', 'dense_2');
  // dense_2 keeps the width (64 → 64), so the block can repeat.
  await node(page, 'dense_2').click();
  await page.getByRole('button', { name: 'Wrap in residual block' }).click();
  await expect(page.getByRole('group', { name: 'Add add_1' })).toBeVisible();
  let d = await design(page);
  expect(
    d.edges
      .filter((e) => e.target === 'add_1')
      .map((e) => e.source)
      .sort(),
  ).toEqual(['dense_1', 'dense_2']);
  await fitView(page);
  await shot(page, 'wrapped');

  await fitView(page);
  await node(page, 'dense_2').click();
  await node(page, 'add_1').click({ modifiers: ['Shift'] });
  await page.getByRole('button', { name: 'Repeat block' }).click();
  await expect(page.getByRole('group', { name: /^Repeat .* ×10$/ })).toBeVisible();
  const group = node(page, (await design(page)).groups[0].id);
  await expect(group).toContainText('×10');
  await expect(node(page, 'dense_2')).toHaveCount(0);
  await expect(problems(page).getByRole('listitem')).toHaveCount(0);
  await shot(page, 'repeat-collapsed');

  await inspector(page).getByLabel('Repeat count').fill('12');
  await expect(group).toContainText('×12');
  await group.getByRole('button', { name: /^Expand/ }).click();
  await expect(node(page, 'dense_2')).toBeVisible();
  await fitView(page);
  await expect(page.getByRole('group', { name: /×12 \(expanded\)$/ })).toBeVisible();
  d = await design(page);
  expect(d.groups[0]).toMatchObject({ repeat: 12, collapsed: false });
  await shot(page, 'repeat-expanded');

  await node(page, 'dense_2').click();
  await inspector(page).getByRole('button', { name: 'Ungroup' }).click();
  d = await design(page);
  expect(d.groups).toHaveLength(0);
  expect(d.nodes.filter((n) => n.type === 'Add')).toHaveLength(12);
});

test('saves, reloads and opens the saved file unchanged', async ({ page }) => {
  await page.getByRole('button', { name: 'Examples' }).click();
  const dialog = page.getByRole('dialog', { name: 'Examples' });
  await dialog
    .getByRole('button', { name: /^Open example .*Residual MLP-20/ })
    .first()
    .click();
  await expect(page.locator('.react-flow__node').first()).toBeVisible();
  await node(page, (await design(page)).nodes.find((n) => n.type === 'Dense')!.id).click();
  await inspector(page).getByLabel('Units').fill('48');
  const saved = await design(page);
  await expect(page.locator('.dirty-marker')).toBeVisible();
  await page.getByRole('button', { name: 'Save', exact: true }).click();
  await expect(page.getByRole('contentinfo').getByRole('status')).toContainText('Saved');
  await expect(page.locator('.dirty-marker')).toHaveCount(0);

  await page.reload();
  await startWithNewDesign(page);
  await expect(canvas(page)).toBeVisible();
  expect((await design(page)).nodes).toHaveLength(0);
  await page.evaluate(() => {
    window.__rescanvasTestHost!.nextOpen = 'untitled.rescanvas.json';
  });
  await page.getByRole('button', { name: 'Open', exact: true }).click();
  await expect(page.getByRole('contentinfo').getByRole('status')).toContainText('Opened');
  expect(await design(page)).toEqual(saved);
  await shot(page, 'reopened');
});

test('adds and connects two layers with the keyboard only', async ({ page }) => {
  await palette(page).getByRole('textbox', { name: 'Search layers' }).focus();
  await page.keyboard.type('inp');
  await page.keyboard.press('Tab');
  await expect(palette(page).getByRole('button', { name: 'Input', exact: true })).toBeFocused();
  await page.keyboard.press('Enter');
  await palette(page).getByRole('textbox', { name: 'Search layers' }).focus();
  await page.keyboard.press('Control+a');
  await page.keyboard.type('dense');
  await page.keyboard.press('Tab');
  await page.keyboard.press('Enter');
  await expect(page.getByRole('group', { name: 'Dense dense_1' })).toBeVisible();
  // The new layer is selected, so the Inspector offers its inputs: Tab into it and connect.
  const select = inspector(page).getByLabel('Connect input from');
  for (let i = 0; i < 40 && !(await select.evaluate((el) => el === document.activeElement)); i++) await page.keyboard.press('Tab');
  await expect(select).toBeFocused();
  await expect(select).toHaveValue('input_1');
  await page.keyboard.press('Tab');
  await expect(inspector(page).getByRole('button', { name: 'Connect', exact: true })).toBeFocused();
  await page.keyboard.press('Enter');
  const d = await design(page);
  expect(d.edges.map((e) => [e.source, e.target])).toEqual([['input_1', 'dense_1']]);
  await expect(canvas(page).locator('.react-flow__edge-text', { hasText: '[?, 2]' })).toBeVisible();
  await shot(page, 'keyboard');
});

test('export menu offers the five formats and reports the outcome', async ({ page }) => {
  test.setTimeout(120_000);
  await page.getByRole('button', { name: 'Export' }).click();
  await expect(page.getByRole('menuitem')).toHaveText(['tf.js model', 'Keras JSON', 'Design JSON', 'PyTorch', 'ONNX']);
  await page.getByRole('menuitem', { name: 'Design JSON' }).click();
  await expect(page.getByRole('contentinfo').getByRole('status')).toContainText('Exported', { timeout: 60_000 });
  // The empty design has errors, so Train stays disabled whether or not the engine has started yet, and says why.
  for (const name of ['Train', 'Stop']) await expect(page.getByRole('button', { name, exact: true })).toBeDisabled();
  await expect(page.getByRole('button', { name: 'Train', exact: true })).toHaveAttribute('title', /Fix the 2 errors listed under Problems/);
  await expect(page.getByRole('region', { name: 'Training' })).toBeAttached();
});
