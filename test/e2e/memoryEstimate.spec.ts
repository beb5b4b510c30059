import { expect, test } from '@playwright/test';

/**
 * A design that validates structurally but cannot fit the engine's memory is listed under Problems
 * with the estimate and the limit, as soon as it is opened, before anything is compiled.
 */
test('Problems lists a design too large for the wasm engine, with the estimate and the limit', async ({ page }) => {
  await page.setViewportSize({ width: 1400, height: 900 });
  await page.goto('/?host=memory');
  await expect(page.getByRole('region', { name: 'Canvas' })).toBeVisible();
  await page.evaluate(() => {
    const at = (y: number) => ({ x: 0, y });
    const dense = (id: string, y: number) => ({
      id,
      type: 'Dense' as const,
      params: { units: 16384, activation: 'relu' as const, useBias: true, kernelInitializer: 'glorotUniform' as const },
      position: at(y),
    });
    window.__rescanvasStore!.getState().loadDesign(
      {
        format: 'rescanvas.design',
        version: 1,
        metadata: { name: 'Too wide', description: '', tags: [] },
        nodes: [
          { id: 'in', type: 'Input', params: { shape: [2] }, position: at(0) },
          dense('d1', 120),
          dense('d2', 240),
          { id: 'out', type: 'Output', params: { units: 2, activation: 'softmax', loss: 'categoricalCrossentropy' }, position: at(360) },
        ],
        edges: [
          { id: 'a', source: 'in', target: 'd1', targetPort: 0 },
          { id: 'b', source: 'd1', target: 'd2', targetPort: 0 },
          { id: 'c', source: 'd2', target: 'out', targetPort: 0 },
        ],
        groups: [],
      } as never,
      'too-wide.rescanvas.json',
      null,
    );
  });
  const problems = page.getByRole('region', { name: 'Problems' });
  await expect(problems.getByRole('listitem').filter({ hasText: 'training needs ~23 GB' })).toContainText('the wasm engine can use ~3.5 GB');
  await page.screenshot({ path: test.info().outputPath('memory-problem.png') });
});
