import { describe, expect, it } from "vitest";
import { claimedPermitId } from "./claimed-permit-id";

const part = (value: unknown) => Buffer.from(JSON.stringify(value)).toString("base64url");

describe("the permit id a pasted permit claims", () => {
  it.each<[string, string, string | undefined]>([
    ["a compact JWS", `${part({ alg: "EdDSA" })}.${part({ permitId: "HDAB-2026-0042" })}.c2ln`, "HDAB-2026-0042"],
    ["one whose signature is missing", `${part({})}.${part({ permitId: "P-1" })}.`, "P-1"],
    ["no id", `${part({})}.${part({ sequence: 1 })}.c2ln`, undefined],
    ["an id that is no text", `${part({})}.${part({ permitId: 7 })}.c2ln`, undefined],
    ["a payload that is not JSON", "eyJ9.bm90IGpzb24.c2ln", undefined],
    ["not a JWS at all", "hello", undefined],
  ])("%s", (_, jws, expected) => {
    expect(claimedPermitId(jws)).toBe(expected);
  });
});
