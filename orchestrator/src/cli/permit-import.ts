import { parseArgs } from "node:util";
import { DEFAULT_ORCHESTRATOR_URL, EXIT, readArgumentFile, UsageError } from "./usage";

interface TrpcAnswer {
  result?: { data: { outcome: string; permitId: string; sequence: number; namespace: string } };
  error?: { message: string };
}

const SAID = { created: "Created", unchanged: "Unchanged (already held)", amended: "Amended", revoked: "Revoked" } as Record<string, string>;

/** `spe permit import FILE [--url URL]`: sends the permit to the orchestrator's permits.push. */
export async function permitImport(args: string[]): Promise<number> {
  const { values, positionals } = parseArgs({ args, options: { url: { type: "string", default: DEFAULT_ORCHESTRATOR_URL } }, allowPositionals: true });
  if (positionals.length !== 1) throw new UsageError("spe permit import takes exactly one FILE.");
  if (!URL.canParse(values.url) || !/^https?:$/.test(new URL(values.url).protocol)) throw new UsageError(`--url ${values.url} is not an http(s) URL.`);
  const jws = readArgumentFile(positionals[0]!, "permit file").trim();

  const endpoint = `${values.url.replace(/\/+$/, "")}/trpc/permits.push`;
  let res: Response;
  try {
    res = await fetch(endpoint, { method: "POST", headers: { "content-type": "application/json" }, body: JSON.stringify({ jws }) });
  } catch (err) {
    console.error(`Could not reach the orchestrator at ${values.url} (${(err as Error).cause ?? (err as Error).message}). Is it running? Start it with npm start, or pass --url.`);
    return EXIT.invalid;
  }
  const answer = (await res.json().catch(() => ({}))) as TrpcAnswer;
  if (answer.result) {
    const { outcome, permitId, sequence, namespace } = answer.result.data;
    console.log(`${SAID[outcome] ?? outcome}: permit ${permitId} sequence ${sequence}, environment ${namespace}.`);
    return EXIT.ok;
  }
  console.error(`Refused (HTTP ${res.status}): ${answer.error?.message ?? "the orchestrator gave no tRPC answer; check --url."}`);
  return EXIT.invalid;
}
