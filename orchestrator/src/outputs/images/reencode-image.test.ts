import sharp from "sharp";
import { describe, expect, it } from "vitest";
import { SpeError } from "../../errors";
import { imageStructure } from "./image-structure";
import { reencodeImage } from "./reencode-image";
import { HIDDEN_ROWS, jpegWithExtras, plainPng, pngChunk, pngWithHiddenRows } from "./test-fixtures";

const has = (bytes: Buffer, text: string) => bytes.includes(Buffer.from(text));

describe("imageStructure", () => {
  it("finds a text chunk and the rows after a PNG's end", async () => {
    const png = await pngWithHiddenRows();
    const structure = imageStructure(png);
    expect(structure).toMatchObject({ format: "png", width: 64, height: 32 });
    expect("extras" in structure && structure.extras).toEqual([
      { kind: "text", name: "tEXt", bytes: "Comment\0".length + HIDDEN_ROWS.length },
      { kind: "trailing", name: "", bytes: HIDDEN_ROWS.length },
    ]);
  });

  it("finds nothing but pixels in a plain PNG, and keeps it within what its pixels could need", async () => {
    const png = await plainPng();
    const structure = imageStructure(png);
    expect("extras" in structure && structure.extras).toEqual([]);
    expect("pixelBytesBound" in structure && png.length <= structure.pixelBytesBound).toBe(true);
  });

  it("finds Exif, a comment and trailing bytes in a JPEG", async () => {
    const structure = imageStructure(await jpegWithExtras());
    expect(structure).toMatchObject({ format: "jpeg", width: 64, height: 32 });
    expect("extras" in structure && structure.extras.map((e) => [e.kind, e.name])).toEqual([
      ["text", "COM"],
      ["metadata", "APP1"],
      ["trailing", ""],
    ]);
  });

  it.each([
    ["a truncated PNG", async () => (await plainPng()).subarray(0, 60), /ends|past the end/],
    ["a PNG without IEND", async () => (await plainPng()).subarray(0, -12), /before IEND/],
    ["a GIF", async () => Buffer.from("GIF89a\x01\x00\x01\x00"), /neither a PNG nor a JPEG/],
    ["a JPEG without end", async () => Buffer.from([0xff, 0xd8, 0xff, 0xe0, 0x00, 0x04, 0, 0]), /before its end/],
  ])("says why %s is malformed", async (_, make, reason) => {
    const structure = imageStructure(await make());
    expect("malformed" in structure && structure.malformed).toMatch(reason);
  });
});

describe("reencodeImage", () => {
  it("leaves the hidden rows behind and keeps every pixel of a PNG", async () => {
    const png = await pngWithHiddenRows();
    expect(has(png, HIDDEN_ROWS)).toBe(true);
    const { bytes } = await reencodeImage(png);
    expect(has(bytes, HIDDEN_ROWS.slice(0, 40))).toBe(false);
    const again = imageStructure(bytes);
    expect("extras" in again && again.extras).toEqual([]);
    const [before, after] = await Promise.all([png, bytes].map((b) => sharp(b).raw().toBuffer()));
    expect(after!.equals(before!)).toBe(true);
  });

  it("strips a JPEG's Exif, comment and trailing bytes", async () => {
    const { bytes, structure } = await reencodeImage(await jpegWithExtras());
    expect(structure.extras.length).toBe(3);
    const again = imageStructure(bytes);
    expect("extras" in again && again.extras).toEqual([]);
    expect(has(bytes, "hidden")).toBe(false);
  });

  it("refuses an image that does not decode, and one that claims too many pixels", async () => {
    const png = await plainPng();
    // A damaged pixel stream: the structure is sound, the compressed data is not.
    const idat = png.indexOf("IDAT");
    const broken = Buffer.from(png);
    broken.fill(0x55, idat + 4, idat + 20);
    await expect(reencodeImage(broken)).rejects.toMatchObject({ code: "OUTPUT_FILE_UNREADABLE" });
    const header = Buffer.alloc(13);
    header.writeUInt32BE(100_000, 0);
    header.writeUInt32BE(100_000, 4);
    header.set([8, 2, 0, 0, 0], 8);
    const huge = Buffer.concat([png.subarray(0, 8), pngChunk("IHDR", header), pngChunk("IEND", Buffer.alloc(0))]);
    const refused = await reencodeImage(huge).catch((err: unknown) => err);
    expect(refused).toBeInstanceOf(SpeError);
    expect((refused as SpeError).message).toMatch(/100000 × 100000 pixels; at most 40 million/);
  });
});
