import type { LessonResult } from './runner';
import type { Lesson, OutcomeTable } from './types';

/** A plain-text table with columns padded to their widest cell. */
export function formatTable(table: OutcomeTable): string {
  const cells = [table.columns, ...table.rows.map((r) => r.map(String))];
  const widths = table.columns.map((_, c) => Math.max(...cells.map((row) => (row[c] ?? '').length)));
  const line = (row: string[]) =>
    row
      .map((cell, c) => cell.padEnd(widths[c]))
      .join('  ')
      .trimEnd();
  return [line(cells[0]), widths.map((w) => '─'.repeat(w)).join('  '), ...cells.slice(1).map(line)].join('\n');
}

export function verdict(held: boolean): 'held' | 'did not hold' {
  return held ? 'held' : 'did not hold';
}

/** The outcome as the CLI prints it and the UI's outcome card reads it. */
export function formatOutcome(lesson: Lesson, result: LessonResult): string {
  const checks = result.outcome.checks.map((c) => `  ${c.held ? '✓' : '✗'} ${c.claim}\n      expected ${c.expected}\n      measured ${c.measured}`);
  return [
    formatTable(result.outcome.table),
    '',
    ...checks,
    '',
    `Lesson ${lesson.number} (${lesson.id}, ${result.variant}, seed ${result.seed}): ${verdict(result.outcome.held)} — ${(result.wallMs / 1000).toFixed(1)} s`,
  ].join('\n');
}
