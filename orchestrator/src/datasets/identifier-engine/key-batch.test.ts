import { createHmac, randomBytes } from "node:crypto";
import { describe, expect, it } from "vitest";
import { identifierKey } from "./csv-identifiers";
import { HmacPool } from "./hmac-pool";
import { keyBatch } from "./key-batch";
import { luhnCheckDigit, parseIdentifier, referenceDay } from "../personnummer";

const REFERENCE = new Date("2026-09-15T12:00:00Z");

/** Twelve digits whose check digit is right, so that only the date can be wrong. */
const withCheckDigit = (eleven: string) => eleven + luhnCheckDigit(eleven.slice(2));

// Valid in every form (12 and 10 digits, -, +, samordningsnummer), and one of each problem.
const TEXTS = [
  "198112189876",
  "8112189876",
  "811218-9876",
  "19811218-9876",
  "121212+1212",
  "191212121212",
  withCheckDigit("19811278987"), // samordningsnummer (day + 60)
  "198112189877", // check digit
  withCheckDigit("19811318987"), // date
  withCheckDigit("20300101987"), // future
  "121212+1213", // check digit after a +
  "12345", // format
  "1234567890123", // format: 13 digits, no separator
];

const keys = (texts: string[]) => Float64Array.from(texts.map((t) => identifierKey(Buffer.from(t), 0, t.length)));

/** What parseIdentifier, the reference, says of each text: valid ones in order with their canonical form, and the problems. */
function expected(texts: string[]) {
  const valid = texts.flatMap((t) => {
    const p = parseIdentifier(t, REFERENCE);
    return p.ok ? [[t, p.canonical]] : [];
  });
  const invalid = texts.flatMap((t) => {
    const p = parseIdentifier(t, REFERENCE);
    return p.ok ? [] : [[t, p.problem]];
  });
  return { valid, invalid };
}

describe("keyBatch", () => {
  it("writes each key's text and agrees with parseIdentifier on every form and problem", () => {
    const batch = keyBatch(keys(TEXTS), referenceDay(REFERENCE));
    const raws = Buffer.from(batch.raws).toString("latin1").split(" ");
    const canonicals = Array.from({ length: batch.count }, (_, i) =>
      Buffer.from(batch.canonicals.subarray(12 * i, 12 * (i + 1))).toString("latin1"),
    );
    const { valid, invalid } = expected(TEXTS);
    expect(raws.map((r, i) => [r, canonicals[i]])).toEqual(valid);
    expect(batch.invalid).toEqual(invalid);
    expect(invalid.map(([, problem]) => problem).sort()).toEqual([
      "check-digit",
      "check-digit",
      "date",
      "format",
      "format",
      "future",
    ]);
  });

  it("gives an empty batch when no key is valid", () => {
    const batch = keyBatch(keys(["12345", "198112189877"]), referenceDay(REFERENCE));
    expect([batch.count, batch.raws.length, batch.canonicals.length, batch.invalid.length]).toEqual([0, 0, 0, 2]);
  });
});

describe("HmacPool.hashKeys", () => {
  it("parses in a worker exactly as keyBatch does here, and hashes each canonical form", async () => {
    const key = randomBytes(32);
    const pool = new HmacPool(key, 1);
    try {
      const hashed = await pool.hashKeys(keys(TEXTS), referenceDay(REFERENCE));
      const { valid, invalid } = expected(TEXTS);
      expect(Buffer.from(hashed.raws).toString("latin1").split(" ")).toEqual(valid.map(([t]) => t));
      const hex = Buffer.from(hashed.hex).toString("latin1");
      expect(valid.map((_, i) => hex.slice(64 * i, 64 * (i + 1)))).toEqual(
        valid.map(([, canonical]) => createHmac("sha256", key).update(canonical!).digest("hex")),
      );
      expect(hashed.invalid).toEqual(invalid);
    } finally {
      await pool.close();
    }
  });
});
