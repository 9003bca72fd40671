import sharp from "sharp";
import { SpeError } from "../../errors";
import { imageStructure, type ImageStructure } from "./image-structure";

/**
 * The most pixels an output image may have: a figure at 300 dpi on A3 is about 17 million. A larger one is
 * refused rather than decoded (a small file can claim huge dimensions to exhaust memory).
 */
export const MAX_IMAGE_PIXELS = 40_000_000;

export interface ReencodedImage {
  /** The fresh raster: the same pixels, in the same format, with nothing else. */
  bytes: Buffer;
  structure: ImageStructure;
}

/**
 * Decodes an image and encodes its pixels afresh, so that nothing but pixels leaves: text chunks, Exif, XMP,
 * ICC profiles, comments and bytes after the image's end are not carried over (sharp writes no metadata
 * unless asked). Pixels stay exact in a PNG (lossless) and close in a JPEG; the orientation a viewer would
 * apply from Exif is applied to the pixels first, so the figure looks as it did.
 *
 * Throws OUTPUT_FILE_UNREADABLE for a file that is not a well-formed PNG or JPEG, claims more than
 * MAX_IMAGE_PIXELS, or does not decode to the end (libvips' warnings count: a truncated image is refused).
 */
export async function reencodeImage(bytes: Uint8Array): Promise<ReencodedImage> {
  const structure = imageStructure(bytes);
  if ("malformed" in structure) throw unreadable(`The image cannot be read: ${structure.malformed}.`);
  if (structure.width * structure.height > MAX_IMAGE_PIXELS)
    throw unreadable(
      `The image is ${structure.width} × ${structure.height} pixels; at most ${MAX_IMAGE_PIXELS / 1e6} million may leave.`,
    );
  try {
    const image = sharp(bytes, { failOn: "warning", limitInputPixels: MAX_IMAGE_PIXELS, animated: false }).rotate();
    const out =
      structure.format === "png"
        ? image.png({ compressionLevel: 9, palette: false })
        : image.jpeg({ quality: 92, chromaSubsampling: "4:4:4", mozjpeg: false });
    return { bytes: await out.toBuffer(), structure };
  } catch (err) {
    throw unreadable(`The ${structure.format.toUpperCase()} image cannot be decoded; save it again and resubmit.`, err);
  }
}

function unreadable(message: string, cause?: unknown): SpeError {
  return new SpeError("OUTPUT_FILE_UNREADABLE", message, { cause });
}
