import { describe, expect, it } from "vitest";
import { ROLES, rolesFromClaims, type Role } from "./roles";

const identity: Record<string, Role> = Object.fromEntries(ROLES.map((r) => [r, r]));

describe("rolesFromClaims", () => {
  it.each([
    [{ groups: ["researcher"] }, "groups", identity, ["researcher"]],
    [{ groups: "operator" }, "groups", identity, ["operator"]],
    [{ groups: ["auditor", "researcher", "researcher"] }, "groups", identity, ["researcher", "auditor"]],
    [{ groups: ["admins", 7, null] }, "groups", identity, []],
    [{}, "groups", identity, []],
    [{ roles: ["spe-granskare"] }, "roles", { "spe-granskare": "output-checker" }, ["output-checker"]],
    [{ groups: ["spe-granskare"] }, "roles", { "spe-granskare": "output-checker" }, []],
    [{ groups: ["toString", "constructor"] }, "groups", identity, []],
  ] as const)("%o via %s → %o", (claims, claim, mapping, expected) => {
    expect(rolesFromClaims(claims, claim, mapping)).toEqual(expected);
  });
});
