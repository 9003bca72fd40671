import { mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { parseConfig } from "../config";
import type { Condition } from "../db/schema";
import { notificationKindOf } from "./audit-notifications";
import { conditionNotifications } from "./condition-notifications";
import { renderEmail } from "./messages";
import { NOTIFICATION_KIND_NAMES } from "./notification-kinds";
import { backoffDelay } from "./notification-sender";
import { readWebhookDestinations } from "./webhook-destinations";
import { signatureHeader, verifyWebhookSignature } from "./webhook-signature";

describe("which audit events are told", () => {
  it.each([
    ["export.submitted", {}, "export-submitted"],
    ["export.resubmitted", {}, "export-submitted"],
    ["export.decided", { outcome: "changes_requested" }, "export-returned"],
    ["export.decided", { outcome: "rejected" }, "export-decided"],
    // Released in the same transaction: told as export-released, not twice.
    ["export.decided", { outcome: "approved" }, undefined],
    ["export.released", {}, "export-released"],
    ["delivery.staged", {}, "delivery-staged"],
    ["delivery.rejected", {}, "delivery-refused"],
    ["delivery.failed", {}, "delivery-refused"],
    ["environment.torn-down", {}, "environment-ended"],
    ["export.vote-cast", {}, undefined],
    ["session.created", {}, undefined],
  ])("%s %j → %s", (action, details, kind) => {
    expect(notificationKindOf(action, details)).toBe(kind);
  });
});

describe("which changes of conditions are told", () => {
  const ready = (status: Condition["status"], reason: string): Condition[] => [
    { type: "Ready", status, reason, message: "", observedGeneration: 1, lastTransitionTime: "" },
  ];
  it.each([
    ["nothing → ready", [], ready("True", "EnvironmentReady"), ["environment-ready"]],
    ["starting → ready", ready("False", "Starting"), ready("True", "EnvironmentReady"), ["environment-ready"]],
    ["ready → ready", ready("True", "EnvironmentReady"), ready("True", "EnvironmentReady"), []],
    ["starting → loading failed", ready("False", "Starting"), ready("False", "LoadFailed"), ["environment-stuck"]],
    ["nothing → apply failed", [], ready("False", "ApplyFailed"), ["environment-stuck"]],
    ["problem → other problem", ready("False", "ApplyFailed"), ready("False", "LoadFailed"), []],
    [
      "starting → image not pulled",
      ready("False", "Starting"),
      ready("False", "ImagePullFailed"),
      ["environment-stuck"],
    ],
    [
      "waiting for quota → too slow",
      ready("False", "AwaitingQuotaUsage"),
      ready("False", "QuotaUsageUnknown"),
      ["environment-stuck"],
    ],
    ["stuck → ready", ready("False", "NoNodes"), ready("True", "EnvironmentReady"), ["environment-ready"]],
    ["problem → starting", ready("False", "LoadFailed"), ready("False", "Starting"), []],
    ["starting → suspended", ready("False", "Starting"), ready("False", "Suspended"), []],
  ])("%s", (_, before, after, kinds) => {
    expect(conditionNotifications(before, after)).toEqual(kinds);
  });
});

describe("messages", () => {
  it("say each kind in Swedish and English, with the link and the settings link, and nothing left unfilled", () => {
    for (const kind of NOTIFICATION_KIND_NAMES)
      for (const language of ["sv", "en"] as const) {
        const m = renderEmail(kind, { permitId: "SE-1", days: 7 }, language, { page: "P-LINK", settings: "S-LINK" });
        expect(m.subject).toContain("SE-1");
        expect(m.text).toContain("P-LINK");
        expect(m.text).toContain("S-LINK");
        expect(`${m.subject}${m.text}`).not.toMatch(/\{\{/);
      }
    expect(renderEmail("export-released", { permitId: "SE-1" }, "sv", { page: "", settings: "" }).subject).toBe(
      "Din export för beslut SE-1 har lämnats ut",
    );
  });
});

describe("backoff", () => {
  it("doubles from the base and stops at the cap", () => {
    const policy = { baseDelayMs: 1000, maxDelayMs: 5000, maxAttempts: 9 };
    expect([1, 2, 3, 4, 5].map((n) => backoffDelay(policy, n))).toEqual([1000, 2000, 4000, 5000, 5000]);
  });
});

describe("webhook signatures", () => {
  const secret = "s".repeat(32);
  it("verify the body they were made over, within five minutes", () => {
    const header = signatureHeader(secret, 1_000_000, '{"a":1}');
    expect(verifyWebhookSignature(secret, header, '{"a":1}', 1_000_100)).toBeUndefined();
    expect(verifyWebhookSignature(secret, header, '{"a":2}', 1_000_100)).toBe("the signature is wrong");
    expect(verifyWebhookSignature("t".repeat(32), header, '{"a":1}', 1_000_100)).toBe("the signature is wrong");
    expect(verifyWebhookSignature(secret, header, '{"a":1}', 1_000_400)).toBe("the timestamp is too old or too new");
    expect(verifyWebhookSignature(secret, undefined, '{"a":1}', 1_000_000)).toBe("no signature");
  });
});

describe("webhook destinations", () => {
  const dir = mkdtempSync(join(tmpdir(), "spe-hooks-"));
  const secretFile = join(dir, "secret");
  writeFileSync(secretFile, `${"x".repeat(40)}\n`);
  const fileWith = (json: unknown) => {
    const path = join(dir, `hooks-${Math.random()}.json`);
    writeFileSync(path, typeof json === "string" ? json : JSON.stringify(json));
    return path;
  };
  const good = { url: "https://hdab.example/hooks/spe", secretFile, events: ["environment-ready"] };

  it("are read with their secrets", () => {
    expect(readWebhookDestinations(fileWith({ hdab: good }), true)).toEqual([
      { name: "hdab", url: good.url, secret: "x".repeat(40), events: ["environment-ready"] },
    ]);
    expect(readWebhookDestinations(undefined, true)).toEqual([]);
  });

  it.each([
    ["not JSON", "{", /cannot be read as JSON/],
    ["an unknown event", { hdab: { ...good, events: ["environment-exploded"] } }, /hdab\.events\.0/],
    ["a URL with credentials", { hdab: { ...good, url: "https://u:p@hdab.example/" } }, /hdab\.url: must not carry/],
    ["an unknown field", { hdab: { ...good, method: "GET" } }, /hdab: Unrecognized key/],
    ["a bad name", { "HDAB!": good }, /lower-case letters/],
    ["plain http in production", { hdab: { ...good, url: "http://hdab.example/" } }, /hdab\.url: must be https/],
    ["a missing secret file", { hdab: { ...good, secretFile: join(dir, "none") } }, /hdab\.secretFile: cannot be read/],
  ])("stop the start on %s, naming it", (_, json, message) => {
    const path = fileWith(json);
    expect(() => readWebhookDestinations(path, true)).toThrow(
      expect.objectContaining({ code: "CONFIG_INVALID", message: expect.stringMatching(message) }),
    );
    expect(() => readWebhookDestinations(path, true)).toThrow(path);
  });

  it("refuse a short secret", () => {
    writeFileSync(join(dir, "short"), "too-short");
    expect(() =>
      readWebhookDestinations(fileWith({ hdab: { ...good, secretFile: join(dir, "short") } }), false),
    ).toThrow(/at least 32 characters/);
  });
});

describe("mail configuration", () => {
  it.each([
    [{ SMTP_URL: "smtp://mail.example:25" }, /MAIL_FROM: is required when SMTP_URL is set/],
    [{ SMTP_URL: "smtp://u:p@mail.example:25", MAIL_FROM: "a@b.example" }, /SMTP_URL: must not carry credentials/],
    [{ SMTP_URL: "http://mail.example", MAIL_FROM: "a@b.example" }, /SMTP_URL: must be smtp/],
    [{ MAIL_FROM: "a@b.example" }, /MAIL_FROM: is set without SMTP_URL/],
  ])("%j is refused", (env, message) => {
    expect(() => parseConfig(env)).toThrow(message);
  });
  it("takes an SMTP server and a sender", () => {
    expect(parseConfig({ SMTP_URL: "smtps://mail.example:465", MAIL_FROM: "SPE <spe@scb.example>" })).toMatchObject({
      SMTP_URL: "smtps://mail.example:465",
      MAIL_FROM: "SPE <spe@scb.example>",
    });
  });
});
