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

/**
 * Parses a personnummer or samordningsnummer in any of its usual forms — 10 or 12 digits, with `-`, `+` or
 * no separator — and returns its canonical 12-digit form. A 10-digit form takes its century from
 * `referenceDate` (the day the extract was made): `-` or none means under 100 in that year, `+` 100 or
 * older. Pure: the reference date is an argument, never the clock. Written with character codes rather
 * than a regular expression: it runs once for every distinct person of a register.
 */
export function parseIdentifier(text: string, referenceDate: Date): ParsedIdentifier {
  const n = text.length;
  // A separator sits before the last four digits: lengths 11 and 13; without one, 10 and 12.
  const withSeparator = n === 11 || n === 13;
  const separator = withSeparator ? text[n - 5] : "";
  if (n < 10 || n > 13 || (withSeparator && separator !== "-" && separator !== "+")) return { ok: false, problem: "format" };
  const digits = withSeparator ? text.slice(0, n - 5) + text.slice(n - 4) : text;
  for (let i = 0; i < digits.length; i++) {
    const d = digits.charCodeAt(i) - DIGIT_0;
    if (d < 0 || d > 9) return { ok: false, problem: "format" };
  }
  const ten = digits.length === 12 ? digits.slice(2) : digits;
  if (luhnCheckDigit(ten.slice(0, 9)) !== ten.charCodeAt(9) - DIGIT_0) return { ok: false, problem: "check-digit" };

  const refYear = referenceDate.getUTCFullYear();
  const yy = twoDigits(ten, 0);
  let year: number;
  if (digits.length === 12) {
    year = twoDigits(digits, 0) * 100 + twoDigits(digits, 2);
    if (year < OLDEST_YEAR || (separator === "+" && refYear - year < 100)) return { ok: false, problem: "century" };
  } else {
    // The latest year ending in yy that is not after the reference year; a "+" goes back one century more.
    year = refYear - ((((refYear - yy) % 100) + 100) % 100) - (separator === "+" ? 100 : 0);
  }

  const month = twoDigits(ten, 2);
  const dd = twoDigits(ten, 4);
  const coordination = dd > 60;
  const day = coordination ? dd - 60 : dd;
  if (month < 1 || month > 12 || day < 1 || day > daysInMonth(year, month)) return { ok: false, problem: "date" };
  if (year * 10000 + month * 100 + day > refYear * 10000 + (referenceDate.getUTCMonth() + 1) * 100 + referenceDate.getUTCDate())
    return { ok: false, problem: "future" };

  return {
    ok: true,
    canonical: digits.length === 12 ? digits : `${year}${ten.slice(2)}`,
    kind: coordination ? "samordningsnummer" : "personnummer",
    birthDate: `${year}-${ten.slice(2, 4)}-${day < 10 ? "0" : ""}${day}`,
  };
}

/** The number written by the two digits at `at` (already checked to be digits). */
function twoDigits(digits: string, at: number): number {
  return (digits.charCodeAt(at) - DIGIT_0) * 10 + digits.charCodeAt(at + 1) - DIGIT_0;
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
