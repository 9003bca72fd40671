import { existsSync } from "node:fs";
import { parseArgs } from "node:util";
import type { JWK } from "jose";
import { evidenceProvenance, openEvidenceReport, type EvidenceProvenance } from "../audit/evidence-signature";
import { parseConfig } from "../config";
import { SpeError } from "../errors";
import { readPublicKeys } from "../keys/signing-key";
import { signingKeyFilesOf } from "../keys/signing-keys";
import { EXIT, readArgumentFile, UsageError } from "./usage";

const OPTIONS = { keys: { type: "string" }, "data-dir": { type: "string" } } as const;

/**
 * `spe evidence verify FILE [--keys FILE|URL | --data-dir DIR]`: checks a signed compliance evidence report
 * (the auditors' page's `.jws`) against the published signing keys, and says who issued it, when, and the
 * audit chain head it was built from. Exit 0 verified, 1 not, 2 usage.
 */
export async function evidenceVerify(args: string[]): Promise<number> {
  const { values, positionals } = parseArgs({ args, options: OPTIONS, allowPositionals: true });
  if (positionals.length !== 1) throw new UsageError("spe evidence verify takes one FILE: the signed report (.jws).");
  const jws = readArgumentFile(positionals[0]!, "signed evidence report").trim();
  const keys = await trustedKeys(values);
  const opened = await openEvidenceReport(jws, keys);
  if ("problem" in opened) {
    console.log(`Not verified: ${opened.problem}.`);
    return EXIT.invalid;
  }
  console.log(describe(opened.kid, evidenceProvenance(opened.report)));
  return EXIT.ok;
}

function describe(kid: string, { issuer, generatedAt, auditChain }: EvidenceProvenance): string {
  const head = auditChain
    ? `audit event ${auditChain.sequence} with hash ${auditChain.hash}; ${
        auditChain.checkpoint
          ? `held against the checkpoint signed at ${auditChain.checkpoint.signedAt} for event ${auditChain.checkpoint.sequence}`
          : "no signed checkpoint to hold it against"
      }`
    : "not named (a report from before reports named it)";
  return [
    `Verified: the signature is valid, by published key ${kid}.`,
    `Issuer: ${issuer ? `${issuer.name} (${issuer.url})` : "not named (a report from before reports named it)"}`,
    `Made at: ${generatedAt ?? "not named"}`,
    `Built from: ${head}`,
  ].join("\n");
}

/**
 * The keys a report may be signed with: --keys (a JWK or a JWK Set, as published at
 * /.well-known/spe-signing-keys.json: a saved copy, or that address), else the orchestrator's own current
 * and retired keys (SIGNING_KEY_FILE, SIGNING_RETIRED_KEYS_FILE, else under DATA_DIR).
 */
async function trustedKeys(values: { keys?: string; "data-dir"?: string }): Promise<JWK[]> {
  const name = { what: "signing keys", setting: "--keys" };
  try {
    if (values.keys && /^https?:\/\//.test(values.keys)) return await publishedKeys(values.keys);
    if (values.keys) return await readPublicKeys(values.keys, name);
    const { keyFile, retiredFile } = signingKeyFilesOf(
      parseConfig({
        DATA_DIR: values["data-dir"] ?? process.env.DATA_DIR,
        SIGNING_KEY_FILE: process.env.SIGNING_KEY_FILE,
        RELEASE_SIGNING_KEY_FILE: process.env.RELEASE_SIGNING_KEY_FILE,
        SIGNING_RETIRED_KEYS_FILE: process.env.SIGNING_RETIRED_KEYS_FILE,
      }),
    );
    if (!existsSync(keyFile))
      throw new UsageError(
        `There is no signing key at ${keyFile}: give --keys, the published keys (a JWK Set file or the address of /.well-known/spe-signing-keys.json).`,
      );
    const retired = existsSync(retiredFile) ? await readPublicKeys(retiredFile, name) : [];
    return [...(await readPublicKeys(keyFile, name)), ...retired];
  } catch (err) {
    if (err instanceof SpeError) throw new UsageError(err.message);
    throw err;
  }
}

/** The JWK Set served at `url`; an answer that is not one is a usage error, said in words. */
async function publishedKeys(url: string): Promise<JWK[]> {
  let body: unknown;
  try {
    const response = await fetch(url, { signal: AbortSignal.timeout(10_000) });
    if (!response.ok) throw new Error(`it answered ${response.status}`);
    body = await response.json();
  } catch (err) {
    throw new UsageError(`Cannot read the published signing keys at ${url}: ${(err as Error).message}`);
  }
  const keys = (body as { keys?: unknown }).keys;
  if (!Array.isArray(keys) || keys.length === 0)
    throw new UsageError(`${url} does not serve a JWK Set of signing keys.`);
  return keys as JWK[];
}
