import Fastify, { LogController, type FastifyInstance, type FastifyReply, type FastifyRequest } from "fastify";
import type { Config } from "../config";
import type { Db } from "../db/database";
import { recordAuditEvent } from "../audit/append-audit-event";
import type { MirrorClient, MirrorClients } from "./mirror-clients";
import { isProjectName, normalizeProjectName, versionOfFile } from "./package-names";
import { indexPage, projectPage } from "./project-page";
import type { PypiUpstream, UpstreamFile } from "./pypi-upstream";
import { relayVerified } from "./verified-relay";

/** The projects workspaces may install, in PyPI's normal form. */
export interface PackageAllowlist {
  names(): Promise<string[]>;
}

export interface PackageMirrorOptions {
  config: Pick<Config, "LOG_LEVEL">;
  db: Db;
  allowlist: PackageAllowlist;
  upstream: PypiUpstream;
  clients: MirrorClients;
}

/** What pip's request is refused with: pip shows only "no matching distribution", the workspace says the rest. */
export const notAllowlisted = (project: string) =>
  `${project} is not on this installation's allowlist of packages, so the mirror did not look for it. ` +
  `Ask your environment's operators to add it.\n`;

// A project's files are read once for pip's page and its downloads that follow, not once per request.
const PAGE_SECONDS = 60;

/**
 * The package mirror's listener (MIRROR_PORT): PyPI's simple index and its files, for allowlisted projects only,
 * to the workspaces of environments whose pip carries their credential. A name not on the allowlist is refused
 * before anything is asked of the upstream index, so that made-up names cannot carry data out; every file is
 * verified against the upstream's SHA-256 and recorded (environment, person, project, version, hash) before its
 * last bytes leave.
 */
export async function buildPackageMirror(options: PackageMirrorOptions): Promise<FastifyInstance> {
  const { config, db, allowlist, upstream, clients } = options;
  const server = Fastify({
    logger: { level: config.LOG_LEVEL },
    logController: new LogController({ disableRequestLogging: true }),
    trustProxy: false,
  });
  const pages = new Map<string, { until: number; files: UpstreamFile[] | undefined }>();
  const filesOf = async (project: string) => {
    const cached = pages.get(project);
    if (cached && cached.until > Date.now()) return cached.files;
    const files = await upstream.projectFiles(project);
    if (pages.size > 1000) pages.clear();
    pages.set(project, { until: Date.now() + PAGE_SECONDS * 1000, files });
    return files;
  };

  const record = (client: MirrorClient, req: FastifyRequest, action: string, details: Record<string, unknown>) =>
    recordAuditEvent(db, {
      actor: { subject: client.subject, role: "researcher", address: req.ip },
      action,
      target: `environment:${client.namespace}`,
      details: { permitId: client.permitId, ...details },
    });

  /** The caller and the project, once the name is well-formed and allowlisted; otherwise the reply is sent. */
  const admit = async (req: FastifyRequest, reply: FastifyReply, asked: string) => {
    const client = await clients.identify(req.headers.authorization);
    if (!client) {
      await reply.code(401).type("text/plain").send("This mirror serves environments' workspaces only.\n");
      return undefined;
    }
    const project = isProjectName(asked) ? normalizeProjectName(asked) : undefined;
    if (!project || !(await allowlist.names()).includes(project)) {
      await record(client, req, "mirror.package-refused", { project: asked.slice(0, 100) });
      await reply
        .code(404)
        .type("text/plain")
        .send(notAllowlisted(asked.slice(0, 100)));
      return undefined;
    }
    return { client, project };
  };

  const upstreamFailed = (reply: FastifyReply, err: unknown) => {
    server.log.warn({ err }, "Failed to read the upstream package index");
    return reply.code(502).type("text/plain").send("The upstream package index did not answer; try again later.\n");
  };

  server.get("/simple/", async (req, reply) => {
    if (!(await clients.identify(req.headers.authorization))) return reply.code(401).send();
    return reply.type("text/html; charset=utf-8").send(indexPage(await allowlist.names()));
  });

  server.get<{ Params: { project: string } }>("/simple/:project/", async (req, reply) => {
    const admitted = await admit(req, reply, req.params.project);
    if (!admitted) return reply;
    const files = await filesOf(admitted.project).catch((err: unknown) => err as Error);
    if (files instanceof Error) return upstreamFailed(reply, files);
    if (!files) return reply.code(404).type("text/plain").send(`The upstream index has no ${admitted.project}.\n`);
    return reply.type("text/html; charset=utf-8").send(projectPage(admitted.project, files));
  });

  server.get<{ Params: { project: string; filename: string } }>("/files/:project/:filename", async (req, reply) => {
    const admitted = await admit(req, reply, req.params.project);
    if (!admitted) return reply;
    const files = await filesOf(admitted.project).catch((err: unknown) => err as Error);
    if (files instanceof Error) return upstreamFailed(reply, files);
    // Only a file the upstream index lists for this project, by its exact name: never a URL from the client.
    const file = files?.find((f) => f.filename === req.params.filename);
    if (!file) return reply.code(404).type("text/plain").send(`${admitted.project} has no file by that name.\n`);
    const res = await upstream.openFile(file).catch((err: unknown) => err as Error);
    if (res instanceof Error || !res.ok || !res.body) return upstreamFailed(reply, res);
    reply.hijack();
    const outcome = await relayVerified(res, file.sha256, reply.raw, (sha256, bytes) =>
      record(admitted.client, req, "mirror.file-served", {
        project: admitted.project,
        version: versionOfFile(admitted.project, file.filename) ?? null,
        file: file.filename,
        sha256,
        bytes,
      }).then(() => undefined),
    );
    if (!outcome.served)
      server.log.error(
        { project: admitted.project, file: file.filename, reason: outcome.reason },
        "Refused a package file",
      );
    return reply;
  });

  server.setNotFoundHandler((_req, reply) =>
    reply.code(404).type("text/plain").send("This listener serves only the package index under /simple/.\n"),
  );
  await server.ready();
  return server;
}
