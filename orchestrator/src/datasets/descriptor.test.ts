import { mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { findDataset, loadCatalogue } from "./catalogue";
import { outputColumnName, parseDescriptor } from "./descriptor";

const base = { id: "lmed", version: "2026-01", title: "Läkemedelsregistret" };
const describe_ = (columns: unknown[], extra: object = {}) => JSON.stringify({ ...base, columns, ...extra });
const pnr = { name: "LOPNR_IN", type: "personnummer", role: "direct-identifier" };

describe("parseDescriptor", () => {
  it("fills in the defaults: ; delimiter, UTF-8, required values, YYYYMMDD dates, <name>_PSEUDONYM", () => {
    const d = parseDescriptor(describe_([pnr, { name: "EDATUM", type: "date", role: "attribute" }]), "lmed.json");
    expect(d.format).toEqual({ delimiter: ";", encoding: "utf-8" });
    expect(d.columns[1]).toMatchObject({ nullable: false, format: "YYYYMMDD" });
    expect(outputColumnName(d.columns[0]!)).toBe("LOPNR_IN_PSEUDONYM");
  });

  it.each<[string, string, RegExp]>([
    [
      "a personnummer kept as an attribute",
      describe_([{ ...pnr, role: "attribute" }]),
      /columns\.0\.role: a personnummer column must be a direct-identifier/,
    ],
    [
      "a direct identifier that is no personnummer",
      describe_([{ name: "ID", type: "string", role: "direct-identifier" }]),
      /columns\.0\.type: a direct-identifier must be of type personnummer/,
    ],
    [
      "a column named twice",
      describe_([
        pnr,
        { name: "atc", type: "string", role: "attribute" },
        { name: "ATC", type: "string", role: "attribute" },
      ]),
      /listed twice/,
    ],
    [
      "a pseudonym named like another column",
      describe_([
        { ...pnr, pseudonymColumn: "ATC" },
        { name: "ATC", type: "string", role: "attribute" },
      ]),
      /same name/,
    ],
    [
      "a key column that does not exist",
      describe_([pnr], { primaryKey: ["NOPE"] }),
      /primaryKey\.0: "NOPE" is not a column/,
    ],
    ["a column name with a space", describe_([{ name: "A B", type: "string", role: "attribute" }]), /columns\.0\.name/],
    ["an unknown member", describe_([{ ...pnr, salt: "x" }]), /columns\.0/],
    ["an unknown type", describe_([{ name: "X", type: "uuid", role: "attribute" }]), /columns\.0/],
    ["text that is not YAML", "columns: [", /neither YAML nor JSON/],
  ])("refuses %s with DESCRIPTOR_INVALID", (_name, text, message) => {
    expect(() => parseDescriptor(text, "x.yaml")).toThrow(
      expect.objectContaining({ code: "DESCRIPTOR_INVALID", message: expect.stringMatching(message) }),
    );
  });
});

describe("catalogue", () => {
  it("holds patientregistret 2026-09, whose personnummer becomes LOPNR and whose names are dropped", () => {
    const d = findDataset("patientregistret", "2026-09");
    expect(d.columns.find((c) => c.role === "direct-identifier")).toMatchObject({
      name: "PERSONNR",
      pseudonymColumn: "LOPNR",
    });
    expect(d.columns.filter((c) => c.role === "drop").map((c) => c.name)).toEqual(["NAMN"]);
    expect(loadCatalogue().map((x) => `${x.id}@${x.version}`)).toContain("patientregistret@2026-09");
  });

  it("names what it has when a dataset version is not there", () => {
    expect(() => findDataset("patientregistret", "1999-01")).toThrow(
      expect.objectContaining({
        code: "DATASET_NOT_FOUND",
        message: expect.stringContaining("patientregistret@2026-09"),
      }),
    );
  });

  it("refuses two files that describe the same dataset version", () => {
    const dir = mkdtempSync(join(tmpdir(), "spe-catalogue-"));
    writeFileSync(join(dir, "a.yaml"), describe_([pnr]));
    writeFileSync(join(dir, "b.json"), describe_([pnr]));
    expect(() => loadCatalogue(dir)).toThrow(
      expect.objectContaining({ code: "DESCRIPTOR_INVALID", message: expect.stringContaining("a.yaml and b.json") }),
    );
  });
});
