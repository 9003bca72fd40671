/**
 * What an image file holds besides its pixels, read from its structure (PNG chunks, JPEG segments) before
 * it is decoded. Decoders skip what they do not need — text chunks, metadata, bytes after the image's end —
 * so a figure that looks harmless can carry a table; these findings tell output checkers what was there
 * and re-encoding (reencode-image.ts) makes sure none of it leaves.
 */
export interface ImageStructure {
  format: "png" | "jpeg";
  width: number;
  height: number;
  /** The most bytes honest pixels of this size could take in this format (compressed or not). */
  pixelBytesBound: number;
  /** Everything found that is not pixels, in file order. */
  extras: ImageExtra[];
}

export interface ImageExtra {
  kind: "text" | "metadata" | "unknown" | "trailing";
  /** The chunk type or segment (`tEXt`, `APP1`, `COM`); empty for trailing bytes. */
  name: string;
  bytes: number;
}

export const PNG_SIGNATURE = Uint8Array.of(0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a);

/** Chunks that say how to draw the pixels; anything else in a PNG is something beyond them. */
const PNG_PIXEL_CHUNKS = new Set([
  "IHDR",
  "PLTE",
  "IDAT",
  "IEND",
  "tRNS",
  "gAMA",
  "cHRM",
  "sRGB",
  "sBIT",
  "pHYs",
  "bKGD",
]);
const PNG_TEXT_CHUNKS = new Set(["tEXt", "zTXt", "iTXt"]);
const PNG_METADATA_CHUNKS = new Set(["eXIf", "iCCP", "tIME", "hIST", "sPLT", "oFFs", "pCAL", "sCAL", "sTER"]);
/** Samples per pixel by PNG colour type (palette images: one index). */
const PNG_CHANNELS: Record<number, number> = { 0: 1, 2: 3, 3: 1, 4: 2, 6: 4 };

/** An image's structure, or a reason it is not a well-formed PNG or JPEG. */
export function imageStructure(bytes: Uint8Array): ImageStructure | { malformed: string } {
  if (startsWith(bytes, PNG_SIGNATURE)) return pngStructure(bytes);
  if (bytes[0] === 0xff && bytes[1] === 0xd8) return jpegStructure(bytes);
  return { malformed: "neither a PNG nor a JPEG image" };
}

function pngStructure(bytes: Uint8Array): ImageStructure | { malformed: string } {
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const extras: ImageExtra[] = [];
  let header: { width: number; height: number; depth: number; channels: number } | undefined;
  for (let at = PNG_SIGNATURE.length; ;) {
    if (at + 12 > bytes.length) return { malformed: "the PNG ends inside a chunk, before IEND" };
    const length = view.getUint32(at);
    const name = String.fromCharCode(...bytes.subarray(at + 4, at + 8));
    const end = at + 12 + length;
    if (end > bytes.length) return { malformed: `the PNG's ${safeName(name)} chunk runs past the end of the file` };
    if (name === "IHDR" && length >= 10)
      header = {
        width: view.getUint32(at + 8),
        height: view.getUint32(at + 12),
        depth: bytes[at + 16]!,
        channels: PNG_CHANNELS[bytes[at + 17]!] ?? 4,
      };
    else if (!PNG_PIXEL_CHUNKS.has(name))
      extras.push({
        kind: PNG_TEXT_CHUNKS.has(name) ? "text" : PNG_METADATA_CHUNKS.has(name) ? "metadata" : "unknown",
        name: safeName(name),
        bytes: length,
      });
    at = end;
    if (name === "IEND") {
      if (at < bytes.length) extras.push({ kind: "trailing", name: "", bytes: bytes.length - at });
      break;
    }
  }
  if (!header) return { malformed: "the PNG has no IHDR chunk" };
  const rowBytes = Math.ceil((header.width * header.channels * header.depth) / 8);
  // Deflate at worst stores: a filter byte per row, 5 bytes per 64 KiB block, the zlib frame, chunk headers.
  const raw = (rowBytes + 1) * header.height;
  const pixelBytesBound = raw + Math.ceil(raw / 16_384) * 17 + 1024 + 3 * 256 + 256;
  return { format: "png", width: header.width, height: header.height, pixelBytesBound, extras };
}

