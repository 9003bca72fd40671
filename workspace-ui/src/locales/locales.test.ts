import { describe, expect, it } from "vitest";
import { en } from "./en";
import { sv } from "./sv";

type Tree = { [key: string]: string | Tree };

/** Every leaf as "a.b.c" → text. */
function leaves(tree: Tree, prefix = ""): Map<string, string> {
  const out = new Map<string, string>();
  for (const [key, value] of Object.entries(tree)) {
    const path = prefix ? `${prefix}.${key}` : key;
    if (typeof value === "string") out.set(path, value);
    else for (const [k, v] of leaves(value, path)) out.set(k, v);
  }
  return out;
}

const placeholders = (text: string) =>
  [...text.matchAll(/\{\{(\w+)\}\}|<(\w+)>/g)].map((m) => m[1] ?? `<${m[2]}>`).sort();

const languages = { sv: leaves(sv), en: leaves(en) };

describe("the UI's languages", () => {
  it("have the same keys", () => {
    expect([...languages.en.keys()].sort()).toEqual([...languages.sv.keys()].sort());
  });

  it.each(Object.entries(languages))("%s has no empty text", (_, texts) => {
    expect([...texts].filter(([, text]) => text.trim() === "").map(([key]) => key)).toEqual([]);
  });

  it("use the same placeholders and markup in both languages", () => {
    const differing = [...languages.sv]
      .filter(([key, text]) => placeholders(text).join() !== placeholders(languages.en.get(key) ?? "").join())
      .map(([key]) => key);
    expect(differing).toEqual([]);
  });

  it("give every plural its one and other forms", () => {
    for (const texts of Object.values(languages)) {
      const plurals = [...texts.keys()]
        .filter((k) => /_(one|other)$/.test(k))
        .map((k) => k.replace(/_(one|other)$/, ""));
      for (const base of new Set(plurals))
        expect([texts.has(`${base}_one`), texts.has(`${base}_other`)]).toEqual([true, true]);
    }
  });
});
