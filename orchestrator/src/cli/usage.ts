import { readFileSync } from "node:fs";

/** Where `npm start` serves the orchestrator. */
export const DEFAULT_ORCHESTRATOR_URL = "http://localhost:8080";

export const USAGE = `Usage:
  spe permit validate FILE [--trusted-issuers FILE] [--json]
      Verify a signed permit: signature, issuer, schema, validity. Exit 0 valid, 1 invalid.
  spe permit import FILE [--url URL]
      Send a signed permit to a running orchestrator (default ${DEFAULT_ORCHESTRATOR_URL}) and print the outcome.
  spe permit sign --key KEY.jwk PAYLOAD.json
      Sign a permit payload with a private JWK (Ed25519 or P-256, with a kid); prints the compact JWS.
  spe audit verify [--database-url URL | --data-dir DIR] [--checkpoints DIR] [--checkpoint-keys FILE]
      Walk the audit log's hash chain and hold it against the latest signed checkpoint (in DIR, default
      AUDIT_CHECKPOINT_DIR or DATA_DIR/audit-checkpoints; signed with a key in FILE, a JWK or a JWK Set,
      default the orchestrator's signing key and its retired keys). Exit 0 intact, 1 broken (names the first broken event and
      whether events were changed, rewritten, inserted, removed or cut off).
  spe audit verify --export FILE [--against FULL-EXPORT | --database-url URL | --data-dir DIR] [--checkpoint-keys FILE]
      Check an export the auditors' page made (JSON Lines or CSV): a full one as the chain it is, holding the
      checkpoint it names; of a filtered one, that each event still gives its hash and, given the full chain
      (a full export or the database), which events it holds with the same sequence and hash. Exit 0 nothing
      wrong, 1 an event changed, unmatched or the chain broken.
  spe activity verify [--database-url URL | --data-dir DIR] [--checkpoints DIR] [--checkpoint-keys FILE]
      Walk the record of activities' hash chain and hold it against its latest signed checkpoint (in
      DIR/activity, DIR as for audit verify). Exit 0 intact, 1 broken (names the first broken batch and
      whether batches were changed, rewritten, inserted, removed or cut off).
  spe audit export [--since ISO-TIME] [--database-url URL | --data-dir DIR] [--checkpoints DIR] [--checkpoint-keys FILE]
      Write the audit events (from ISO-TIME on) to standard output as JSON Lines, after a first line naming the
      log's head and its latest signed checkpoint, as the auditors' download does: audit verify --export reads it.
  spe evidence verify FILE [--keys FILE|URL | --data-dir DIR]
      Check a signed compliance evidence report (the .jws the auditors' page gives) against the published
      signing keys (a JWK Set file, or the address of /.well-known/spe-signing-keys.json; default the
      orchestrator's current and retired keys) and say who issued it, when, and the audit chain head it was
      built from. Exit 0 verified, 1 not (a changed byte, another key, not an evidence report).
  spe signing-key rotate [--data-dir DIR | --key FILE --retired FILE]
      Replace the orchestrator's signing key (release records, audit checkpoints, evidence reports) with a new
      one; the old key's public half joins the retired keys (a JWK Set), which still verify and are published
      at /.well-known/spe-signing-keys.json. Default: SIGNING_KEY_FILE and SIGNING_RETIRED_KEYS_FILE, else under
      DATA_DIR/keys. The orchestrator signs with the new key from its next start.
  spe output check FILE --type TYPE [--profile NAME] [--count-column NAME] [--json]
      Run the automated disclosure checks on an output file. TYPE: frequency, magnitude, regression, figure,
      code, text or other; NAME: a profile in policies/sdc/ (default "default"); the count column of a
      frequency table defaults to "count". Exit 0 pass, 1 fail or review, 2 usage or unreadable file.
  spe delivery upload --permit P --dataset ID@VERSION FILE [--url URL] [--issuer URL] [--client-id ID --client-secret S]
      Deliver an extract as a data holder (client credentials, or SPE_CLIENT_ID/SPE_CLIENT_SECRET): it is
      validated, pseudonymised and staged. Exit 0 staged, 1 refused (every finding listed).
  spe delivery validate --descriptor D FILE [--reference-date YYYY-MM-DD] [--first-rows N] [--json]
      Check an extract (CSV or Parquet) against a dataset descriptor; stores nothing. Lists each problem with
      its first N row numbers (default 10) and its count. Exit 0 valid, 1 invalid.
  spe pseudonymise --permit P --key-file K --descriptor D IN OUT [--reference-date YYYY-MM-DD] [--json]
      Validate extract IN and write its pseudonymised Parquet and manifest.json into the new folder OUT (only
      if IN is valid). K holds the master key as hex or base64, at least 32 bytes (openssl rand -hex 32).
  spe synth register [--rows N] [--seed S] > extract.csv
      Write a synthetic Patientregistret extract (patientregistret@2026-09) to standard output; same seed, same file.

FILE holds the compact JWS ("-" reads standard input). Without --trusted-issuers, validate trusts the
file named by TRUSTED_ISSUERS_FILE, and, unless NODE_ENV=production, the development HDAB.
The audit commands read DATABASE_URL, else the embedded database under DATA_DIR (default ./.spe); the
embedded database cannot be opened while the orchestrator runs on it.
D is a descriptor file (YAML or JSON) or ID@VERSION of the catalogue (catalogue/). The reference date, the
day the extract was made, decides the century of 10-digit personnummer (default today).
Exit codes: 0 success, 1 invalid or refused, 2 usage error.`;

export const EXIT = { ok: 0, invalid: 1, usage: 2 } as const;

/** A mistake in how the command was called: the CLI prints it with the usage and exits 2. */
export class UsageError extends Error {
  override name = "UsageError";
}

/** A file's text, or standard input for "-"; a file that cannot be read is a usage error. */
export function readArgumentFile(path: string, what: string): string {
  try {
    return readFileSync(path === "-" ? 0 : path, "utf8");
  } catch (err) {
    throw new UsageError(
      `Cannot read the ${what} ${path}: ${(err as NodeJS.ErrnoException).code ?? (err as Error).message}`,
    );
  }
}

/** A file's JSON; text that is not JSON is a usage error. */
export function readJsonArgument(path: string, what: string): unknown {
  const text = readArgumentFile(path, what);
  try {
    return JSON.parse(text);
  } catch (err) {
    throw new UsageError(`The ${what} ${path} is not JSON: ${(err as Error).message}`);
  }
}
