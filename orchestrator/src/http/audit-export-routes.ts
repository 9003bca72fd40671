import { Readable } from "node:stream";
import type { FastifyInstance } from "fastify";
import { z } from "zod";
import { recordAuditEvent } from "../audit/append-audit-event";
import { csvHeaderLines, csvLine, exportedEvents, exportHeader, jsonLine } from "../audit/audit-export";
import { auditFilterSchema, givenFields, toAuditFilter } from "../audit/audit-filter-schema";
import type { CheckpointSource } from "../audit/verify-audit-log";
import { singleCookie } from "../auth/session-cookie";
import type { SessionStore } from "../auth/sessions";
import type { Db } from "../db/database";

export interface AuditExportRoutesOptions {
  db: Db;
  sessions: SessionStore;
  sessionCookie: string;
  checkpoints: CheckpointSource;
  /** Signs the chain's head now, so that the export is vouched for to its last event (main.ts's checkpointer). */
  checkpointNow?: () => Promise<unknown>;
}

const formatParams = z.object({ format: z.enum(["jsonl", "csv"]) });

/**
 * Auditors download a filtered part of the log (or all of it) as JSON Lines or CSV: every event with its
 * sequence and hash, after a first line that names the checkpoint it was taken under, so that
 * `spe audit verify --export` can hold each event against the chain. Streamed, a page of events at a time.
 */
export function registerAuditExportRoutes(app: FastifyInstance, options: AuditExportRoutesOptions): void {
  const { db, sessions, sessionCookie, checkpoints } = options;
  app.get("/audit/export.:format", async (req, reply) => {
    const session = await sessions.get(singleCookie(req.headers.cookie, sessionCookie));
    if (!session) return reply.code(401).send({ error: "AUTH_UNAUTHENTICATED", message: "Sign in first." });
    if (!session.roles.includes("auditor"))
      return reply.code(403).send({ error: "AUTH_FORBIDDEN", message: "This needs the auditor role." });
    // A download starts from the auditor's own page; another site's link must not make one (and an event) for them.
    const site = req.headers["sec-fetch-site"];
    if (site !== undefined && site !== "same-origin" && site !== "none")
      return reply
        .code(403)
        .send({ error: "CSRF_ORIGIN_MISMATCH", message: "This request came from another site and was refused." });
    const format = formatParams.safeParse(req.params);
    // Blank fields of a form mean "any": dropped before the filter is read.
    const given = Object.fromEntries(Object.entries(req.query as Record<string, unknown>).filter(([, v]) => v !== ""));
    const filter = auditFilterSchema.safeParse(given);
    if (!format.success || !filter.success)
      return reply.code(400).send({
        error: "VALIDATION_FAILED",
        message:
          "Give jsonl or csv, and a filter of target, actor, person, action, environment, permit, text, from, to.",
      });
    const fields = givenFields(filter.data);
    await recordAuditEvent(db, {
      actor: { subject: session.subject, role: "auditor", address: req.ip },
      action: "audit.exported",
      target: "audit:log",
      details: { format: format.data.format, filter: fields },
    });
    await options.checkpointNow?.();
    const header = await exportHeader(db, fields, checkpoints);
    const csv = format.data.format === "csv";
    async function* lines() {
      yield csv ? csvHeaderLines(header) : jsonLine(header);
      for await (const event of exportedEvents(db, toAuditFilter(filter.data!), header.head))
        yield csv ? csvLine(event) : jsonLine(event);
    }
    const name = `audit-${header.exportedAt.slice(0, 19).replace(/[-:]/g, "")}${Object.keys(fields).length ? "-filtered" : ""}.${format.data.format}`;
    return reply
      .header("content-type", csv ? "text/csv; charset=utf-8" : "application/jsonl; charset=utf-8")
      .header("content-disposition", `attachment; filename="${name}"`)
      .header("cache-control", "private, no-store")
      .header("x-content-type-options", "nosniff")
      .send(Readable.from(lines()));
  });
}
