import type { FastifyReply, FastifyRequest } from "fastify";
import { pageLanguage, workspaceRefusalPage } from "./refusal-page";
import type { StartingStep } from "../environments/workspace-state";

/** Whether a request is a browser loading a page (a link opened, a reload), not a program's call. */
export const isPageLoad = (req: FastifyRequest) =>
  req.method === "GET" && !req.headers.upgrade && req.headers.accept?.includes("text/html") === true;

/**
 * A refusal as its asker can read it: a page in words (Swedish or English, reloading itself after
 * `retryS` while waiting is worth it) for a browser loading a page, `{ error, message }` for programs.
 */
export function refuse(
  req: FastifyRequest,
  reply: FastifyReply,
  status: number,
  error: string,
  message: string,
  options: { retryS?: number; home?: string; step?: StartingStep } = {},
) {
  if (options.retryS) reply.header("retry-after", String(options.retryS));
  if (!isPageLoad(req)) return reply.code(status).send({ error, message });
  return reply
    .code(status)
    .type("text/html; charset=utf-8")
    .header("cache-control", "no-store")
    .send(
      workspaceRefusalPage(
        error,
        message,
        pageLanguage(req.headers["accept-language"]),
        options.retryS,
        options.home,
        options.step,
      ),
    );
}
