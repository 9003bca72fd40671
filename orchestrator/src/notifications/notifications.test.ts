import { createHmac, randomUUID } from "node:crypto";
import { mkdtempSync, readdirSync, readFileSync, rmSync } from "node:fs";
import { createServer, type Server } from "node:http";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { eq } from "drizzle-orm";
import { simpleParser } from "mailparser";
import { pino } from "pino";
import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { freePort } from "@spe/infra/local-cluster";
import { bothDatabases } from "../../test/fresh-postgres";
import { insertEnvironment } from "../../test/environment-rows";
import { smtpSink, type SmtpSink } from "../../test/smtp-sink-process";
import { appendAuditEvent, recordAuditEvent } from "../audit/append-audit-event";
import { SYSTEM_ACTOR } from "../audit/audit-hash";
import type { Database } from "../db/database";
import { deliveries, exportRequests, notificationDeliveries, notifications, people, permits } from "../db/schema";
import { saveStatus } from "../environments/environment-store";
import { examplePermit } from "../permits/test-fixtures";
import { recordEndingPermits } from "./ending-sweep";
import { renderEmail } from "./messages";
import { NOTIFICATION_KIND_NAMES, type NotificationAbout, type NotificationKind } from "./notification-kinds";
import { NotificationSender } from "./notification-sender";
import { recordNotification } from "./record-notification";
import { smtpSender, type MailSender } from "./send-email";
import { undeliveredNotifications } from "./undelivered";

const PUBLIC_URL = "http://localhost:8080";
const SECRET = "a-webhook-secret-of-at-least-32-characters";
const REFUSED = "refused@scb.example";
const MINUTE = 60_000;

const alice = { subject: "alice", name: "Alice Andersson", email: "alice@uni.example" };
const bengt = { subject: "bengt", name: "Bengt Berg", email: "bengt@uni.example" };
const cecilia = { subject: "cecilia", name: "Cecilia Carlsson", email: "cecilia@uni.example" };
const payload = examplePermit({
  permitId: "SE-NOTIFY-1",
  principalInvestigator: alice,
  authorisedPersons: [alice, bengt, cecilia],
});

/** Who is written to in which language: one person of each audience per language. */
const PEOPLE = [
  { subject: "alice", email: alice.email, roles: ["researcher"], language: "en" as const },
  { subject: "bengt", email: bengt.email, roles: ["researcher"], language: null },
  { subject: "cecilia", email: cecilia.email, roles: ["researcher"], language: null, emailNotifications: false },
  { subject: "olle", email: "olle@scb.example", roles: ["operator"], language: "en" as const },
  { subject: "ola", email: "ola@scb.example", roles: ["operator"], language: "sv" as const },
  { subject: "karin", email: "karin@scb.example", roles: ["output-checker"], language: "en" as const },
  { subject: "kalle", email: "kalle@scb.example", roles: ["output-checker"], language: null },
  { subject: "anna", email: null, roles: ["auditor"], language: "en" as const },
];

interface Received {
  id: string;
  body: string;
  signature: string;
}

/** A system's webhook receiver on loopback: checks each signature as the README says, and can misbehave. */
function webhookReceiver() {
  const received: Received[] = [];
  const state = { failNext: 0, hang: false, refusedSignatures: 0 };
  const server: Server = createServer((req, res) => {
    let body = "";
    req.on("data", (c: Buffer) => (body += c.toString()));
    req.on("end", () => {
      if (state.hang) return; // never answers: the sender's timeout must end it
      // The recipe: t and v1 from the header; HMAC-SHA-256 over "<t>.<body>"; t within five minutes.
      const header = String(req.headers["spe-signature"] ?? "");
      const { t, v1 } = Object.fromEntries(header.split(",").map((p) => p.split("="))) as Record<string, string>;
      const expected = createHmac("sha256", SECRET).update(`${t}.${body}`).digest("hex");
      if (v1 !== expected || Math.abs(Date.now() / 1000 - Number(t)) > 300) {
        state.refusedSignatures++;
        return res.writeHead(401).end();
      }
      received.push({ id: String(req.headers["spe-notification-id"]), body, signature: header });
      if (state.failNext > 0) {
        state.failNext--;
        return res.writeHead(500).end("oops");
      }
      res.writeHead(204).end();
    });
  });
  return { server, received, state };
}

