import { z } from 'zod';
import { Design } from './design';

/** The published JSON Schema for design files; editors and other tools validate against it. */
export function designJsonSchema(): Record<string, unknown> {
  return {
    ...z.toJSONSchema(Design, { io: 'input', target: 'draft-2020-12' }),
    $id: 'https://rescanvas.app/schema/rescanvas.design.v1.json',
    title: 'ResCanvas design',
  };
}
