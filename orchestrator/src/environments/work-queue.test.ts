import { describe, expect, it } from "vitest";
import { WorkQueue } from "./work-queue";

const tick = (ms = 5) => new Promise((r) => setTimeout(r, ms));

describe("WorkQueue", () => {
  it("handles a key once however often it is added while waiting", async () => {
    const handled: string[] = [];
    const queue = new WorkQueue(
      async (k) => {
        handled.push(k);
        await tick();
      },
      1,
      () => {},
    );
    queue.add("busy"); // takes the only worker, so the others wait
    queue.add("a");
    queue.add("b");
    queue.add("b");
    queue.add("a");
    await queue.idle();
    expect(handled).toEqual(["busy", "a", "b"]);
  });

  it("counts as its depth the keys waiting and being handled, not those waiting out a delay", async () => {
    let release!: () => void;
    const gate = new Promise<void>((r) => (release = r));
    const queue = new WorkQueue(
      () => gate,
      1,
      () => {},
    );
    expect(queue.depth).toBe(0);
    queue.add("busy");
    queue.add("a");
    queue.add("a");
    queue.addAfter("later", 60_000);
    expect(queue.depth).toBe(2);
    release();
    await queue.idle();
    expect(queue.depth).toBe(0);
    await queue.stop();
  });

  it("never runs one key twice at once, but runs it again if it was added meanwhile", async () => {
    let running = 0;
    let maxRunning = 0;
    let runs = 0;
    const queue = new WorkQueue(
      async () => {
        running++;
        runs++;
        maxRunning = Math.max(maxRunning, running);
        await tick(20);
        running--;
      },
      4,
      () => {},
    );
    queue.add("a");
    await tick();
    queue.add("a");
    queue.add("a");
    await tick(30);
    await queue.idle();
    expect(maxRunning).toBe(1);
    expect(runs).toBe(2);
  });

  it("leaves a key being handled alone when asked to add it unless active", async () => {
    let runs = 0;
    const queue = new WorkQueue(
      async () => {
        runs++;
        await tick(20);
      },
      1,
      () => {},
    );
    queue.add("a");
    await tick();
    queue.add("a", { unlessActive: true });
    await tick(30);
    await queue.idle();
    expect(runs).toBe(1);
  });

  it("retries a failing key with growing delays", async () => {
    const attempts: number[] = [];
    const delays: number[] = [];
    const queue = new WorkQueue(
      async () => {
        attempts.push(Date.now());
        if (attempts.length < 3) throw new Error("API server down");
      },
      1,
      (_k, _e, retryInMs) => delays.push(retryInMs),
    );
    queue.add("a");
    while (attempts.length < 3) await tick();
    await queue.idle();
    expect(delays).toEqual([100, 200]);
    expect(attempts[2]! - attempts[1]!).toBeGreaterThanOrEqual(190);
  });

  it("stops taking work and waits for what is running", async () => {
    const handled: string[] = [];
    const queue = new WorkQueue(
      async (k) => {
        await tick(20);
        handled.push(k);
      },
      1,
      () => {},
    );
    queue.add("a");
    queue.add("b");
    await tick();
    await queue.stop();
    expect(handled).toEqual(["a"]);
    queue.add("c");
    await tick(30);
    expect(handled).toEqual(["a"]);
  });
});
