import { createHmac, hkdfSync } from "node:crypto";
import { describe, expect, it } from "vitest";
import { derivePermitKey, parseMasterKey, pseudonymOf } from "./pseudonym-key";

const master = Buffer.from("000102030405060708090a0b0c0d0e0f101112131415161718191a1b1c1d1e1f", "hex");

describe("pseudonym keys", () => {
  it("derives K_permit = HKDF-SHA-256(master, empty salt, 'permit:<id>') and HMACs the canonical form with it", () => {
    const key = derivePermitKey(master, "SE-2026-0001");
    expect(key).toEqual(Buffer.from(hkdfSync("sha256", master, Buffer.alloc(0), "permit:SE-2026-0001", 32)));
    expect(pseudonymOf(key, "198112189876")).toBe(createHmac("sha256", key).update("198112189876").digest("hex"));
  });

  it("gives other permits other keys and other pseudonyms", () => {
    const [a, b] = [derivePermitKey(master, "SE-1"), derivePermitKey(master, "SE-2")];
    expect(a.equals(b)).toBe(false);
    expect(pseudonymOf(a, "198112189876")).not.toBe(pseudonymOf(b, "198112189876"));
  });

  it("reads a master key as hex or base64 and refuses one under 32 bytes", () => {
    expect(parseMasterKey(master.toString("hex"))).toEqual(master);
    expect(parseMasterKey(master.toString("base64"))).toEqual(master);
    expect(() => parseMasterKey(master.subarray(0, 16).toString("hex"))).toThrow(
      expect.objectContaining({ code: "PSEUDONYM_KEY_INVALID" }),
    );
    expect(() => derivePermitKey(master.subarray(0, 31), "SE-1")).toThrow(
      expect.objectContaining({ code: "PSEUDONYM_KEY_INVALID" }),
    );
  });
});
