import { describe, expect, it } from "vitest";
import { encodeV1, type KernelMessage } from "../../test/kernel-upstream";
import { KERNEL_V1_PROTOCOL, readKernelFrame, type KernelFrame } from "./kernel-frames";

interface Message {
  channel: string;
  header: unknown;
  parent_header: unknown;
  metadata: unknown;
  content: unknown;
}

const message = (msgType: string, content: unknown, parentType = ""): Message => ({
  channel: "shell",
  header: {
    msg_id: "m1",
    msg_type: msgType,
    session: "s1",
    username: "",
    version: "5.3",
    date: "2026-12-07T16:00:00Z",
  },
  parent_header: parentType ? { msg_id: "m0", msg_type: parentType } : {},
  metadata: {},
  content,
});

/** As JupyterLab's serializer writes the v1 protocol (test/kernel-upstream.ts). */
const v1 = (msg: Message, buffers: Buffer[] = []) => encodeV1(msg as KernelMessage, buffers);

/** The legacy binary framing: uint32 BE count, uint32 BE offsets, the message's JSON, then its buffers. */
function legacyBinary(msg: Message, buffers: Buffer[]): Buffer {
  const json = Buffer.from(JSON.stringify({ ...msg, buffers: [] }));
  const parts = [json, ...buffers];
  const table = Buffer.alloc(4 * (parts.length + 1));
  table.writeUInt32BE(parts.length, 0);
  let offset = table.length;
  parts.forEach((p, i) => {
    table.writeUInt32BE(offset, 4 * (i + 1));
    offset += p.length;
  });
  return Buffer.concat([table, ...parts]);
}

const text = (msg: Message) => Buffer.from(JSON.stringify({ ...msg, buffers: [] }));
const execute = (code: string) => message("execute_request", { code, silent: false, store_history: true });
const kernelInfo = message("kernel_info_reply", { status: "ok", language_info: { name: "python", version: "3.13" } });
const v1Execute = v1(execute("1+1"));

/** A v1 frame with its offset `index` (0 is the count) set to `value`. */
function withOffset(frame: Buffer, index: number, value: bigint): Buffer {
  const copy = Buffer.from(frame);
  copy.writeBigUInt64LE(value, 8 * index);
  return copy;
}

const cases: Array<
  [string, Buffer, boolean, string, "execute_request" | "kernel_info_reply", KernelFrame["kind"], unknown?]
