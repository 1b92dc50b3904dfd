// A small PNG decoder for the tests (8-bit RGB/RGBA, non-interlaced: what resvg writes), independent of the
// code under test.
import { inflateSync } from "node:zlib";

export interface DecodedPng {
  width: number;
  height: number;
  /** RGBA, 4 bytes per pixel, row-major */
  rgba: Uint8Array;
}

export function decodePng(buf: Uint8Array): DecodedPng {
  const b = Buffer.from(buf);
  const sig = [137, 80, 78, 71, 13, 10, 26, 10];
  sig.forEach((v, i) => {
    if (b[i] !== v) throw new Error("not a PNG (bad signature)");
  });
  let off = 8;
  let width = 0,
    height = 0,
    bitDepth = 0,
    colorType = 0,
    interlace = 0;
  const idat: Buffer[] = [];
  let first = true;
  while (off < b.length) {
    const len = b.readUInt32BE(off);
    const type = b.toString("latin1", off + 4, off + 8);
    const data = b.subarray(off + 8, off + 8 + len);
    if (first && type !== "IHDR") throw new Error("first chunk is not IHDR");
    first = false;
    if (type === "IHDR") {
      width = data.readUInt32BE(0);
      height = data.readUInt32BE(4);
      bitDepth = data[8];
      colorType = data[9];
      interlace = data[12];
    } else if (type === "IDAT") idat.push(data);
    else if (type === "IEND") break;
    off += 12 + len;
  }
  if (bitDepth !== 8 || (colorType !== 6 && colorType !== 2) || interlace !== 0) {
    throw new Error(`unsupported PNG: depth ${bitDepth}, colour type ${colorType}, interlace ${interlace}`);
  }
  const bpp = colorType === 6 ? 4 : 3;
  const raw = inflateSync(Buffer.concat(idat));
  const stride = width * bpp;
  if (raw.length !== height * (stride + 1)) throw new Error(`bad image data length ${raw.length}`);
  const out = new Uint8Array(width * height * bpp);
  for (let y = 0; y < height; y++) {
    const f = raw[y * (stride + 1)];
    const src = raw.subarray(y * (stride + 1) + 1, (y + 1) * (stride + 1));
    const row = out.subarray(y * stride, (y + 1) * stride);
    const prev = y > 0 ? out.subarray((y - 1) * stride, y * stride) : new Uint8Array(stride);
    for (let i = 0; i < stride; i++) {
      const a = i >= bpp ? row[i - bpp] : 0;
      const up = prev[i];
      const c = i >= bpp ? prev[i - bpp] : 0;
      let v = src[i];
      if (f === 1) v += a;
      else if (f === 2) v += up;
      else if (f === 3) v += (a + up) >> 1;
      else if (f === 4) {
        const p = a + up - c;
        const pa = Math.abs(p - a),
          pb = Math.abs(p - up),
          pc = Math.abs(p - c);
        v += pa <= pb && pa <= pc ? a : pb <= pc ? up : c;
      } else if (f !== 0) throw new Error(`bad filter ${f}`);
      row[i] = v & 255;
    }
  }
  if (bpp === 4) return { width, height, rgba: out };
  const rgba = new Uint8Array(width * height * 4);
  for (let i = 0; i < width * height; i++) {
    rgba[4 * i] = out[3 * i];
    rgba[4 * i + 1] = out[3 * i + 1];
    rgba[4 * i + 2] = out[3 * i + 2];
    rgba[4 * i + 3] = 255;
  }
  return { width, height, rgba };
}

/** Pixels (in the rectangle, default the whole image) whose colour differs from white by more than `tol`. */
export function countNonWhite(
  img: DecodedPng,
  tol = 24,
  rect?: { x0: number; y0: number; x1: number; y1: number },
): number {
  const { x0, y0, x1, y1 } = rect ?? { x0: 0, y0: 0, x1: img.width, y1: img.height };
  let n = 0;
  for (let y = y0; y < y1; y++)
    for (let x = x0; x < x1; x++) {
      const i = 4 * (y * img.width + x);
      if (
        img.rgba[i + 3] > 0 &&
        (255 - img.rgba[i] > tol || 255 - img.rgba[i + 1] > tol || 255 - img.rgba[i + 2] > tol)
      )
        n++;
    }
  return n;
}

/** Pixels darker than `max` in every channel (text and axis lines; not light grid lines). */
export function countDark(
  img: DecodedPng,
  rect: { x0: number; y0: number; x1: number; y1: number },
  max = 110,
): number {
  let n = 0;
  for (let y = rect.y0; y < rect.y1; y++)
    for (let x = rect.x0; x < rect.x1; x++) {
      const i = 4 * (y * img.width + x);
      if (img.rgba[i] < max && img.rgba[i + 1] < max && img.rgba[i + 2] < max) n++;
    }
  return n;
}

/** Number of distinct colours (a chart with data has several). */
export function distinctColours(img: DecodedPng): number {
  const s = new Set<number>();
  for (let i = 0; i < img.rgba.length; i += 4) s.add((img.rgba[i] << 16) | (img.rgba[i + 1] << 8) | img.rgba[i + 2]);
  return s.size;
}
