// Swedish personal identity numbers (personnummer, SKV 704) and coordination numbers (samordningsnummer,
// SKV 707): YYMMDD-NNNC or YYYYMMDDNNNC, C a Luhn check digit over YYMMDDNNN, day + 60 for a coordination
// number, "+" instead of "-" from the year the person turns 100.

/** Why a text is not a valid personnummer or samordningsnummer. */
export type IdentifierProblem = "format" | "check-digit" | "date" | "future" | "century";

/** What each problem means, in words a data holder can act on. */
export const IDENTIFIER_PROBLEMS: Record<IdentifierProblem, string> = {
  format: "is not 10 or 12 digits with an optional - or + before the last four",
  "check-digit": "has a wrong check digit (Luhn)",
  date: "holds no real date of birth (for a samordningsnummer, day + 60)",
  future: "has a date of birth after the reference date",
  century: "has a century that does not fit (+ for someone under 100, or a year before 1800)",
};

export type ParsedIdentifier =
  | {
      ok: true;
      /** YYYYMMDDNNNC: the form that is pseudonymised, whichever form came in. */
      canonical: string;
      kind: "personnummer" | "samordningsnummer";
      /** YYYY-MM-DD (the real day for a samordningsnummer). */
      birthDate: string;
    }
  | { ok: false; problem: IdentifierProblem };

const OLDEST_YEAR = 1800;
const DIGIT_0 = 48;
const MINUS = 45;
const PLUS = 43;

/** The day an extract was made, as parseIdentifierBytes takes it: its year, and YYYYMMDD as a number. */
export interface ReferenceDay {
  year: number;
  ymd: number;
}

/** `date` as a ReferenceDay (its UTC calendar day). */
export function referenceDay(date: Date): ReferenceDay {
  const year = date.getUTCFullYear();
  return { year, ymd: year * 10000 + (date.getUTCMonth() + 1) * 100 + date.getUTCDate() };
}

/**
 * Parses a personnummer or samordningsnummer in any of its usual forms — 10 or 12 digits, with `-`, `+` or
 * no separator — and returns its canonical 12-digit form. A 10-digit form takes its century from
 * `referenceDate` (the day the extract was made): `-` or none means under 100 in that year, `+` 100 or
 * older. Pure: the reference date is an argument, never the clock.
 */
export function parseIdentifier(text: string, referenceDate: Date): ParsedIdentifier {
  const n = text.length;
  // Outside 10-13 characters, or with a character beyond ASCII, it cannot be digits and one separator.
  if (n < 10 || n > 13) return { ok: false, problem: "format" };
  const bytes = new Uint8Array(13 + 12);
  for (let i = 0; i < n; i++) {
    const code = text.charCodeAt(i);
    if (code > 127) return { ok: false, problem: "format" };
    bytes[i] = code;
  }
  const problem = parseIdentifierBytes(bytes, 0, n, referenceDay(referenceDate), bytes, 13);
  if (problem) return { ok: false, problem };
  const canonical = String.fromCharCode(...bytes.subarray(13));
  const dd = Number(canonical.slice(6, 8));
  const coordination = dd > 60;
  const day = coordination ? dd - 60 : dd;
  return {
    ok: true,
    canonical,
    kind: coordination ? "samordningsnummer" : "personnummer",
    birthDate: `${canonical.slice(0, 4)}-${canonical.slice(4, 6)}-${day < 10 ? "0" : ""}${day}`,
  };
}

/**
 * parseIdentifier over the `length` ASCII bytes of `bytes` at `at`: writes the canonical 12 digits to
 * `out` at `outAt` and returns undefined, or returns the problem (and `out` holds anything). Allocates
 * nothing and takes no string: it runs once for every distinct person of a register.
 */
