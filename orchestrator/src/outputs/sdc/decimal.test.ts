import { describe, expect, it } from "vitest";
import { exactSign, parseNumber, signOfSum, type Term } from "./decimal";

const plus = (...factors: (string | number)[]): Term => ({ sign: 1, factors });
const minus = (...factors: (string | number)[]): Term => ({ sign: -1, factors });

describe("parseNumber", () => {
  it.each<[string, number | undefined]>([
    ["12", 12],
    [" 12 ", 12],
    ["-1.5", -1.5],
    [".5", 0.5],
    ["3.", 3],
    ["1e3", 1000],
    ["2.5E-2", 0.025],
    ["", undefined],
    ["NA", undefined],
    ["1,5", undefined],
    ["Inf", undefined],
    ["0x10", undefined],
    ["+", undefined],
    [".", undefined],
    ["1.2.3", undefined],
    ["+-1", undefined],
    ["-0.25", -0.25],
    ["1e1000", undefined],
  ])("%j → %s", (text, value) => {
    expect(parseNumber(text)).toBe(value);
  });
});

describe("parseNumber's fast path", () => {
  it("gives the same double as Number() for short decimals", () => {
    let seed = 7;
    const next = () => (seed = (seed * 48271) % 2147483647) / 2147483647;
    for (let i = 0; i < 20_000; i++) {
      const text = `${next() < 0.3 ? "-" : ""}${(next() * 10 ** Math.floor(next() * 13)).toFixed(Math.floor(next() * 6))}`;
      expect(parseNumber(text), text).toBe(Number(text));
    }
    expect(parseNumber("0.1")).toBe(0.1);
    expect(parseNumber("123456789012.345")).toBe(123456789012.345);
    expect(parseNumber("12345678901234567.89")).toBe(Number("12345678901234567.89"));
  });
});

describe("signOfSum", () => {
  it("is exact where doubles are not: 0.3 + 0.6 − 0.9·1 is 0, not below it", () => {
    expect(0.3 + 0.6 - 0.9 * 1).toBeLessThan(0);
    expect(signOfSum([plus("0.3"), plus("0.6"), minus(0.9, "1")])).toBe(0);
  });

  it("decides in decimals for long and scaled numbers", () => {
    expect(signOfSum([plus("12345678901234567.8"), minus("12345678901234567.7")])).toBe(1);
    expect(signOfSum([plus("1e-5"), minus("0.00001")])).toBe(0);
    expect(signOfSum([plus(0.1, "30"), minus("3")])).toBe(0);
  });

  it("agrees with the exact sign away from the boundary", () => {
    const terms = [plus("60"), plus("30"), minus(0.9, "101")];
    expect(signOfSum(terms)).toBe(-1);
    expect(exactSign(terms)).toBe(-1);
  });
});
