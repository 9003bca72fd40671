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
const environmentsOfQuery = (db: Db) =>
  db
    .select(summary)
    .from(environments)
    .innerJoin(permits, eq(environments.permitId, permits.permitId))
    .where(sql`${permits.payload}->'authorisedPersons' @> ${sql.placeholder("persons")}::jsonb`)
    .orderBy(desc(environments.createdAt))
    .prepare("environments_of_subject");

// A researcher's every page load asks this: prepared once per database, not built per request.
const preparedEnvironmentsOf = new WeakMap<Db, ReturnType<typeof environmentsOfQuery>>();

export function environmentsOf(db: Db, subject: string) {
  let query = preparedEnvironmentsOf.get(db);
  if (!query) preparedEnvironmentsOf.set(db, (query = environmentsOfQuery(db)));
  return query.execute({ persons: JSON.stringify([{ subject }]) });
}

export async function getEnvironment(db: Db, namespace: string) {
  const [row] = await db
    .select({ ...summary, permit: permits.payload })
    .from(environments)
    .innerJoin(permits, eq(environments.permitId, permits.permitId))
    .where(eq(environments.namespace, namespace));
  return row;
}
