import { fastifyRequestHandler } from "@trpc/server/adapters/fastify";
import {
  getErrorShape,
  getHTTPStatusCode,
  getProcedureAtPath,
  getTRPCErrorFromUnknown,
  isAsyncIterable,
  isObject,
  isPromise,
  transformTRPCResponse,
  TRPCError,
  type AnyProcedure,
  type AnyRouter,
  type TRPCResponse,
} from "@trpc/server/unstable-core-do-not-import";
import type { FastifyInstance, FastifyReply, FastifyRequest } from "fastify";

/** What tRPC's onError receives, as its fastify adapter passes it. */
export interface TrpcErrorReport<TContext> {
  error: TRPCError;
  path: string | undefined;
  input: unknown;
  ctx: TContext | undefined;
  type: "query" | "mutation" | "subscription" | "unknown";
  req: FastifyRequest;
}

export interface TrpcRouteOptions<TContext> {
  prefix: string;
  router: AnyRouter;
  createContext(req: FastifyRequest): Promise<TContext>;
  onError(report: TrpcErrorReport<TContext>): void;
}

type Call = { path: string; procedure: AnyProcedure; input: unknown };

const STREAM_NEEDED = "Cannot use stream-like response in non-streaming request - use httpBatchStreamLink";

/**
 * Serves tRPC over HTTP. tRPC's own adapters turn every request into a fetch Request and every answer into
 * a streamed fetch Response, which cost more CPU than the procedure and its database read together. Plain
 * GET queries (single or batched, the UI's every page load) are answered here instead, with the same
 * procedures, context, error shapes, status codes and onError reports; anything else (mutations,
 * subscriptions, streamed batches, input that does not parse) goes to tRPC's fastify handler unchanged.
 */
export async function registerTrpc<TContext>(app: FastifyInstance, options: TrpcRouteOptions<TContext>): Promise<void> {
  const { router } = options;
  const config = router._def._config;
  const createContext = ({ req }: { req: FastifyRequest }) => options.createContext(req);
  const fullHandler = (req: FastifyRequest, reply: FastifyReply, path: string) =>
    fastifyRequestHandler({ router, createContext, onError: options.onError as never, req, res: reply, path });

  await app.register(
    async (scope) => {
      // As tRPC's fastify plugin does, in this scope only: tRPC reads JSON and form bodies itself.
      scope.removeContentTypeParser("application/json");
      scope.addContentTypeParser("application/json", { parseAs: "string" }, (_req, body, done) => done(null, body));
      scope.removeContentTypeParser("multipart/form-data");
      scope.addContentTypeParser("multipart/form-data", {}, (_req, body, done) => done(null, body));

      scope.all<{ Params: { path: string } }>("/:path", async (req, reply) => {
        const calls = req.method === "GET" ? await plainQueryCalls(router, req) : undefined;
        if (!calls) return fullHandler(req, reply, req.params.path);
        return answerQueries(req, reply, calls.list, calls.batch);
      });
    },
    { prefix: options.prefix },
  );

  async function answerQueries(req: FastifyRequest, reply: FastifyReply, calls: Call[], batch: boolean) {
    // tRPC aborts a procedure's signal when the client goes away before its answer.
    const abort = new AbortController();
    const onClose = () => {
      if (!reply.raw.writableFinished) abort.abort();
    };
    reply.raw.once("close", onClose);
    let ctx: TContext | undefined;
    let ctxError: TRPCError | undefined;
    try {
      ctx = await options.createContext(req);
    } catch (cause) {
      ctxError = getTRPCErrorFromUnknown(cause);
    }
    const outcomes = await Promise.all(
      calls.map(async (call, batchIndex): Promise<[TRPCError, undefined] | [undefined, unknown]> => {
        try {
          if (ctxError) throw ctxError;
          return [
            undefined,
            await call.procedure({
              path: call.path,
              getRawInput: async () => call.input,
              ctx,
              type: "query",
              signal: abort.signal,
              batchIndex,
            }),
          ];
        } catch (cause) {
          const error = getTRPCErrorFromUnknown(cause);
          options.onError({ error, path: call.path, input: call.input, ctx, type: "query", req });
          return [error, undefined];
        }
      }),
    );
    let json: TRPCResponse[];
    if (!batch && isDataStream(outcomes[0]![1])) {
      // tRPC refuses this for the request as a whole: no path or input in the report or the shape.
      const error = new TRPCError({ code: "UNSUPPORTED_MEDIA_TYPE", message: STREAM_NEEDED });
      options.onError({ error, path: undefined, input: undefined, ctx, type: "query", req });
      outcomes[0] = [error, undefined];
      json = [{ error: getErrorShape({ config, ctx, error, input: undefined, path: undefined, type: "query" }) }];
    } else {
      for (const [i, [error, data]] of outcomes.entries())
        if (!error && isDataStream(data))
          outcomes[i] = [new TRPCError({ code: "UNSUPPORTED_MEDIA_TYPE", message: STREAM_NEEDED }), undefined];
      json = outcomes.map(([error, data], i) =>
        error
          ? {
              error: getErrorShape({ config, ctx, error, input: calls[i]!.input, path: calls[i]!.path, type: "query" }),
            }
          : { result: { data } },
      );
    }
    const errors = outcomes.map(([error]) => error).filter((e): e is TRPCError => e !== undefined);
    let status = getHTTPStatusCode(
      batch ? json : json[0]!,
      batch ? outcomes.map(([error]) => error as TRPCError) : errors,
    );
    reply.raw.off("close", onClose);
    let body: string;
    try {
      body = JSON.stringify(transformTRPCResponse(config, batch ? json : json[0]!));
    } catch (cause) {
      // An answer that cannot be serialised fails the request as a whole, as in tRPC: no path or input.
      const error = getTRPCErrorFromUnknown(cause);
      options.onError({ error, path: undefined, input: undefined, ctx, type: "query", req });
      const shape = { error: getErrorShape({ config, ctx, error, input: undefined, path: undefined, type: "query" }) };
      status = getHTTPStatusCode(shape, [error]);
      body = JSON.stringify(transformTRPCResponse(config, shape));
    }
    // A Buffer, so that fastify sends the content type as tRPC names it (a string would gain a charset).
    return reply
      .code(status)
      .header("vary", "trpc-accept, accept")
      .header("content-type", "application/json")
      .send(Buffer.from(body));
  }
}

