import { createReadStream } from "node:fs";
import type { FastifyInstance, FastifyReply, FastifyRequest } from "fastify";
import { z } from "zod";
import { recordAuditEvent } from "../audit/append-audit-event";
import { singleCookie } from "../auth/session-cookie";
import type { Session, SessionStore } from "../auth/sessions";
import type { Db } from "../db/database";
import { SpeError } from "../errors";
import type { Airlock } from "../outputs/airlock";
import { outboxPath } from "../outputs/requests/author-actions";
import { loadRequest, permitPersons, type ExportFileRow } from "../outputs/requests/export-request-store";
import { extensionOf } from "../outputs/requests/output-file-type";
import { permitEnded } from "../outputs/requests/permit-standing";
import { requestStopped } from "../outputs/requests/requester-left";
import { researcherCopy, signReleaseRecord, type ReleaseRecord } from "../outputs/requests/release-record";

export interface AirlockRoutesOptions {
  db: Db;
  sessions: SessionStore;
  /** The session cookie's name (auth/session-cookie.ts). */
  sessionCookie: string;
  airlock: Airlock;
}

const fileQuery = z.object({ path: outboxPath, version: z.coerce.number().int().min(1).optional() });
const idParams = z.object({ id: z.uuid() });

/** How a checker's browser shows a file: as inert as possible (no scripts, even inside an SVG). */
const PREVIEW_TYPES: Record<string, string> = {
  csv: "text/plain; charset=utf-8",
  json: "text/plain; charset=utf-8",
  txt: "text/plain; charset=utf-8",
  md: "text/plain; charset=utf-8",
  py: "text/plain; charset=utf-8",
  r: "text/plain; charset=utf-8",
  sql: "text/plain; charset=utf-8",
  do: "text/plain; charset=utf-8",
  sas: "text/plain; charset=utf-8",
  png: "image/png",
  jpg: "image/jpeg",
  jpeg: "image/jpeg",
  svg: "image/svg+xml",
};

/** The record inside a release record's JWS, as this orchestrator signed and stored it. */
const recordOf = (jws: string) =>
  JSON.parse(Buffer.from(jws.split(".")[1]!, "base64url").toString("utf8")) as ReleaseRecord;

const notFound = (reply: FastifyReply) =>
  reply.code(404).send({ error: "EXPORT_REQUEST_NOT_FOUND", message: "There is no such file here for you." });

function sendQuarantined(
  reply: FastifyReply,
  airlock: Airlock,
  file: ExportFileRow,
  disposition: "inline" | "attachment",
) {
  const name = file.path.slice(file.path.lastIndexOf("/") + 1);
  return reply
    .header(
      "content-type",
      disposition === "inline"
        ? (PREVIEW_TYPES[extensionOf(file.path)] ?? "application/octet-stream")
        : "application/octet-stream",
    )
    .header("content-disposition", `${disposition}; filename*=UTF-8''${encodeURIComponent(name)}`)
    .header("x-content-type-options", "nosniff")
    .header("content-security-policy", "default-src 'none'; style-src 'unsafe-inline'; sandbox")
    .header("cache-control", "private, no-store")
    .header("digest", `sha-256=${Buffer.from(file.sha256!, "hex").toString("base64")}`)
    .send(createReadStream(airlock.quarantine.pathOf(file.sha256!)));
}

/**
 * Files leave the airlock only here, and only while their permit is in force: released files to the
 * researchers of the permit (as downloads, with the signed release record), and quarantined files to
 * output checkers for review. Every one is audited, and so is a download or preview refused because the
 * permit ended.
 */
