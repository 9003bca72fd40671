import { fetchRequestHandler } from "@trpc/server/adapters/fetch";
import { describe, expect, it } from "vitest";
import { z } from "zod";
import { SpeError } from "../errors";
import type { Context } from "./context";
import { publicProcedure, router, UNEXPECTED_MESSAGE } from "./trpc";

// Procedures that fail the ways real ones do, answered through tRPC's HTTP handler as browsers get them.
const failing = router({
  databaseDown: publicProcedure.query(() => {
    throw new Error('connect ECONNREFUSED 10.0.3.7:5432 (relation "sessions", user spe_admin)');
  }),
  ours: publicProcedure.query(() => {
    throw new SpeError("DATABASE_UNAVAILABLE", "The database cannot be reached; try again in a minute.");
  }),
  gone: publicProcedure.query(async () => {
    await Promise.resolve();
    throw new SpeError("EXPORT_REQUEST_NOT_FOUND", "There is no export request 7.");
  }),
  byId: publicProcedure.input(z.object({ id: z.uuid() })).query(({ input }) => input.id),
  wrongInput: publicProcedure
    .input((v) => {
      if (typeof v !== "string") throw new Error("a text, please");
      return v;
    })
    .query(({ input }) => input),
});

async function ask(path: string, input?: unknown): Promise<{ status: number; message: string; speCode?: string }> {
  const query = input === undefined ? "" : `?input=${encodeURIComponent(JSON.stringify(input))}`;
  const res = await fetchRequestHandler({
    endpoint: "/trpc",
    router: failing,
    req: new Request(`http://localhost/trpc/${path}${query}`),
    createContext: () => ({ services: {}, session: undefined, address: "127.0.0.1" }) as unknown as Context,
  });
  const body = (await res.json()) as { error: { message: string; data: { speCode?: string } } };
  return { status: res.status, message: body.error.message, speCode: body.error.data.speCode };
}

describe("error answers", () => {
  it.each([
    ["an unexpected failure gives no detail of it", "databaseDown", undefined, 500, UNEXPECTED_MESSAGE, "UNEXPECTED"],
    [
      "a failure of ours keeps its code, and its sentence (which could name a host) stays in the log",
      "ours",
      undefined,
      500,
      `DATABASE_UNAVAILABLE: ${UNEXPECTED_MESSAGE}`,
      "DATABASE_UNAVAILABLE",
    ],
    [
      "bad input not checked by zod says only that it could not be read",
      "wrongInput",
      7,
      400,
      "INPUT_INVALID: The request could not be read.",
      "INPUT_INVALID",
    ],
    [
      "a malformed id names the field and says it is not a valid id, without zod's pattern",
      "byId",
      { id: "../../etc/passwd" },
      400,
      "INPUT_INVALID: id: is not a valid id.",
      "INPUT_INVALID",
    ],
    [
      "a domain error gets its code from the table, and its message leads with our code",
      "gone",
      undefined,
      404,
      "EXPORT_REQUEST_NOT_FOUND: There is no export request 7.",
      "EXPORT_REQUEST_NOT_FOUND",
    ],
  ])("%s", async (_case, path, input, status, message, speCode) => {
    const answer = await ask(path, input);
    expect(answer).toEqual({ status, message, speCode });
  });
});
