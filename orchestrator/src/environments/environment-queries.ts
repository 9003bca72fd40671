import { desc, eq, sql } from "drizzle-orm";
import type { Db } from "../db/database";
import { environments, permits } from "../db/schema";

const summary = {
  namespace: environments.namespace,
  permitId: environments.permitId,
  desiredState: environments.desiredState,
  generation: environments.generation,
  observedGeneration: environments.observedGeneration,
  conditions: environments.conditions,
  teardown: environments.teardown,
  createdAt: environments.createdAt,
  updatedAt: environments.updatedAt,
  validFrom: permits.validFrom,
  validUntil: permits.validUntil,
  permitStatus: permits.status,
  purpose: sql<string>`${permits.payload}->'purpose'->>'description'`,
};

/** Every environment, newest first, for operators. */
export function listEnvironments(db: Db) {
  return db.select(summary).from(environments).innerJoin(permits, eq(environments.permitId, permits.permitId)).orderBy(desc(environments.createdAt));
}

/** The environments whose permit names this person (by OIDC subject): a researcher's view. */
export function environmentsOf(db: Db, subject: string) {
  return db
    .select(summary)
    .from(environments)
    .innerJoin(permits, eq(environments.permitId, permits.permitId))
    .where(sql`${permits.payload}->'authorisedPersons' @> ${JSON.stringify([{ subject }])}::jsonb`)
    .orderBy(desc(environments.createdAt));
}

export async function getEnvironment(db: Db, namespace: string) {
  const [row] = await db
    .select({ ...summary, permit: permits.payload })
    .from(environments)
    .innerJoin(permits, eq(environments.permitId, permits.permitId))
    .where(eq(environments.namespace, namespace));
  return row;
}
