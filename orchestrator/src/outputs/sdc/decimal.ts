/**
 * Exact decisions at the boundaries of the dominance rules. Table values are decimal text ("0.3", "1e5")
 * and the rules' k and p are decimal fractions; binary floating point cannot hold most of them, so
 * 0.3 + 0.6 < 0.9 in doubles. A comparison is decided in doubles when it is clearly away from the
 * boundary and otherwise exactly, with the decimals as big integers.
 */

/** A decimal number, exactly: coefficient × 10^exponent. */
interface Decimal {
  coefficient: bigint;
  exponent: number;
}

/**
 * Plain decimal notation with an optional exponent; what R, pandas and Stata write. The exponent has at
 * most three digits so that the exact path never builds a power of ten of absurd size.
 */
const DECIMAL = /^[+-]?(?:\d+\.?\d*|\.\d+)(?:[eE][+-]?\d{1,3})?$/;

/** A numeric cell's value, or undefined when the text is not a number (empty, "NA", "1,5", "Inf"). */
export function parseNumber(text: string): number | undefined {
  const trimmed = text.trim();
  const simple = parseSimpleDecimal(trimmed);
  if (simple !== NOT_SIMPLE) return simple;
  return DECIMAL.test(trimmed) ? Number(trimmed) : undefined;
}

const NOT_SIMPLE = Symbol("not simple");
const POWERS_OF_TEN = Array.from({ length: 16 }, (_, i) => 10 ** i);

/**
 * Most cells are short decimals ("1234.56"); Number() on them is slow for a table of 40,000. With at most
 * 15 digits the digits are an exact integer below 2^53 and 10^fraction an exact double, so one division,
 * correctly rounded by IEEE 754, gives the same double as Number() (Clinger's fast path). Anything else
 * (exponents, more digits, other characters) is NOT_SIMPLE and parsed the general way.
 */
function parseSimpleDecimal(text: string): number | undefined | typeof NOT_SIMPLE {
  let i = 0;
  const first = text.charCodeAt(0);
  if (first === 45 || first === 43) i = 1; // - +
  let mantissa = 0;
  let digits = 0;
  let fraction = 0;
  let dot = false;
  for (; i < text.length; i++) {
    const c = text.charCodeAt(i);
    if (c >= 48 && c <= 57) {
      mantissa = mantissa * 10 + (c - 48);
      digits++;
      if (dot) fraction++;
    } else if (c === 46 && !dot) dot = true;
    else return NOT_SIMPLE;
  }
  if (digits === 0) return NOT_SIMPLE;
  if (digits > 15) return NOT_SIMPLE;
  const value = mantissa / POWERS_OF_TEN[fraction]!;
  return first === 45 ? -value : value;
}

function toDecimal(value: string | number): Decimal {
  // String(number) is the shortest text that reads back as the same double: 0.9 → "0.9", the decimal the
  // profile file says.
  const text = typeof value === "number" ? String(value) : value.trim();
  const match = /^([+-]?)(\d*)(?:\.(\d*))?(?:[eE]([+-]?\d+))?$/.exec(text);
  if (!match) throw new Error(`Not a decimal: ${text}`);
  const [, sign = "", whole = "", fraction = "", exponent = "0"] = match;
  const coefficient = BigInt(`${whole}${fraction}` || "0");
  return { coefficient: sign === "-" ? -coefficient : coefficient, exponent: Number(exponent) - fraction.length };
}

/** One term of a sum: the product of its factors, each a decimal text or a number, times ±1. */
export interface Term {
  sign: 1 | -1;
  factors: readonly (string | number)[];
}

function termDecimal(term: Term): Decimal {
  let coefficient = BigInt(term.sign);
  let exponent = 0;
  for (const factor of term.factors) {
    const d = toDecimal(factor);
    coefficient *= d.coefficient;
    exponent += d.exponent;
  }
  return { coefficient, exponent };
}

/** The exact sign of Σ terms. */
export function exactSign(terms: readonly Term[]): -1 | 0 | 1 {
  const decimals = terms.map(termDecimal);
  const least = Math.min(...decimals.map((d) => d.exponent));
  let sum = 0n;
  for (const d of decimals) sum += d.coefficient * 10n ** BigInt(d.exponent - least);
  return sum === 0n ? 0 : sum > 0n ? 1 : -1;
}

/**
 * Whether a difference computed in doubles is too close to 0 to trust its sign: within 1e-9 of the size
 * of what went into it, far above the rounding error of parsing and a few operations (~1e-16).
 */
export function nearZero(difference: number, size: number): boolean {
  return !(Math.abs(difference) > 1e-9 * size);
}

/** The sign of Σ terms: in doubles when the sum is clearly away from 0, exactly otherwise. */
export function signOfSum(terms: readonly Term[]): -1 | 0 | 1 {
  let sum = 0;
  let size = 0;
  for (const term of terms) {
    let product: number = term.sign;
    for (const factor of term.factors) product *= typeof factor === "number" ? factor : Number(factor);
    sum += product;
    size += Math.abs(product);
  }
  if (Number.isFinite(sum) && !nearZero(sum, size)) return sum > 0 ? 1 : -1;
  return exactSign(terms);
}
