import { availableParallelism } from "node:os";
import { Worker } from "node:worker_threads";

// pseudonymOf (pseudonym-key.ts) in a worker: node:crypto costs some 2 µs per HMAC, most of it per call,
// and a register holds millions of people. Plain CommonJS, so that the worker needs no TypeScript loader.
const WORKER = `
const { parentPort, workerData } = require("node:worker_threads");
const { createHmac } = require("node:crypto");
const key = Buffer.from(workerData);
parentPort.on("message", (canonicals) => {
  const out = new Array(canonicals.length);
  for (let i = 0; i < canonicals.length; i++)
    out[i] = canonicals[i] === null ? null : createHmac("sha256", key).update(canonicals[i], "latin1").digest("hex");
  parentPort.postMessage(out);
});`;

/** HMAC-SHA-256 under one permit key, spread over worker threads; batches come back in the order sent to each worker. */
export class HmacPool {
  private readonly workers: { worker: Worker; waiting: { resolve: (out: (string | null)[]) => void; reject: (err: unknown) => void }[] }[];
  private next = 0;

  constructor(permitKey: Uint8Array, size = availableParallelism()) {
    this.workers = Array.from({ length: Math.max(1, size) }, () => {
      const worker = new Worker(WORKER, { eval: true, workerData: Uint8Array.from(permitKey) });
      const entry = { worker, waiting: [] as HmacPool["workers"][number]["waiting"] };
      worker.on("message", (out: (string | null)[]) => entry.waiting.shift()!.resolve(out));
      worker.on("error", (err) => entry.waiting.splice(0).forEach((w) => w.reject(err)));
      return entry;
    });
  }

  /** The lower-case hex HMAC of each canonical identifier; null stays null. */
  hash(canonicals: (string | null)[]): Promise<(string | null)[]> {
    const entry = this.workers[this.next++ % this.workers.length]!;
    return new Promise((resolve, reject) => {
      entry.waiting.push({ resolve, reject });
      entry.worker.postMessage(canonicals);
    });
  }

  async close(): Promise<void> {
    await Promise.all(this.workers.map(({ worker }) => worker.terminate()));
  }
}
