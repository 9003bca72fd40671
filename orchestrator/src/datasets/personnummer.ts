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

const FORM = /^(\d{2})?(\d{2})(\d{2})(\d{2})([-+]?)(\d{3})(\d)$/;
const OLDEST_YEAR = 1800;

/**
 * Parses a personnummer or samordningsnummer in any of its usual forms — 10 or 12 digits, with `-`, `+` or
 * no separator — and returns its canonical 12-digit form. A 10-digit form takes its century from
 * `referenceDate` (the day the extract was made): `-` or none means under 100 in that year, `+` 100 or
 * older. Pure: the reference date is an argument, never the clock.
 */
export function parseIdentifier(text: string, referenceDate: Date): ParsedIdentifier {
  const m = FORM.exec(text);
  if (!m) return { ok: false, problem: "format" };
  const [, cc, yy, mm, dd, separator, serial, check] = m as unknown as [string, string | undefined, string, string, string, string, string, string];
  if (luhnCheckDigit(yy + mm + dd + serial) !== Number(check)) return { ok: false, problem: "check-digit" };

  const refYear = referenceDate.getUTCFullYear();
  let year: number;
  if (cc !== undefined) {
    year = Number(cc + yy);
    if (year < OLDEST_YEAR || (separator === "+" && refYear - year < 100)) return { ok: false, problem: "century" };
  } else {
    // The latest year ending in yy that is not after the reference year; a "+" goes back one century more.
    year = refYear - ((refYear - Number(yy)) % 100 + 100) % 100 - (separator === "+" ? 100 : 0);
  }

  const month = Number(mm);
  const coordination = Number(dd) > 60;
  const day = Number(dd) - (coordination ? 60 : 0);
  if (month < 1 || month > 12 || day < 1 || day > daysInMonth(year, month)) return { ok: false, problem: "date" };
  if (Date.UTC(year, month - 1, day) > Date.UTC(refYear, referenceDate.getUTCMonth(), referenceDate.getUTCDate()))
    return { ok: false, problem: "future" };

  return {
    ok: true,
    canonical: `${year}${mm}${dd}${serial}${check}`,
    kind: coordination ? "samordningsnummer" : "personnummer",
    birthDate: `${year}-${mm}-${String(day).padStart(2, "0")}`,
  };
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

function daysInMonth(year: number, month: number): number {
  return new Date(Date.UTC(year, month, 0)).getUTCDate();
}
