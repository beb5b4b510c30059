import { existsSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { resolve } from 'node:path';
import type { FullResult, Reporter } from '@playwright/test/reporter';

/**
 * One table at the end of `npm run bench:ui` with the canvas figures side by side: the fitted-view pan
 * of the expanded 2004-node design (every node rendered), ResNet-20 folded and unfolded, and the
 * overlay's apply time with blocks folded and unfolded. Each bench file writes its own JSON; only files
 * written during this run are read, so a figure left over from an earlier run is never shown as new.
 */

const ROOT = resolve(import.meta.dirname, '../../..');
const CANVAS = resolve(ROOT, 'test-results/bench-ui.json');
const OVERLAY = resolve(ROOT, 'test-results/bench-ui-overlay.json');
const OUT = resolve(ROOT, 'test-results/bench-ui-summary.json');

interface Pan {
  nodes?: number;
  rendered?: number;
  fps?: number;
  worstFrameMs?: number;
  longTasksOver100?: number;
}
interface Stream {
  applyMsMedian?: number;
  applyMsP95?: number;
  cpuMsP95?: number;
}
interface OverlayCase {
  renderedNodes?: number;
  foldedBlocks?: number;
  forward?: Stream;
  backward?: Stream;
}

type Row = [string, string, string, string];

function readSince(file: string, since: number): Record<string, unknown> | null {
  if (!existsSync(file) || statSync(file).mtimeMs < since) return null;
  return JSON.parse(readFileSync(file, 'utf8')) as Record<string, unknown>;
}

const num = (v: number | undefined, unit = ''): string => (v === undefined || Number.isNaN(v) ? '—' : `${v}${unit}`);

function panRow(what: string, pan: Pan | undefined, target: string): Row {
  if (!pan) return [what, 'not run', '', target];
  return [what, `${num(pan.fps)} fps`, `${num(pan.rendered)} of ${num(pan.nodes)} nodes drawn, worst frame ${num(pan.worstFrameMs, ' ms')}`, target];
}

function overlayRow(what: string, c: OverlayCase | undefined, target: string): Row {
  if (!c) return [what, 'not run', '', target];
  const p95 = Math.max(c.forward?.applyMsP95 ?? NaN, c.backward?.applyMsP95 ?? NaN);
  return [
    what,
    `p95 ${num(p95, ' ms')}`,
    `forward ${num(c.forward?.applyMsP95, ' ms')} / backward ${num(c.backward?.applyMsP95, ' ms')} (CPU p95 ${num(c.forward?.cpuMsP95, ' ms')} / ${num(c.backward?.cpuMsP95, ' ms')}); ${num(c.foldedBlocks)} blocks folded, ${num(c.renderedNodes)} nodes drawn`,
    target,
  ];
}

export default class BenchSummary implements Reporter {
  private started = Date.now();

  onBegin(): void {
    this.started = Date.now();
  }

  onEnd(result: FullResult): void {
    const canvas = readSince(CANVAS, this.started) as {
      expanded?: { fitted?: Pan };
      'ResNet-20'?: { folded?: Pan; unfolded?: Pan };
      'Residual MLP-56'?: { folded?: Pan; unfolded?: Pan };
    } | null;
    const overlay = readSince(OVERLAY, this.started) as Record<string, OverlayCase> | null;
    const rows: Row[] = [
      panRow('Pan, fitted view, expanded 2004-node design', canvas?.expanded?.fitted, '≥ 30 fps'),
      panRow('Pan, fitted view, ResNet-20 folded', canvas?.['ResNet-20']?.folded, '≥ 30 fps'),
      panRow('Pan, fitted view, ResNet-20 unfolded', canvas?.['ResNet-20']?.unfolded, '≥ 30 fps'),
      panRow('Pan, fitted view, Residual MLP-56 folded', canvas?.['Residual MLP-56']?.folded, '≥ 30 fps'),
      panRow('Pan, fitted view, Residual MLP-56 unfolded', canvas?.['Residual MLP-56']?.unfolded, '≥ 30 fps'),
      overlayRow('Overlay apply, ResNet-20, blocks folded', overlay?.['ResNet-20 (blocks folded, as opened)'], 'p95 ≤ 8 ms'),
      overlayRow('Overlay apply, ResNet-20, blocks unfolded', overlay?.['ResNet-20 (blocks unfolded)'], 'p95 ≤ 8 ms'),
      overlayRow('Overlay apply, 1000-layer, group expanded', overlay?.['1000-layer (group expanded)'], 'p95 ≤ 30 ms'),
    ];
    const widths = [0, 1, 2, 3].map((i) => Math.max(...rows.map((r) => r[i].length), 6));
    const line = (r: Row) => r.map((c, i) => c.padEnd(widths[i])).join(' | ');
    console.log(`\nbench:ui summary (${result.status}; wall-clock figures, as loaded as the machine was)\n`);
    console.log(line(['Case', 'Figure', 'Detail', 'Target']));
    console.log(widths.map((w) => '-'.repeat(w)).join('-+-'));
    for (const r of rows) console.log(line(r));
    writeFileSync(
      OUT,
      `${JSON.stringify(
        rows.map(([what, figure, detail, target]) => ({ what, figure, detail, target })),
        null,
        2,
      )}\n`,
    );
  }

  printsToStdio(): boolean {
    return true;
  }
}
