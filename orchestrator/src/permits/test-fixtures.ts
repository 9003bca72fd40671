// Permits and issuer keys for the tests of permits/, cli/ and the permits router. Not used at run time.
import { exportJWK, generateKeyPair, type JWK } from "jose";
import type { PermitPayload } from "./permit";
import { signPermit } from "./sign-permit";
import type { PublicSigningJwk, TrustedIssuers } from "./trusted-issuers";
import type { EnvironmentInput, StagedDataset } from "../environments/desired/environment-input";
import { workspaceIdentities } from "../gateway/workspace-identities";
import { workspacePersons } from "../environments/workspace-persons";
import { askToStart } from "../environments/workspace-wishes";
import { SYSTEM_ACTOR } from "../audit/audit-hash";
import type { Db } from "../db/database";

export const TEST_ISSUER = "https://hdab.example.se";
export const OTHER_ISSUER = "https://findata.example.fi";

/** The example permit, valid from 2026-11-02 to 2028-11-01. */
export function examplePermit(overrides: Partial<PermitPayload> = {}): PermitPayload {
  const alice = { subject: "alice", name: "Alice Andersson", email: "alice@uni.example" };
  return {
    permitId: "SE-HDAB-2026-0042",
    sequence: 1,
    status: "granted",
    issuer: TEST_ISSUER,
    issuedAt: "2026-11-01T09:00:00Z",
    validFrom: "2026-11-02T00:00:00Z",
    validUntil: "2028-11-01T23:59:59Z",
    purpose: { category: "scientific-research", description: "Statin use and stroke outcomes" },
    principalInvestigator: alice,
    authorisedPersons: [alice],
    datasets: [{ id: "patientregistret", version: "2026-09" }],
    environment: { tools: ["jupyterlab"], cpu: "4", memory: "16Gi", storage: "50Gi" },
    outputPolicy: { profile: "default", reviewersRequired: 2 },
    conditions: "Results may only be published in aggregate form.",
    ...overrides,
  };
}

/** A staged delivery of the example permit's dataset, as the reconciler hands it to desiredObjects. */
export function exampleStagedDataset(overrides: Partial<StagedDataset> = {}): StagedDataset {
  return {
    datasetId: "patientregistret",
    version: "2026-09",
    deliveryId: "00000000-0000-4000-8000-000000000001",
    manifestSha256: "a".repeat(64),
    files: [{ path: "patientregistret.parquet", sha256: "b".repeat(64) }],
    ...overrides,
  };
}

/** A moment when the example permit is current. */
export const DURING_PERMIT = new Date("2027-03-01T12:00:00Z");

export interface IssuerKey {
  privateJwk: JWK;
  publicJwk: PublicSigningJwk;
  sign(payload: unknown): Promise<string>;
}

/** A fresh signing key of an issuer, as the issuer would hold it. */
export async function issuerKey(alg: "EdDSA" | "ES256", kid: string): Promise<IssuerKey> {
  const { privateKey, publicKey } = await generateKeyPair(alg, { extractable: true });
  const privateJwk = { ...(await exportJWK(privateKey)), kid };
  const publicJwk = { ...(await exportJWK(publicKey)), kid } as PublicSigningJwk;
  return { privateJwk, publicJwk, sign: (payload) => signPermit(payload, privateJwk) };
}

export const trustOf = (entries: Record<string, IssuerKey[]>): TrustedIssuers =>
  new Map(
    Object.entries(entries).map(([issuer, keys]) => [
      issuer,
      { keys: keys.map((k) => k.publicJwk), clients: [] as string[] },
    ]),
  );

/** The identities of the tests' workspaces: a fixed key, so that ids and credentials are the same every run. */
export const TEST_WORKSPACE_IDENTITIES = workspaceIdentities(Buffer.alloc(32, 7));

/**
 * An environment's input as the reconciler makes it: with a workspace for each of the permit's persons, each
 * of whom has opened it (so that it runs), unless `started` is false.
 */
export function withPersons(input: Omit<EnvironmentInput, "persons">, started = true): EnvironmentInput {
  return {
    ...input,
    persons: workspacePersons(input.namespace, input.permit, { workspaceIdentities: TEST_WORKSPACE_IDENTITIES }).map(
      (p) => ({ ...p, started }),
    ),
  };
}

/**
 * Records that every person of the permit has opened their workspace, as the gateway does on an open: the
 * reconciler then runs each. With the identities of `config`, as the controller under test has them.
 */
export async function openEveryWorkspace(
  db: Db,
  namespace: string,
  permit: PermitPayload,
  config: Parameters<typeof workspacePersons>[2] = {},
): Promise<void> {
  const persons = workspacePersons(namespace, permit, config);
  for (const [i, person] of persons.entries())
    await askToStart(
      db,
      { namespace, personId: person.id, subject: permit.authorisedPersons[i]!.subject },
      SYSTEM_ACTOR,
      new Date(),
    );
}
