import { createHash } from "node:crypto";
import type { FastifyReply, FastifyRequest } from "fastify";
import type { z } from "zod";
import type { Db } from "../../db/database";
import {
  IDEMPOTENCY_KEY_PATTERN,
  runIdempotently,
  type IdempotentRequest,
  type StoredAnswer,
} from "../../integrator/idempotency";
import { controlCharacterAt } from "../../api/plain-text";
import { inputErrorMap } from "../../input-issues";
import { ApiRequestError, fieldIssues } from "./api-errors";
import type { ApiOperation } from "./operations";

/** `/api/v1/permits/{id}` → `/api/v1/permits/:id`, Fastify's form of the same path. */
export const fastifyPath = (path: string) => path.replace(/\{(\w+)\}/g, ":$1");

/** Parses one part of the request with the operation's schema; a mismatch names each field. */
export function parsePart<S extends z.ZodType>(
  schema: S,
  value: unknown,
  where: "path" | "query" | "body",
): z.infer<S> {
  // Before the schema, whose words would be about something else: the database cannot hold such text (NUL).
  const at = controlCharacterAt(value);
  if (at !== undefined)
    throw new ApiRequestError("REQUEST_INVALID", `The request's ${where} holds a control character; see issues.`, [
      {
        path: [where, at].filter(Boolean).join("."),
        message: "holds a control character (such as NUL); remove it and send again",
      },
    ]);
  // In our words, never zod's (which quote patterns and types); a schema's own message still wins.
  const parsed = schema.safeParse(value, { error: inputErrorMap });
  if (!parsed.success)
    throw new ApiRequestError(
      "REQUEST_INVALID",
      `The request's ${where} is not what this operation takes; see issues.`,
      fieldIssues(where, parsed.error),
    );
  return parsed.data;
}

/** The `Idempotency-Key` header, checked; undefined when absent (every POST takes one, none requires one). */
export function idempotencyKeyOf(req: FastifyRequest): string | undefined {
  const value = req.headers["idempotency-key"];
  if (value === undefined) return undefined;
  if (typeof value !== "string" || !IDEMPOTENCY_KEY_PATTERN.test(value))
    throw new ApiRequestError(
      "IDEMPOTENCY_KEY_INVALID",
      "The Idempotency-Key header must be 8 to 255 visible ASCII characters, once; a UUID is best.",
    );
  return value;
}

/**
 * Runs the operation once per Idempotency-Key when the request carries one; `identify` says whose key it is
 * and what the request was, and is only called then (a permit's issuer costs a signature check).
 */
export async function idempotently(
  db: Db,
  key: string | undefined,
  identify: () => Omit<IdempotentRequest, "key"> | Promise<Omit<IdempotentRequest, "key">>,
  run: () => Promise<StoredAnswer>,
): Promise<StoredAnswer & { replayed?: boolean }> {
  if (!key) return run();
  return runIdempotently(db, { ...(await identify()), key }, run);
}

export const sha256Hex = (data: string | Buffer) => createHash("sha256").update(data).digest("hex");

/** The operation's name as the idempotency table keeps it. */
export const operationName = (operation: ApiOperation) => `${operation.method.toUpperCase()} ${operation.path}`;

/**
 * A success answer, checked against the schema the document gives this status: what we send is what we
 * documented. The parsed body is plain JSON, so it can be stored for an idempotent retry as it is.
 */
export function answer(operation: ApiOperation, status: number, body: unknown): StoredAnswer {
  const documented = operation.responses[status];
  if (!documented) throw new Error(`${operationName(operation)} has no documented ${status} answer`);
  return { status, body: documented.schema.parse(body) };
}

/** Sends an answer, marking one replayed from an earlier request with the same Idempotency-Key. */
export function sendAnswer(reply: FastifyReply, result: StoredAnswer & { replayed?: boolean }): FastifyReply {
  if (result.replayed) void reply.header("idempotent-replayed", "true");
  return reply.code(result.status).send(result.body);
}
