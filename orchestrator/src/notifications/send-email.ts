import { readFileSync } from "node:fs";
import nodemailer from "nodemailer";
import { z } from "zod";
import { SpeError } from "../errors";

/** How the orchestrator reaches its SMTP server: SMTP_URL, MAIL_FROM and, if it signs in, SMTP_CREDENTIALS_FILE. */
export interface MailSettings {
  url: string;
  from: string;
  credentialsFile?: string | undefined;
  /** How long a connection, the greeting and each answer may take. */
  timeoutMs?: number;
}

export interface MailSender {
  send(message: { to: string; subject: string; text: string }): Promise<void>;
  close(): void;
}

const credentialsSchema = z.strictObject({ user: z.string().min(1), pass: z.string().min(1) });

/** A sender over one pooled SMTP transport (nodemailer); `smtps://` is TLS from the start, `smtp://` STARTTLS when offered. */
export function smtpSender(settings: MailSettings): MailSender {
  const url = new URL(settings.url);
  const timeout = settings.timeoutMs ?? 10_000;
  const transport = nodemailer.createTransport({
    host: url.hostname,
    port: Number(url.port) || (url.protocol === "smtps:" ? 465 : 587),
    secure: url.protocol === "smtps:",
    auth: settings.credentialsFile ? readCredentials(settings.credentialsFile) : undefined,
    connectionTimeout: timeout,
    greetingTimeout: timeout,
    socketTimeout: timeout,
  });
  return {
    async send({ to, subject, text }) {
      await transport
        .sendMail({ from: settings.from, to, subject, text, headers: { "Auto-Submitted": "auto-generated" } })
        .catch((err: unknown) => {
          throw new Error(smtpFailure(err), { cause: err });
        });
    },
    close: () => transport.close(),
  };
}

function readCredentials(file: string): { user: string; pass: string } {
  let json: unknown;
  try {
    json = JSON.parse(readFileSync(file, "utf8"));
  } catch (err) {
    throw new SpeError(
      "CONFIG_INVALID",
      `SMTP_CREDENTIALS_FILE ${file} cannot be read as JSON: ${(err as Error).message}`,
    );
  }
  const parsed = credentialsSchema.safeParse(json);
  if (!parsed.success)
    throw new SpeError("CONFIG_INVALID", `SMTP_CREDENTIALS_FILE ${file} must be JSON { "user": "…", "pass": "…" }`);
  return parsed.data;
}

/** What went wrong, in words for operators: the server's own answer when it refused, never a credential. */
function smtpFailure(err: unknown): string {
  const e = err as { responseCode?: number; response?: string; code?: string };
  if (e.responseCode) return `the SMTP server refused it: ${e.response ?? e.responseCode}`.slice(0, 500);
  if (e.code === "ETIMEDOUT") return "the SMTP server did not answer in time";
  return `the SMTP server could not be reached (${e.code ?? "no answer"})`;
}
