import { readFileSync } from "node:fs";
import { z } from "zod";
import { SpeError } from "../errors";
import { NOTIFICATION_KIND_NAMES, type NotificationKind } from "./notification-kinds";

/** A system told of events by a signed POST: only ever one the installation's configuration names. */
export interface WebhookDestination {
  name: string;
  url: string;
  /** Shared with the receiver, who checks the signature with it (README: Notifications). */
  secret: string;
  events: readonly NotificationKind[];
  /** When set, delivery events only about deliveries by these data holders' OAuth clients. */
  dataHolders?: readonly string[];
  /** When set, only events about permits of these health data access bodies. */
  issuers?: readonly string[];
}

const destinationSchema = z.strictObject({
  url: z
    .url({ protocol: /^https?$/, error: "must be an http(s) URL" })
    .refine((u) => !new URL(u).username && !new URL(u).password, "must not carry credentials"),
  /** A file holding the shared secret (at least 32 characters): never the secret itself in the configuration. */
  secretFile: z.string().min(1),
  events: z.array(z.enum(NOTIFICATION_KIND_NAMES)).min(1),
  dataHolders: z.array(z.string().min(1)).min(1).optional(),
  issuers: z.array(z.url()).min(1).optional(),
});

const fileSchema = z.record(
  z.string().regex(/^[a-z0-9][a-z0-9-]{0,62}$/, "a webhook's name is lower-case letters, digits and dashes"),
  destinationSchema,
);

const MIN_SECRET_LENGTH = 32;

/**
 * Reads NOTIFICATION_WEBHOOKS_FILE at start-up: `{ "<name>": { url, secretFile, events, dataHolders?, issuers? } }`.
 * Anything wrong stops the start with one message naming the file, the webhook and the field.
 */
export function readWebhookDestinations(path: string | undefined, production: boolean): WebhookDestination[] {
  if (!path) return [];
  const fail = (problems: string[]): never => {
    throw new SpeError(
      "CONFIG_INVALID",
      `NOTIFICATION_WEBHOOKS_FILE ${path} has ${problems.length} problem(s):\n${problems.map((p) => `- ${p}`).join("\n")}`,
    );
  };
  let json: unknown;
  try {
    json = JSON.parse(readFileSync(path, "utf8"));
  } catch (err) {
    return fail([`it cannot be read as JSON: ${(err as Error).message}`]);
  }
  const parsed = fileSchema.safeParse(json);
  if (!parsed.success)
    return fail(
      parsed.error.issues.map((i) => {
        // A bad name's own message is inside the record's "invalid key" issue.
        const message = i.code === "invalid_key" ? (i.issues[0]?.message ?? i.message) : i.message;
        return `${i.path.map(String).join(".") || "the file"}: ${message}`;
      }),
    );
  const problems: string[] = [];
  const destinations = Object.entries(parsed.data).map(([name, d]) => {
    if (production && new URL(d.url).protocol !== "https:")
      problems.push(`${name}.url: must be https in production: the body and its signature travel in it`);
    let secret = "";
    try {
      secret = readFileSync(d.secretFile, "utf8").trim();
    } catch (err) {
      problems.push(`${name}.secretFile: cannot be read (${(err as NodeJS.ErrnoException).code ?? "unreadable"})`);
    }
    if (secret && secret.length < MIN_SECRET_LENGTH)
      problems.push(`${name}.secretFile: the secret must be at least ${MIN_SECRET_LENGTH} characters`);
    return { name, url: d.url, secret, events: d.events, dataHolders: d.dataHolders, issuers: d.issuers };
  });
  if (problems.length) fail(problems);
  return destinations;
}