/** JPEG markers after which no length follows. */
const STANDALONE = (marker: number) => marker === 0x01 || (marker >= 0xd0 && marker <= 0xd8);
/** Start-of-frame markers (C0–CF but DHT C4, JPG C8, DAC CC): they carry the image's size. */
const IS_FRAME = (marker: number) => marker >= 0xc0 && marker <= 0xcf && ![0xc4, 0xc8, 0xcc].includes(marker);

function jpegStructure(bytes: Uint8Array): ImageStructure | { malformed: string } {
  const extras: ImageExtra[] = [];
  let frame: { width: number; height: number; components: number } | undefined;
  let at = 2;
  for (;;) {
    if (at + 2 > bytes.length) return { malformed: "the JPEG ends before its end-of-image marker" };
    if (bytes[at] !== 0xff) return { malformed: `no JPEG marker at byte ${at}` };
    const marker = bytes[at + 1]!;
    if (marker === 0xff) {
      at++; // fill bytes before a marker are allowed
      continue;
    }
    if (marker === 0xd9) {
      at += 2;
      break;
    }
    if (STANDALONE(marker)) {
      at += 2;
      continue;
    }
    if (at + 4 > bytes.length) return { malformed: "the JPEG ends inside a segment" };
    const length = (bytes[at + 2]! << 8) | bytes[at + 3]!;
    const end = at + 2 + length;
    if (length < 2 || end > bytes.length) return { malformed: "a JPEG segment runs past the end of the file" };
    if (IS_FRAME(marker) && length >= 8)
      frame = {
        height: (bytes[at + 5]! << 8) | bytes[at + 6]!,
        width: (bytes[at + 7]! << 8) | bytes[at + 8]!,
        components: bytes[at + 9]!,
      };
    else if (marker === 0xfe) extras.push({ kind: "text", name: "COM", bytes: length - 2 });
    // APP0 is the JFIF header, which says nothing but the pixel density; APP1–APP15 are Exif, XMP, ICC, IPTC, …
    else if (marker >= 0xe1 && marker <= 0xef)
      extras.push({ kind: "metadata", name: `APP${marker - 0xe0}`, bytes: length - 2 });
    at = end;
    if (marker === 0xda) at = afterEntropyCodedData(bytes, at);
  }
  if (!frame) return { malformed: "the JPEG has no frame header" };
  if (at < bytes.length) extras.push({ kind: "trailing", name: "", bytes: bytes.length - at });
  // A JPEG at the highest quality can exceed the raw pixels a little; more than twice as much is not pixels.
  const pixelBytesBound = 2 * frame.width * frame.height * Math.max(1, frame.components) + 2048;
  return { format: "jpeg", width: frame.width, height: frame.height, pixelBytesBound, extras };
}

/** Where the scan's entropy-coded data ends: at the first marker that is not a stuffed 0xFF or a restart. */
function afterEntropyCodedData(bytes: Uint8Array, from: number): number {
  for (let at = bytes.indexOf(0xff, from); at !== -1; at = bytes.indexOf(0xff, at + 1)) {
    const next = bytes[at + 1];
    if (next === undefined) return bytes.length;
    if (next !== 0x00 && !(next >= 0xd0 && next <= 0xd7) && next !== 0xff) return at;
  }
  return bytes.length;
}

function startsWith(bytes: Uint8Array, prefix: Uint8Array): boolean {
  return bytes.length >= prefix.length && prefix.every((b, i) => bytes[i] === b);
}

/** A chunk type as four letters, or its bytes in hex when it is not: never the file's raw bytes in a message. */
function safeName(name: string): string {
  return /^[A-Za-z]{4}$/.test(name)
    ? name
    : [...name].map((c) => c.charCodeAt(0).toString(16).padStart(2, "0")).join("");
}
