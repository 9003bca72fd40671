/**
 * Reads what the activity record needs from the messages a browser and a Jupyter kernel exchange over the
 * kernel's WebSocket: the code of each `execute_request`, and the kernel's language from its
 * `kernel_info_reply`. Nothing else is parsed: a frame is judged by its header first (a few hundred bytes),
 * and only the few that matter have their content read.
 *
 * Two framings (jupyter_server's "WebSocket kernel wire protocols"):
 * - `v1.kernel.websocket.jupyter.org`, JupyterLab's: a binary frame of a little-endian uint64 count N, N
 *   uint64 offsets from the frame's start, then the channel name, header, parent header, metadata and
 *   content (each JSON), and any buffers, each part running from its offset to the next.
 * - the legacy protocol (no subprotocol): a text frame of the whole message as JSON, or, for a message with
 *   buffers, a binary frame of a big-endian uint32 count, uint32 offsets, the message's JSON and its buffers.
 */

export const KERNEL_V1_PROTOCOL = "v1.kernel.websocket.jupyter.org";

/** What one frame was, as far as the record cares. */
export type KernelFrame =
  | { kind: "execute"; code: string }
  | { kind: "language"; language: string }
  | { kind: "other" }
  /** Not a kernel message of either framing (truncated, garbage, not JSON): relayed all the same, and counted. */
  | { kind: "unparsed"; reason: string };

const OTHER: KernelFrame = { kind: "other" };
const unparsed = (reason: string): KernelFrame => ({ kind: "unparsed", reason });

/**
 * The one message type looked for in each direction: the browser's code, the kernel's language. A frame
 * whose bytes do not even name it is not parsed (an output that quotes its execute_request as parent is).
 */
export type WantedMessage = "execute_request" | "kernel_info_reply";

interface Parts {
  header: string;
  content: () => string;
}

/** The header and content of a v1 binary frame, or why it is not one. */
function v1Parts(frame: Buffer): Parts | string {
  if (frame.length < 8) return "shorter than its offset count";
  // Offsets past 2^53 are nonsense in any frame this size; reading the low 32 bits of each keeps this cheap.
  const count = frame.readUInt32LE(0);
  if (frame.readUInt32LE(4) !== 0 || count < 6 || count > 1024 || 8 * (count + 1) > frame.length)
    return "offset count out of range";
  const offsets: number[] = [];
  for (let i = 0; i < count; i++) {
    const at = 8 * (i + 1);
    const offset = frame.readUInt32LE(at);
    if (frame.readUInt32LE(at + 4) !== 0 || offset > frame.length || offset < (offsets.at(-1) ?? 8 * (count + 1)))
      return "offsets out of order or past the frame";
    offsets.push(offset);
  }
  const part = (i: number) => frame.toString("utf8", offsets[i], offsets[i + 1]);
  return { header: part(1), content: () => part(4) };
}

/** The message of a legacy binary frame (its JSON part), or why it is not one. */
function legacyBinaryMessage(frame: Buffer): Buffer | string {
  if (frame.length < 8) return "shorter than its offset table";
  const count = frame.readUInt32BE(0);
  if (count < 1 || count > 1024 || 4 * (count + 1) > frame.length) return "offset count out of range";
  const start = frame.readUInt32BE(4);
  const end = count > 1 ? frame.readUInt32BE(8) : frame.length;
  if (start < 4 * (count + 1) || end < start || end > frame.length) return "offsets past the frame";
  return frame.subarray(start, end);
}

function parseJson(text: string): unknown {
  try {
    return JSON.parse(text);
  } catch {
    return undefined;
  }
}

const isObject = (v: unknown): v is Record<string, unknown> => typeof v === "object" && v !== null && !Array.isArray(v);

/** Judges a message by its header's type and reads its content only if it is one the record wants. */
function judge(header: unknown, content: () => unknown, wanted: WantedMessage): KernelFrame {
  if (!isObject(header) || typeof header.msg_type !== "string") return unparsed("no message type in its header");
  if (header.msg_type !== wanted) return OTHER;
  if (wanted === "execute_request") {
    const body = content();
    if (!isObject(body) || typeof body.code !== "string") return unparsed("an execute_request without code");
    return { kind: "execute", code: body.code };
  }
  const body = content();
  const info = isObject(body) && isObject(body.language_info) ? body.language_info : undefined;
  return typeof info?.name === "string" ? { kind: "language", language: info.name } : OTHER;
}

/** Whether bytes begin, after any white space, with `{`: a JSON object, as far as a glance can tell. */
function opensObject(bytes: Buffer): boolean {
  for (const byte of bytes) {
    if (byte === 0x7b) return true;
    if (byte !== 0x20 && byte !== 0x0a && byte !== 0x0d && byte !== 0x09) return false;
  }
  return false;
}

/** A whole message as JSON (legacy text frames, and the JSON part of legacy binary ones). */
function judgeMessage(bytes: Buffer, wanted: WantedMessage): KernelFrame {
  // Searched in the bytes, not a decoded copy: most frames (outputs, status) are passed over at this cost.
  if (!bytes.includes(wanted)) return opensObject(bytes) ? OTHER : unparsed("not a JSON message");
  const message = parseJson(bytes.toString("utf8"));
  if (!isObject(message)) return unparsed("not a JSON message");
  return judge(message.header, () => message.content, wanted);
}

/**
 * What one WebSocket message between a browser and a kernel was, looking for `wanted`. `protocol` is the
 * subprotocol the socket agreed on ("" for none); `binary` whether it came as a binary frame. Never throws.
 */
export function readKernelFrame(data: Buffer, binary: boolean, protocol: string, wanted: WantedMessage): KernelFrame {
  try {
    if (!binary) return judgeMessage(data, wanted);
    if (protocol !== KERNEL_V1_PROTOCOL) {
      const message = legacyBinaryMessage(data);
      return typeof message === "string" ? unparsed(message) : judgeMessage(message, wanted);
    }
    const parts = v1Parts(data);
    if (typeof parts === "string") return unparsed(parts);
    if (!parts.header.includes(wanted)) return /^\s*\{/.test(parts.header) ? OTHER : unparsed("its header is not JSON");
    const header = parseJson(parts.header);
    if (header === undefined) return unparsed("its header is not JSON");
    return judge(header, () => parseJson(parts.content()), wanted);
  } catch (err) {
    return unparsed((err as Error).message);
  }
}
