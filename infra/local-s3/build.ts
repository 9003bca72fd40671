// Builds (or finds) the local S3-compatible server without starting it, so that CI can show the one-time
// build's progress on its own before the tests: `node --import tsx infra/local-s3/build.ts`.
import { ensureVersitygw } from "./binary";
import { LocalS3Error } from "./errors";

try {
  console.log(`versitygw: ${await ensureVersitygw()}`);
} catch (err) {
  console.error(err instanceof LocalS3Error ? `${err.code}: ${err.message}` : err);
  process.exit(1);
}
