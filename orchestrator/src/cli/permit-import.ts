import { randomUUID } from "node:crypto";
import { parseArgs } from "node:util";
import { DEFAULT_ORCHESTRATOR_URL, EXIT, readArgumentFile, UsageError } from "./usage";

interface PermitAnswer {
  outcome?: string;
  permitId?: string;
  sequence?: number;
  namespace?: string;
  error?: string;
  message?: string;
  issues?: Array<{ path: string; message: string }>;
}

const SAID: Record<string, string> = {
  created: "Created",
  unchanged: "Unchanged (already held)",
  amended: "Amended",
  revoked: "Revoked",
};

/**
 * `spe permit import FILE [--url URL]`: pushes the permit to the orchestrator's integrator API, as the
 * HDAB's system does (`POST /api/v1/permits`; the signature is the credential). One Idempotency-Key for
 * the command, so a retry after a lost answer cannot be mistaken for another push.
 */
export async function permitImport(args: string[]): Promise<number> {
  const { values, positionals } = parseArgs({
    args,
    options: { url: { type: "string", default: DEFAULT_ORCHESTRATOR_URL } },
    allowPositionals: true,
  });
  if (positionals.length !== 1) throw new UsageError("spe permit import takes exactly one FILE.");
  if (!URL.canParse(values.url) || !/^https?:$/.test(new URL(values.url).protocol))
    throw new UsageError(`--url ${values.url} is not an http(s) URL.`);
  const jws = readArgumentFile(positionals[0]!, "permit file").trim();

  const endpoint = `${values.url.replace(/\/+$/, "")}/api/v1/permits`;
  let res: Response;
  try {
    res = await fetch(endpoint, {
      method: "POST",
      headers: { "content-type": "application/jose", "idempotency-key": randomUUID() },
      body: jws,
    });
  } catch (err) {
    console.error(
      `Could not reach the orchestrator at ${values.url} (${(err as Error).cause ?? (err as Error).message}). Is it running? Start it with npm start, or pass --url.`,
    );
    return EXIT.invalid;
  }
  const answer = (await res.json().catch(() => ({}))) as PermitAnswer;
  if (res.ok && answer.outcome) {
    console.log(
      `${SAID[answer.outcome] ?? answer.outcome}: permit ${answer.permitId} sequence ${answer.sequence}, environment ${answer.namespace}.`,
    );
    return EXIT.ok;
  }
  // PERMIT_SCHEMA_INVALID's message lists its fields already; a malformed request's fields come apart.
  const fields =
    answer.error === "REQUEST_INVALID" ? (answer.issues ?? []).map((i) => `\n- ${i.path}: ${i.message}`).join("") : "";
  console.error(
    `Refused (HTTP ${res.status}): ${answer.error ? `${answer.error}: ${answer.message}${fields}` : "the orchestrator gave no API answer; check --url."}`,
  );
  return EXIT.invalid;
}
