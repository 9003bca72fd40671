import { readFileSync } from "node:fs";
import { z } from "zod";
import { SpeError } from "../errors";

const credentialsFile = z.strictObject({
  accessKeyId: z.string().min(1).max(256),
  secretAccessKey: z.string().min(1).max(1024),
  sessionToken: z.string().min(1).optional(),
});
export type S3Credentials = z.infer<typeof credentialsFile> & { expiration?: Date };

/** How long credentials read from the file are used before it is read again (a rotated secret is picked up). */
const REREAD_AFTER_MS = 5 * 60_000;

/** The bucket's credentials from a JSON file `{ "accessKeyId", "secretAccessKey", "sessionToken"? }`; the error names the file, never its contents. */
export function readS3Credentials(file: string, now = () => Date.now()): S3Credentials {
  let json: unknown;
  try {
    json = JSON.parse(readFileSync(file, "utf8"));
  } catch (err) {
    const why =
      err instanceof SyntaxError ? "it is not JSON" : ((err as NodeJS.ErrnoException).code ?? (err as Error).message);
    throw new SpeError(
      "CONFIG_INVALID",
      `Cannot read the staging bucket's credentials from STAGING_S3_CREDENTIALS_FILE ${file}: ${why}.`,
    );
  }
  const parsed = credentialsFile.safeParse(json);
  if (!parsed.success) {
    const fields = [...new Set(parsed.error.issues.map((i) => i.path.join(".") || "(the whole file)"))].join(", ");
    throw new SpeError(
      "CONFIG_INVALID",
      `The staging bucket's credentials file ${file} must be JSON { "accessKeyId": "…", "secretAccessKey": "…", "sessionToken"?: "…" }; wrong or unknown: ${fields}.`,
    );
  }
  return { ...parsed.data, expiration: new Date(now() + REREAD_AFTER_MS) };
}

/**
 * Reads the file once now (a bad file stops the start) and gives the S3 client a provider that reads it
 * again every few minutes, so a rotated secret (a Kubernetes Secret volume updates in place) needs no restart.
 */
export function s3CredentialsProvider(file: string, now = () => Date.now()): () => Promise<S3Credentials> {
  let current = readS3Credentials(file, now);
  return async () => {
    if (current.expiration && current.expiration.getTime() <= now()) current = readS3Credentials(file, now);
    return current;
  };
}
