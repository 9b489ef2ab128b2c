import { inflateSync } from 'node:zlib';

/** PNG's eight-byte signature. */
export const PNG_SIGNATURE = Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]);

/** A decoded 8-bit RGB or RGBA PNG (what resvg writes). */
export interface DecodedPng {
  width: number;
  height: number;
  /** 3 (RGB) or 4 (RGBA). */
  channels: number;
  /** Unfiltered pixels, row after row. */
  pixels: Uint8Array;
  /** The pixel at (x, y) as [r, g, b] (alpha dropped). */
  rgbAt(x: number, y: number): [number, number, number];
}

/** True when the bytes start with the PNG signature. */
export function hasPngSignature(bytes: Uint8Array): boolean {
  return Buffer.from(bytes.subarray(0, 8)).equals(PNG_SIGNATURE);
}

/** Width and height from the IHDR chunk (the first one, right after the signature). */
export function pngSize(bytes: Uint8Array): { width: number; height: number } {
  const buf = Buffer.from(bytes);
  if (!hasPngSignature(buf)) throw new Error('not a PNG signature');
  if (buf.toString('latin1', 12, 16) !== 'IHDR') throw new Error('the first chunk is not IHDR');
  return { width: buf.readUInt32BE(16), height: buf.readUInt32BE(20) };
}

/** Decodes a non-interlaced 8-bit RGB/RGBA PNG: IDAT chunks inflated with node:zlib, then unfiltered. */
export function decodePng(bytes: Uint8Array): DecodedPng {
  const buf = Buffer.from(bytes);
  const { width, height } = pngSize(buf);
  const depth = buf[24];
  const colourType = buf[25];
  const interlace = buf[28];
  if (depth !== 8) throw new Error(`expected 8-bit channels, got ${depth}`);
  if (interlace !== 0) throw new Error('interlaced PNGs are not supported');
  const channels = colourType === 6 ? 4 : colourType === 2 ? 3 : 0;
  if (channels === 0) throw new Error(`unsupported colour type ${colourType}`);
  const idat: Buffer[] = [];
  for (let offset = 8; offset < buf.length; ) {
    const length = buf.readUInt32BE(offset);
    const type = buf.toString('latin1', offset + 4, offset + 8);
    if (type === 'IDAT') idat.push(buf.subarray(offset + 8, offset + 8 + length));
    if (type === 'IEND') break;
    offset += 12 + length;
  }
  const raw = inflateSync(Buffer.concat(idat));
  const stride = width * channels;
  if (raw.length !== (stride + 1) * height) throw new Error('the image data has the wrong length');
  const pixels = new Uint8Array(stride * height);
  for (let y = 0; y < height; y++) {
    const filter = raw[y * (stride + 1)]!;
    const line = y * (stride + 1) + 1;
    for (let x = 0; x < stride; x++) {
      const a = x >= channels ? pixels[y * stride + x - channels]! : 0;
      const b = y > 0 ? pixels[(y - 1) * stride + x]! : 0;
      const c = x >= channels && y > 0 ? pixels[(y - 1) * stride + x - channels]! : 0;
      let predictor: number;
      if (filter === 0) predictor = 0;
      else if (filter === 1) predictor = a;
      else if (filter === 2) predictor = b;
      else if (filter === 3) predictor = (a + b) >> 1;
      else if (filter === 4) {
        const p = a + b - c;
        const pa = Math.abs(p - a);
        const pb = Math.abs(p - b);
        const pc = Math.abs(p - c);
        predictor = pa <= pb && pa <= pc ? a : pb <= pc ? b : c;
      } else throw new Error(`bad filter type ${filter} on row ${y}`);
      pixels[y * stride + x] = (raw[line + x]! + predictor) & 0xff;
    }
  }
  return {
    width,
    height,
    channels,
    pixels,
    rgbAt(x, y) {
      if (x < 0 || y < 0 || x >= width || y >= height) throw new Error(`(${x}, ${y}) is outside the image`);
      const i = (Math.floor(y) * width + Math.floor(x)) * channels;
      return [pixels[i]!, pixels[i + 1]!, pixels[i + 2]!];
    },
  };
}

/** How many distinct RGB colours the image holds, and the share of pixels that are not near white. */
export function colourFacts(png: DecodedPng): { distinctColours: number; nonWhiteShare: number } {
  const colours = new Set<number>();
  let nonWhite = 0;
  for (let i = 0; i < png.pixels.length; i += png.channels) {
    const r = png.pixels[i]!;
    const g = png.pixels[i + 1]!;
    const b = png.pixels[i + 2]!;
    colours.add((r << 16) | (g << 8) | b);
    if (r < 240 || g < 240 || b < 240) nonWhite++;
  }
  return { distinctColours: colours.size, nonWhiteShare: nonWhite / (png.width * png.height) };
}

/** "#RRGGBB" as [r, g, b]. */
export function rgbOf(hex: string): [number, number, number] {
  const n = Number.parseInt(hex.replace('#', ''), 16);
  return [(n >> 16) & 0xff, (n >> 8) & 0xff, n & 0xff];
}

/** Whether some pixel is within `tolerance` of `hex` in each channel (edges blend; a mark's inside does not). */
export function hasColourNear(png: DecodedPng, hex: string, tolerance = 3): boolean {
  const [r, g, b] = rgbOf(hex);
  for (let i = 0; i < png.pixels.length; i += png.channels) {
    if (
      Math.abs(png.pixels[i]! - r) <= tolerance &&
      Math.abs(png.pixels[i + 1]! - g) <= tolerance &&
      Math.abs(png.pixels[i + 2]! - b) <= tolerance
    )
      return true;
  }
  return false;
}
