#!/usr/bin/env node
/**
 * `npm test`: every check, in the order that fails fastest. Each step's own output streams through;
 * the last line totals the tests of every runner as "N passed, N failed, N skipped".
 */
import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';

const root = join(import.meta.dirname, '..');
// Not test-results/: Playwright empties its output folder when it starts.
const out = join(root, 'reports');
mkdirSync(out, { recursive: true });
const vitestJson = join(out, 'vitest.json');
const playwrightJson = join(out, 'playwright.json');
const pkg = JSON.parse(readFileSync(join(root, 'package.json'), 'utf8'));

const steps = [
  ['typecheck', 'npm', ['run', '--silent', 'typecheck']],
  ['lint', 'npx', ['eslint', '.']],
  ['Python of the PyTorch export (py_compile, pyflakes3)', 'npm', ['run', '--silent', 'lint:python']],
  ['unit and integration tests', 'npx', ['vitest', 'run', '--reporter=default', '--reporter=json', `--outputFile.json=${vitestJson}`]],
  // The scan reads the built page (its CSP meta tag is written at build time), so build first; this also proves the build works.
  ['build (web and Electron bundles)', 'npm', ['run', '--silent', 'build']],
  ...(pkg.scripts['test:security'] ? [['Electron security scan', 'npm', ['run', '--silent', 'test:security']]] : []),
  ['browser tests', 'npx', ['playwright', 'test', '--reporter=list,json'], { PLAYWRIGHT_JSON_OUTPUT_NAME: playwrightJson, RESCANVAS_E2E_PREBUILT: '1' }],
];

const totals = { passed: 0, failed: 0, skipped: 0 };
const failedSteps = [];
for (const [name, command, args, env] of steps) {
  console.log(`\n▶ ${name}`);
  const started = Date.now();
  const result = spawnSync(command, args, { cwd: root, stdio: 'inherit', env: { ...process.env, ...env } });
  console.log(`◀ ${name}: ${result.status === 0 ? 'ok' : `FAILED (exit ${result.status ?? result.signal})`} in ${((Date.now() - started) / 1000).toFixed(0)} s`);
  if (result.status !== 0) failedSteps.push(name);
}

if (existsSync(vitestJson)) {
  const v = JSON.parse(readFileSync(vitestJson, 'utf8'));
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
