import { eq } from "drizzle-orm";
import { DEMO_ACCOUNTS } from "../auth/demo-accounts";
import type { Db } from "../db/database";
import { permits } from "../db/schema";
import { DEV_HDAB_ISSUER, devHdabPrivateKey } from "./dev-hdab";
import { importPermit, type ImportResult } from "./import-permit";
import type { PermitPayload } from "./permit";
import { signPermit } from "./sign-permit";
import type { VerifyOptions } from "./verify-permit";

export const DEMO_PERMIT_ID = "DEMO-HDAB-2026-0001";

const isoSeconds = (d: Date) => d.toISOString().replace(/\.\d{3}Z$/, "Z");

/** The demo permit for the demo researchers alice (its investigator) and bob, valid for a year from `now`. */
export function demoPermitPayload(now: Date, sequence = 1): PermitPayload {
  const [person, coResearcher] = ["alice", "bob"].map((subject) => {
    const account = DEMO_ACCOUNTS.find((a) => a.subject === subject)!;
    return { subject: account.subject, name: account.name, email: account.email };
  }) as [PermitPayload["principalInvestigator"], PermitPayload["principalInvestigator"]];
  const until = new Date(now);
  until.setUTCFullYear(until.getUTCFullYear() + 1);
  return {
    permitId: DEMO_PERMIT_ID,
    sequence,
    status: "granted",
    issuer: DEV_HDAB_ISSUER,
    issuedAt: isoSeconds(now),
    validFrom: isoSeconds(now),
    validUntil: isoSeconds(until),
    purpose: { category: "scientific-research", description: "Demonstration: statin use and stroke outcomes" },
    principalInvestigator: person,
    authorisedPersons: [person, coResearcher],
    datasets: [{ id: "patientregistret", version: "2026-09" }],
    // A core and a half: both workspaces (600m each), the airlock agent and the loader must fit the local node
    // of a two-core machine.
    environment: { tools: ["jupyterlab"], cpu: "1500m", memory: "4Gi", storage: "10Gi" },
    outputPolicy: { profile: "default", reviewersRequired: 2 },
    conditions: "Demonstration permit of the development HDAB. DEVELOPMENT ONLY.",
  };
}

/** The demo permit signed by the development HDAB. */
export function signDemoPermit(now: Date, sequence = 1): Promise<string> {
  return signPermit(demoPermitPayload(now, sequence), devHdabPrivateKey());
}

/**
 * Imports the demo permit at start-up. A demo permit already held and still valid is signed again as it
 * is, so a restart answers "unchanged" instead of conflicting with a permit dated a moment earlier; an
 * ended one is followed by the next sequence. Refused where the development HDAB is not trusted.
 */
export async function importDemoPermit(db: Db, options: VerifyOptions): Promise<ImportResult> {
  const [held] = await db.select().from(permits).where(eq(permits.permitId, DEMO_PERMIT_ID));
  const payload =
    held && held.validUntil > options.now ? held.payload : demoPermitPayload(options.now, (held?.sequence ?? 0) + 1);
  return importPermit(db, await signPermit(payload, devHdabPrivateKey()), options);
}
