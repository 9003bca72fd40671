import { and, eq } from "drizzle-orm";
import { appendAuditEvent, type Tx } from "../audit/append-audit-event";
import type { AuditActor } from "../audit/audit-hash";
import type { Db } from "../db/database";
import { environments, permitRevisions, permits, type HomeDeletion } from "../db/schema";
import { SpeError } from "../errors";
import type { PermitPayload } from "../permits/permit";

type Person = PermitPayload["authorisedPersons"][number];

/** The payload of a compact JWS as it was received (verified then; read, not verified again, here). */
const payloadOf = (jws: string) =>
  JSON.parse(Buffer.from(jws.split(".")[1] ?? "", "base64url").toString("utf8")) as Partial<PermitPayload>;

/**
 * Persons an earlier revision of the permit named and the current one does not: those whose workspace an
 * amendment stopped and whose home is kept until teardown. Each as the latest revision that named them.
 */
export async function departedPersons(db: Db | Tx, permitId: string, current: PermitPayload): Promise<Person[]> {
  const revisions = await db
    .select({ sequence: permitRevisions.sequence, jws: permitRevisions.jws })
    .from(permitRevisions)
    .where(eq(permitRevisions.permitId, permitId))
    .orderBy(permitRevisions.sequence);
  const now = new Set(current.authorisedPersons.map((p) => p.subject));
  const departed = new Map<string, Person>();
  for (const { jws } of revisions)
    for (const person of payloadOf(jws).authorisedPersons ?? [])
      if (!now.has(person.subject)) departed.set(person.subject, person);
  return [...departed.values()].sort((a, b) => a.subject.localeCompare(b.subject));
}

/**
 * An operator deletes a departed person's home before teardown, saying why. Recorded on the environment with
 * a new generation, so the reconciler removes exactly that claim (kept-homes.ts), and in the audit log, in one
 * transaction under the environment's row lock. A current person's home is refused (ENVIRONMENT_HOME_IN_USE),
 * and so is a person the permit never named (ENVIRONMENT_PERSON_NOT_FOUND): nothing is written then.
 */
export async function deleteDepartedHome(
  db: Db,
  input: { namespace: string; subject: string; reason: string },
  actor: AuditActor,
  now: Date,
): Promise<{ namespace: string; subject: string; generation: number }> {
  const { namespace, subject, reason } = input;
  return db.transaction(async (tx) => {
    const [row] = await tx
      .select({ environment: environments, permit: permits })
      .from(environments)
      .innerJoin(permits, eq(environments.permitId, permits.permitId))
      .where(eq(environments.namespace, namespace))
      .for("update", { of: environments });
    if (!row) throw new SpeError("ENVIRONMENT_NOT_FOUND", `There is no environment ${namespace}.`);
    const { environment, permit } = row;
    if (environment.desiredState === "torn-down")
      throw new SpeError("ENVIRONMENT_STATE_CONFLICT", `${namespace} is torn down: every home went with it.`);
    if (permit.payload.authorisedPersons.some((p) => p.subject === subject))
      throw new SpeError(
        "ENVIRONMENT_HOME_IN_USE",
        `${subject} is named in permit ${permit.permitId}: their home is in use and stays while they are.`,
      );
    const departed = await departedPersons(tx, permit.permitId, permit.payload);
    if (!departed.some((p) => p.subject === subject))
      throw new SpeError(
        "ENVIRONMENT_PERSON_NOT_FOUND",
        `Permit ${permit.permitId} has never named ${subject}: there is no home of theirs in ${namespace}.`,
      );
    // A later request replaces an earlier one: it also covers a home made after it, should the person have
    // been named again and removed again since.
    const homeDeletions: HomeDeletion[] = [
      ...environment.homeDeletions.filter((d) => d.subject !== subject),
      { subject, requestedAt: now.toISOString() },
    ];
    const [changed] = await tx
      .update(environments)
      .set({ homeDeletions, generation: environment.generation + 1, updatedAt: now })
      .where(and(eq(environments.namespace, namespace), eq(environments.generation, environment.generation)))
      .returning({ generation: environments.generation });
    await appendAuditEvent(
      tx,
      {
        actor,
        action: "environment.home-deletion-requested",
        target: `environment:${namespace}`,
        details: { person: subject, reason, generation: changed!.generation },
      },
      now,
    );
    return { namespace, subject, generation: changed!.generation };
  });
}