/**
 * The calls of a GET that asks only for queries and wants one JSON answer; undefined for anything tRPC's
 * own handler should see (a streamed batch, an unknown path, another procedure type, input that is not
 * JSON): it answers those with its exact errors.
 */
async function plainQueryCalls(
  router: AnyRouter,
  req: FastifyRequest<{ Params: { path: string } }>,
): Promise<{ list: Call[]; batch: boolean } | undefined> {
  const accept = req.headers["trpc-accept"] ?? req.headers.accept;
  if (typeof accept === "string" && accept.includes("application/jsonl")) return undefined;
  const query = req.query as Record<string, string | string[] | undefined>;
  for (const key of Object.keys(query)) if (key !== "batch" && key !== "input") return undefined;
  if (Array.isArray(query.batch) || Array.isArray(query.input)) return undefined;
  const batch = query.batch === "1";
  let path: string;
  let inputs: unknown;
  try {
    path = decodeURIComponent(req.params.path);
    inputs = query.input ? JSON.parse(query.input) : undefined;
  } catch {
    return undefined;
  }
  const pathSeparator = (router._def._config as { pathSeparator?: string }).pathSeparator ?? ".";
  if (pathSeparator !== ".") return undefined;
  const paths = batch ? path.split(",") : [path];
  if (batch && inputs !== undefined && (typeof inputs !== "object" || inputs === null || Array.isArray(inputs)))
    return undefined;
  const list: Call[] = [];
  for (const [index, p] of paths.entries()) {
    const procedure = await getProcedureAtPath(router, p);
    if (!procedure || procedure._def.type !== "query") return undefined;
    const raw = inputs === undefined ? undefined : batch ? (inputs as Record<string, unknown>)[index] : inputs;
    list.push({
      path: p,
      procedure,
      input: raw === undefined ? undefined : router._def._config.transformer.input.deserialize(raw),
    });
  }
  return { list, batch };
}

/** As tRPC decides that an answer needs a streaming link: an async iterable, or an object holding promises or iterables. */
function isDataStream(v: unknown): boolean {
  if (!isObject(v)) return false;
  if (isAsyncIterable(v)) return true;
  return Object.values(v).some((x) => isPromise(x) || isAsyncIterable(x));
}