> = [
  ["v1: execute_request", v1Execute, true, KERNEL_V1_PROTOCOL, "execute_request", "execute", "1+1"],
  [
    "v1: execute_request with buffers",
    v1(execute("x = 2"), [Buffer.from([0, 1, 2])]),
    true,
    KERNEL_V1_PROTOCOL,
    "execute_request",
    "execute",
    "x = 2",
  ],
  [
    "v1: code with non-ASCII and a quote",
    v1(execute('print("Malmö ✓")')),
    true,
    KERNEL_V1_PROTOCOL,
    "execute_request",
    "execute",
    'print("Malmö ✓")',
  ],
  ["v1: empty code", v1(execute("")), true, KERNEL_V1_PROTOCOL, "execute_request", "execute", ""],
  [
    "v1: another request",
    v1(message("complete_request", { code: "pri", cursor_pos: 3 })),
    true,
    KERNEL_V1_PROTOCOL,
    "execute_request",
    "other",
  ],
  [
    "v1: an output quoting its execute_request as parent",
    v1(message("stream", { name: "stdout", text: "2" }, "execute_request")),
    true,
    KERNEL_V1_PROTOCOL,
    "execute_request",
    "other",
  ],
  ["v1: kernel_info_reply", v1(kernelInfo), true, KERNEL_V1_PROTOCOL, "kernel_info_reply", "language", "python"],
  [
    "v1: execute_request without code",
    v1(message("execute_request", {})),
    true,
    KERNEL_V1_PROTOCOL,
    "execute_request",
    "unparsed",
  ],
  [
    "v1: cut off in its content",
    v1Execute.subarray(0, v1Execute.length - 3),
    true,
    KERNEL_V1_PROTOCOL,
    "execute_request",
    "unparsed",
  ],
  ["v1: cut off in its offsets", v1Execute.subarray(0, 20), true, KERNEL_V1_PROTOCOL, "execute_request", "unparsed"],
  ["v1: shorter than a count", Buffer.from([1, 2, 3]), true, KERNEL_V1_PROTOCOL, "execute_request", "unparsed"],
  ["v1: empty", Buffer.alloc(0), true, KERNEL_V1_PROTOCOL, "execute_request", "unparsed"],
  ["v1: a huge count", withOffset(v1Execute, 0, 2n ** 40n), true, KERNEL_V1_PROTOCOL, "execute_request", "unparsed"],
  [
    "v1: an offset past the end",
    withOffset(v1Execute, 3, 99_999n),
    true,
    KERNEL_V1_PROTOCOL,
    "execute_request",
    "unparsed",
  ],
  ["v1: offsets going back", withOffset(v1Execute, 3, 10n), true, KERNEL_V1_PROTOCOL, "execute_request", "unparsed"],
  [
    "v1: a header that is not JSON",
    v1({ ...execute("1"), header: "x" }).fill(0x41, 56 + 5, 56 + 8),
    true,
    KERNEL_V1_PROTOCOL,
    "execute_request",
    "unparsed",
  ],
  [
    "v1: random bytes",
    Buffer.from("8f3a9b0c11d2e4f5a6b7c8d9e0f1a2b38f3a9b0c11d2e4f5a6b7c8d9e0f1a2b3", "hex"),
    true,
    KERNEL_V1_PROTOCOL,
    "execute_request",
    "unparsed",
  ],
  ["JSON: execute_request", text(execute("1+1")), false, "", "execute_request", "execute", "1+1"],
  [
    "JSON: execute_request on a v1 socket's text frame",
    text(execute("y")),
    false,
    KERNEL_V1_PROTOCOL,
    "execute_request",
    "execute",
    "y",
  ],
  ["JSON: kernel_info_reply", text(kernelInfo), false, "", "kernel_info_reply", "language", "python"],
  [
    "JSON: status",
    text(message("status", { execution_state: "busy" }, "execute_request")),
    false,
    "",
    "execute_request",
    "other",
  ],
  ["JSON: cut off after its type", text(execute("1+1")).subarray(0, 120), false, "", "execute_request", "unparsed"],
  ["JSON: not an object", Buffer.from('"execute_request"'), false, "", "execute_request", "unparsed"],
  ["JSON: an array", Buffer.from("[1, 2]"), false, "", "execute_request", "unparsed"],
  ["JSON: garbage", Buffer.from("\u0000\u0001garbage"), false, "", "execute_request", "unparsed"],
  [
    "JSON: a header without a type",
    Buffer.from('{"header": {}, "x": "execute_request"}'),
    false,
    "",
    "execute_request",
    "unparsed",
  ],
  [
    "legacy binary: execute_request with a buffer",
    legacyBinary(execute("z = 3"), [Buffer.from([9, 9])]),
    true,
    "",
    "execute_request",
    "execute",
    "z = 3",
  ],
  [
    "legacy binary: offsets past the frame",
    legacyBinary(execute("z"), [Buffer.from([9])]).subarray(0, 10),
    true,
    "",
    "execute_request",
    "unparsed",
  ],
  ["legacy binary: garbage", Buffer.from("not a frame at all"), true, "", "execute_request", "unparsed"],
];

describe("readKernelFrame", () => {
  it.each(cases)("%s", (_name, frame, binary, protocol, wanted, kind, value) => {
    const read = readKernelFrame(frame, binary, protocol, wanted);
    expect(read.kind).toBe(kind);
    if (read.kind === "execute") expect(read.code).toBe(value);
    if (read.kind === "language") expect(read.language).toBe(value);
    if (read.kind === "unparsed") expect(read.reason).toEqual(expect.any(String));
  });

  it("reads an execute_request whose frame arrived in fragments, once they are put together", () => {
    // ws joins a fragmented message before it is delivered; a frame split anywhere reads whole once joined.
    for (let cut = 1; cut < v1Execute.length; cut += 7) {
      const joined = Buffer.concat([v1Execute.subarray(0, cut), v1Execute.subarray(cut)]);
      expect(readKernelFrame(joined, true, KERNEL_V1_PROTOCOL, "execute_request")).toEqual({
        kind: "execute",
        code: "1+1",
      });
      expect(readKernelFrame(v1Execute.subarray(0, cut), true, KERNEL_V1_PROTOCOL, "execute_request").kind).toBe(
        "unparsed",
      );
    }
  });

  it("never throws on random frames", () => {
    let seed = 7;
    const random = () => (seed = (seed * 1103515245 + 12345) % 2 ** 31) / 2 ** 31;
    for (let i = 0; i < 2000; i++) {
      const frame = Buffer.from(Array.from({ length: Math.floor(random() * 200) }, () => Math.floor(random() * 256)));
      // Now and then a real frame with a few bytes flipped.
      if (i % 3 === 0) {
        v1Execute.copy(frame, 0, 0, Math.min(frame.length, v1Execute.length));
      }
      for (const binary of [true, false])
        for (const protocol of ["", KERNEL_V1_PROTOCOL])
          expect(() => readKernelFrame(frame, binary, protocol, "execute_request")).not.toThrow();
    }
  });
});
