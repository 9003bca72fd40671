import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { CookieClient } from "../../test/cookie-client";
import { startStack, type Stack } from "../../test/stack";
import { demoPermitPayload } from "../permits/demo-permit";
import { pushDevPermit } from "../../test/push-permit";

/** Reads server-sent events until one carries `needle` in its data, or gives up after `ms`. */
async function eventWith(res: Response, needle: string, ms = 10_000): Promise<{ id?: string; data: string }> {
  const reader = res.body!.pipeThrough(new TextDecoderStream()).getReader();
  const deadline = setTimeout(() => void reader.cancel(), ms);
  let buffer = "";
  try {
    for (;;) {
      const { value, done } = await reader.read();
      if (done) throw new Error(`the stream ended without an event about ${needle}`);
      buffer += value;
      for (let end = buffer.indexOf("\n\n"); end !== -1; end = buffer.indexOf("\n\n")) {
        const block = buffer.slice(0, end);
        buffer = buffer.slice(end + 2);
        const field = (name: string) =>
          block
            .split("\n")
            .find((l) => l.startsWith(`${name}:`))
            ?.slice(name.length + 1)
            .trim();
        const data = field("data");
        if (data?.includes(needle)) return { id: field("id"), data };
      }
    }
  } finally {
    clearTimeout(deadline);
    void reader.cancel().catch(() => undefined);
  }
}

describe("environments.updates over HTTP (server-sent events)", () => {
  let stack: Stack;
  let namespace: string;
  const url = () => `${stack.appUrl}/trpc/environments.updates`;

  beforeAll(async () => {
    stack = await startStack();
    const payload = { ...demoPermitPayload(new Date()), permitId: `SE-SSE-${Date.now().toString(36)}` };
    namespace = await pushDevPermit(stack.appUrl, payload);
  });
  afterAll(() => stack?.stop());

  it("is refused to researchers and to anonymous callers: an error event, then the stream ends, with no environment in it", async () => {
    const alice = await stack.signIn("alice");
    for (const [client, code] of [
      [alice, "FORBIDDEN"],
      [new CookieClient(), "UNAUTHORIZED"],
    ] as const) {
      const res = await client.request(url(), {
        headers: { accept: "text/event-stream" },
        signal: AbortSignal.timeout(10_000),
      });
      // Server-sent events start with 200 before the procedure runs; the refusal is the stream's one event.
      const text = await res.text();
      expect(text).toMatch(/event: serialized-error/);
      expect(text).toContain(`"code":"${code}"`);
      expect(text).not.toContain(namespace);
    }
  });

  it("resumes after a dropped connection: with the last event id it saw, a browser gets what was written since", async () => {
    const olof = await stack.signIn("olof");
    const stream = await olof.request(url(), {
      headers: {
        accept: "text/event-stream",
        "last-event-id": `${new Date(Date.now() - 60_000).toISOString()}/${namespace}`,
      },
    });
    expect(stream.status).toBe(200);
    expect(stream.headers.get("content-type")).toMatch(/^text\/event-stream/);
    const event = await eventWith(stream, namespace);
    expect(event.id).toMatch(new RegExp(`^\\d{4}-\\d{2}-\\d{2}T[\\d:.]+Z/${namespace}$`));
    expect(JSON.parse(event.data)).toMatchObject({ namespace, desiredState: "active" });
  });
});

describe("a live stream and its session", () => {
  let stack: Stack;
  beforeAll(async () => {
    stack = await startStack();
  });
  afterAll(() => stack?.stop());

  it("ends within moments of the person signing out", async () => {
    const alice = await stack.signIn("alice");
    const res = await alice.request(`${stack.appUrl}/trpc/environments.mineUpdates`, {
      headers: { accept: "text/event-stream" },
      signal: AbortSignal.timeout(20_000),
    });
    expect(res.status).toBe(200);
    const ended = res.text().then(() => Date.now());
    // Let the stream open (its procedure runs after the 200), then sign out.
    await new Promise((r) => setTimeout(r, 1000));
    const signedOut = Date.now();
    expect((await alice.request(`${stack.appUrl}/auth/logout`, { method: "POST" })).status).toBe(200);
    expect((await ended) - signedOut).toBeLessThan(5000);
  });
});
