import cookie from "@fastify/cookie";
import { TRPCError } from "@trpc/server";
import { fastifyTRPCPlugin } from "@trpc/server/adapters/fastify";
import Fastify, { type FastifyInstance, type FastifyRequest } from "fastify";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { z } from "zod";
import type { Context, Services } from "../api/context";
import { publicProcedure, researcherProcedure, router } from "../api/trpc";
import { SpeError } from "../errors";
import { registerTrpc, type TrpcErrorReport } from "./trpc-route";

// Procedures of every kind the API has, built on the API's own tRPC instance (its error formatter).
const testRouter = router({
  hello: publicProcedure.query(() => ({ greeting: "hello", at: new Date("2026-11-23T04:00:00Z"), none: undefined })),
  echo: publicProcedure.input(z.object({ text: z.string().max(5) })).query(({ input }) => input),
  optional: publicProcedure
    .input(z.object({ n: z.number() }).optional())
    .query(({ input }) => ({ n: input?.n ?? null })),
  mine: researcherProcedure.query(({ ctx }) => ({ subject: ctx.session.subject })),
  boom: publicProcedure.query(() => {
    throw new Error("internal detail that must not leak");
  }),
  gone: publicProcedure.query(() => {
    throw new TRPCError({
      code: "NOT_FOUND",
      message: "ENVIRONMENT_NOT_FOUND: no such environment.",
      cause: new SpeError("ENVIRONMENT_NOT_FOUND", "no such environment"),
    });
  }),
  deferred: publicProcedure.query(() => ({ later: Promise.resolve(1) })),
  unserialisable: publicProcedure.query(() => ({ big: 1n })),
  nested: router({ value: publicProcedure.query(() => 42) }),
  change: publicProcedure.input(z.object({ to: z.string() })).mutation(({ input }) => ({ changed: input.to })),
  ticks: publicProcedure.subscription(async function* () {
    yield 1;
    yield 2;
  }),
});

// The cookie names the signed-in person's roles; "explode" makes building the context fail.
async function createContext(req: FastifyRequest): Promise<Context> {
  const roles = req.cookies.roles;
  if (roles === "explode") throw new Error("session store unavailable");
  const session = roles
    ? {
        subject: "alice",
        name: "Alice",
        email: null,
        roles: roles.split(",") as never,
        idToken: null,
        expiresAt: new Date(0),
      }
    : undefined;
  return { services: {} as Services, session, address: req.ip };
}

type Report = Pick<TrpcErrorReport<Context>, "path" | "input" | "type"> & { code: string; subject: string | undefined };
const toReport = ({ error, path, input, type, ctx }: TrpcErrorReport<Context>): Report => ({
  code: error.code,
  path,
  input,
  type,
  subject: ctx?.session?.subject,
});

async function server(kind: "ours" | "trpc's"): Promise<{ app: FastifyInstance; reports: Report[] }> {
  const reports: Report[] = [];
  const app = Fastify();
  await app.register(cookie);
  const onError = (r: TrpcErrorReport<Context>) => reports.push(toReport(r));
  if (kind === "ours")
    await registerTrpc<Context>(app, { prefix: "/trpc", router: testRouter, createContext, onError });
  else
    await app.register(fastifyTRPCPlugin, {
      prefix: "/trpc",
      trpcOptions: {
        router: testRouter,
        createContext: ({ req }: { req: FastifyRequest }) => createContext(req),
        onError,
      },
    });
  return { app, reports };
}

const input = (value: unknown) => `input=${encodeURIComponent(JSON.stringify(value))}`;
const requests: Array<
  [
    string,
    { method?: "GET" | "POST" | "HEAD"; url: string; roles?: string; headers?: Record<string, string>; body?: string },
  ]
