import { SpeError } from "../../errors";
import { PNG_SIGNATURE } from "../images/image-structure";

/** What a file's bytes are, whatever its name says. */
export type FileContent = "png" | "jpeg" | "gif" | "pdf" | "zip" | "svg" | "text" | "binary";

/** In words, for the message that refuses a file whose content is not what its name says. */
const CONTENT_WORDS: Record<FileContent, string> = {
  png: "a PNG image",
  jpeg: "a JPEG image",
  gif: "a GIF image",
  pdf: "a PDF document",
  zip: "a ZIP archive (or an Office document)",
  svg: "an SVG drawing",
  text: "text",
  binary: "binary data",
};

/** The content each file ending must have; every other allowed ending is UTF-8 text. */
const EXPECTED: Record<string, FileContent> = { png: "png", jpg: "jpeg", jpeg: "jpeg" };

/** Recognises a file by its first bytes (magic numbers), and text by decoding it as UTF-8 without NULs. */
export function contentOf(bytes: Uint8Array): FileContent {
  const starts = (...prefix: number[]) => prefix.every((b, i) => bytes[i] === b);
  if (starts(...PNG_SIGNATURE)) return "png";
  if (starts(0xff, 0xd8, 0xff)) return "jpeg";
  if (starts(0x47, 0x49, 0x46, 0x38)) return "gif";
  if (starts(0x25, 0x50, 0x44, 0x46)) return "pdf";
  if (starts(0x50, 0x4b, 0x03, 0x04)) return "zip";
  if (bytes.includes(0)) return "binary";
  let text: string;
  try {
    text = new TextDecoder("utf-8", { fatal: true }).decode(bytes.subarray(0, 4096));
  } catch {
    // A multi-byte character cut at 4096 is still text: decode the whole file before calling it binary.
    try {
      text = new TextDecoder("utf-8", { fatal: true }).decode(bytes);
    } catch {
      return "binary";
    }
  }
  return /^\uFEFF?\s*(?:<\?xml[^>]*>\s*)?(?:<!--[\s\S]*?-->\s*)*(?:<!DOCTYPE svg[^>]*>\s*)?<svg[\s>]/i.test(text)
    ? "svg"
    : "text";
}

/**
 * Refuses a file whose content is not what its name says (a table renamed .png, an image renamed .csv,
 * an SVG renamed .txt): checks are chosen by content, and a checker's preview by the name.
 * Throws OUTPUT_FILE_UNREADABLE.
 */
export function requireContentMatchesName(extension: string, content: FileContent): void {
  const expected = EXPECTED[extension] ?? "text";
  if (content === expected) return;
  throw new SpeError(
    "OUTPUT_FILE_UNREADABLE",
    `The file is ${CONTENT_WORDS[content]}, but its name ends in .${extension}, which must be ${CONTENT_WORDS[expected]}. ` +
      (content === "svg" || content === "pdf"
        ? "SVG and PDF cannot leave: save the figure as PNG."
        : "Give it the name its content has, or export it in the format its name says."),
  );
}
