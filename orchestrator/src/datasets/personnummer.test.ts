import { describe, expect, it } from "vitest";
import {
  luhnCheckDigit,
  parseIdentifier,
  parseIdentifierBytes,
  referenceDay,
  type IdentifierProblem,
} from "./personnummer";

const REF = new Date("2026-11-22T12:00:00Z");

/** Appends the right Luhn digit to YYMMDDNNN (or CCYYMMDDNNN, the century being outside the check). */
const valid = (digits: string, separator = "") => {
  const ten = digits.slice(-9);
  return `${digits.slice(0, -3)}${separator}${digits.slice(-3)}${luhnCheckDigit(ten)}`;
};

describe("luhnCheckDigit", () => {
  it.each([
    ["811218987", 6], // Skatteverket's example 811218-9876
    ["121212121", 2], // 19121212-1212
    ["701063239", 1], // samordningsnummer 701063-2391
  ])("%s → %i", (digits, check) => expect(luhnCheckDigit(digits)).toBe(check));
});

describe("parseIdentifier", () => {
  it.each<[string, string, string, "personnummer" | "samordningsnummer", Date?]>([
    ["10 digits, no separator", "8112189876", "198112189876", "personnummer"],
    ["10 digits with -", "811218-9876", "198112189876", "personnummer"],
    ["12 digits", "198112189876", "198112189876", "personnummer"],
    ["12 digits with -", "19811218-9876", "198112189876", "personnummer"],
    ["a samordningsnummer (day + 60)", "701063-2391", "197010632391", "samordningsnummer"],
    ["a samordningsnummer, 12 digits", "197010632391", "197010632391", "samordningsnummer"],
    ["- means under 100: 2012", "121212-1212", "201212121212", "personnummer"],
    ["+ means 100 or older: 1912", "121212+1212", "191212121212", "personnummer"],
    ["12 digits with + for someone over 100", "19121212+1212", "191212121212", "personnummer"],
    [
      "- resolved against an earlier reference date: 1912",
      "121212-1212",
      "191212121212",
      "personnummer",
      new Date("2011-06-01"),
    ],
    ["born on the reference date", valid("261122123"), `20${valid("261122123")}`, "personnummer"],
    ["29 February of a leap year", valid("20000229123"), valid("20000229123"), "personnummer"],
  ])("accepts %s", (_name, text, canonical, kind, reference = REF) => {
    const parsed = parseIdentifier(text, reference);
    expect(parsed).toMatchObject({ ok: true, canonical, kind });
  });

  it("gives the real birth date of a samordningsnummer", () => {
    expect(parseIdentifier("701063-2391", REF)).toMatchObject({ birthDate: "1970-10-03" });
  });

  it.each<[string, string, IdentifierProblem]>([
    ["a wrong check digit", "811218-9875", "check-digit"],
    ["a wrong check digit, 12 digits", "198112189875", "check-digit"],
    ["11 digits", "81121898761", "format"],
    ["9 digits", "811218987", "format"],
    ["a space as separator", "811218 9876", "format"],
    ["a letter", "811218-987X", "format"],
    ["two separators", "8112-18-9876", "format"],
    ["surrounding spaces", " 8112189876", "format"],
    ["an empty text", "", "format"],
    ["30 February", valid("810230123"), "date"],
    ["month 13", valid("811318123"), "date"],
    ["day 0", valid("811200123"), "date"],
    ["29 February 1900 (no leap year)", valid("19000229123"), "date"],
    ["a samordningsnummer on day 32 (92)", valid("810192123"), "date"],
    ["day 60 (a samordningsnummer of day 0)", valid("810160123"), "date"],
    ["a birth date after the reference date", valid("261231123"), "future"],
    ["a 12-digit birth date after the reference date", valid("20270101123"), "future"],
    ["+ on a 12-digit number of someone under 100", `${valid("19811218987", "+")}`, "century"],
    ["a year before 1800", valid("17991218987"), "century"],
  ])("refuses %s (%s)", (_name, text, problem) => {
    expect(parseIdentifier(text, REF)).toEqual({ ok: false, problem });
  });

  it("gives the same canonical form for every form of one number", () => {
    const forms = ["8112189876", "811218-9876", "198112189876", "19811218-9876"];
    expect(new Set(forms.map((f) => (parseIdentifier(f, REF) as { canonical: string }).canonical))).toEqual(
      new Set(["198112189876"]),
    );
  });
});

describe("parseIdentifierBytes", () => {
  it.each([
    "8112189876",
    "811218-9876",
    "19811218-9876",
    "121212+1212",
    "701063-2391",
    "811218-9875",
    "811318-1230",
    "8112-189876",
  ])("agrees with parseIdentifier on %j, read from and written to the middle of buffers", (text) => {
    const bytes = Buffer.from(`xx${text}yy`, "latin1");
    const out = new Uint8Array(20).fill(120);
    const problem = parseIdentifierBytes(bytes, 2, text.length, referenceDay(REF), out, 5);
    const parsed = parseIdentifier(text, REF);
    expect(problem).toBe(parsed.ok ? undefined : parsed.problem);
    if (parsed.ok) expect(Buffer.from(out.subarray(5, 17)).toString("latin1")).toBe(parsed.canonical);
    expect([...out.subarray(0, 5), ...out.subarray(17)]).toEqual(Array(8).fill(120));
  });
});
