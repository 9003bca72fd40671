import { availableParallelism } from "node:os";
import { Worker } from "node:worker_threads";
import { hmacSha256Hex, instantiateSha256x4, SHA256X4_LAYOUT, SHA256X4_WASM } from "./hmac-sha256";
import { CANONICAL_WIDTH, KEY_BATCH_SOURCE, type KeyBatch } from "./key-batch";
import type { ReferenceDay } from "../personnummer";

// hmacSha256Hex in worker threads, so that hashing a register's millions of people runs beside the main
// thread. Batches travel as transferred buffers (fixed-width messages in, hex out): no per-value copy or
// string on either side. Plain CommonJS around the functions' own source, so that the worker needs no
// TypeScript loader. A batch of keys (hashKeys) is also parsed there, beside the reading of the file.
const WORKER = `
const { parentPort, workerData } = require("node:worker_threads");
const instantiateSha256x4 = ${instantiateSha256x4.toString()};
const hmacSha256Hex = ${hmacSha256Hex.toString()};
const keyBatch = ${KEY_BATCH_SOURCE};
const sha = instantiateSha256x4(workerData.wasm, workerData.layout);
const key = workerData.key;
parentPort.on("message", ({ messages, width, count, keys, reference }) => {
  if (keys) {
    const batch = keyBatch(keys, reference);
    const hex = new Uint8Array(64 * batch.count);
    hmacSha256Hex(sha, key, batch.canonicals, ${CANONICAL_WIDTH}, batch.count, hex);
    parentPort.postMessage({ raws: batch.raws, hex, invalid: batch.invalid }, [batch.raws.buffer, hex.buffer]);
    return;
  }
  const out = new Uint8Array(64 * count);
  hmacSha256Hex(sha, key, messages, width, count, out);
  parentPort.postMessage(out, [out.buffer]);
});`;

/** A batch of keys parsed and hashed: the valid keys' texts (as in KeyBatch), their HMACs in hex, and the invalid keys. */
export type HashedKeys = Pick<KeyBatch, "raws" | "invalid"> & { hex: Uint8Array };

interface Waiting {
  resolve: (answer: unknown) => void;
  reject: (err: unknown) => void;
}

/** HMAC-SHA-256 under one permit key, spread over worker threads; each worker answers in the order it was asked. */
export class HmacPool {
  private readonly workers: { worker: Worker; waiting: Waiting[]; stopped?: Error }[];
  private next = 0;

  constructor(permitKey: Uint8Array, size = availableParallelism()) {
    this.workers = Array.from({ length: Math.max(1, size) }, () => {
      const worker = new Worker(WORKER, {
        eval: true,
        workerData: { key: Uint8Array.from(permitKey), wasm: SHA256X4_WASM, layout: SHA256X4_LAYOUT },
      });
      const entry: (typeof this.workers)[number] = { worker, waiting: [] };
      const stop = (err: Error) => {
        entry.stopped ??= err;
        entry.waiting.splice(0).forEach((w) => w.reject(entry.stopped));
      };
      worker.on("message", (answer: unknown) => entry.waiting.shift()!.resolve(answer));
      worker.on("error", stop);
      // A worker that ends without an error (out of memory, terminated) must not leave its batches waiting for ever.
      worker.on("exit", (code) => stop(new Error(`A hashing worker stopped (exit code ${code}).`)));
      return entry;
    });
  }

  /**
   * The lower-case hex HMACs (64 bytes each, in order) of `count` messages of `width` bytes packed in
   * `messages`. The buffer is handed over to a worker: the caller must not use it afterwards.
   */
  hash(messages: Uint8Array, width: number, count: number): Promise<Uint8Array> {
    return this.ask<Uint8Array>({ messages, width, count }, messages.buffer as ArrayBuffer);
  }

  /** keyBatch of `keys` in a worker, with the HMAC of each valid key's canonical form. `keys` is handed over too. */
  hashKeys(keys: Float64Array, reference: ReferenceDay): Promise<HashedKeys> {
    return this.ask<HashedKeys>({ keys, reference }, keys.buffer as ArrayBuffer);
  }

  private ask<T>(message: object, transfer: ArrayBuffer): Promise<T> {
    const entry = this.workers[this.next++ % this.workers.length]!;
    if (entry.stopped) return Promise.reject(entry.stopped);
    return new Promise<T>((resolve, reject) => {
      entry.waiting.push({ resolve: resolve as (answer: unknown) => void, reject });
      entry.worker.postMessage(message, [transfer]);
    });
  }

  async close(): Promise<void> {
    await Promise.all(this.workers.map(({ worker }) => worker.terminate()));
  }
}
