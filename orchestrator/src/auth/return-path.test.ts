import { describe, expect, it } from "vitest";
import { safeReturnPath } from "./return-path";

describe("safeReturnPath", () => {
  it.each([
    ["/workspaces/spe-se-2026-0001-ab12/", "/workspaces/spe-se-2026-0001-ab12/"],
    ["/exports/42?tab=files#f", "/exports/42?tab=files#f"],
    ["/", "/"],
    ["/s%C3%B6k", "/s%C3%B6k"],
  ])("keeps the path %s", (path, kept) => {
    expect(safeReturnPath(path)).toBe(kept);
  });

  it.each([
    ["another origin", "https://evil.example/"],
    ["a protocol-relative URL", "//evil.example/x"],
    ["a backslash browsers read as a slash", "/\\evil.example"],
    ["a backslash later on", "/a\\b"],
    ["a relative path", "workspaces/x"],
    ["javascript:", "javascript:alert(1)"],
    ["a newline (header splitting)", "/a\r\nSet-Cookie: x=y"],
    ["a tab", "/a\tb"],
    ["a space", "/a b"],
    ["a NUL", "/a\u0000b"],
    ["a DEL", "/a\u007fb"],
    ["a character a Location header cannot carry", "/€"],
    ["a Latin-1 letter unencoded", "/sök"],
    ["the sign-in itself", "/auth/login?next=/auth/login"],
    ["the callback", "/auth/callback?code=x"],
    ["an empty string", ""],
    ["not a string", ["/a"]],
    ["a path too long to be ours", `/${"a".repeat(1000)}`],
  ])("refuses %s", (_, value) => {
    expect(safeReturnPath(value)).toBeUndefined();
  });
});
