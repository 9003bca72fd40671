import { ERROR_VALUES, SPE_ERROR_CODES } from "@spe/orchestrator/errors";
import { inputFieldPaths } from "@spe/orchestrator/input-fields";
import { INPUT_PROBLEMS } from "@spe/orchestrator/input-issues";
import { TRPCClientError } from "@trpc/client";
import { beforeAll, describe, expect, it } from "vitest";
import type { TFunction } from "i18next";
import { errorWords, otherFieldProblems, problemWords } from "../lib/api-errors";
import { fieldKey, fieldLabel } from "../lib/field-labels";
import { en } from "./en";
import { sv } from "./sv";
import { testTranslators } from "./test-translators";

const languages = [
  ["sv", sv],
  ["en", en],
] as const;

const placeholders = (text: string) => [...text.matchAll(/\{\{(\w+)\}\}/g)].map((m) => m[1]!);

/** An error as the API answers it: the error formatter's `data` (speCode, values, issues). */
const answered = (data: Record<string, unknown>, message = "CODE: the server's own English sentence.") =>
  TRPCClientError.from({ error: { code: -32600, message, data: { code: "BAD_REQUEST", httpStatus: 400, ...data } } });

describe("words for every error code", () => {
  it.each(languages)("every code of the registry has words in %s, and no code outside it does", (_, locale) => {
    const codes: Record<string, string> = locale.errors.codes;
    expect(SPE_ERROR_CODES.filter((code) => !codes[code]?.trim())).toEqual([]);
    expect(Object.keys(codes).filter((code) => !(SPE_ERROR_CODES as readonly string[]).includes(code))).toEqual([]);
  });

  it.each(languages)("%s words use only the values their code is sent with", (_, locale) => {
    const codes: Record<string, string> = locale.errors.codes;
    const strays = Object.entries(codes).flatMap(([code, text]) =>
      placeholders(text)
        .filter((name) => !(ERROR_VALUES[code as keyof typeof ERROR_VALUES] ?? []).includes(name))
        .map((name) => `${code}: {{${name}}}`),
    );
    expect(strays).toEqual([]);
  });

  it.each(languages)("every input problem has words in %s", (_, locale) => {
    expect(Object.keys(locale.errors.problems).sort()).toEqual([...INPUT_PROBLEMS].sort());
  });

  it.each(languages)("every field the API or a permit takes has a label in %s", (_, locale) => {
    const labels: Record<string, string> = locale.errors.fields;
    expect(inputFieldPaths().filter((path) => !labels[fieldKey(path)])).toEqual([]);
  });

  it("describes a form only for a field that has a label", () => {
    expect(Object.keys(sv.errors.forms).filter((key) => !Object.hasOwn(sv.errors.fields, key))).toEqual([]);
  });
});

describe("an error in the reader's language", () => {
  let inSwedish: TFunction;
  let inEnglish: TFunction;
  beforeAll(async () => ({ inSwedish, inEnglish } = await testTranslators()));

  it("names the role a refusal needs, in words", () => {
    const error = answered({ speCode: "AUTH_FORBIDDEN", values: { role: "auditor" } });
    expect(errorWords(error, inSwedish)).toBe("Det här kräver rollen Tillsyn.");
    expect(errorWords(error, inEnglish)).toBe("This needs the Supervisor role.");
  });

  it("says which field is wrong by its label, with the bound it broke, and lists the others", () => {
    const error = answered({
      speCode: "INPUT_INVALID",
      values: { field: "files.0.path", problem: "too-long", limit: 1024 },
      issues: [
        { path: "files.0.path", code: "INPUT_INVALID", problem: "too-long", limit: 1024, message: "is too long" },
        { path: "title", code: "INPUT_INVALID", problem: "required", message: "is required" },
      ],
    });
    expect(errorWords(error, inSwedish)).toBe("Fältet ”Filens sökväg” är för långt (högst 1024).");
    expect(errorWords(error, inEnglish)).toBe("The field “File's path” is too long (at most 1024).");
    expect(otherFieldProblems(error).map((i) => i.path)).toEqual(["title"]);
  });

  it("names a permit's field from its path, whatever list position it is at, and the form it should have", () => {
    expect(fieldLabel("authorisedPersons[3].email", inSwedish)).toBe("Behörig persons e-post");
    expect(fieldLabel("no.such.field", inSwedish)).toBe("no.such.field");
    expect(problemWords({ path: "environment.memory", problem: "wrong-form" }, inSwedish)).toBe(
      "har fel form: en storlek i Mi, Gi eller Ti (”16Gi”)",
    );
    expect(problemWords({ path: "title", problem: "wrong-form" }, inEnglish)).toBe("is not in the expected form");
  });

  it("says a code it has no words for with the code, and never the server's sentence", () => {
    const error = answered({ speCode: "SOMETHING_NEW" }, "SOMETHING_NEW: http://cluster.internal:6443 said no");
    const words = errorWords(error, inSwedish);
    expect(words).toContain("SOMETHING_NEW");
    expect(words).not.toContain("cluster.internal");
  });

  it("says the server did not answer when nothing came back", () => {
    expect(errorWords(TRPCClientError.from(new TypeError("Failed to fetch")), inSwedish)).toBe(
      "Servern svarade inte. Kontrollera anslutningen och försök igen.",
    );
  });
});
