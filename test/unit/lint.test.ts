import { ESLint } from 'eslint';
import { describe, expect, it } from 'vitest';

const lint = async (file: string, code: string) => {
  const eslint = new ESLint({ cwd: `${import.meta.dirname}/../..` });
  const [result] = await eslint.lintText(code, { filePath: file });
  return result.messages.map((m) => m.ruleId);
};

describe('the environment-free core rule', () => {
  it.each([
    ["import { readFileSync } from 'node:fs';"],
    ["import { app } from 'electron';"],
    ["import { useState } from 'react';"],
    ["import path from 'path';"],
  ])('rejects %s in src/', async (line) => {
    expect(await lint('src/graph/example.ts', `${line}\nexport const x = 1;\n`)).toContain('no-restricted-imports');
  });

  it('rejects DOM and Node globals in src/', async () => {
    expect(await lint('src/graph/example.ts', 'export const w = window.innerWidth;\n')).toContain('no-restricted-globals');
    expect(await lint('src/graph/example.ts', 'export const e = process.env;\n')).toContain('no-restricted-globals');
  });

  it('allows the same imports outside src/', async () => {
    expect(await lint('cli/example.ts', "import { readFileSync } from 'node:fs';\nexport const r = readFileSync;\n")).toEqual([]);
  });
});
