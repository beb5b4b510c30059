import { describe, expect, it } from 'vitest';
import { parseDesignText, parseDesignValue, serializeDesign } from '../../../src/graph/parse';
import { exampleDesigns } from '../../../src/graph/examples';
import { migrate, MigrationError } from '../../../src/graph/migrations';

const doc = (extra: Record<string, unknown> = {}) => ({
  format: 'rescanvas.design',
  version: 1,
  nodes: [
    { id: 'in', type: 'Input', params: { shape: [2] } },
    { id: 'out', type: 'Output', params: { units: 2 } },
  ],
  edges: [{ id: 'e1', source: 'in', target: 'out' }],
  ...extra,
});

function problems(value: unknown) {
  const result = typeof value === 'string' ? parseDesignText(value) : parseDesignValue(value);
  expect(result.ok).toBe(false);
  return result.ok ? [] : result.diagnostics;
}

describe('parseDesignText', () => {
  it('round-trips every example exactly', () => {
    for (const [name, design] of Object.entries(exampleDesigns())) {
      const result = parseDesignText(serializeDesign(design));
      expect(result.ok, name).toBe(true);
      if (result.ok) expect(result.design).toEqual(design);
    }
  });

  it('fills defaults for omitted params and positions', () => {
    const result = parseDesignValue(doc());
    expect(result.ok).toBe(true);
    if (result.ok) {
      expect(result.design.nodes[1].params).toEqual({ units: 2, activation: 'softmax', loss: 'categoricalCrossentropy' });
      expect(result.design.metadata.name).toBe('Untitled design');
    }
  });

  it('names line and column of malformed JSON', () => {
    const [d] = problems('{\n  "format": "rescanvas.design",\n  "nodes": [,]\n}');
    expect(d.code).toBe('json');
    expect(d.message).toMatch(/line 3/);
  });

  it('rejects truncated JSON', () => {
    expect(problems(JSON.stringify(doc()).slice(0, 40))[0].code).toBe('json');
  });

  it('rejects a foreign format and says what it expected', () => {
    const [d] = problems({ ...doc(), format: 'layers-model' });
    expect(d.path).toBe('format');
    expect(d.message).toContain('rescanvas.design');
  });

  it('rejects a file from a newer version', () => {
    expect(problems({ ...doc(), version: 7 })[0].message).toMatch(/newer ResCanvas/);
  });

  it('rejects a non-integer version', () => {
    expect(problems({ ...doc(), version: '1' })[0].path).toBe('version');
  });

  it('names an unknown layer type with its path and the known types', () => {
    const value = doc();
    (value.nodes as unknown[]).push({ id: 'x', type: 'Transformer' });
    const [d] = problems(value);
    expect(d.path).toBe('nodes[2].type');
    expect(d.message).toContain('"Transformer"');
    expect(d.message).toContain('Conv2D');
  });

  it.each([
    ['negative', -3],
    ['zero', 0],
    ['absurd', 1e12],
    ['fractional', 2.5],
    ['non-numeric', 'many'],
  ])('rejects %s units with the JSON path', (_label, units) => {
    const value = doc();
    (value.nodes as unknown[]).push({ id: 'd', type: 'Dense', params: { units } });
    const [d] = problems(value);
    expect(d.path).toBe('nodes[2].params.units');
    expect(d.nodeId).toBe('d');
  });

  it('rejects missing and extra fields', () => {
    const { edges: _edges, ...noEdges } = doc();
    expect(problems(noEdges)[0].path).toBe('edges');
    const extra = doc();
    (extra.nodes as Record<string, unknown>[])[0].colour = 'red';
    expect(problems(extra)[0].message).toContain('"colour"');
  });

  it('rejects __proto__ and constructor keys without polluting prototypes', () => {
    const text = JSON.stringify(doc()).replace('"format"', '"__proto__":{"polluted":true},"constructor":{"x":1},"format"');
    const found = problems(text);
    expect(found[0].message).toMatch(/__proto__|constructor/);
    expect(({} as Record<string, unknown>).polluted).toBeUndefined();
    const inParams = JSON.stringify(doc()).replace('"units":2', '"units":2,"__proto__":{"units":5}');
    expect(problems(inParams)[0].path).toBe('nodes[1].params');
  });

  it('rejects duplicate ids and edges to missing nodes, naming them', () => {
    const dup = doc();
    (dup.nodes as unknown[]).push({ id: 'in', type: 'Dense' });
    expect(problems(dup).map((d) => d.code)).toContain('duplicate-id');
    const missing = doc({ edges: [{ id: 'e1', source: 'in', target: 'ghost' }] });
    const [d] = problems(missing);
    expect(d.code).toBe('missing-node');
    expect(d.message).toContain('ghost');
    expect(d.path).toBe('edges[0].target');
  });

  it('refuses 10^6 nodes with a clear message, as one problem rather than one per node', () => {
    const nodes = Array.from({ length: 1_000_000 }, (_, i) => ({ id: `n${i}`, type: 'Dense' }));
    const found = problems({ ...doc(), nodes });
    expect(found).toHaveLength(1);
    expect(found[0].code).toBe('too-large');
    expect(found[0].message).toContain('1000000');
  });

  it('handles deeply nested JSON without a stack overflow', () => {
    const deep = `${'['.repeat(200_000)}${']'.repeat(200_000)}`;
    const text = JSON.stringify(doc()).replace('"nodes"', `"deep":${deep},"nodes"`);
    const found = parseDesignText(text);
    expect(found.ok).toBe(false);
  });

  it('refuses a file larger than the limit before parsing', () => {
    const big = ' '.repeat(51 * 1024 * 1024);
    expect(problems(big)[0].code).toBe('too-large');
  });

  it('rejects ids that would clash with unrolled copies', () => {
    const value = doc();
    (value.nodes as Record<string, unknown>[])[0].id = 'a__2';
    expect(problems(value)[0].path).toBe('nodes[0].id');
  });
});

describe('migrations', () => {
  it('applies each step in order and stamps the version', () => {
    const table = { 0: (d: Record<string, unknown>) => ({ ...d, nodes: d.layers, layers: undefined }) };
    const out = migrate({ version: 0, layers: [] }, 0, table, 1);
    expect(out).toEqual({ version: 1, nodes: [], layers: undefined });
  });

  it('reports a missing step as a clear error', () => {
    expect(() => migrate({ version: 0 }, 0, {}, 1)).toThrow(MigrationError);
    expect(problems({ ...doc(), version: 0 })[0].message).toMatch(/no migration from design format version 0/);
  });
});
