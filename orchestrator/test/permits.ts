import type { PermitPayload } from "../src/permits/permit";

/** A valid permit payload for tests; override what the test is about. */
export function permitPayload(overrides: Partial<PermitPayload> = {}): PermitPayload {
  const alice = { subject: "alice", name: "Alice Andersson", email: "alice@uni.example" };
  return {
    permitId: "SE-HDAB-2026-0042",
    sequence: 1,
    status: "granted",
    issuer: "https://hdab.example.se",
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
