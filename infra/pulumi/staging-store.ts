import { MOUNTS } from "./names";
import type { StackConfig } from "./stack-config";

type Staging = StackConfig["staging"];

/** The bucket's credentials file: its own Secret (made outside Pulumi), in a directory of its own. */
const CREDENTIALS_VOLUME = "staging-bucket-credentials";

/**
 * The orchestrator's staging settings (orchestrator/src/config.ts): the folder on the shared data volume, or
 * an S3-compatible bucket whose credentials are a file from a Secret, never an environment value. Loaders
 * still fetch through the orchestrator's /staging: the bucket is reached by the orchestrator alone.
 */
export function stagingEnvironment(staging: Staging): Record<string, string | undefined> {
  if (staging.store === "directory") return { STAGING_STORE: "directory" };
  return {
    STAGING_STORE: "s3",
    STAGING_S3_ENDPOINT: staging.endpoint,
    STAGING_S3_BUCKET: staging.bucket,
    STAGING_S3_REGION: staging.region,
    STAGING_S3_PREFIX: staging.prefix || undefined,
    STAGING_S3_FORCE_PATH_STYLE: String(staging.forcePathStyle),
    STAGING_S3_CREDENTIALS_FILE: `${MOUNTS.keys}/${CREDENTIALS_VOLUME}/${staging.credentials.key}`,
  };
}

export function stagingVolumes(staging: Staging) {
  if (staging.store === "directory") return [];
  const { name, key } = staging.credentials;
  return [{ name: CREDENTIALS_VOLUME, secret: { secretName: name, items: [{ key, path: key }], defaultMode: 0o440 } }];
}

export function stagingVolumeMounts(staging: Staging) {
  return stagingVolumes(staging).map(({ name }) => ({ name, mountPath: `${MOUNTS.keys}/${name}`, readOnly: true }));
}

/** The orchestrator's way out to the bucket, when there is one: its addresses and port only. */
export function stagingEgress(staging: Staging) {
  if (staging.store === "directory") return [];
  const { cidrs, port } = staging.network;
  return [{ to: cidrs.map((cidr) => ({ ipBlock: { cidr } })), ports: [{ protocol: "TCP", port }] }];
}
