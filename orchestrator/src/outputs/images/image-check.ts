import { say } from "../sdc/phrases";
import type { SdcCheck } from "../sdc/report";
import { sayingEnglish } from "../sdc/report";
import type { ImageStructure } from "./image-structure";

/**
 * What an output checker should know of an image besides what it shows: anything it carried beyond its
 * pixels, and whether its pixel data is larger than pixels of its size could need (data hidden inside the
 * compressed stream). Either is `review`: re-encoding removed it, but its being there says something about
 * the request. What was found (sizes, chunk names) is a detail, for checkers only.
 */
export function imageContentCheck(structure: ImageStructure, fileBytes: number): SdcCheck {
  const bytesOf = (kind: ImageStructure["extras"][number]["kind"]) =>
    structure.extras.filter((e) => e.kind === kind).reduce((sum, e) => sum + e.bytes, 0);
  const extraBytes = structure.extras.reduce((sum, e) => sum + e.bytes, 0);
  const pixelBytes = fileBytes - extraBytes;
  const oversized = pixelBytes > structure.pixelBytesBound;
  const facts = {
    width: structure.width,
    height: structure.height,
    format: structure.format.toUpperCase(),
    bytes: fileBytes,
  };
  const phrase =
    structure.extras.length || oversized
      ? say("image-beyond-pixels", undefined, {
          ...facts,
          text: bytesOf("text"),
          metadata: bytesOf("metadata"),
          unknown: bytesOf("unknown"),
          trailing: bytesOf("trailing"),
          names: [...new Set(structure.extras.map((e) => e.name || "EOF+"))].join(", ") || "—",
          pixelBytes,
          bound: structure.pixelBytesBound,
        })
      : say("image-pixels-only", undefined, facts);
  const says = { phrase };
  return {
    name: "image-content",
    status: phrase.key === "image-beyond-pixels" ? "review" : "pass",
    message: sayingEnglish(says),
    says,
  };
}
