import { eq } from "drizzle-orm";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { Session } from "../auth/sessions";
import { openDatabase, type Database } from "../db/database";
import { auditEvents, people } from "../db/schema";
import type { Context, Services } from "./context";
import { appRouter } from "./router";

const karin: Session = {
  subject: "karin",
  name: "Karin Kontroll",
  email: "karin@scb.example",
  roles: ["output-checker"],
  idToken: null,
  expiresAt: new Date(Date.now() + 3_600_000),
};

describe("a person's settings", () => {
  let database: Database;
  let caller: ReturnType<typeof appRouter.createCaller>;

  beforeAll(async () => {
    database = await openDatabase({ memory: true });
    // Settings use the database alone.
    const context: Context = { services: { database } as Services, session: karin, address: "127.0.0.1" };
    caller = appRouter.createCaller(context);
  });
  afterAll(() => database.close());

  it("start as Swedish, not chosen, with e-mail on, at the address the identity provider gave", async () => {
    expect(await caller.settings.get()).toEqual({
      language: "sv",
      languageChosen: false,
      emailNotifications: true,
      email: "karin@scb.example",
    });
  });

  it("are kept on the server, and each change is an audit event", async () => {
    expect(await caller.settings.update({ language: "en", emailNotifications: false })).toMatchObject({
      language: "en",
      languageChosen: true,
      emailNotifications: false,
    });
    expect(await caller.settings.get()).toMatchObject({ language: "en", emailNotifications: false });
    const [row] = await database.db.select().from(people).where(eq(people.subject, "karin"));
    expect(row).toMatchObject({ language: "en", emailNotifications: false, roles: ["output-checker"] });
    const events = await database.db
      .select()
      .from(auditEvents)
      .where(eq(auditEvents.action, "person.settings-changed"));
    expect(events.map((e) => [e.actorSubject, e.target, e.details])).toEqual([
      ["karin", "person:karin", { language: "en", emailNotifications: false }],
    ]);
  });

  it("refuse a language the UI does not have, and unknown fields, changing nothing", async () => {
    await expect(caller.settings.update({ language: "de" } as never)).rejects.toMatchObject({ code: "BAD_REQUEST" });
    await expect(caller.settings.update({ email: "x@evil.example" } as never)).rejects.toMatchObject({
      code: "BAD_REQUEST",
    });
    expect(await caller.settings.get()).toMatchObject({ language: "en", email: "karin@scb.example" });
  });
});
