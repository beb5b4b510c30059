#!/usr/bin/env node
/**
 * `npm run test:security`: Electronegativity over the main process and preload sources and the
 * renderer's HTML page; fails on any finding that is not disabled inline with a written reason.
 * Also checks that the page's CSP meta tag is exactly the policy main sends as a header.
 *
 * Runs Electronegativity through its library API: its CLI (`npx electronegativity`) crashes here
 * ("_commander2.default.version is not a function") because npm hoists commander 14, whose API it
 * predates. The checks run are the same.
 */
import { cpSync, existsSync, mkdirSync, readFileSync, rmSync } from 'node:fs';
import { createRequire } from 'node:module';
import { join, relative } from 'node:path';
import { tsImport } from 'tsx/esm/api';

const ELECTRON_VERSION = '39.5.0';
const root = join(import.meta.dirname, '..');
const stage = join(root, 'test-results', 'electronegativity-input');
const report = join(root, 'test-results', 'electronegativity.csv');

rmSync(stage, { recursive: true, force: true });
mkdirSync(stage, { recursive: true });
// The vendored Electron typings are declarations, not app code.
cpSync(join(root, 'electron'), join(stage, 'electron'), { recursive: true, filter: (src) => !relative(join(root, 'electron'), src).startsWith('types') });

const problems = [];
const pages = [join(root, 'dist', 'web', 'index.html'), join(root, 'index.html')].filter(existsSync);
if (pages.length === 0) {
  console.log('No renderer page found (index.html or dist/web/index.html): scanned main and preload only.');
} else {
  const { CONTENT_SECURITY_POLICY } = await tsImport('../electron/security.ts', import.meta.url);
  const html = readFileSync(pages[0], 'utf8');
  cpSync(pages[0], join(stage, 'renderer', 'index.html'));
  const meta = /<meta\s+http-equiv="Content-Security-Policy"\s+content="([^"]*)"/i.exec(html);
  if (!meta) problems.push(`${relative(root, pages[0])}: no Content-Security-Policy meta tag`);
  else if (meta[1] !== CONTENT_SECURITY_POLICY) problems.push(`${relative(root, pages[0])}: CSP meta tag differs from electron/security.ts CONTENT_SECURITY_POLICY`);
}

const run = createRequire(import.meta.url)('@doyensec/electronegativity');
// It tries to download Electron's release list first and says so when offline; the version is given.
const result = await run({ input: stage, output: report, electronVersionOverride: ELECTRON_VERSION, isRelative: true });
for (const error of result.errors) problems.push(`could not parse ${error.file}: ${error.message}`);
for (const issue of result.issues) {
  problems.push(`${issue.id} ${issue.file}:${issue.location.line}:${issue.location.column} (${issue.severity.name}, ${issue.confidence.name}) ${issue.description}`);
}
console.log(`Electronegativity ${ELECTRON_VERSION}: ${result.atomicChecks} checks and ${result.globalChecks} global checks over ${relative(root, stage)}; report in ${relative(root, report)}`);
if (problems.length) {
  console.error(`${problems.length} finding(s):\n${problems.map((p) => `  - ${p}`).join('\n')}`);
  process.exit(1);
}
console.log('No findings.');
