/** Writes assets/examples/*.rescanvas.json from src/graph/examples.ts; test/unit/graph/examples.test.ts keeps them in sync. */
import { writeFileSync, mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { exampleDesigns } from '../src/graph/examples';
import { serializeDesign } from '../src/graph/parse';

const dir = join(import.meta.dirname, '..', 'assets', 'examples');
mkdirSync(dir, { recursive: true });
for (const [name, design] of Object.entries(exampleDesigns())) {
  writeFileSync(join(dir, name), serializeDesign(design));
  console.log(`wrote assets/examples/${name}`);
}
