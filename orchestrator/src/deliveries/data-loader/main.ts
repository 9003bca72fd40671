// The data loader's entry: `node --import tsx main.ts` (or the image's compiled equivalent) with
// SPE_PERMIT_ID, SPE_STAGING_URL and SPE_STAGED as the reconciler sets them in the loader Job, and the
// data volume at SPE_DATA_DIR (default /data). Only node: modules and zod, so that its image stays small.
// Exit 0: the volume holds exactly what is staged. Exit 1: a fetch, a refusal or a hash failed; the Job
// runs it again and the orchestrator's DataStaged condition says LoadFailed once it gives up. Exit 2: the
// Job's environment is not what the orchestrator writes.
import { loaderEnvironment } from "./loader-plan";
import { loadData, LoaderError } from "./load-data";

const env = loaderEnvironment.safeParse(process.env);
if (!env.success) {
  console.error(
    `Invalid configuration: ${env.error.issues.map((i) => `${i.path.join(".")}: ${i.message}`).join("; ")}`,
  );
  process.exit(2);
}

const log = (msg: string, fields: Record<string, unknown>) =>
  console.log(JSON.stringify({ level: "info", msg, ...fields }));

try {
  const outcome = await loadData(env.data, log);
  log("Loaded data volume", {
    permit: env.data.SPE_PERMIT_ID,
    fetched: outcome.fetched.length,
    kept: outcome.kept.length,
    removed: outcome.removed.length,
  });
} catch (err) {
  console.error(
    err instanceof LoaderError
      ? `${err.code}: ${err.message}`
      : `Loading failed: ${(err as Error).stack ?? String(err)}`,
  );
  process.exit(1);
}
