// The integrator API from TypeScript (Node 20+, fetch and `jose`): the HDAB signs and pushes a permit and
// reads its environment's status; a data holder checks an extract, opens a delivery and streams the
// extract. The orchestrator's tests run this file against a running orchestrator.
//
//   SPE_URL=http://localhost:8080 SIGNING_KEY_FILE=key.jwk PERMIT_PAYLOAD_FILE=permit.json \
//   EXTRACT_FILE=extract.csv HDAB_CLIENT_ID=… HDAB_CLIENT_SECRET=… HOLDER_CLIENT_ID=… HOLDER_CLIENT_SECRET=… \
//   node --import tsx examples/typescript/integrator-client.ts
import { randomUUID } from "node:crypto";
import { createReadStream, readFileSync } from "node:fs";
import { Readable } from "node:stream";
import { CompactSign, importJWK, type JWK } from "jose";

/** What the example did, printed as the last line (JSON). */
export interface ExampleResult {
  permitId: string;
  outcome: string;
  environment: string;
  valid: boolean;
  deliveryId: string;
  deliveryState: string;
  rows: number;
}

/** An error answer of the API: a stable code to match on, a message for people. */
class ApiError extends Error {
  constructor(
    readonly status: number,
    readonly code: string,
    message: string,
  ) {
    super(`${status} ${code}: ${message}`);
  }
}

function setting(name: string): string {
  const value = process.env[name];
  if (!value) throw new Error(`Set ${name}.`);
  return value;
}

async function json<T>(res: Response): Promise<T> {
  const body = (await res.json()) as T & { error?: string; message?: string };
  if (!res.ok) throw new ApiError(res.status, body.error ?? "UNKNOWN", body.message ?? "");
  return body;
}

/** Signs the permit payload as the HDAB does: a compact JWS, EdDSA or ES256, with the key's kid. */
async function signPermit(payload: unknown, jwk: JWK): Promise<string> {
  const alg = jwk.kty === "OKP" ? "EdDSA" : "ES256";
  const key = await importJWK(jwk, alg);
  return new CompactSign(new TextEncoder().encode(JSON.stringify(payload)))
    .setProtectedHeader({ alg, kid: jwk.kid! })
    .sign(key);
}

/** An access token by the client-credentials grant at the token URL the API's document names. */
async function accessToken(api: string, clientId: string, secret: string, scope: string): Promise<string> {
  const document = await json<{
    components: { securitySchemes: { clientCredentials: { flows: { clientCredentials: { tokenUrl: string } } } } };
  }>(await fetch(`${api}/openapi.json`));
  const tokenUrl = document.components.securitySchemes.clientCredentials.flows.clientCredentials.tokenUrl;
  const res = await fetch(tokenUrl, {
    method: "POST",
    headers: {
      authorization: `Basic ${Buffer.from(`${clientId}:${secret}`).toString("base64")}`,
      "content-type": "application/x-www-form-urlencoded",
    },
    body: new URLSearchParams({ grant_type: "client_credentials", scope, resource: api }),
  });
  return (await json<{ access_token: string }>(res)).access_token;
}

/**
 * POST with an Idempotency-Key, retried with the same key when the answer does not arrive or the first
 * attempt is still running: the orchestrator then answers with the first attempt's result.
 */
async function postIdempotently(url: string, init: RequestInit): Promise<Response> {
  const key = randomUUID();
  for (let attempt = 1; ; attempt++) {
    try {
      const res = await fetch(url, {
        ...init,
        method: "POST",
        headers: { ...(init.headers as Record<string, string>), "idempotency-key": key },
      });
      if (res.status !== 409 || attempt === 5) return res;
      const body = (await res.clone().json()) as { error?: string };
      if (body.error !== "IDEMPOTENCY_IN_PROGRESS") return res;
    } catch (err) {
      if (attempt === 5) throw err;
    }
    await new Promise((r) => setTimeout(r, 200 * attempt));
  }
}

export async function runExample(): Promise<ExampleResult> {
  const api = `${setting("SPE_URL").replace(/\/$/, "")}/api/v1`;
  const payload = JSON.parse(readFileSync(setting("PERMIT_PAYLOAD_FILE"), "utf8")) as {
    permitId: string;
    datasets: Array<{ id: string; version: string }>;
  };
  const jwk = JSON.parse(readFileSync(setting("SIGNING_KEY_FILE"), "utf8")) as JWK;

  // 1. The HDAB signs and pushes the permit: 201 new, 200 known.
  const jws = await signPermit(payload, jwk);
  const pushed = await json<{ outcome: string; permitId: string }>(
    await postIdempotently(`${api}/permits`, { headers: { "content-type": "application/jose" }, body: jws }),
  );

  // 2. The HDAB reads the environment's status.
  const hdab = await accessToken(api, setting("HDAB_CLIENT_ID"), setting("HDAB_CLIENT_SECRET"), "permits");
  const status = await json<{ environment: { state: string; summary: string } | null }>(
    await fetch(`${api}/permits/${encodeURIComponent(pushed.permitId)}`, {
      headers: { authorization: `Bearer ${hdab}` },
    }),
  );

  // 3. The data holder checks the extract (nothing stored), then delivers it.
  const holder = await accessToken(api, setting("HOLDER_CLIENT_ID"), setting("HOLDER_CLIENT_SECRET"), "deliveries");
  const auth = { authorization: `Bearer ${holder}` };
  const dataset = payload.datasets[0]!;
  const extract = setting("EXTRACT_FILE");
  const stream = () => Readable.toWeb(createReadStream(extract)) as ReadableStream;
  const check = await json<{ valid: boolean; issues: unknown[] }>(
    await fetch(`${api}/deliveries/validate?dataset=${dataset.id}@${dataset.version}`, {
      method: "POST",
      headers: { ...auth, "content-type": "text/csv" },
      body: stream(),
      duplex: "half",
    } as RequestInit),
  );
  if (!check.valid) throw new Error(`The extract has ${check.issues.length} issue(s): ${JSON.stringify(check.issues)}`);
  const opened = await json<{ id: string; upload: string }>(
    await postIdempotently(`${api}/deliveries`, {
      headers: { ...auth, "content-type": "application/json" },
      body: JSON.stringify({ permitId: pushed.permitId, dataset }),
    }),
  );
  const delivered = await json<{ state: string; rows: number }>(
    await fetch(`${api}/deliveries/${opened.id}/file`, {
      method: "PUT",
      headers: { ...auth, "content-type": "text/csv" },
      body: stream(),
      duplex: "half",
    } as RequestInit),
  );
  return {
    permitId: pushed.permitId,
    outcome: pushed.outcome,
    environment: status.environment?.state ?? "none",
    valid: check.valid,
    deliveryId: opened.id,
    deliveryState: delivered.state,
    rows: delivered.rows,
  };
}

if (process.argv[1] && import.meta.url.endsWith(process.argv[1].replace(/\\/g, "/"))) {
  runExample().then(
    (result) => console.log(JSON.stringify(result)),
    (err: unknown) => {
      console.error((err as Error).message);
      process.exitCode = 1;
    },
  );
}
