import { describe, expect, it } from "vitest";
import { dataManifest, loaderEnvironment, planLoad } from "./loader-plan";

const delivery = (overrides: Record<string, unknown> = {}) => ({
  datasetId: "patientregistret",
  version: "2026-09",
  deliveryId: "00000000-0000-4000-8000-000000000001",
  manifestSha256: "a".repeat(64),
  files: [{ path: "patientregistret.parquet", sha256: "b".repeat(64), capability: "v1.1.x" }],
  ...overrides,
});
const env = (staged: unknown[], extra: Record<string, string> = {}) => ({
  SPE_PERMIT_ID: "SE-1",
  SPE_STAGING_URL: "http://orchestrator.spe-system.svc:8080/staging/spe-x/",
  SPE_STAGED: JSON.stringify(staged),
  ...extra,
});

describe("the loader's plan", () => {
  it("fetches each file from its delivery and puts it in its dataset's folder", () => {
    const parsed = loaderEnvironment.parse(
      env([
        delivery(),
        delivery({
          datasetId: "lakemedelsregistret",
          deliveryId: "00000000-0000-4000-8000-000000000002",
          files: [{ path: "part/1_a.parquet", sha256: "c".repeat(64) }],
        }),
      ]),
    );
    expect(parsed.SPE_DATA_DIR).toBe("/data");
    expect(planLoad(parsed)).toEqual([
      {
        url: "http://orchestrator.spe-system.svc:8080/staging/spe-x/00000000-0000-4000-8000-000000000001/patientregistret.parquet",
        capability: "v1.1.x",
        target: "patientregistret@2026-09/patientregistret.parquet",
        sha256: "b".repeat(64),
      },
      {
        url: "http://orchestrator.spe-system.svc:8080/staging/spe-x/00000000-0000-4000-8000-000000000002/part/1_a.parquet",
        capability: undefined,
        target: "lakemedelsregistret@2026-09/part/1_a.parquet",
        sha256: "c".repeat(64),
      },
    ]);
    expect(dataManifest(parsed, () => 7).datasets[1]).toEqual({
      id: "lakemedelsregistret",
      version: "2026-09",
      deliveryId: "00000000-0000-4000-8000-000000000002",
      manifestSha256: "a".repeat(64),
      files: [{ path: "lakemedelsregistret@2026-09/part/1_a.parquet", sha256: "c".repeat(64), bytes: 7 }],
    });
  });

  it.each([
    [
      "a path out of the volume",
      [delivery({ files: [{ path: "../../etc/passwd", sha256: "b".repeat(64) }] })],
      /SPE_STAGED\.0\.files\.0\.path/,
    ],
    ["an absolute path", [delivery({ files: [{ path: "/etc/passwd", sha256: "b".repeat(64) }] })], /path/],
    ["a hidden file", [delivery({ files: [{ path: ".loading", sha256: "b".repeat(64) }] })], /path/],
    ["a dataset id with a slash", [delivery({ datasetId: "a/../b" })], /datasetId/],
    ["a hash that is not SHA-256", [delivery({ files: [{ path: "a.parquet", sha256: "B".repeat(64) }] })], /sha256/],
    ["a delivery without files", [delivery({ files: [] })], /files/],
  ])("refuses %s in SPE_STAGED", (_, staged, message) => {
    const parsed = loaderEnvironment.safeParse(env(staged));
    expect(parsed.success).toBe(false);
    expect(parsed.error!.issues.map((i) => `${i.path.join(".")}: ${i.message}`).join("; ")).toMatch(message);
  });

  it("refuses SPE_STAGED that is not JSON, and a staging URL that is not http(s)", () => {
    expect(loaderEnvironment.safeParse({ ...env([]), SPE_STAGED: "[" }).error!.issues[0]!.message).toBe("is not JSON");
    expect(loaderEnvironment.safeParse(env([], { SPE_STAGING_URL: "file:///data" })).success).toBe(false);
  });

  it("refuses two files with one destination", () => {
    const parsed = loaderEnvironment.parse(
      env([delivery(), delivery({ deliveryId: "00000000-0000-4000-8000-000000000002" })]),
    );
    expect(() => planLoad(parsed)).toThrow(/names one file twice/);
  });
});
