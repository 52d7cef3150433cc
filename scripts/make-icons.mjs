// Writes the installable app's icons (src/web/public/icons/icon-192.png, icon-512.png, maskable-512.png):
// a white cross on the platform's green, drawn pixel by pixel and encoded as PNG with node:zlib — no download,
// no image library. Run again after changing the drawing: node scripts/make-icons.mjs
import { deflateSync } from 'node:zlib';
import { writeFileSync } from 'node:fs';

const CRC = new Int32Array(256).map((_, n) => { let c = n; for (let k = 0; k < 8; k++) c = c & 1 ? 0xedb88320 ^ (c >>> 1) : c >>> 1; return c; });
const crc32 = (buf) => { let c = -1; for (const b of buf) c = CRC[(c ^ b) & 0xff] ^ (c >>> 8); return (c ^ -1) >>> 0; };
const chunk = (type, data) => {
  const len = Buffer.alloc(4); len.writeUInt32BE(data.length);
  const td = Buffer.concat([Buffer.from(type, 'ascii'), data]);
  const crc = Buffer.alloc(4); crc.writeUInt32BE(crc32(td));
  return Buffer.concat([len, td, crc]);
};

/** An RGBA PNG of size×size; `inset` is the share of the side kept clear around the cross (maskable icons need a safe zone). */
function icon(size, { inset = 0.18, round = true } = {}) {
  const green = [0x16, 0x77, 0x4d, 255];
  const white = [255, 255, 255, 255];
  const clear = [0, 0, 0, 0];
  const raw = Buffer.alloc((size * 4 + 1) * size);
  const r = size * 0.2; // corner radius of the rounded square
  const lo = size * inset, hi = size * (1 - inset);
  const arm = (hi - lo) / 3;
  for (let y = 0; y < size; y++) {
    raw[y * (size * 4 + 1)] = 0; // filter: none
    for (let x = 0; x < size; x++) {
      const cx = Math.min(x, size - 1 - x), cy = Math.min(y, size - 1 - y);
      const outside = round && cx < r && cy < r && (r - cx) ** 2 + (r - cy) ** 2 > r * r;
      const inV = x >= lo + arm && x < hi - arm && y >= lo && y < hi;
      const inH = y >= lo + arm && y < hi - arm && x >= lo && x < hi;
      const px = outside ? clear : inV || inH ? white : green;
      raw.set(px, y * (size * 4 + 1) + 1 + x * 4);
    }
  }
  const ihdr = Buffer.alloc(13);
  ihdr.writeUInt32BE(size, 0); ihdr.writeUInt32BE(size, 4);
  ihdr[8] = 8; ihdr[9] = 6; // 8-bit RGBA
  return Buffer.concat([Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]), chunk('IHDR', ihdr), chunk('IDAT', deflateSync(raw, { level: 9 })), chunk('IEND', Buffer.alloc(0))]);
}

const dir = new URL('../src/web/public/icons/', import.meta.url);
writeFileSync(new URL('icon-192.png', dir), icon(192));
writeFileSync(new URL('icon-512.png', dir), icon(512));
writeFileSync(new URL('maskable-512.png', dir), icon(512, { inset: 0.28, round: false }));
writeFileSync(new URL('apple-touch-icon.png', dir), icon(180, { round: false }));
console.log('wrote icons into src/web/public/icons/');
