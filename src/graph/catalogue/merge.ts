import { z } from 'zod';
import { defineLayer, fail, ok } from './types';
import { single } from './activation';
import { formatShape, sameShape } from '../shape';

const NoParams = z.strictObject({});
const MAX_MERGE_INPUTS = 64;

export const addLayer = defineLayer({
  type: 'Add',
  displayName: 'Add',
  description: 'Sums its inputs element-wise: the join of a residual block, f(x) = x + g(x). Shapes must match.',
  category: 'Merge',
  params: NoParams,
  fields: [],
  inputs: { min: 2, max: MAX_MERGE_INPUTS },
  inferShape: (inputs) => {
    const first = inputs[0];
    const other = inputs.findIndex((s) => !sameShape(s, first));
    if (other < 0) return ok(first);
    return fail(
      'shape-mismatch',
      `Add receives ${formatShape(first)} and ${formatShape(inputs[other])}; shapes must match. Insert a projection on the shortcut.`,
      { inputIndex: other, fix: 'insert-projection' },
    );
  },
  paramCount: () => 0,
  flops: (inputs, out) => (inputs.length - 1) * out.reduce((n, d) => n * d, 1),
  build: (tf, _p, name) => single(tf.layers.add({ name })),
  summary: () => '',
});

export const concatenateLayer = defineLayer({
  type: 'Concatenate',
  displayName: 'Concatenate',
  description: 'Joins its inputs along the last (channel) axis; all other dimensions must match.',
  category: 'Merge',
  params: NoParams,
  fields: [],
  inputs: { min: 2, max: MAX_MERGE_INPUTS },
  inferShape: (inputs) => {
    const first = inputs[0];
    for (let i = 1; i < inputs.length; i++) {
      const s = inputs[i];
      if (s.length !== first.length || !sameShape(s.slice(0, -1), first.slice(0, -1))) {
        return fail(
          'concat-mismatch',
          `Concatenate joins along the last axis, so all other dimensions must match; it receives ${formatShape(first)} and ${formatShape(s)}.`,
          { inputIndex: i },
        );
      }
    }
    const channels = inputs.reduce((n, s) => n + s[s.length - 1], 0);
    return ok([...first.slice(0, -1), channels]);
  },
  paramCount: () => 0,
  flops: () => 0,
  build: (tf, _p, name) => single(tf.layers.concatenate({ name })),
  summary: () => '',
});
