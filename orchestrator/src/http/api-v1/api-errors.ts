import type { FastifyError, FastifyReply } from "fastify";
import type { z } from "zod";
import { ExtractRejectedError } from "../../datasets";
import { SpeError } from "../../errors";
import { API_ERRORS, isApiErrorCode, type ApiErrorCode } from "../../integrator/error-codes";
import { IdempotencyError } from "../../integrator/idempotency";
import { PermitSchemaError } from "../../permits/permit-issues";
import type { ApiErrorBody } from "./error-body";

/** A request refused at the API edge (its form, its headers), before any domain code ran. */
export class ApiRequestError extends Error {
  constructor(
    readonly code: ApiErrorCode,
    message: string,
    readonly issues?: ApiErrorBody["issues"],
  ) {
    super(message);
    this.name = new.target.name;
  }
}

/** zod's issues as `{ path, message }`, with where the field was (`query.dataset`, `header.idempotency-key`). */
export function fieldIssues(where: string, error: z.ZodError): NonNullable<ApiErrorBody["issues"]> {
  return error.issues.map((i) => ({ path: [where, ...i.path.map(String)].join("."), message: i.message }));
}

/** The answer for a refused request, or undefined for an error that is ours (a bug, an outage). */
export function errorBody(err: unknown): ApiErrorBody | undefined {
  if (err instanceof ApiRequestError)
    return { error: err.code, message: err.message, ...(err.issues ? { issues: err.issues } : {}) };
  if (err instanceof IdempotencyError) return { error: err.code, message: err.message };
  if (err instanceof SpeError && isApiErrorCode(err.code)) {
    const body: ApiErrorBody = { error: err.code, message: err.message };
    // The integrator's answer keeps its documented form: each field's path and sentence.
    if (err instanceof PermitSchemaError) body.issues = err.issues.map(({ path, message }) => ({ path, message }));
    if (err instanceof ExtractRejectedError) body.report = err.report;
    return body;
  }
  // Fastify's own refusals of a body: a content type without a parser, a body over the limit, bad JSON.
  const fastify = err as Partial<FastifyError>;
  if (fastify.code === "FST_ERR_CTP_INVALID_MEDIA_TYPE")
    return {
      error: "MEDIA_TYPE_UNSUPPORTED",
      message: `${fastify.message}. See the operation's request body in /api/v1/openapi.json.`,
    };
  if (fastify.code === "FST_ERR_CTP_BODY_TOO_LARGE")
    return { error: "REQUEST_TOO_LARGE", message: "The body is larger than this operation takes." };
  if (typeof fastify.statusCode === "number" && fastify.statusCode >= 400 && fastify.statusCode < 500)
    return { error: "REQUEST_INVALID", message: `The request could not be read: ${fastify.message ?? "malformed"}.` };
  return undefined;
}

/** Sends the error answer with the status the error table gives the code. */
export function sendApiError(reply: FastifyReply, body: ApiErrorBody): FastifyReply {
  if (body.error === "AUTH_UNAUTHENTICATED") void reply.header("www-authenticate", 'Bearer error="invalid_token"');
  return reply.code(API_ERRORS[body.error].status).send(body);
}
