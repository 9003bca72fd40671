import { randomBytes } from "node:crypto";
import { describe, expect, it } from "vitest";
import { stagingCapabilities, type StagedFileClaim } from "./staging-capability";

const key = randomBytes(32);
const caps = stagingCapabilities(key);
const claim: StagedFileClaim = {
  namespace: "spe-se-a-0123456789",
  deliveryId: "00000000-0000-4000-8000-000000000001",
  path: "patientregistret.parquet",
  sha256: "b".repeat(64),
};
const until = new Date("2028-11-01T23:59:59Z");
const before = new Date("2027-03-01T12:00:00Z");
const token = caps.sign(claim, until);

describe("staging capabilities", () => {
  it("open the file they were made for until they expire", () => {
    expect(caps.verify(token, claim, before)).toEqual({ ok: true, expiresAt: new Date("2028-11-01T23:59:59Z") });
    expect(caps.sign(claim, until)).toBe(token);
  });

  it.each<[string, StagedFileClaim]>([
    ["another namespace", { ...claim, namespace: "spe-se-b-0123456789" }],
    ["another delivery", { ...claim, deliveryId: "00000000-0000-4000-8000-000000000002" }],
    ["another file", { ...claim, path: "other.parquet" }],
    ["other bytes under the same name", { ...claim, sha256: "c".repeat(64) }],
  ])("are useless for %s", (_, other) => {
    expect(caps.verify(token, other, before)).toEqual({ ok: false, code: "STAGING_CAPABILITY_INVALID" });
  });

  it.each([
    ["a later expiry written in", token.replace(/^v1\.\d+\./, `v1.${Math.floor(until.getTime() / 1000) + 86_400}.`)],
    ["one made with another key", stagingCapabilities(randomBytes(32)).sign(claim, until)],
    ["a flipped signature character", token.slice(0, -2) + (token.at(-2) === "A" ? "B" : "A") + token.at(-1)],
    ["no version", token.slice(3)],
    ["garbage", "not-a-capability"],
    ["empty", ""],
  ])("refuse %s as forged", (_, forged) => {
    expect(caps.verify(forged, claim, before)).toEqual({ ok: false, code: "STAGING_CAPABILITY_INVALID" });
  });

  it("expire at the time they name, and say so only when they are genuine", () => {
    expect(caps.verify(token, claim, until)).toEqual({ ok: false, code: "STAGING_CAPABILITY_EXPIRED" });
    const past = caps.sign(claim, new Date("2026-01-01T00:00:00Z"));
    expect(caps.verify(past, claim, before)).toEqual({ ok: false, code: "STAGING_CAPABILITY_EXPIRED" });
    expect(caps.verify(past, { ...claim, path: "x.parquet" }, before)).toEqual({
      ok: false,
      code: "STAGING_CAPABILITY_INVALID",
    });
  });

  it("keep the key out of anything they could be written into", () => {
    expect(JSON.stringify(caps)).toBe("{}");
    expect(token).not.toContain(key.toString("hex"));
    expect(token).not.toContain(key.toString("base64url"));
  });

  it("refuse a key shorter than 256 bits", () => {
    expect(() => stagingCapabilities(randomBytes(16))).toThrow(/16 bytes; at least 32/);
  });
});
