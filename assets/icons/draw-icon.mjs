#!/usr/bin/env node
/**
 * Draws the app icon — three layer nodes joined by a skip connection, the residual idea — and
 * writes it as PNG (512 and 256 px, for Linux and macOS) and ICO (PNG-compressed, for Windows).
 * Plain Node (zlib) so the icon can be regenerated anywhere: `node assets/icons/draw-icon.mjs`.
 */
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { deflateSync } from 'node:zlib';

const here = import.meta.dirname;

/** Signed distance helpers in unit coordinates (0..1). */
const roundedBox = (x, y, cx, cy, hw, hh, r) => {
  const qx = Math.abs(x - cx) - hw + r;
  const qy = Math.abs(y - cy) - hh + r;
  return Math.hypot(Math.max(qx, 0), Math.max(qy, 0)) + Math.min(Math.max(qx, qy), 0) - r;
};
const segment = (x, y, ax, ay, bx, by) => {
  const px = x - ax, py = y - ay, dx = bx - ax, dy = by - ay;
  const t = Math.max(0, Math.min(1, (px * dx + py * dy) / (dx * dx + dy * dy)));
  return Math.hypot(px - t * dx, py - t * dy);
};
const arc = (x, y, cx, cy, r) => (x < cx ? Math.abs(Math.hypot(x - cx, y - cy) - r) : Infinity);

const BACKGROUND = [22, 38, 64];
const EDGE = [148, 175, 214];
const SKIP = [255, 176, 59];
const NODE = [242, 246, 252];

function shade(x, y, pixel) {
  const aa = 1.5 * pixel;
  const cover = (d) => Math.max(0, Math.min(1, 0.5 - d / aa));
  let rgba = [0, 0, 0, 0];
  const paint = (color, alpha) => {
    if (alpha <= 0) return;
    const a = alpha + rgba[3] * (1 - alpha);
    rgba = [0, 1, 2].map((i) => (color[i] * alpha + rgba[i] * rgba[3] * (1 - alpha)) / (a || 1)).concat(a);
  };
  paint(BACKGROUND, cover(roundedBox(x, y, 0.5, 0.5, 0.46, 0.46, 0.1)));
  const nodes = [0.24, 0.5, 0.76];
  paint(EDGE, cover(segment(x, y, 0.58, 0.24, 0.58, 0.76) - 0.018));
  paint(SKIP, cover(arc(x, y, 0.42, 0.5, 0.26) - 0.028));
  for (const ny of nodes) paint(NODE, cover(roundedBox(x, y, 0.58, ny, 0.17, 0.075, 0.035)));
  return rgba.map((v, i) => Math.round(i === 3 ? v * 255 : v));
}

function render(size) {
  const rows = [];
  for (let py = 0; py < size; py++) {
    const row = Buffer.alloc(1 + size * 4);
    for (let px = 0; px < size; px++) row.set(shade((px + 0.5) / size, (py + 0.5) / size, 1 / size), 1 + px * 4);
    rows.push(row);
  }
  return encodePng(size, Buffer.concat(rows));
}

const crcTable = Array.from({ length: 256 }, (_, n) => {
  let c = n;
  for (let k = 0; k < 8; k++) c = c & 1 ? 0xedb88320 ^ (c >>> 1) : c >>> 1;
  return c >>> 0;
});
const crc32 = (buf) => {
  let c = 0xffffffff;
  for (const b of buf) c = crcTable[(c ^ b) & 0xff] ^ (c >>> 8);
  return (c ^ 0xffffffff) >>> 0;
};
function chunk(type, data) {
  const out = Buffer.alloc(12 + data.length);
  out.writeUInt32BE(data.length, 0);
  out.write(type, 4, 'ascii');
  data.copy(out, 8);
  out.writeUInt32BE(crc32(out.subarray(4, 8 + data.length)), 8 + data.length);
  return out;
}
function encodePng(size, raw) {
  const header = Buffer.alloc(13);
  header.writeUInt32BE(size, 0);
  header.writeUInt32BE(size, 4);
  header.set([8, 6, 0, 0, 0], 8); // 8-bit RGBA, no interlace
  return Buffer.concat([Buffer.from([137, 80, 78, 71, 13, 10, 26, 10]), chunk('IHDR', header), chunk('IDAT', deflateSync(raw, { level: 9 })), chunk('IEND', Buffer.alloc(0))]);
}

/** ICO with PNG-compressed entries (Windows Vista and later read these). */
function encodeIco(images) {
  const header = Buffer.alloc(6 + 16 * images.length);
  header.writeUInt16LE(1, 2);
  header.writeUInt16LE(images.length, 4);
  let offset = header.length;
  images.forEach(({ size, png }, i) => {
    const e = 6 + 16 * i;
    header.writeUInt8(size >= 256 ? 0 : size, e);
    header.writeUInt8(size >= 256 ? 0 : size, e + 1);
    header.writeUInt16LE(1, e + 4);
    header.writeUInt16LE(32, e + 6);
    header.writeUInt32LE(png.length, e + 8);
    header.writeUInt32LE(offset, e + 12);
    offset += png.length;
  });
  return Buffer.concat([header, ...images.map((i) => i.png)]);
}

const sizes = [512, 256, 48, 32, 16];
const pngs = Object.fromEntries(sizes.map((s) => [s, render(s)]));
writeFileSync(join(here, 'icon.png'), pngs[512]);
for (const s of [512, 256]) writeFileSync(join(here, `${s}x${s}.png`), pngs[s]);
writeFileSync(join(here, 'icon.ico'), encodeIco([256, 48, 32, 16].map((size) => ({ size, png: pngs[size] }))));
console.log(`wrote icon.png, 512x512.png, 256x256.png, icon.ico in ${here}`);
