import { randomUUID } from "node:crypto";
import { and, eq } from "drizzle-orm";
import { z } from "zod";
import { appendAuditEvent } from "../../audit/append-audit-event";
import type { AuditActor } from "../../audit/audit-hash";
import type { Db } from "../../db/database";
import { exportFiles, exportRequests } from "../../db/schema";
import { loadEnvironment } from "../../environments/environment-store";
import { SpeError } from "../../errors";
import { acroFolderOutputs } from "../acro/acro-folder";
import { loadRequestFor, updateIfStill, type LoadedRequest } from "./export-request-store";
import { ALLOWED_EXTENSIONS, extensionOf, OUTPUT_FILE_TYPES, VECTOR_FIGURES } from "./output-file-type";
import { permitEnded } from "./permit-standing";
import { statesAllowing, transition, type RequestEvent, type RequestState } from "./request-state";
import type { AirlockServices } from "./submit-request";

/** A file's place in the outbox: a relative path without `..`, as the airlock agent names it. */
export const outboxPath = z
  .string()
  .min(1)
  .max(1024)
  .refine(
    (p) => !p.startsWith("/") && !p.split("/").some((s) => s === "" || s === "." || s === "..") && !p.includes("\0"),
    "a relative path inside the outbox, without . or .. parts",
  );

export const newRequestInput = z.object({
  namespace: z.string().regex(/^spe-[a-z0-9-]{1,59}$/, "an environment namespace (spe-…)"),
  title: z.string().trim().min(1).max(200),
  justification: z
    .string()
    .trim()
    .min(10, "say in a sentence or two what the files show and why they can leave")
    .max(5000),
  files: z
    .array(
      z.object({
        /** A file in the outbox; for `acro`, an ACRO output folder, whose outputs become the request's files. */
        path: outboxPath,
        type: z.enum(OUTPUT_FILE_TYPES),
        /** For a frequency table: the population it counts, so that it is compared with earlier releases. */
        population: z.string().trim().min(1).max(300).optional(),
        /** For a frequency table: its dimensions (category columns), one or two. */
        dimensions: z.array(z.string().trim().min(1).max(100)).min(1).max(2).optional(),
      }),
    )
    .min(1, "pick at least one file"),
});
export type NewRequest = z.infer<typeof newRequestInput>;

/** Why a file may not be part of a request, before anything is copied. */
function refuseFiles(files: NewRequest["files"]): void {
  for (const file of files) {
    const allowed = ALLOWED_EXTENSIONS[file.type];
    if (
      (file.population === undefined) !== (file.dimensions === undefined) ||
      (file.population && file.type !== "frequency")
    )
      throw new SpeError(
        "EXPORT_FILE_REFUSED",
        `${file.path}: declare a population together with dimensions, and only for a frequency table.`,
      );
    // An ACRO output folder is named as a whole; its files are listed when the request is made.
    if (file.type === "acro") continue;
    if (VECTOR_FIGURES.includes(extensionOf(file.path)))
      throw new SpeError(
        "EXPORT_FILE_REFUSED",
        `${file.path} cannot leave: SVG and PDF figures can hold text and objects that are not drawn, so a checker cannot see all of it. Save the figure as PNG.`,
      );
    if (!allowed.includes(extensionOf(file.path)))
      throw new SpeError(
        "EXPORT_FILE_REFUSED",
        `${file.path} cannot leave as ${file.type}: a ${file.type} file must end in .${allowed.join(", .")}.`,
      );
  }
}

/** The files of a request, ACRO folders listed file by file: at most the limit, none twice. */
async function requestFiles(
  namespace: string,
  files: NewRequest["files"],
  airlock: Pick<AirlockServices, "limits" | "outbox">,
): Promise<NewRequest["files"]> {
  const folders = files.filter((f) => f.type === "acro");
  const listing = folders.length ? await airlock.outbox.list(namespace) : [];
  const listed = files.flatMap((f) =>
    f.type === "acro" ? acroFolderOutputs(listing, f.path).map((path) => ({ path, type: f.type })) : [f],
  );
  const { maxFiles } = airlock.limits;
  if (listed.length > maxFiles)
    throw new SpeError(
      "EXPORT_FILE_REFUSED",
      `A request may hold at most ${maxFiles} files; this one has ${listed.length}. Split it.`,
    );
  const paths = new Set<string>();
  for (const file of listed) {
    if (paths.has(file.path)) throw new SpeError("EXPORT_FILE_REFUSED", `${file.path} is picked twice.`);
    paths.add(file.path);
  }
  return listed;
}

