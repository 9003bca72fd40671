import { desc, eq, sql, type Column, type SQL } from "drizzle-orm";
import type { Db } from "../db/database";
import {
  auditEvents,
  environments,
  newestStagedDeliveries,
  permits,
  workspaceWishes,
  type Condition,
} from "../db/schema";
import { permitTools, personTool, type PermitToolName, type ServedToolName } from "../tools/tool-registry";
import type { ManifestColumn } from "../datasets";

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
  return db
    .select(summary)
    .from(environments)
    .innerJoin(permits, eq(environments.permitId, permits.permitId))
    .orderBy(desc(environments.createdAt));
}

/** A dataset of the permit as its researchers see it: awaited, or delivered with its rows and columns. */
export interface EnvironmentDataset {
  id: string;
  version: string;
  delivered: { rows: number; columns: ManifestColumn[]; stagedAt: string } | null;
}

/** A time as Date.prototype.toJSON writes it (UTC, milliseconds). */
const isoTime = (time: SQL | Column) => sql`to_char(${time} at time zone 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.MS"Z"')`;

/**
 * Per dataset the permit names, in its order: awaited (`delivered` null), or the newest staged delivery's rows
 * and columns (names and types from its manifest, never a value): the view newest_staged_deliveries, which the data
 * loader's staging reads too, joined inside the environments query so that a researcher's page load is one
 * round trip to the database, not two.
 */
const datasetsOfPermit = sql`coalesce((
  select json_agg(json_build_object(
    'id', ds.value->>'id',
    'version', ds.value->>'version',
    'delivered', case when staged.manifest is null then null else json_build_object(
      'rows', staged.manifest->'rows',
      'columns', staged.manifest->'columns',
      'stagedAt', ${isoTime(sql`coalesce(staged.finished_at, 'epoch')`)}
    ) end
  ) order by ds.position)
  from jsonb_array_elements(${permits.payload}->'datasets') with ordinality as ds(value, position)
  left join lateral (
    select ${newestStagedDeliveries.manifest} as manifest, ${newestStagedDeliveries.finishedAt} as finished_at from ${newestStagedDeliveries}
    where ${newestStagedDeliveries.permitId} = ${environments.permitId} and ${newestStagedDeliveries.datasetId} = ds.value->>'id'
      and ${newestStagedDeliveries.datasetVersion} = ds.value->>'version'
  ) staged on true
), '[]'::json)`;

/**
 * The reason an operator gave when they tore the environment down: it is kept with its audit event only, and
 * researchers are owed it (an expiry or a revocation needs no words: the teardown record names those).
 */
const teardownReason = sql`case when ${environments.desiredState} = 'torn-down' then (
  select ${auditEvents.details}->>'reason' from ${auditEvents}
  where ${auditEvents.target} = 'environment:' || ${environments.namespace}
    and ${auditEvents.action} = 'environment.teardown-requested' and ${auditEvents.actorRole} = 'operator'
  order by ${auditEvents.sequence} desc limit 1
) end`;

/** A researcher's environment as the API answers it: times as ISO 8601 strings, as JSON would have them. */
export interface ResearcherEnvironment {
  namespace: string;
  permitId: string;
  desiredState: (typeof environments.$inferSelect)["desiredState"];
  generation: number;
  observedGeneration: number;
  conditions: Condition[];
  teardown: Record<string, unknown> | null;
  createdAt: string;
  updatedAt: string;
  validFrom: string;
  validUntil: string;
  permitStatus: "granted" | "revoked";
  purpose: string;
  datasets: EnvironmentDataset[];
  /** Why an operator tore the environment down, in their words; null for one that has not ended so. */
  teardownReason: string | null;
  /** The tools the permit offers its persons (tools/tool-registry.ts), and the one this person's workspace runs. */
  tools: ServedToolName[];
  tool: ServedToolName;
}

/** As the query answers: the permit's tool names and what the person picked, if anything. */
type ResearcherEnvironmentRow = Omit<ResearcherEnvironment, "tools" | "tool"> & {
  tools: PermitToolName[];
  pickedTool: string | null;
};

/**
 * The conditions without Kubernetes' own sentence and its values: they name images, nodes and cluster
 * addresses, which are for operators. A researcher reads the reason in words (the UI's), and nothing more.
 */
const researcherConditions = sql`(select coalesce(jsonb_agg((c - 'values') || '{"message": ""}'::jsonb), '[]'::jsonb)
  from jsonb_array_elements(${environments.conditions}) as c)`;

/**
 * The environments whose permit names this person (by OIDC subject), newest first: a researcher's view.
 * PostgreSQL builds the answer's JSON itself, one value for the whole list: no row or field is mapped in
 * JavaScript and no Date made only to be written out again, on every researcher's page load.
 */
const environmentsOfQuery = (db: Db) =>
  db
    .select({
      list: sql<ResearcherEnvironmentRow[]>`coalesce(json_agg(json_build_object(
        'namespace', ${environments.namespace},
        'permitId', ${environments.permitId},
        'desiredState', ${environments.desiredState},
        'generation', ${environments.generation},
        'observedGeneration', ${environments.observedGeneration},
        'conditions', ${researcherConditions},
        'teardown', ${environments.teardown},
        'createdAt', ${isoTime(environments.createdAt)},
        'updatedAt', ${isoTime(environments.updatedAt)},
        'validFrom', ${isoTime(permits.validFrom)},
        'validUntil', ${isoTime(permits.validUntil)},
        'permitStatus', ${permits.status},
        'purpose', ${permits.payload}->'purpose'->>'description',
        'datasets', ${datasetsOfPermit},
        'teardownReason', ${teardownReason},
        'tools', ${permits.payload}->'environment'->'tools',
        'pickedTool', (select ${workspaceWishes.tool} from ${workspaceWishes}
          where ${workspaceWishes.namespace} = ${environments.namespace}
          and ${workspaceWishes.subject} = ${sql.placeholder("subject")})
      ) order by ${environments.createdAt} desc), '[]'::json)`,
    })
    .from(environments)
    .innerJoin(permits, eq(environments.permitId, permits.permitId))
    .where(sql`${permits.payload}->'authorisedPersons' @> ${sql.placeholder("persons")}::jsonb`)
    .prepare("environments_of_subject");

// A researcher's every page load asks this: prepared once per database, not built per request.
const preparedEnvironmentsOf = new WeakMap<Db, ReturnType<typeof environmentsOfQuery>>();

export async function environmentsOf(db: Db, subject: string): Promise<ResearcherEnvironment[]> {
  let query = preparedEnvironmentsOf.get(db);
  if (!query) preparedEnvironmentsOf.set(db, (query = environmentsOfQuery(db)));
  const [answer] = await query.execute({ persons: JSON.stringify([{ subject }]), subject });
  return answer!.list.map(({ tools, pickedTool, ...e }) => ({
    ...e,
    tools: permitTools(tools),
    tool: personTool(tools, pickedTool),
  }));
}

export async function getEnvironment(db: Db, namespace: string) {
  const [row] = await db
    .select({ ...summary, permit: permits.payload })
    .from(environments)
    .innerJoin(permits, eq(environments.permitId, permits.permitId))
    .where(eq(environments.namespace, namespace));
  return row;
}
