import { index, jsonb, pgTable, text, timestamp } from "drizzle-orm/pg-core";

/**
 * Server-side sessions of people signed in through OIDC. The cookie carries a random token; only its
 * SHA-256 is stored, so a copy of this table does not let anyone sign in.
 */
export const sessions = pgTable(
  "sessions",
  {
    tokenHash: text("token_hash").primaryKey(),
    subject: text("subject").notNull(),
    name: text("name").notNull(),
    email: text("email"),
    roles: jsonb("roles").$type<string[]>().notNull(),
    /** Kept for RP-initiated logout (id_token_hint). */
    idToken: text("id_token"),
    createdAt: timestamp("created_at", { withTimezone: true }).notNull(),
    lastSeenAt: timestamp("last_seen_at", { withTimezone: true }).notNull(),
    expiresAt: timestamp("expires_at", { withTimezone: true }).notNull(),
  },
  (t) => [index("sessions_subject_idx").on(t.subject), index("sessions_expires_at_idx").on(t.expiresAt)],
);
