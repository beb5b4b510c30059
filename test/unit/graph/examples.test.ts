import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { exampleDesigns } from '../../../src/graph/examples';
import { designJsonSchema } from '../../../src/graph/jsonSchema';
import { serializeDesign } from '../../../src/graph/parse';
import { summarizeDesign } from '../../../src/compile/summary';
import Ajv2020 from 'ajv/dist/2020';

const assets = join(import.meta.dirname, '..', '..', '..', 'assets');

describe('shipped examples and schema', () => {
  it('assets/examples matches src/graph/examples.ts (run `npm run examples` after changing either)', () => {
    const expected = exampleDesigns();
    const files = readdirSync(join(assets, 'examples')).filter((f) => f.endsWith('.rescanvas.json'));
    expect(files.sort()).toEqual(Object.keys(expected).sort());
    for (const [name, design] of Object.entries(expected)) {
      expect(readFileSync(join(assets, 'examples', name), 'utf8'), name).toBe(serializeDesign(design));
    }
  });

  it('the examples have the depths their names promise', () => {
    const depth = (name: string) => summarizeDesign(exampleDesigns()[name]).weightedLayerCount;
    expect(depth('plain-mlp-20.rescanvas.json')).toBe(20);
    expect(depth('residual-mlp-56.rescanvas.json')).toBe(56);
    expect(depth('resnet-20-cifar.rescanvas.json')).toBe(20);
    expect(depth('plain-20-cifar.rescanvas.json')).toBe(20);
    expect(depth('residual-mlp-1002-repeat.rescanvas.json')).toBe(1002);
  });

  it('ResNet-20 has about the 0.27 M parameters He et al. report (plus its two projections)', () => {
    const params = summarizeDesign(exampleDesigns()['resnet-20-cifar.rescanvas.json']).totalParams;
    expect(params).toBeGreaterThan(0.26e6);
    expect(params).toBeLessThan(0.28e6);
  });

  it('the published JSON Schema is current and accepts every example', () => {
    const published = JSON.parse(readFileSync(join(assets, 'rescanvas.design.schema.json'), 'utf8'));
    expect(published).toEqual(JSON.parse(JSON.stringify(designJsonSchema())));
    const validate = new Ajv2020({ strict: false }).compile(published);
    for (const [name, design] of Object.entries(exampleDesigns())) expect(validate(JSON.parse(serializeDesign(design))), name).toBe(true);
    expect(validate({ format: 'rescanvas.design', version: 1, nodes: [{ id: 'x', type: 'Nope' }], edges: [] })).toBe(false);
  });
});
