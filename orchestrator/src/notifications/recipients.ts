import { eq, inArray, sql } from "drizzle-orm";
import { deliveries, exportRequests, people, permits } from "../db/schema";
import type { PermitPayload } from "../permits/permit";
import {
  DEFAULT_LANGUAGE,
  NOTIFICATION_KINDS,
  type Language,
  type NotificationAbout,
  type NotificationKind,
} from "./notification-kinds";
import type { Writer } from "./record-notification";
import type { WebhookDestination } from "./webhook-destinations";

export interface Recipient {
  channel: "email" | "webhook";
  /** An e-mail address, or a webhook's name. */
  recipient: string;
  person: string | null;
  language: Language;
}

interface Person {
  subject: string;
  email: string;
}

const DELIVERY_KINDS: readonly NotificationKind[] = ["delivery-staged", "delivery-refused"];

/**
 * Who is told of one notification: people by e-mail (each in their language, only if they keep e-mail on;
 * none when the installation has no SMTP server) and the configured webhooks that asked for its kind.
 */
export async function recipientsOf(
  db: Writer,
  kind: NotificationKind,
  about: NotificationAbout,
  options: { email: boolean; webhooks: readonly WebhookDestination[] },
): Promise<Recipient[]> {
  const [permit] = await db
    .select({ issuer: permits.issuer, payload: permits.payload })
    .from(permits)
    .where(eq(permits.permitId, about.permitId));
  if (!permit) return [];
  const people = options.email ? await peopleToWrite(db, kind, about, permit.payload) : [];
  const emails = await withChoices(db, people);
  const deliveredBy = DELIVERY_KINDS.includes(kind) ? await deliveredByOf(db, about.deliveryId) : undefined;
  const hooks = options.webhooks.filter(
    (w) =>
      w.events.includes(kind) &&
      (!w.issuers || w.issuers.includes(permit.issuer)) &&
      (!w.dataHolders || (deliveredBy !== undefined && w.dataHolders.includes(deliveredBy))),
  );
  return [
    ...emails,
    ...hooks.map((w) => ({ channel: "webhook" as const, recipient: w.name, person: null, language: DEFAULT_LANGUAGE })),
  ];
}

async function peopleToWrite(
  db: Writer,
  kind: NotificationKind,
  about: NotificationAbout,
  permit: PermitPayload,
): Promise<Person[]> {
  const named = permit.authorisedPersons.map((p) => ({ subject: p.subject, email: p.email }));
  switch (NOTIFICATION_KINDS[kind].audience) {
    case "permit-researchers":
      return named;
    case "requester": {
      const [request] = await db
        .select({ requester: exportRequests.requester })
        .from(exportRequests)
        .where(eq(exportRequests.id, about.exportId ?? ""));
      return named.filter((p) => p.subject === request?.requester);
    }
    case "operators":
      return withRole(db, "operator");
    case "output-checkers": {
      // Nobody the permit names may review its requests: they are not asked to.
      const names = new Set(named.map((p) => p.subject));
      return (await withRole(db, "output-checker")).filter((p) => !names.has(p.subject));
    }
  }
}

async function withRole(db: Writer, role: string): Promise<Person[]> {
  const rows = await db
    .select({ subject: people.subject, email: people.email })
    .from(people)
    .where(sql`${people.roles} @> ${JSON.stringify([role])}::jsonb`);
  return rows.flatMap((r) => (r.email ? [{ subject: r.subject, email: r.email }] : []));
}

/** Each person's language and whether they want e-mail; someone who never signed in gets the defaults. */
async function withChoices(db: Writer, persons: Person[]): Promise<Recipient[]> {
  if (!persons.length) return [];
  const choices = await db
    .select({ subject: people.subject, language: people.language, on: people.emailNotifications })
    .from(people)
    .where(
      inArray(
        people.subject,
        persons.map((p) => p.subject),
      ),
    );
  const bySubject = new Map(choices.map((c) => [c.subject, c]));
  return persons.flatMap((p) => {
    const choice = bySubject.get(p.subject);
    if (choice && !choice.on) return [];
    const language = choice?.language ?? DEFAULT_LANGUAGE;
    return [{ channel: "email" as const, recipient: p.email, person: p.subject, language }];
  });
}

async function deliveredByOf(db: Writer, deliveryId: string | undefined): Promise<string | undefined> {
  const [row] = await db
    .select({ deliveredBy: deliveries.deliveredBy })
    .from(deliveries)
    .where(eq(deliveries.id, deliveryId ?? ""));
  return row?.deliveredBy;
}