> = [
  ["a query without input", { url: "/trpc/hello" }],
  ["a query with input", { url: `/trpc/echo?${input({ text: "hi" })}` }],
  ["input the schema refuses", { url: `/trpc/echo?${input({ text: "far too long" })}` }],
  ["input that is not JSON", { url: "/trpc/echo?input=%7Bnot-json" }],
  ["input with a plus sign for a space", { url: "/trpc/echo?input=%7B%22text%22%3A%22a+b%22%7D" }],
  ["input given twice", { url: `/trpc/echo?${input({ text: "a" })}&${input({ text: "b" })}` }],
  ["an optional input left out", { url: "/trpc/optional" }],
  ["a nested path", { url: "/trpc/nested.value" }],
  ["a batch", { url: `/trpc/hello,echo?batch=1&${input({ 1: { text: "x" } })}` }],
  ["a batch without input", { url: "/trpc/hello,nested.value?batch=1" }],
  ["a batch with an array for input", { url: `/trpc/hello?batch=1&${input([1])}` }],
  ["a batch with a URL-encoded comma", { url: "/trpc/hello%2Cnested.value?batch=1" }],
  ["a batch where one call fails", { url: `/trpc/hello,boom?batch=1&${input({})}` }],
  ["a batch where every call fails", { url: `/trpc/boom,gone?batch=1&${input({})}` }],
  ["a batch with a mutation", { url: `/trpc/hello,change?batch=1&${input({ 1: { to: "x" } })}` }],
  ["an internal error", { url: "/trpc/boom" }],
  ["a refusal with our code", { url: "/trpc/gone" }],
  ["an answer that needs a streaming link", { url: "/trpc/deferred" }],
  ["a batched answer that needs a streaming link", { url: "/trpc/deferred,hello?batch=1" }],
  ["an answer that cannot be serialised", { url: "/trpc/unserialisable" }],
  ["a batched answer that cannot be serialised", { url: "/trpc/hello,unserialisable?batch=1" }],
  ["a researcher's query, signed out", { url: "/trpc/mine" }],
  ["a researcher's query, as a researcher", { url: "/trpc/mine", roles: "researcher" }],
  ["a researcher's query, as an operator", { url: "/trpc/mine", roles: "operator" }],
  ["a batch refusing one call", { url: "/trpc/mine,hello?batch=1", roles: "operator" }],
  ["a context that cannot be built", { url: "/trpc/hello,mine?batch=1", roles: "explode" }],
  ["an unknown procedure", { url: "/trpc/nope" }],
  ["an unknown procedure in a batch", { url: "/trpc/hello,nope?batch=1" }],
  ["a mutation by GET", { url: `/trpc/change?${input({ to: "x" })}` }],
  [
    "a mutation",
    {
      method: "POST",
      url: "/trpc/change",
      body: JSON.stringify({ to: "x" }),
      headers: { "content-type": "application/json" },
    },
  ],
  [
    "a query by POST",
    { method: "POST", url: "/trpc/hello", body: "", headers: { "content-type": "application/json" } },
  ],
  [
    "a streamed batch",
    { url: `/trpc/hello,nested.value?batch=1&${input({})}`, headers: { "trpc-accept": "application/jsonl" } },
  ],
  ["a subscription", { url: "/trpc/ticks", headers: { accept: "text/event-stream" } }],
  ["an unknown query parameter", { url: "/trpc/hello?extra=1" }],
  ["HEAD", { method: "HEAD", url: "/trpc/hello" }],
];

describe("tRPC over HTTP", () => {
  let ours: Awaited<ReturnType<typeof server>>;
  let theirs: Awaited<ReturnType<typeof server>>;
  beforeAll(async () => {
    [ours, theirs] = await Promise.all([server("ours"), server("trpc's")]);
  });
  afterAll(async () => {
    await Promise.all([ours.app.close(), theirs.app.close()]);
  });

  it.each(requests)("answers %s exactly as tRPC's fastify adapter does", async (_name, r) => {
    const send = (s: typeof ours) =>
      s.app.inject({
        method: r.method ?? "GET",
        url: r.url,
        body: r.body,
        headers: { ...r.headers, ...(r.roles ? { cookie: `roles=${r.roles}` } : {}) },
      });
    ours.reports.length = 0;
    theirs.reports.length = 0;
    const [a, b] = await Promise.all([send(ours), send(theirs)]);
    expect(a.statusCode).toBe(b.statusCode);
    for (const header of ["content-type", "vary", "allow"])
      expect(a.headers[header], header).toEqual(b.headers[header]);
    expect(a.body).toBe(b.body);
    expect(ours.reports).toEqual(theirs.reports);
  });

  it("answers the signed-in researcher's batch with each result in its place", async () => {
    const res = await ours.app.inject({
      url: `/trpc/mine,echo,nested.value?batch=1&${input({ 1: { text: "abc" } })}`,
      headers: { cookie: "roles=researcher" },
    });
    expect(res.statusCode).toBe(200);
    expect(JSON.parse(res.body)).toEqual([
      { result: { data: { subject: "alice" } } },
      { result: { data: { text: "abc" } } },
      { result: { data: 42 } },
    ]);
  });

  it("reports refusals of a signed-in person to onError with the caller's context, so they reach the access log", async () => {
    ours.reports.length = 0;
    const res = await ours.app.inject({ url: "/trpc/mine,gone?batch=1", headers: { cookie: "roles=operator" } });
    expect(res.statusCode).toBe(207);
    expect(ours.reports).toEqual([
      { code: "FORBIDDEN", path: "mine", input: undefined, type: "query", subject: "alice" },
      { code: "NOT_FOUND", path: "gone", input: undefined, type: "query", subject: "alice" },
    ]);
  });
});