export function parseIdentifierBytes(
  bytes: Uint8Array,
  at: number,
  length: number,
  reference: ReferenceDay,
  out: Uint8Array,
  outAt: number,
): IdentifierProblem | undefined {
  const n = length;
  // A separator sits before the last four digits: lengths 11 and 13; without one, 10 and 12.
  const withSeparator = n === 11 || n === 13;
  const separator = withSeparator ? bytes[at + n - 5]! : 0;
  if (n < 10 || n > 13 || (withSeparator && separator !== MINUS && separator !== PLUS)) return "format";
  const count = withSeparator ? n - 1 : n;
  // The digits without the separator go to the end of `out`'s 12: a 10-digit form leaves the century to fill.
  for (let i = 0; i < count; i++) {
    const d = bytes[at + (withSeparator && i >= n - 5 ? i + 1 : i)]! - DIGIT_0;
    if (d < 0 || d > 9) return "format";
    out[outAt + 12 - count + i] = d + DIGIT_0;
  }
  const ten = outAt + 2;
  let sum = 0;
  for (let i = 0; i < 9; i++) {
    const product = (out[ten + i]! - DIGIT_0) * (i % 2 === 0 ? 2 : 1);
    sum += product > 9 ? product - 9 : product;
  }
  if ((10 - (sum % 10)) % 10 !== out[ten + 9]! - DIGIT_0) return "check-digit";

  const refYear = reference.year;
  const yy = (out[ten]! - DIGIT_0) * 10 + out[ten + 1]! - DIGIT_0;
  let year: number;
  if (count === 12) {
    year = ((out[outAt]! - DIGIT_0) * 10 + out[outAt + 1]! - DIGIT_0) * 100 + yy;
    if (year < OLDEST_YEAR || (separator === PLUS && refYear - year < 100)) return "century";
  } else {
    // The latest year ending in yy that is not after the reference year; a "+" goes back one century more.
    year = refYear - ((((refYear - yy) % 100) + 100) % 100) - (separator === PLUS ? 100 : 0);
    const century = Math.floor(year / 100);
    out[outAt] = DIGIT_0 + (Math.floor(century / 10) % 10);
    out[outAt + 1] = DIGIT_0 + (century % 10);
  }

  const month = (out[ten + 2]! - DIGIT_0) * 10 + out[ten + 3]! - DIGIT_0;
  const dd = (out[ten + 4]! - DIGIT_0) * 10 + out[ten + 5]! - DIGIT_0;
  const day = dd > 60 ? dd - 60 : dd;
  if (month < 1 || month > 12 || day < 1 || day > daysInMonth(year, month)) return "date";
  if (year * 10000 + month * 100 + day > reference.ymd) return "future";
  return undefined;
}

/** The Luhn check digit over a string of digits, weights 2, 1, 2, … from the left (nine digits here). */
export function luhnCheckDigit(digits: string): number {
  let sum = 0;
  for (let i = 0; i < digits.length; i++) {
    const product = (digits.charCodeAt(i) - 48) * (i % 2 === 0 ? 2 : 1);
    sum += product > 9 ? product - 9 : product;
  }
  return (10 - (sum % 10)) % 10;
}

const DAYS_IN_MONTH = [31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31];

function daysInMonth(year: number, month: number): number {
  const leap = year % 4 === 0 && (year % 100 !== 0 || year % 400 === 0);
  return month === 2 && leap ? 29 : DAYS_IN_MONTH[month - 1]!;
}

/**
 * parseIdentifierBytes as the source of one JavaScript expression, with the constants and helper it reads,
 * for a worker thread that has no TypeScript loader (see identifier-engine/hmac-pool.ts). Beside the function, so that a
 * constant it comes to need is added here too; the pipeline's tests run it in the workers.
 */
export const PARSE_IDENTIFIER_BYTES_SOURCE = `(() => {
  const OLDEST_YEAR = ${OLDEST_YEAR}, DIGIT_0 = ${DIGIT_0}, MINUS = ${MINUS}, PLUS = ${PLUS}, DAYS_IN_MONTH = ${JSON.stringify(DAYS_IN_MONTH)};
  ${daysInMonth.toString()}
  return ${parseIdentifierBytes.toString()};
})()`;
