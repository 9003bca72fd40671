import { randomUUID } from "node:crypto";
import { createReadStream, statSync } from "node:fs";
import { Readable, Transform } from "node:stream";
import { parseArgs } from "node:util";
import { SingleBar } from "cli-progress";
import * as oidc from "openid-client";
import { DEFAULT_ORCHESTRATOR_URL, EXIT, UsageError } from "./usage";

/** The development OpenID Provider `npm start` runs beside the orchestrator. */
const DEFAULT_ISSUER = "http://localhost:8081";

interface DeliveryAnswer {
  id?: string;
  state?: string;
  rows?: number;
  uploadSha256?: string;
  manifestSha256?: string;
  error?: string;
  message?: string;
  report?: { issues: Array<{ code: string; column?: string; message: string; count: number; rows: number[] }> };
}

function httpUrl(value: string, flag: string): string {
  if (!URL.canParse(value) || !/^https?:$/.test(new URL(value).protocol))
    throw new UsageError(`${flag} ${value} is not an http(s) URL.`);
  return value.replace(/\/+$/, "");
}

/** An access token for the delivery API by the client-credentials grant, from the provider's discovery document. */
async function accessToken(issuer: string, clientId: string, clientSecret: string, audience: string): Promise<string> {
  const insecure = issuer.startsWith("http:");
  const config = await oidc.discovery(
    new URL(issuer),
    clientId,
    clientSecret,
    undefined,
    insecure ? { execute: [oidc.allowInsecureRequests] } : undefined,
  );
  const tokens = await oidc.clientCredentialsGrant(config, { scope: "deliveries", resource: audience });
  return tokens.access_token;
}

/** The extract as a stream that moves a progress bar (on a terminal) as the orchestrator takes it in. */
function withProgress(file: string, size: number): Readable {
  const bar = new SingleBar({
    format: "Uploading [{bar}] {percentage}% · {value}/{total} bytes · {eta}s left",
    stream: process.stderr,
    hideCursor: true,
  });
  if (process.stderr.isTTY) bar.start(size, 0);
  let sent = 0;
  const progress = new Transform({
    transform(chunk: Buffer, _enc, done) {
      sent += chunk.length;
      if (process.stderr.isTTY) bar.update(sent);
      done(null, chunk);
    },
    flush(done) {
      if (process.stderr.isTTY) bar.stop();
      done();
    },
  });
  return createReadStream(file).pipe(progress);
}

function printOutcome(answer: DeliveryAnswer, status: number): number {
  if (answer.state === "staged") {
    console.log(
      `Staged: delivery ${answer.id}, ${answer.rows} rows pseudonymised; upload SHA-256 ${answer.uploadSha256}, manifest SHA-256 ${answer.manifestSha256}.`,
    );
    return EXIT.ok;
  }
  console.error(
    `Refused (HTTP ${status}) ${answer.error ?? ""}: ${answer.message ?? "no answer from the orchestrator; check --url."}`,
  );
  for (const issue of answer.report?.issues ?? []) {
    const more = issue.count - issue.rows.length;
    console.error(
      `  ${issue.column ? `${issue.column}: ` : ""}${issue.code}: ${issue.message} (rows ${issue.rows.join(", ")}${more > 0 ? ` and ${more} more` : ""})`,
    );
  }
  return EXIT.invalid;
}

/**
 * `spe delivery upload --permit P --dataset ID@VERSION FILE`: a data holder's delivery from the command line,
 * with the data holder's client credentials (--client-id/--client-secret or SPE_CLIENT_ID/SPE_CLIENT_SECRET).
 * Exit 0 staged, 1 refused (with every finding), 2 usage.
 */
export async function deliveryUpload(args: string[]): Promise<number> {
  const { values, positionals } = parseArgs({
    args,
    options: {
      permit: { type: "string" },
      dataset: { type: "string" },
      url: { type: "string", default: DEFAULT_ORCHESTRATOR_URL },
      issuer: { type: "string", default: process.env.SPE_ISSUER ?? DEFAULT_ISSUER },
      "client-id": { type: "string", default: process.env.SPE_CLIENT_ID },
      "client-secret": { type: "string", default: process.env.SPE_CLIENT_SECRET },
    },
    allowPositionals: true,
  });
  if (positionals.length !== 1) throw new UsageError("spe delivery upload takes exactly one FILE.");
  if (!values.permit) throw new UsageError("--permit is required: the permit the extract is for.");
  const [datasetId, version] = (values.dataset ?? "").split("@");
  if (!datasetId || !version) throw new UsageError("--dataset must be ID@VERSION, e.g. patientregistret@2026-09.");
  if (!values["client-id"] || !values["client-secret"])
    throw new UsageError(
      "Give the data holder's client credentials: --client-id and --client-secret, or SPE_CLIENT_ID and SPE_CLIENT_SECRET.",
    );
  const url = httpUrl(values.url, "--url");
  const file = positionals[0]!;
  let size: number;
  try {
    size = statSync(file).size;
  } catch (err) {
    throw new UsageError(`Cannot read ${file}: ${(err as NodeJS.ErrnoException).code ?? (err as Error).message}`);
  }

  let token: string;
  try {
    token = await accessToken(
      httpUrl(values.issuer, "--issuer"),
      values["client-id"],
      values["client-secret"],
      `${url}/api/v1`,
    );
  } catch (err) {
    console.error(
      `Could not get an access token from ${values.issuer}: ${(err as Error).message}. Check --issuer and the client credentials.`,
    );
    return EXIT.invalid;
  }
  const headers = { authorization: `Bearer ${token}` };
  try {
    // One key per upload: were this request retried, the orchestrator would answer with the same delivery.
    const started = await fetch(`${url}/api/v1/deliveries`, {
      method: "POST",
      headers: { ...headers, "content-type": "application/json", "idempotency-key": randomUUID() },
      body: JSON.stringify({ permitId: values.permit, dataset: { id: datasetId, version } }),
    });
    const opened = (await started.json()) as DeliveryAnswer;
    if (started.status !== 201) return printOutcome(opened, started.status);
    const res = await fetch(`${url}/api/v1/deliveries/${opened.id}/file`, {
      method: "PUT",
      headers: { ...headers, "content-type": "application/octet-stream" },
      body: Readable.toWeb(withProgress(file, size)) as ReadableStream,
      duplex: "half",
    } as RequestInit);
    return printOutcome((await res.json()) as DeliveryAnswer, res.status);
  } catch (err) {
    console.error(
      `Could not reach the orchestrator at ${url} (${(err as Error).cause ?? (err as Error).message}). Is it running? Start it with npm start, or pass --url.`,
    );
    return EXIT.invalid;
  }
}
