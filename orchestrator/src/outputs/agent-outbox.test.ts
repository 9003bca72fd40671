import { describe, expect, it } from "vitest";
import { SpeError } from "../errors";
import { agentOutbox } from "./agent-outbox";

describe("an outbox whose airlock agent cannot be reached", () => {
  it("is unavailable in words, without the agent's address or the socket's error", async () => {
    // Port 1 on loopback: nothing listens there, so the connection is refused at once.
    const outbox = agentOutbox(async () => "http://127.0.0.1:1");
    const err = await outbox.list("spe-demo").catch((e: unknown) => e);
    expect(err).toBeInstanceOf(SpeError);
    expect(err).toMatchObject({ code: "OUTBOX_UNAVAILABLE", message: expect.stringContaining("spe-demo") });
    expect((err as Error).message).not.toMatch(/127\.0\.0\.1|:1\b|ECONNREFUSED|http:/);
    // The reason stays with the error, for the server's log.
    expect(String(((err as Error).cause as Error).message)).toMatch(/127\.0\.0\.1|ECONNREFUSED|fetch failed/);
  });
});
