import { createHash } from "node:crypto";
import type { RawData, WebSocket } from "ws";
import type { ActivityPerson } from "./activity-entry";
import type { ActivitySink } from "./activity-writer";
import { readKernelFrame } from "./kernel-frames";

/**
 * The most of one cell's code the record keeps (its SHA-256 and size are always of all of it): a cell that
 * pastes a whole file of data would otherwise make one entry of megabytes.
 */
export const MAX_RECORDED_CODE_BYTES = 256 * 1024;

const asBuffer = (data: RawData): Buffer =>
  Buffer.isBuffer(data) ? data : Array.isArray(data) ? Buffer.concat(data) : Buffer.from(data);

/** What the record keeps of one execute_request's code. */
export function codeDetails(kernel: string, language: string | null, code: string): Record<string, unknown> {
  const bytes = Buffer.from(code, "utf8");
  const truncated = bytes.length > MAX_RECORDED_CODE_BYTES;
  return {
    kernel,
    language,
    sha256: createHash("sha256").update(bytes).digest("hex"),
    bytes: bytes.length,
    code: truncated ? bytes.subarray(0, MAX_RECORDED_CODE_BYTES).toString("utf8") : code,
    ...(truncated ? { truncated: true } : {}),
  };
}

/**
 * Listens beside the relay to one kernel's WebSocket (the relay's own listeners come first, so a message is
 * on its way before it is read here, and nothing here can hold it up or change it): every execute_request
 * from the browser is recorded, with the language the kernel named in its kernel_info_reply. Frames that
 * cannot be read are counted and, when the socket closes, recorded as a gap.
 */
export function tapKernelSocket(
  sink: ActivitySink,
  person: ActivityPerson,
  kernel: string,
  pair: { client: WebSocket; upstream: WebSocket },
): void {
  const protocol = pair.upstream.protocol;
  let language: string | null = null;
  const unparsed = { frames: 0, reason: "" };
  const count = (reason: string) => {
    unparsed.frames += 1;
    unparsed.reason ||= reason;
  };
  pair.client.on("message", (data: RawData, binary: boolean) => {
    const frame = readKernelFrame(asBuffer(data), binary, protocol, "execute_request");
    if (frame.kind === "execute") sink.record(person, "code.executed", codeDetails(kernel, language, frame.code));
    else if (frame.kind === "unparsed") count(frame.reason);
  });
  const hearLanguage = (data: RawData, binary: boolean) => {
    const frame = readKernelFrame(asBuffer(data), binary, protocol, "kernel_info_reply");
    if (frame.kind === "language") {
      language = frame.language;
      // A kernel keeps its language: from here on the kernel's messages are not looked at.
      pair.upstream.off("message", hearLanguage);
    } else if (frame.kind === "unparsed") count(frame.reason);
  };
  pair.upstream.on("message", hearLanguage);
  pair.client.once("close", () => {
    if (unparsed.frames > 0) sink.record(person, "frames.unparsed", { kernel, ...unparsed });
  });
}