describe.each(bothDatabases("spe_notify"))("notifications on %s", (_name, open) => {
  let database: Database;
  let mailDir: string;
  let sink: SmtpSink;
  let mail: MailSender;
  let sender: NotificationSender;
  let receiver: ReturnType<typeof webhookReceiver>;
  let namespace: string;
  const clock = { now: new Date("2027-03-01T12:00:00Z") };
  const exportOf: Record<"en" | "sv", string> = { en: randomUUID(), sv: randomUUID() };
  const deliveryId = randomUUID();

  const mails = async () =>
    Promise.all(
      readdirSync(mailDir)
        .sort()
        .map(async (f) => {
          const parsed = await simpleParser(readFileSync(join(mailDir, f)));
          return { to: (parsed.to as { text: string }).text, subject: parsed.subject ?? "", text: parsed.text ?? "" };
        }),
    );
  const deliveriesOf = async (kind: NotificationKind) =>
    (
      await database.db
        .select({ d: notificationDeliveries, kind: notifications.kind })
        .from(notificationDeliveries)
        .innerJoin(notifications, eq(notifications.id, notificationDeliveries.notificationId))
    )
      .filter((r) => r.kind === kind)
      .map((r) => r.d);
  const later = (ms: number) => (clock.now = new Date(clock.now.getTime() + ms));

  beforeAll(async () => {
    database = await open();
    const db = database.db;
    namespace = await insertEnvironment(db, payload, clock.now);
    for (const p of PEOPLE)
      await db.insert(people).values({ name: p.subject, ...p, signedInAt: clock.now, updatedAt: clock.now });
    for (const [language, requester] of [
      ["en", "alice"],
      ["sv", "bengt"],
    ] as const)
      await db.insert(exportRequests).values({
        id: exportOf[language],
        permitId: payload.permitId,
        namespace,
        requester,
        title: "Statin tables for Alice Andersson",
        justification: "j",
        state: "submitted",
        profile: "default",
        reviewersRequired: 2,
        createdAt: clock.now,
        updatedAt: clock.now,
      });
    await db.insert(deliveries).values({
      id: deliveryId,
      permitId: payload.permitId,
      namespace,
      datasetId: "patientregistret",
      datasetVersion: "2026-09",
      deliveredBy: "region-test",
      state: "staged",
      createdAt: clock.now,
    });
    mailDir = mkdtempSync(join(tmpdir(), "spe-mail-"));
    sink = smtpSink(await freePort(), mailDir, [REFUSED]);
    await sink.start();
    mail = smtpSender({ url: sink.url, from: "SPE <spe@scb.example>", timeoutMs: 5000 });
    receiver = webhookReceiver();
    await new Promise<void>((r) => receiver.server.listen(0, "127.0.0.1", r));
    const { port } = receiver.server.address() as { port: number };
    sender = new NotificationSender({
      db,
      log: pino({ level: "silent" }),
      publicUrl: PUBLIC_URL,
      mail,
      webhooks: [
        { name: "hdab", url: `http://127.0.0.1:${port}/hooks`, secret: SECRET, events: NOTIFICATION_KIND_NAMES },
        // Another data holder's system: told of nothing here.
        {
          name: "region-other",
          url: `http://127.0.0.1:${port}/other`,
          secret: SECRET,
          events: ["delivery-staged", "delivery-refused"],
          dataHolders: ["region-other"],
        },
      ],
      retry: { baseDelayMs: MINUTE, maxDelayMs: 10 * MINUTE, maxAttempts: 3 },
      webhookTimeoutMs: 500,
      sweepIntervalMs: Number.MAX_SAFE_INTEGER,
      now: () => clock.now,
    });
  });
  afterAll(async () => {
    mail?.close();
    await sink?.stop();
    receiver?.server.closeAllConnections();
    receiver?.server.close();
    await database?.close();
    if (mailDir) rmSync(mailDir, { recursive: true, force: true });
  });
  beforeEach(async () => {
    // Each test looks at what it sent: start from an empty outbox, mailbox and receiver.
    await database.db.delete(notificationDeliveries);
    await database.db.delete(notifications);
    for (const f of readdirSync(mailDir)) rmSync(join(mailDir, f));
    receiver.received.length = 0;
    Object.assign(receiver.state, { failNext: 0, hang: false, refusedSignatures: 0 });
  });

  /** Every kind, about this permit; the requester's kinds once per requester's language. */
  function aboutEach(): Array<[NotificationKind, NotificationAbout]> {
    const base = { permitId: payload.permitId, namespace };
    return NOTIFICATION_KIND_NAMES.flatMap((kind): Array<[NotificationKind, NotificationAbout]> => {
      if (kind.startsWith("export-") && kind !== "export-submitted")
        return [
          [kind, { ...base, exportId: exportOf.en }],
          [kind, { ...base, exportId: exportOf.sv }],
        ];
      if (kind === "export-submitted") return [[kind, { ...base, exportId: exportOf.en }]];
      if (kind.startsWith("delivery-")) return [[kind, { ...base, deliveryId }]];
      if (kind === "environment-ending") return [[kind, { ...base, days: 30 }]];
      return [[kind, base]];
    });
  }

  it("sends each kind by e-mail in Swedish and English, and to the webhook signed, with a link and no data", async () => {
    const sent = aboutEach();
    for (const [kind, about] of sent) await recordNotification(database.db, kind, about, clock.now);
    await sender.runOnce();

    const received = await mails();
    for (const kind of NOTIFICATION_KIND_NAMES) {
      for (const language of ["en", "sv"] as const) {
        const about = sent.find(
          ([k, a]) => k === kind && (!a.exportId || kind === "export-submitted" || a.exportId === exportOf[language]),
        )![1];
        const { subject } = renderEmail(kind, about, language, { page: "", settings: "" });
        const matching = received.filter((m) => m.subject === subject);
        expect(matching.length, `${kind} in ${language}`).toBeGreaterThan(0);
        for (const m of matching) {
          expect(m.text).toContain(`${PUBLIC_URL}/`);
          expect(m.text).toContain(`${PUBLIC_URL}/settings`);
        }
      }
    }
    // Words a person reads, in each language; the link leads to the page, the id is all the data there is.
    const ready = received.filter((m) => m.subject.includes("SE-NOTIFY-1") && /ready|klar/.test(m.subject));
    expect(ready.map((m) => [m.to, m.subject]).sort()).toEqual([
      [alice.email, "Your environment for permit SE-NOTIFY-1 is ready"],
      [bengt.email, "Din miljö för beslut SE-NOTIFY-1 är klar"],
    ]);
    const review = received.find((m) => m.to === "kalle@scb.example")!;
    expect(review.text).toContain(`${PUBLIC_URL}/reviews/${exportOf.en}`);
    expect(received.find((m) => m.to === "karin@scb.example")!.subject).toBe(
      "An export request for permit SE-NOTIFY-1 awaits review",
    );
    // Nobody turned off, nobody without an address, no auditor; never the purpose, a title or a name.
    expect(received.some((m) => m.to.includes("cecilia"))).toBe(false);
    for (const m of received) {
      for (const secret of ["Statin", "Alice Andersson", "Bengt"])
        expect(`${m.subject}${m.text}`).not.toContain(secret);
    }

    // One signed POST per notification to the system that asked for every kind; none to the other data holder.
    expect(receiver.state.refusedSignatures).toBe(0);
    expect(receiver.received).toHaveLength(sent.length);
    const bodies = receiver.received.map((r) => JSON.parse(r.body) as Record<string, unknown>);
    expect(new Set(bodies.map((b) => b.kind))).toEqual(new Set(NOTIFICATION_KIND_NAMES));
    expect(bodies.find((b) => b.kind === "delivery-staged")).toEqual({
      id: expect.any(String),
      kind: "delivery-staged",
      permitId: payload.permitId,
      namespace,
      deliveryId,
      link: `${PUBLIC_URL}/api/v1/deliveries/${deliveryId}`,
    });
    for (const r of receiver.received) expect(r.body).not.toContain("Statin");
    expect((await deliveriesOf("environment-ready")).every((d) => d.state === "sent")).toBe(true);
  });

  it("retries e-mail while the SMTP server is down and says so to operators, without holding up the action", async () => {
    await sink.stop();
    // The action commits as ever: its notification waits in the outbox.
    await recordAuditEvent(
      database.db,
      { actor: SYSTEM_ACTOR, action: "export.released", target: `export:${exportOf.sv}` },
      clock.now,
    );
    await sender.runOnce();
    const [failed] = await deliveriesOf("export-released").then((ds) => ds.filter((d) => d.channel === "email"));
    expect(failed).toMatchObject({ state: "pending", attempts: 1, recipient: bengt.email });
    expect(failed!.lastError).toMatch(/^the SMTP server could not be reached/);
    expect(failed!.nextAttemptAt.getTime()).toBe(clock.now.getTime() + MINUTE);
    const seen = await undeliveredNotifications(database.db);
    expect(seen).toContainEqual(
      expect.objectContaining({ kind: "export-released", recipient: bengt.email, state: "pending", attempts: 1 }),
    );
    // The webhook did not wait for the mail.
    expect(receiver.received).toHaveLength(1);

    await sink.start();
    await sender.runOnce();
    expect(await mails()).toHaveLength(0); // not due yet: the backoff holds
    later(MINUTE);
    await sender.runOnce();
    expect((await mails()).map((m) => m.to)).toEqual([bengt.email]);
    expect((await deliveriesOf("export-released")).find((d) => d.channel === "email")).toMatchObject({
      state: "sent",
      attempts: 2,
      lastError: null,
    });
  });

  it("retries a refused recipient with backoff, then gives it up where operators see it", async () => {
    await database.db.insert(people).values({
      subject: "rita",
      name: "rita",
      email: REFUSED,
      roles: ["operator"],
      signedInAt: clock.now,
      updatedAt: clock.now,
    });
    await recordNotification(database.db, "environment-stuck", { permitId: payload.permitId, namespace }, clock.now);
    for (const wait of [0, MINUTE, 2 * MINUTE]) {
      later(wait);
      await sender.runOnce();
    }
    const refused = (await deliveriesOf("environment-stuck")).find((d) => d.recipient === REFUSED)!;
    expect(refused).toMatchObject({ state: "failed", attempts: 3 });
    expect(refused.lastError).toMatch(/^the SMTP server refused it: 550/);
    expect((await mails()).map((m) => m.to).sort()).toEqual(["ola@scb.example", "olle@scb.example"]);
    expect(await undeliveredNotifications(database.db)).toContainEqual(
      expect.objectContaining({ recipient: REFUSED, state: "failed", attempts: 3, nextAttemptAt: null }),
    );
    await database.db.delete(people).where(eq(people.subject, "rita"));
  });

  it("retries a webhook that answers 500, with the same notification id", async () => {
    receiver.state.failNext = 1;
    await recordNotification(database.db, "environment-ended", { permitId: payload.permitId, namespace }, clock.now);
    await sender.runOnce();
    const [hook] = (await deliveriesOf("environment-ended")).filter((d) => d.channel === "webhook");
    expect(hook).toMatchObject({ state: "pending", attempts: 1, lastError: "the webhook answered HTTP 500" });
    later(MINUTE);
    await sender.runOnce();
    expect((await deliveriesOf("environment-ended")).find((d) => d.channel === "webhook")!.state).toBe("sent");
    expect(receiver.received.map((r) => r.id)).toEqual([hook!.notificationId, hook!.notificationId]);
  });

  it("retries a webhook that does not answer in time", async () => {
    receiver.state.hang = true;
    await recordNotification(database.db, "environment-ready", { permitId: payload.permitId, namespace }, clock.now);
    await sender.runOnce();
    const [hook] = (await deliveriesOf("environment-ready")).filter((d) => d.channel === "webhook");
    expect(hook).toMatchObject({ state: "pending", attempts: 1, lastError: "the webhook did not answer within 0.5 s" });
    receiver.server.closeAllConnections();
  });

  it("writes the notification in the action's transaction: none when it rolls back", async () => {
    const submitted = { actor: SYSTEM_ACTOR, action: "export.submitted", target: `export:${exportOf.en}` };
    await expect(
      database.db.transaction(async (tx) => {
        await appendAuditEvent(tx, submitted, clock.now);
        throw new Error("the action failed after its audit event");
      }),
    ).rejects.toThrow("the action failed");
    expect(await database.db.select().from(notifications)).toHaveLength(0);
    await recordAuditEvent(database.db, submitted, clock.now);
    expect(
      await database.db.select({ kind: notifications.kind, about: notifications.about }).from(notifications),
    ).toEqual([{ kind: "export-submitted", about: { permitId: payload.permitId, namespace, exportId: exportOf.en } }]);
  });

  it("tells of an environment that becomes Ready or comes to have problems, once per change", async () => {
    const cond = (status: "True" | "False", reason: string) => [
      {
        type: "Ready",
        status,
        reason,
        message: "m",
        observedGeneration: 1,
        lastTransitionTime: clock.now.toISOString(),
      },
    ];
    await saveStatus(database.db, namespace, cond("False", "Starting"), 1, clock.now);
    await saveStatus(database.db, namespace, cond("False", "LoadFailed"), 1, clock.now);
    await saveStatus(database.db, namespace, cond("False", "LoadFailed"), 1, clock.now);
    await saveStatus(database.db, namespace, cond("True", "EnvironmentReady"), 1, clock.now);
    await saveStatus(database.db, namespace, cond("True", "EnvironmentReady"), 1, clock.now);
    const kinds = await database.db.select({ kind: notifications.kind }).from(notifications);
    expect(kinds.map((k) => k.kind).sort()).toEqual(["environment-ready", "environment-stuck"]);
  });

  it("tells researchers 30 and 7 days before their permit ends, once each", async () => {
    const until = new Date(clock.now.getTime() + 20 * 86_400_000);
    await database.db.update(permits).set({ validUntil: until }).where(eq(permits.permitId, payload.permitId));
    await recordEndingPermits(database.db, clock.now);
    await recordEndingPermits(database.db, clock.now);
    await recordEndingPermits(database.db, new Date(until.getTime() - 10 * 86_400_000));
    await recordEndingPermits(database.db, new Date(until.getTime() - 6 * 86_400_000));
    await recordEndingPermits(database.db, new Date(until.getTime() - 2 * 86_400_000));
    const rows = await database.db.select({ about: notifications.about }).from(notifications);
    expect(rows.map((r) => r.about.days)).toEqual([20, 6]);
    await sender.runOnce();
    const subjects = (await mails()).map((m) => m.subject).sort();
    expect(subjects).toContain("Permit SE-NOTIFY-1 ends in 20 days");
    expect(subjects).toContain("Tillstånd SE-NOTIFY-1 upphör om 6 dagar");
    await database.db
      .update(permits)
      .set({ validUntil: new Date(payload.validUntil) })
      .where(eq(permits.permitId, payload.permitId));
  });
});
