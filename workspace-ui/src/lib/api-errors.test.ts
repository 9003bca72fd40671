import { TRPCClientError } from "@trpc/client";
import { describe, expect, it } from "vitest";
import { fieldProblems } from "./api-errors";

const apiError = (data: unknown) =>
  TRPCClientError.from({ error: { code: -32600, message: "PERMIT_SCHEMA_INVALID: …", data } });

describe("the bad fields of an API error", () => {
  it.each<[string, unknown, unknown]>([
    [
      "each bad field",
      apiError({
        issues: [
          { path: "environment.memory", message: 'a size in Mi, Gi or Ti ("16Gi")', problem: "wrong-form" },
          { path: "authorisedPersons[0].email", message: "Invalid email address" },
        ],
      }),
      [
        { path: "environment.memory", message: 'a size in Mi, Gi or Ti ("16Gi")', problem: "wrong-form" },
        { path: "authorisedPersons[0].email", message: "Invalid email address" },
      ],
    ],
    ["none when the error is not about fields", apiError({ speCode: "PERMIT_SIGNATURE_INVALID" }), []],
    ["none from entries of another shape", apiError({ issues: [{ field: "x" }, "y", null] }), []],
    ["none from an error that is not the API's", new Error("network down"), []],
  ])("%s", (_, error, expected) => {
    expect(fieldProblems(error)).toEqual(expected);
  });
});
