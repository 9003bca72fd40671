import { AUDIT_ACTIONS } from "@spe/orchestrator/audit-actions";
import { describe, expect, it } from "vitest";
import { en } from "../../locales/en";
import { sv } from "../../locales/sv";
import { i18n } from "../../lib/i18n";
import { actionWords, detailFieldWords, roleWords, targetWords } from "./audit-words";

describe("audit events in words", () => {
  it.each([
    ["sv", sv],
    ["en", en],
  ] as const)("every action the orchestrator records has words in %s", (_, locale) => {
    const actions = locale.audit.actions as Record<string, string>;
    expect(AUDIT_ACTIONS.filter((a) => !actions[a])).toEqual([]);
    expect(Object.keys(actions).filter((a) => !(AUDIT_ACTIONS as readonly string[]).includes(a))).toEqual([]);
  });

  it.each([
    ["session.created", "environment:spe-x", "person", "Loggade in", "miljö spe-x", "inloggad"],
    ["access.refused", "permit:unknown", "anonymous", "Åtkomst nekad", "ett okänt tillstånd", "ej inloggad"],
    ["environment.torn-down", "export:0a1b", "system", "Miljön avvecklades", "exportbegäran 0a1b", "systemet självt"],
  ])("says %s about %s by a %s without codes", async (action, target, role, ...words) => {
    await i18n.changeLanguage("sv");
    const t = i18n.t.bind(i18n);
    expect([actionWords(action, t), targetWords(target, t), roleWords(role, t)]).toEqual(words);
  });

  it("names a detail's field in words, and leaves one it does not know as recorded", async () => {
    await i18n.changeLanguage("sv");
    const t = i18n.t.bind(i18n);
    expect([detailFieldWords("reason", t), detailFieldWords("permitId", t), detailFieldWords("x-new", t)]).toEqual([
      "Skäl",
      "Beslut",
      undefined,
    ]);
  });
});
