import { describe, expect, it } from "vitest";
import { parseIdentifier } from "./personnummer";
import { SYNTH_REGISTER_COLUMNS, synthRegisterCsv } from "./synth-register";

const csv = (rows: number, seed: number) => [...synthRegisterCsv({ rows, seed, rowsPerChunk: 97 })].join("");

describe("synthRegisterCsv", () => {
  it("is the same for a seed and different for another", () => {
    expect(csv(500, 1)).toBe(csv(500, 1));
    expect(csv(500, 1)).not.toBe(csv(500, 2));
  });

  it("writes the header and exactly the rows asked for", () => {
    const lines = csv(1234, 5).trimEnd().split("\n");
    expect(lines[0]).toBe(SYNTH_REGISTER_COLUMNS.join(";"));
    expect(lines).toHaveLength(1235);
    expect(csv(0, 5)).toBe(`${SYNTH_REGISTER_COLUMNS.join(";")}\n`);
  });

  it("writes valid personnummer, some samordningsnummer, sex matching the ninth digit, repeat patients", () => {
    const rows = csv(20_000, 9)
      .trimEnd()
      .split("\n")
      .slice(1)
      .map((l) => l.split(";"));
    const ref = new Date("2026-01-01");
    const parsed = rows.map((r) => parseIdentifier(r[0]!, ref));
    expect(parsed.every((p) => p.ok)).toBe(true);
    expect(parsed.some((p) => p.ok && p.kind === "samordningsnummer")).toBe(true);
    for (const r of rows) expect(Number(r[0]![10]) % 2 === 1 ? "1" : "2").toBe(r[2]);
    const perPerson = new Map<string, number>();
    for (const r of rows) perPerson.set(r[0]!, (perPerson.get(r[0]!) ?? 0) + 1);
    expect(perPerson.size).toBeLessThan(rows.length / 2);
    expect(Math.max(...perPerson.values())).toBeGreaterThanOrEqual(50);
    expect(rows.some((r) => r[5] === "01" && r[6]!.startsWith("01"))).toBe(true);
    expect(rows.some((r) => r[11]!.startsWith("I63"))).toBe(true);
  });
});
