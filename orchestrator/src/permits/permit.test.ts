import { describe, expect, it } from "vitest";
import { permitPayloadSchema } from "./permit";
import { permitErrorMap, permitIssuesOf, PermitSchemaError } from "./permit-issues";
import { examplePermit } from "./test-fixtures";

/** The paths and messages of everything wrong with a payload, as a permit's issuer would be told. */
function issuesOf(payload: unknown) {
  const result = permitPayloadSchema.safeParse(payload, { error: permitErrorMap });
  return result.success ? [] : permitIssuesOf(result.error.issues);
}

const alice = examplePermit().authorisedPersons[0]!;
const bob = { subject: "bob", name: "Bob Berg", email: "bob@uni.example" };
const without = (key: string) => Object.fromEntries(Object.entries(examplePermit()).filter(([k]) => k !== key));

describe("permitPayloadSchema", () => {
  it("accepts the example permit, with and without conditions", () => {
    expect(issuesOf(examplePermit())).toEqual([]);
    for (const software of ["none", "allowlisted"] as const)
      expect(issuesOf(examplePermit({ environment: { ...examplePermit().environment, software } }))).toEqual([]);
    expect(issuesOf(examplePermit({ budget: { amount: 25_000.5, currency: "SEK" } }))).toEqual([]);
    for (const gpu of [0, 1, 8])
      expect(issuesOf(examplePermit({ environment: { ...examplePermit().environment, gpu } }))).toEqual([]);
    expect(issuesOf(without("conditions"))).toEqual([]);
    expect(issuesOf(examplePermit({ validFrom: "2026-11-02T01:00:00+01:00" }))).toEqual([]);
  });

  it.each<[string, unknown, string, RegExp]>([
    [
      "memory not in Mi/Gi/Ti",
      { environment: { ...examplePermit().environment, memory: "16GB" } },
      "environment.memory",
      /a size in Mi, Gi or Ti \("16Gi"\)/,
    ],
    [
      "storage of zero",
      { environment: { ...examplePermit().environment, storage: "0Gi" } },
      "environment.storage",
      /a size in Mi, Gi or Ti/,
    ],
    [
      "cpu in words",
      { environment: { ...examplePermit().environment, cpu: "four" } },
      "environment.cpu",
      /whole cores/,
    ],
    ["no tools", { environment: { ...examplePermit().environment, tools: [] } }, "environment.tools", /./],
    [
      "an unknown tool",
      { environment: { ...examplePermit().environment, tools: ["emacs"] } },
      "environment.tools[0]",
      /jupyterlab/,
    ],
    [
      "software other than none or allowlisted",
      { environment: { ...examplePermit().environment, software: "anything" } },
      "environment.software",
      /allowlisted/,
    ],
    ["a fractional GPU", { environment: { ...examplePermit().environment, gpu: 0.5 } }, "environment.gpu", /int/i],
    ["a budget of nothing", { budget: { amount: 0, currency: "SEK" } }, "budget.amount", /./],
    ["a budget in no currency", { budget: { amount: 10, currency: "kr" } }, "budget.currency", /ISO 4217/],
    ["nine GPUs", { environment: { ...examplePermit().environment, gpu: 9 } }, "environment.gpu", /8/],
    ["a status other than granted or revoked", { status: "pending" }, "status", /granted/],
    ["sequence 0", { sequence: 0 }, "sequence", /./],
    ["a fractional sequence", { sequence: 1.5 }, "sequence", /int/i],
    [
      "a purpose outside EHDS",
      { purpose: { category: "marketing", description: "x" } },
      "purpose.category",
      /scientific-research/,
    ],
    [
      "a bad e-mail address",
      { authorisedPersons: [{ ...alice, email: "alice" }] },
      "authorisedPersons[0].email",
      /e-?mail/i,
    ],
    [
      "a dataset id with spaces",
      { datasets: [{ id: "Patient Registret", version: "1" }] },
      "datasets[0].id",
      /lower-case identifier/,
    ],
    ["a permit id with a slash", { permitId: "SE/42" }, "permitId", /letters, digits/],
    ["an issuedAt that is no timestamp", { issuedAt: "yesterday" }, "issuedAt", /./],
    ["a validFrom without a time zone", { validFrom: "2026-11-02T00:00:00" }, "validFrom", /./],
    [
      "one reviewer",
      { outputPolicy: { profile: "default", reviewersRequired: 1 } },
      "outputPolicy.reviewersRequired",
      /2/,
    ],
    ["an unknown top-level field", { ...examplePermit(), export: "allowed" }, "export", /is not a field of a permit/],
    [
      "an unknown dataset member",
      { datasets: [{ id: "patientregistret", version: "2026-09", columns: ["a"] }] },
      "datasets[0].columns",
      /is not a field/,
    ],
    [
      "an unknown person member",
      { authorisedPersons: [{ ...alice, role: "admin" }] },
      "authorisedPersons[0].role",
      /is not a field/,
    ],
    ["validUntil before validFrom", { validUntil: "2026-11-01T00:00:00Z" }, "validUntil", /after validFrom/],
    [
      "more than ten years",
      { validFrom: "2026-01-01T00:00:00Z", validUntil: "2036-01-01T00:00:01Z" },
      "validUntil",
      /at most 10 years/,
    ],
    // Two leap days in the span: a fixed 3653-day limit would let one extra day through.
    [
      "ten years and a day",
      { validFrom: "2025-03-01T00:00:00Z", validUntil: "2035-03-02T00:00:00Z" },
      "validUntil",
      /at most 10 years/,
    ],
    [
      "a principal investigator who is not authorised",
      { principalInvestigator: bob },
      "principalInvestigator.subject",
      /authorisedPersons/,
    ],
    [
      "a person listed twice",
      { authorisedPersons: [alice, bob, { ...alice, name: "A. Andersson" }] },
      "authorisedPersons[2].subject",
      /listed twice/,
    ],
    [
      "a dataset listed twice",
      {
        datasets: [
          { id: "lmed", version: "1" },
          { id: "lmed", version: "2" },
        ],
      },
      "datasets[1].id",
      /listed twice/,
    ],
    [
      "a tool listed twice",
      { environment: { ...examplePermit().environment, tools: ["rstudio", "rstudio"] } },
      "environment.tools",
      /twice/,
    ],
  ])("refuses %s, naming %s", (_name, change, path, message) => {
    const issues = issuesOf({ ...examplePermit(), ...(change as object) });
    expect(issues.map((i) => i.path)).toEqual([path]);
    expect(issues[0]!.message).toMatch(message);
  });

  it("names a missing field as required", () => {
    expect(issuesOf(without("validUntil"))).toEqual([
      { path: "validUntil", message: "is required", problem: "required" },
    ]);
  });

  it("accepts exactly ten calendar years", () => {
    expect(issuesOf(examplePermit({ validFrom: "2025-03-01T00:00:00Z", validUntil: "2035-03-01T00:00:00Z" }))).toEqual(
      [],
    );
  });

  it("names every bad field in one message", () => {
    const payload = {
      ...examplePermit({ status: "paused" as never, sequence: -1 }),
      environment: { tools: ["jupyterlab"], cpu: "4", memory: "16GB", storage: "lots" },
      datasets: [{ id: "ok", version: "" }],
      extra: true,
    };
    const issues = issuesOf(payload);
    expect(issues.map((i) => i.path).sort()).toEqual([
      "datasets[0].version",
      "environment.memory",
      "environment.storage",
      "extra",
      "sequence",
      "status",
    ]);
    const error = new PermitSchemaError(issues);
    expect(error.code).toBe("PERMIT_SCHEMA_INVALID");
    expect(error.message).toContain('- environment.memory: a size in Mi, Gi or Ti ("16Gi")');
    for (const { path } of issues) expect(error.message).toContain(`- ${path}: `);
  });
});
