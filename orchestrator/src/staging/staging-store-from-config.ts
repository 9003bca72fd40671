import { join } from "node:path";
import type { Logger } from "pino";
import type { Config } from "../config";
import { SpeError } from "../errors";
import { directoryStagingStore } from "./directory-store";
import { s3CredentialsProvider } from "./s3-credentials";
import { s3StagingStore } from "./s3-store";
import type { StagingStore } from "./staging-store";

/**
 * The staging store configuration chose: `DATA_DIR/staging` by default, or an S3-compatible bucket
 * (STAGING_STORE=s3). A bucket's credentials file is read now, so a bad one stops the start.
 */
export function stagingStoreFrom(config: Config, log: Logger): StagingStore {
  if (config.STAGING_STORE === "directory") return directoryStagingStore(join(config.DATA_DIR, "staging"));
  const { STAGING_S3_BUCKET: bucket, STAGING_S3_CREDENTIALS_FILE: credentialsFile } = config;
  // parseConfig refuses s3 without them; this keeps a hand-made Config honest too.
  if (!bucket || !credentialsFile)
    throw new SpeError("CONFIG_INVALID", "STAGING_STORE=s3 needs STAGING_S3_BUCKET and STAGING_S3_CREDENTIALS_FILE.");
  return s3StagingStore({
    endpoint: config.STAGING_S3_ENDPOINT,
    region: config.STAGING_S3_REGION,
    bucket,
    prefix: config.STAGING_S3_PREFIX,
    forcePathStyle: config.STAGING_S3_FORCE_PATH_STYLE,
    credentials: s3CredentialsProvider(credentialsFile),
    onAbortFailed: (err, key) =>
      log.warn(
        { err, bucket, key },
        "Failed to abort a failed multipart upload; its parts stay in the bucket until its lifecycle rule removes them",
      ),
  });
}
