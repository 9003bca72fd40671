import { crc32 } from "node:zlib";
import sharp from "sharp";

/** 200 rows of a made-up register extract, the kind of table someone would try to hide in a figure. */
export const HIDDEN_ROWS = Array.from(
  { length: 200 },
  (_, i) => `19${String(50 + (i % 40)).padStart(2, "0")}0101${String(1000 + i).slice(-4)},E11,${1 + (i % 9)}`,
).join("\n");

/** A plain 64×32 PNG: a two-colour figure, nothing but pixels. */
export function plainPng(width = 64, height = 32): Promise<Buffer> {
  const pixels = Buffer.alloc(width * height * 3);
  for (let i = 0; i < width * height; i++) pixels.set(i % width < width / 2 ? [11, 92, 138] : [240, 200, 40], i * 3);
  return sharp(pixels, { raw: { width, height, channels: 3 } })
    .png()
    .toBuffer();
}

/** A PNG chunk: length, type, data, CRC over type and data. */
export function pngChunk(type: string, data: Buffer): Buffer {
  const head = Buffer.alloc(8);
  head.writeUInt32BE(data.length, 0);
  head.write(type, 4, "latin1");
  const crc = Buffer.alloc(4);
  crc.writeUInt32BE(crc32(Buffer.concat([head.subarray(4), data])), 0);
  return Buffer.concat([head, data, crc]);
}

/**
 * The figure: a 64×32 PNG that carries 200 data rows twice, in a tEXt chunk before the pixels and
 * after the image's end, where every viewer ignores them.
 */
export async function pngWithHiddenRows(): Promise<Buffer> {
  const png = await plainPng();
  const afterHeader = 8 + 25; // signature, then IHDR (12 bytes of frame + 13 of data)
  const text = pngChunk("tEXt", Buffer.concat([Buffer.from("Comment\0", "latin1"), Buffer.from(HIDDEN_ROWS)]));
  return Buffer.concat([png.subarray(0, afterHeader), text, png.subarray(afterHeader), Buffer.from(HIDDEN_ROWS)]);
}

/** A JPEG with an Exif segment, a comment and bytes after its end-of-image marker. */
export async function jpegWithExtras(): Promise<Buffer> {
  const jpeg = await sharp(await plainPng())
    .jpeg()
    .withExif({ IFD0: { ImageDescription: "hidden" } })
    .toBuffer();
  const comment = Buffer.concat([Buffer.from([0xff, 0xfe, 0, 2 + 11]), Buffer.from("hidden rows")]);
  return Buffer.concat([jpeg.subarray(0, 2), comment, jpeg.subarray(2), Buffer.from(HIDDEN_ROWS)]);
}
