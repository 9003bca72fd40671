import { existsSync, mkdtempSync, readdirSync, readFileSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { beforeAll, describe, expect, it } from "vitest";
import { runSpe } from "../../test/run-spe";

const dir = mkdtempSync(join(tmpdir(), "spe-datasets-cli-"));
const DATASET = "patientregistret@2026-09";
let extract: string;
let bad: string;
let key: string;

beforeAll(async () => {
  const synth = await runSpe(["synth", "register", "--rows", "2000", "--seed", "4"]);
  expect(synth.code, synth.stderr).toBe(0);
  extract = join(dir, "extract.csv");
  writeFileSync(extract, synth.stdout);
  const lines = synth.stdout.trimEnd().split("\n");
  const fields = lines[3]!.split(";");
  fields[4] = "-1"; // ALDER
  bad = join(dir, "bad.csv");
  writeFileSync(bad, [...lines.slice(0, 3), fields.join(";"), ...lines.slice(4)].join("\n") + "\n");
  key = join(dir, "master.key");
  writeFileSync(key, `${"ab".repeat(32)}\n`);
});

describe("spe synth register", () => {
  it("writes the same extract for a seed, another for another seed", async () => {
    const [a, b, c] = await Promise.all(
      [["4"], ["4"], ["5"]].map((seed) => runSpe(["synth", "register", "--rows", "50", "--seed", seed[0]!])),
    );
    expect(a!.stdout.trimEnd().split("\n")).toHaveLength(51);
    expect(a!.stdout).toBe(b!.stdout);
    expect(a!.stdout).not.toBe(c!.stdout);
  });

  it("exit 2 for a row count that is no number", async () => {
    expect((await runSpe(["synth", "register", "--rows", "many"])).code).toBe(2);
  });
});

describe("spe delivery validate", () => {
  it("exit 0 for the synthetic extract, in words and as JSON", async () => {
    const words = await runSpe(["delivery", "validate", "--descriptor", DATASET, extract]);
    expect(words.code, words.stderr).toBe(0);
    expect(words.stdout).toMatch(/^Valid: 2000 rows of patientregistret 2026-09 \(csv\)/);
    const json = await runSpe(["delivery", "validate", "--json", "--descriptor", DATASET, extract]);
    expect(JSON.parse(json.stdout)).toMatchObject({ valid: true, rows: 2000, issues: [] });
  });

  it("exit 1 with the row number of a bad value", async () => {
    const words = await runSpe(["delivery", "validate", "--descriptor", DATASET, bad]);
    expect(words.code).toBe(1);
    expect(words.stderr).toContain("ALDER: VALUE_INVALID: is not a whole number from 0 to 130. (row 3)");
    const json = await runSpe(["delivery", "validate", "--descriptor", DATASET, "--json", bad]);
    expect(json.code).toBe(1);
    expect(JSON.parse(json.stdout).issues).toEqual([
      { code: "VALUE_INVALID", column: "ALDER", message: expect.any(String), count: 1, rows: [3] },
    ]);
  });

  it("exit 2 without a descriptor, for an unknown dataset, or without a file", async () => {
    expect((await runSpe(["delivery", "validate", extract])).code).toBe(2);
    const unknown = await runSpe(["delivery", "validate", "--descriptor", "nope@1", extract]);
    expect(unknown.code).toBe(2);
    expect(unknown.stderr).toMatch(/DATASET_NOT_FOUND/);
    expect((await runSpe(["delivery", "validate", "--descriptor", DATASET])).code).toBe(2);
  });
});

describe("spe pseudonymise", () => {
  it("exit 0: the Parquet file and the manifest in the new folder", async () => {
    const out = join(dir, "out");
    const result = await runSpe([
      "pseudonymise",
      "--permit",
      "SE-CLI-1",
      "--key-file",
      key,
      "--descriptor",
      DATASET,
      extract,
      out,
    ]);
    expect(result.code, result.stderr).toBe(0);
    expect(result.stdout).toMatch(/^Pseudonymised 2000 rows of patientregistret 2026-09 for permit SE-CLI-1/);
    expect(readdirSync(out).sort()).toEqual(["manifest.json", "patientregistret.parquet"]);
    expect(JSON.parse(readFileSync(join(out, "manifest.json"), "utf8"))).toMatchObject({
      rows: 2000,
      permitId: "SE-CLI-1",
    });
  });

  it("exit 1 for an invalid extract, and no output folder", async () => {
    const out = join(dir, "refused");
    const result = await runSpe([
      "pseudonymise",
      "--permit",
      "SE-CLI-1",
      "--key-file",
      key,
      "--descriptor",
      DATASET,
      bad,
      out,
    ]);
    expect(result.code).toBe(1);
    expect(result.stderr).toMatch(/^Refused: DELIVERY_INVALID; nothing was written:\nALDER: VALUE_INVALID/);
    expect(existsSync(out)).toBe(false);
  });

  it("exit 2 without a permit, with a key that is too short, or with one folder", async () => {
    const out = join(dir, "never");
    expect((await runSpe(["pseudonymise", "--key-file", key, "--descriptor", DATASET, extract, out])).code).toBe(2);
    const short = join(dir, "short.key");
    writeFileSync(short, "abcd");
    const shortKey = await runSpe([
      "pseudonymise",
      "--permit",
      "P",
      "--key-file",
      short,
      "--descriptor",
      DATASET,
      extract,
      out,
    ]);
    expect(shortKey.code).toBe(2);
    expect(shortKey.stderr).toMatch(/PSEUDONYM_KEY_INVALID/);
    expect(
      (await runSpe(["pseudonymise", "--permit", "P", "--key-file", key, "--descriptor", DATASET, extract])).code,
    ).toBe(2);
    expect(existsSync(out)).toBe(false);
  });
});
