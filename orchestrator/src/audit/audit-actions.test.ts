import { readdirSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { appRouter } from "../api/router";
import { AUDIT_ACTIONS } from "./audit-actions";

const SRC = join(import.meta.dirname, "..");
const sources = (readdirSync(SRC, { recursive: true }) as string[])
  .filter((f) => f.endsWith(".ts") && !f.endsWith(".test.ts") && !f.startsWith("cli/"))
  .map((f) => readFileSync(join(SRC, f), "utf8"));
const domains = new Set(AUDIT_ACTIONS.map((a) => a.split(".")[0]));
/** Literals that look like actions but are not: procedure paths, file names, a permit's fields. */
const notActions = new Set([
  ...Object.keys(appRouter._def.procedures),
  "permit.json",
  "permit.jws",
  "staging.key",
  "environment.cpu",
  "environment.memory",
  "environment.storage",
  "environment.tools",
  "environment.software",
  "environment.gpu",
  "environment.created",
]);

describe("the audit actions registry", () => {
  // Every quoted `domain.past-tense` in the code whose domain is one the log knows.
  const literals = new Set(
    sources.flatMap((s) =>
      [...s.matchAll(/["'`]([a-z]+)\.([a-z]+(?:-[a-z]+)*)["'`]/g)]
        .filter((m) => domains.has(m[1]!))
        .map((m) => `${m[1]}.${m[2]}`)
        .filter((a) => !notActions.has(a)),
    ),
  );

  it("holds every action the code records, so that each has words", () => {
    expect([...literals].filter((a) => !(AUDIT_ACTIONS as readonly string[]).includes(a)).sort()).toEqual([]);
  });

  it("holds no action the code never records", () => {
    expect(AUDIT_ACTIONS.filter((a) => !literals.has(a))).toEqual([]);
  });
});