/** A draft request by a researcher named in the environment's permit, while the environment is active. */
export async function createRequest(
  db: Db,
  input: NewRequest,
  airlock: Pick<AirlockServices, "limits" | "outbox">,
  actor: AuditActor,
  now = new Date(),
): Promise<{ id: string }> {
  const found = await loadEnvironment(db, input.namespace);
  if (!found || !found.permit.payload.authorisedPersons.some((p) => p.subject === actor.subject))
    throw new SpeError("EXPORT_REQUEST_NOT_FOUND", `There is no environment ${input.namespace} of yours.`);
  const ended = permitEnded(
    {
      permitId: found.permit.permitId,
      status: found.permit.status,
      validUntil: found.permit.validUntil,
      environmentState: found.environment.desiredState,
    },
    now,
  );
  if (ended) throw new SpeError("EXPORT_PERMIT_ENDED", ended);
  if (found.environment.desiredState !== "active")
    throw new SpeError(
      "EXPORT_REQUEST_STATE_CONFLICT",
      `${input.namespace} is ${found.environment.desiredState}: files can only be requested out of an active environment.`,
    );
  refuseFiles(input.files);
  const files = await requestFiles(input.namespace, input.files, airlock);
  const id = randomUUID();
  const { outputPolicy } = found.permit.payload;
  await db.transaction(async (tx) => {
    await tx.insert(exportRequests).values({
      id,
      permitId: found.permit.permitId,
      namespace: input.namespace,
      requester: actor.subject,
      title: input.title,
      justification: input.justification,
      state: "draft",
      profile: outputPolicy.profile,
      reviewersRequired: outputPolicy.reviewersRequired,
      createdAt: now,
      updatedAt: now,
    });
    await tx.insert(exportFiles).values(
      files.map((f) => ({
        requestId: id,
        path: f.path,
        version: 1,
        current: true,
        type: f.type,
        population: f.population ?? null,
        dimensions: f.dimensions ?? null,
        decision: "pending" as const,
        addedAt: now,
      })),
    );
    await appendAuditEvent(
      tx,
      {
        actor,
        action: "export.created",
        target: `export:${id}`,
        details: { namespace: input.namespace, title: input.title, files },
      },
      now,
    );
  });
  return { id };
}

/**
 * Loads a request for its author, refusing anyone else on the permit and any state `event` cannot start
 * from. Once the permit has ended only withdrawing is left: nothing moves towards a release any more.
 */
export async function loadForAuthor(
  db: Db,
  id: string,
  actor: AuditActor,
  eventFor: RequestEvent | ((state: RequestState) => RequestEvent),
  now = new Date(),
): Promise<LoadedRequest> {
  const loaded = await loadRequestFor(db, id, actor.subject);
  if (loaded.request.requester !== actor.subject)
    throw new SpeError("EXPORT_REQUEST_STATE_CONFLICT", "Only the researcher who made this request can change it.");
  const event = typeof eventFor === "function" ? eventFor(loaded.request.state) : eventFor;
  const ended = event === "withdraw" ? undefined : permitEnded(loaded.standing, now);
  if (ended) throw new SpeError("EXPORT_PERMIT_ENDED", ended);
  if (!transition(loaded.request.state, event))
    throw new SpeError(
      "EXPORT_REQUEST_STATE_CONFLICT",
      `This request is ${loaded.request.state}; that needs it ${statesAllowing(event).join(" or ")}.`,
    );
  return loaded;
}

/** The author takes a request back before it is decided; its files are never released. */
export async function withdrawRequest(db: Db, id: string, actor: AuditActor, now = new Date()): Promise<void> {
  const { request } = await loadForAuthor(db, id, actor, "withdraw", now);
  await db.transaction(async (tx) => {
    await updateIfStill(tx, id, request.state, { state: "withdrawn", updatedAt: now }, "while you withdrew it");
    await appendAuditEvent(
      tx,
      { actor, action: "export.withdrawn", target: `export:${id}`, details: { from: request.state } },
      now,
    );
  });
}

/**
 * After changes were requested, the author marks a file for a new version: it will be copied afresh from
 * the outbox on resubmission, and its votes start again from none.
 */
export async function reviseFile(
  db: Db,
  id: string,
  path: string,
  actor: AuditActor,
  now = new Date(),
): Promise<{ version: number }> {
  const { request, files } = await loadForAuthor(db, id, actor, "resubmit", now);
  const file = files.find((f) => f.path === path);
  if (!file) throw new SpeError("EXPORT_FILE_REFUSED", `${path} is not part of this request.`);
  if (file.sha256 === null) return { version: file.version };
  const version = file.version + 1;
  await db.transaction(async (tx) => {
    await updateIfStill(tx, id, request.state, { updatedAt: now }, "meanwhile");
    await tx
      .update(exportFiles)
      .set({ current: false })
      .where(and(eq(exportFiles.requestId, id), eq(exportFiles.path, path)));
    await tx.insert(exportFiles).values({
      requestId: id,
      path,
      version,
      current: true,
      type: file.type,
      population: file.population,
      dimensions: file.dimensions,
      decision: "pending",
      addedAt: now,
    });
    await appendAuditEvent(
      tx,
      {
        actor,
        action: "export.file-revised",
        target: `export:${id}`,
        details: { path, version, previous: { version: file.version, sha256: file.sha256, decision: file.decision } },
      },
      now,
    );
  });
  return { version };
}