export function registerAirlockRoutes(
  app: FastifyInstance,
  { db, sessions, sessionCookie, airlock }: AirlockRoutesOptions,
): void {
  const load = async (id: string) =>
    loadRequest(db, id).catch((err: unknown) => (err instanceof SpeError ? undefined : Promise.reject(err)));

  /**
   * A signed-in person refused a request or a file (none such, or not theirs) is part of the access log, as
   * tRPC's refusals are: with the id and the file asked for, so that someone probing others' exports shows.
   */
  const refused = async (req: FastifyRequest, reply: FastifyReply, session: Session) => {
    const asked = String((req.params as { id?: unknown }).id ?? "").slice(0, 100);
    const path = (req.query as { path?: unknown }).path;
    await recordAuditEvent(db, {
      actor: { subject: session.subject, role: "person", address: req.ip },
      action: "access.refused",
      target: `export:${asked}`,
      details: {
        code: "EXPORT_REQUEST_NOT_FOUND",
        route: req.routeOptions.url,
        path: typeof path === "string" ? path.slice(0, 300) : null,
        roles: session.roles,
      },
    });
    return notFound(reply);
  };

  /** Who asks about which request: undefined once the reply is sent (not signed in, or no such request). */
  const lookUp = async (req: FastifyRequest, reply: FastifyReply) => {
    const session = await sessions.get(singleCookie(req.headers.cookie, sessionCookie));
    if (!session) return void reply.code(401).send({ error: "AUTH_UNAUTHENTICATED", message: "Sign in first." });
    const params = idParams.safeParse(req.params);
    const loaded = params.success ? await load(params.data.id) : undefined;
    if (!loaded) return void (await refused(req, reply, session));
    return { session, loaded, onPermit: permitPersons(loaded.permit).includes(session.subject) };
  };

  app.get("/exports/:id/files", async (req, reply) => {
    const found = await lookUp(req, reply);
    if (!found) return reply;
    const { session, loaded, onPermit } = found;
    const query = fileQuery.safeParse(req.query);
    const file = query.success
      ? loaded.files.find((f) => f.path === query.data.path && f.decision === "approved")
      : undefined;
    if (!file || loaded.request.state !== "released" || !session.roles.includes("researcher") || !onPermit)
      return refused(req, reply, session);
    const actor = { subject: session.subject, role: "researcher" as const, address: req.ip };
    // Released files are served only while the permit they left under is in force.
    const ended = permitEnded(loaded.standing, new Date());
    if (ended) {
      await recordAuditEvent(db, {
        actor,
        action: "export.download-refused",
        target: `export:${loaded.request.id}`,
        details: { path: file.path, version: file.version, sha256: file.sha256, code: "EXPORT_PERMIT_ENDED" },
      });
      return reply.code(410).send({ error: "EXPORT_PERMIT_ENDED", message: ended });
    }
    await recordAuditEvent(db, {
      actor,
      action: "export.downloaded",
      target: `export:${loaded.request.id}`,
      details: { path: file.path, version: file.version, sha256: file.sha256 },
    });
    return sendQuarantined(reply, airlock, file, "attachment");
  });

  app.get("/exports/:id/release-record", async (req, reply) => {
    const found = await lookUp(req, reply);
    if (!found) return reply;
    const { session, loaded, onPermit } = found;
    const mayRead = session.roles.includes("auditor") || (session.roles.includes("researcher") && onPermit);
    if (!loaded.request.releaseRecord || !mayRead) return refused(req, reply, session);
    // Auditors get the record as signed at release; a researcher a copy signed now that names no checker.
    const jws = session.roles.includes("auditor")
      ? loaded.request.releaseRecord
      : await signReleaseRecord(researcherCopy(recordOf(loaded.request.releaseRecord)), airlock.signer);
    return reply
      .header("content-type", "application/jose")
      .header("content-disposition", `attachment; filename="release-${loaded.request.id}.jws"`)
      .send(jws);
  });

  app.get("/reviews/:id/file", async (req, reply) => {
    const found = await lookUp(req, reply);
    if (!found) return reply;
    const { session, loaded, onPermit } = found;
    const query = fileQuery.safeParse(req.query);
    const file = query.success
      ? loaded.files.find(
          (f) => f.path === query.data.path && (query.data.version === undefined || f.version === query.data.version),
        )
      : undefined;
    if (!file?.sha256 || !session.roles.includes("output-checker") || onPermit || loaded.request.state === "draft")
      return refused(req, reply, session);
    const actor = { subject: session.subject, role: "output-checker" as const, address: req.ip };
    const details = { path: file.path, version: file.version, sha256: file.sha256 };
    // A checker looks at a file to vote on it, and an ended permit, or a request whose author the permit no
    // longer names, takes no votes: its quarantined bytes, never reviewed to the end, are not shown any more.
    const stopped = requestStopped(loaded, new Date());
    if (stopped) {
      await recordAuditEvent(db, {
        actor,
        action: "export.file-view-refused",
        target: `export:${loaded.request.id}`,
        details: { ...details, code: stopped.code },
      });
      return reply.code(410).send({ error: stopped.code, message: stopped.message });
    }
    await recordAuditEvent(db, { actor, action: "export.file-viewed", target: `export:${loaded.request.id}`, details });
    return sendQuarantined(reply, airlock, file, "inline");
  });
}
