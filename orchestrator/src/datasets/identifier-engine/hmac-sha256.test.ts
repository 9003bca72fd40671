import { createHmac, randomBytes } from "node:crypto";
import { describe, expect, it } from "vitest";
import { HmacPool } from "./hmac-pool";
import { hmacSha256Hex, instantiateSha256x4, SHA256X4_LAYOUT, SHA256X4_WASM } from "./hmac-sha256";

const sha = instantiateSha256x4(SHA256X4_WASM, SHA256X4_LAYOUT);

const expected = (key: Uint8Array, messages: Uint8Array, width: number, count: number) =>
  Array.from({ length: count }, (_, i) =>
    createHmac("sha256", key)
      .update(messages.subarray(i * width, (i + 1) * width))
      .digest("hex"),
  );
const pieces = (hex: Uint8Array, count: number) =>
  Array.from({ length: count }, (_, i) => Buffer.from(hex.subarray(64 * i, 64 * (i + 1))).toString("latin1"));

describe("hmacSha256Hex", () => {
  it.each([
    [32, 12],
    [32, 0],
    [1, 1],
    [64, 55],
    [20, 52],
  ])("equals node:crypto's HMAC-SHA-256 for a %i-byte key and %i-byte messages", (keyBytes, width) => {
    const key = randomBytes(keyBytes);
    const count = 4 * SHA256X4_LAYOUT.maxGroups + 37; // more than one round through the module's memory, and not a multiple of four
    const messages = randomBytes(width * count);
    const out = new Uint8Array(64 * count);
    hmacSha256Hex(sha, key, messages, width, count, out);
    expect(pieces(out, count)).toEqual(expected(key, messages, width, count));
  });

  it("refuses messages that do not fit one block, and buffers too small", () => {
    expect(() => hmacSha256Hex(sha, randomBytes(32), new Uint8Array(56), 56, 1, new Uint8Array(64))).toThrow(
      RangeError,
    );
    expect(() => hmacSha256Hex(sha, randomBytes(32), new Uint8Array(24), 12, 2, new Uint8Array(64))).toThrow(
      RangeError,
    );
    expect(() => hmacSha256Hex(sha, randomBytes(65), new Uint8Array(12), 12, 1, new Uint8Array(64))).toThrow(
      RangeError,
    );
  });
});

describe("HmacPool", () => {
  it("hashes batches in worker threads, each answer matching its own batch", async () => {
    const key = randomBytes(32);
    const pool = new HmacPool(key, 2);
    try {
      const batches = Array.from({ length: 5 }, (_, i) => new Uint8Array(randomBytes(12 * (100 + i))));
      const copies = batches.map((b) => Uint8Array.from(b));
      const answers = await Promise.all(batches.map((b, i) => pool.hash(b, 12, 100 + i)));
      answers.forEach((hex, i) => expect(pieces(hex, 100 + i)).toEqual(expected(key, copies[i]!, 12, 100 + i)));
    } finally {
      await pool.close();
    }
  });

  it("fails the batches of a worker that stops, and every batch asked of it after, instead of leaving them waiting", async () => {
    const pool = new HmacPool(randomBytes(32), 1);
    // Large enough that the worker is still hashing when it is terminated.
    const waiting = pool.hash(new Uint8Array(12 * 2_000_000), 12, 2_000_000);
    await pool.close();
    await expect(waiting).rejects.toThrow(/hashing worker stopped/);
    await expect(pool.hash(new Uint8Array(12), 12, 1)).rejects.toThrow(/hashing worker stopped/);
  });
});
