import { eq } from "drizzle-orm";
import { z } from "zod";
import { appendAuditEvent } from "../audit/append-audit-event";
import type { Db } from "../db/database";
import { people } from "../db/schema";
import { DEFAULT_LANGUAGE, LANGUAGES, type Language } from "./notification-kinds";
import type { Writer } from "./record-notification";

/** Who signed in, as the identity provider said: the part of a session the people table keeps. */
export interface SignedInPerson {
  subject: string;
  name: string;
  email: string | null;
  roles: readonly string[];
}

/**
 * Keeps the person's name, e-mail and roles as of this sign-in, and what they chose before: operators and
 * checkers are written to at the address their identity provider gave last.
 */
export async function rememberPerson(tx: Writer, person: SignedInPerson, now: Date): Promise<void> {
  const known = { name: person.name, email: person.email, roles: [...person.roles], signedInAt: now, updatedAt: now };
  await tx
    .insert(people)
    .values({ subject: person.subject, ...known })
    .onConflictDoUpdate({ target: people.subject, set: known });
}

export const personSettingsInput = z.strictObject({
  language: z.enum(LANGUAGES).optional(),
  emailNotifications: z.boolean().optional(),
});

export interface PersonSettings {
  language: Language;
  /** Whether the person chose the language, or it is the default (then the browser's choice may stand). */
  languageChosen: boolean;
  emailNotifications: boolean;
  email: string | null;
}

export async function personSettings(db: Db, person: SignedInPerson): Promise<PersonSettings> {
  const [row] = await db.select().from(people).where(eq(people.subject, person.subject));
  return {
    language: row?.language ?? DEFAULT_LANGUAGE,
    languageChosen: !!row?.language,
    emailNotifications: row?.emailNotifications ?? true,
    email: row?.email ?? person.email,
  };
}

/** Saves what the person chose, with an audit event that says what changed. */
export async function updatePersonSettings(
  db: Db,
  person: SignedInPerson,
  input: z.infer<typeof personSettingsInput>,
  address: string | null,
  now = new Date(),
): Promise<PersonSettings> {
  await db.transaction(async (tx) => {
    await rememberPerson(tx, person, now);
    const changes = Object.fromEntries(Object.entries(input).filter(([, v]) => v !== undefined));
    if (!Object.keys(changes).length) return;
    await tx
      .update(people)
      .set({ ...changes, updatedAt: now })
      .where(eq(people.subject, person.subject));
    await appendAuditEvent(
      tx,
      {
        actor: { subject: person.subject, role: "person", address },
        action: "person.settings-changed",
        target: `person:${person.subject}`,
        details: changes,
      },
      now,
    );
  });
  return personSettings(db, person);
}
