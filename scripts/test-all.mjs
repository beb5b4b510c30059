#!/usr/bin/env node
/**
 * `npm test`: every check, in tiers ordered so the fastest feedback comes first: static checks, unit
 * tests, integration tests, the build and its security scan, then browser tests. Every tier runs even
 * when an earlier one failed, so one run shows everything that is wrong. Each step's own output streams
 * through; the last line totals the tests of every runner as "N passed, N failed, N skipped".
 */
import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, readFileSync, rmSync } from 'node:fs';
import { join } from 'node:path';

const root = join(import.meta.dirname, '..');
// Not test-results/: Playwright empties its output folder when it starts.
const out = join(root, 'reports');
// A report left by an earlier run must never be counted as this run's.
rmSync(out, { recursive: true, force: true });
mkdirSync(out, { recursive: true });
const vitestJson = (tier) => join(out, `vitest-${tier}.json`);
const playwrightJson = join(out, 'playwright.json');
const pkg = JSON.parse(readFileSync(join(root, 'package.json'), 'utf8'));

const vitestTier = (tier) => ['npx', ['vitest', 'run', '--project', tier, '--reporter=default', '--reporter=json', `--outputFile.json=${vitestJson(tier)}`]];
const steps = [
  ['tier 1, static: lint (ESLint, import direction)', 'npm', ['run', '--silent', 'lint']],
  ['tier 1, static: typecheck', 'npm', ['run', '--silent', 'typecheck']],
  ['tier 1, static: Python of the PyTorch export (py_compile, pyflakes3)', 'npm', ['run', '--silent', 'lint:python']],
  ['tier 2, unit tests (test/unit)', ...vitestTier('unit')],
  ['tier 3, integration tests (test/integration: CLI, Python and PyTorch, onnxruntime, packaging, lessons)', ...vitestTier('integration')],
  // The scan reads the built page (its CSP meta tag is written at build time), so build first; this also proves the build works.
  ['tier 4, build (web and Electron bundles)', 'npm', ['run', '--silent', 'build']],
  ...(pkg.scripts['test:security'] ? [['tier 4, Electron security scan', 'npm', ['run', '--silent', 'test:security']]] : []),
  [
    'tier 5, browser tests (test/e2e)',
    'npx',
    ['playwright', 'test', '--reporter=list,json'],
    { PLAYWRIGHT_JSON_OUTPUT_NAME: playwrightJson, RESCANVAS_E2E_PREBUILT: '1' },
  ],
];

const totals = { passed: 0, failed: 0, skipped: 0 };
const failedSteps = [];
for (const [name, command, args, env] of steps) {
  console.log(`\n▶ ${name}`);
  const started = Date.now();
  const result = spawnSync(command, args, { cwd: root, stdio: 'inherit', env: { ...process.env, ...env } });
  console.log(
    `◀ ${name}: ${result.status === 0 ? 'ok' : `FAILED (exit ${result.status ?? result.signal})`} in ${((Date.now() - started) / 1000).toFixed(0)} s`,
  );
  if (result.status !== 0) failedSteps.push(name);
}

for (const tier of ['unit', 'integration']) {
  if (!existsSync(vitestJson(tier))) continue;
  const v = JSON.parse(readFileSync(vitestJson(tier), 'utf8'));
  totals.passed += v.numPassedTests ?? 0;
  totals.failed += v.numFailedTests ?? 0;
  totals.skipped += (v.numPendingTests ?? 0) + (v.numTodoTests ?? 0);
}
if (existsSync(playwrightJson)) {
  const p = JSON.parse(readFileSync(playwrightJson, 'utf8'));
  totals.passed += (p.stats?.expected ?? 0) + (p.stats?.flaky ?? 0);
  totals.failed += p.stats?.unexpected ?? 0;
  totals.skipped += p.stats?.skipped ?? 0;
}
if (failedSteps.length) {
  console.log(`\nFailed steps: ${failedSteps.join(', ')}`);
  // A failed step without failed tests (typecheck, lint) still has to show in the count.
  if (totals.failed === 0) totals.failed = failedSteps.length;
}
console.log(`\n${totals.passed} passed, ${totals.failed} failed, ${totals.skipped} skipped`);
process.exit(failedSteps.length ? 1 : 0);
