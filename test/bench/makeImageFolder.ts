/**
 * Writes a folder of small PNGs, one subfolder per class, for measuring the image-folder dataset at
 * scale: `npx tsx test/bench/makeImageFolder.ts OUT [COUNT=50000] [CLASSES=10] [SIDE=32]`.
 * Each class is a colour and stripe direction with per-image noise, so a small network can learn it.
 */
import { mkdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { PNG } from 'pngjs';
import { seededRandom as random } from '../../src/engine/random';

const [out, countArg = '50000', classArg = '10', sideArg = '32'] = process.argv.slice(2);
if (!out) throw new Error('usage: makeImageFolder.ts OUT [COUNT] [CLASSES] [SIDE]');
const count = Number(countArg);
const classes = Number(classArg);
const side = Number(sideArg);

const rand = random(1);
for (let k = 0; k < classes; k++) await mkdir(join(out, `class_${k}`), { recursive: true });
const started = Date.now();
for (let i = 0; i < count; i++) {
  const k = i % classes;
  const png = new PNG({ width: side, height: side });
  const angle = (Math.PI * k) / classes;
  const [r0, g0, b0] = [(k * 97) % 256, (k * 53 + 80) % 256, (k * 29 + 160) % 256];
  for (let y = 0; y < side; y++)
    for (let x = 0; x < side; x++) {
      const stripe = Math.sin((x * Math.cos(angle) + y * Math.sin(angle)) * 0.8) > 0 ? 1 : 0.4;
      const o = (y * side + x) * 4;
      const noise = () => (rand() - 0.5) * 60;
      png.data[o] = Math.max(0, Math.min(255, r0 * stripe + noise()));
      png.data[o + 1] = Math.max(0, Math.min(255, g0 * stripe + noise()));
      png.data[o + 2] = Math.max(0, Math.min(255, b0 * stripe + noise()));
      png.data[o + 3] = 255;
    }
  await writeFile(join(out, `class_${k}`, `img_${String(i).padStart(5, '0')}.png`), PNG.sync.write(png));
  if ((i + 1) % 10000 === 0) console.log(`${i + 1}/${count} (${((Date.now() - started) / 1000).toFixed(0)} s)`);
}
console.log(`wrote ${count} images in ${classes} classes to ${out}`);
