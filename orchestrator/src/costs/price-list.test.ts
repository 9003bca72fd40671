import { mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { parsePriceList, ratesAt, readPriceList } from "./price-list";

const json = `{
  "currency": "SEK",
  "prices": [
    { "from": "2026-01-01T00:00:00Z", "cpuHour": 0.5, "memoryGiBHour": 0.05, "storageGiBHour": 0.001 },
    { "from": "2027-01-01T00:00:00Z", "cpuHour": 0.6, "memoryGiBHour": 0.06, "storageGiBHour": 0.001, "gpuHour": 20 }
  ]
}`;

const problemOf = (text: string) => {
  try {
    parsePriceList(text, "prices.json");
  } catch (err) {
    return (err as { code: string; message: string }).code + ": " + (err as Error).message;
  }
  throw new Error("the price list was accepted");
};

describe("the price list", () => {
  it("reads JSON and YAML alike", () => {
    const list = parsePriceList(json, "prices.json");
    expect(list.currency).toBe("SEK");
    expect(list.prices[1]!.gpuHour).toBe(20);
    const yaml = parsePriceList(
      "currency: EUR\nprices:\n  - from: 2026-01-01T00:00:00Z\n    cpuHour: 0.04\n    memoryGiBHour: 0.005\n    storageGiBHour: 0.0001\n",
      "prices.yaml",
    );
    expect(yaml.prices[0]!.cpuHour).toBe(0.04);
  });

  it.each([
    ["a negative price, on its line", json.replace('"cpuHour": 0.6', '"cpuHour": -1'), /line 5: prices\.1\.cpuHour/],
    [
      "a missing field, on its entry's line",
      json.replace('"memoryGiBHour": 0.05, ', ""),
      /line 4: prices\.0\.memoryGiBHour/,
    ],
    ["an unknown currency", json.replace("SEK", "KRONOR"), /line 2: currency: must be an ISO 4217/],
    ["an unknown field", json.replace('"gpuHour"', '"gpuHours"'), /line 5: prices\.1: Unrecognized key: "gpuHours"/],
    ["prices out of order", json.replace("2027-01-01", "2025-01-01"), /line 5: prices\.1\.from: must be later/],
    [
      "a time without offset",
      json.replace("2026-01-01T00:00:00Z", "2026-01-01"),
      /line 4: prices\.0\.from: must be a time/,
    ],
    ["no prices", '{ "currency": "SEK", "prices": [] }', /prices: must hold at least one/],
    ["broken syntax", '{ "currency": "SEK",\n  "prices": [ }', /line 2: /],
  ])("refuses %s, naming the line and field", (_, text, expected) => {
    const problem = problemOf(text);
    expect(problem).toMatch(/^CONFIG_INVALID: PRICE_LIST_FILE prices\.json has \d+ problem/);
    expect(problem).toMatch(expected);
  });

  it("reads the file named, and says when it cannot", () => {
    const dir = mkdtempSync(join(tmpdir(), "prices-"));
    writeFileSync(join(dir, "prices.json"), json);
    expect(readPriceList(join(dir, "prices.json"))?.currency).toBe("SEK");
    expect(readPriceList(undefined)).toBeUndefined();
    expect(() => readPriceList(join(dir, "absent.json"))).toThrow(/cannot be read \(ENOENT\)/);
  });

  it("takes the prices that held at a moment, the first for anything before", () => {
    const list = parsePriceList(json, "prices.json");
    expect(ratesAt(list, Date.parse("2025-06-01T00:00:00Z")).cpuHour).toBe(0.5);
    expect(ratesAt(list, Date.parse("2026-12-31T23:59:59Z")).cpuHour).toBe(0.5);
    expect(ratesAt(list, Date.parse("2027-01-01T00:00:00Z")).cpuHour).toBe(0.6);
  });
});
