import { describe, expect, it } from "vitest";
import { duplicateMemberName } from "./duplicate-members";

describe("duplicateMemberName", () => {
  it.each([
    ['{"a":1,"b":{"a":2},"c":[{"a":3},{"a":4}]}', undefined],
    ['{"a":"x,\\"a\\":{","b":1}', undefined],
    ['{"a":1,"a":2}', "a"],
    ['{"x":{"b":[1,{"c":1,"c":2}]}}', "c"],
    ['{"a":1,"\\u0061":2}', "a"],
    ['[{"k":1},{"k":2,"k":3}]', "k"],
  ])("%s → %s", (json, name) => {
    expect(duplicateMemberName(json)).toBe(name);
  });
});
