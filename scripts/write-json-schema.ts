/** Publishes the design document's JSON Schema, generated from the zod schema (the single source of truth). */
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { designJsonSchema } from '../src/graph/jsonSchema';

const file = join(import.meta.dirname, '..', 'assets', 'rescanvas.design.schema.json');
writeFileSync(file, `${JSON.stringify(designJsonSchema(), null, 2)}\n`);
console.log(`wrote ${file}`);
