import { existsSync } from "node:fs";
import type { JWK } from "jose";
import { openAuditExport } from "../audit/audit-export-file";
import { auditEventsInOrder } from "../audit/audit-events-query";
import type { AuditChainResult } from "../audit/verify-audit-chain";
import { verifyAuditExport, type ChainToMatch, type ExportVerification } from "../audit/verify-audit-export";
import { parseConfig } from "../config";
import { SpeError } from "../errors";
import { readPublicKeys } from "../keys/signing-key";
import { signingKeyFilesOf } from "../keys/signing-keys";
import { openAuditDatabase } from "./audit-database";
import { EXIT, UsageError } from "./usage";

export interface VerifyExportOptions {
  export: string;
  against?: string;
  "database-url"?: string;
  "data-dir"?: string;
  "checkpoint-keys"?: string;
}

/**
 * `spe audit verify --export FILE`: a full export is checked as the chain it is, against the checkpoint it names;
 * of a filtered one, each event's hash, and with --against (a full export) or a database, which events the
 * verified chain holds with the same hash. Exit 0 when nothing was found wrong, 1 otherwise.
 */
export async function auditVerifyExport(values: VerifyExportOptions): Promise<number> {
  try {
    return await verifyExport(values);
  } catch (err) {
    // A line that is not an event shows only as the file is read: it is the file given that is wrong.
    if (err instanceof SpeError && err.code === "AUDIT_EXPORT_INVALID") throw new UsageError(err.message);
    throw err;
  }
}

async function verifyExport(values: VerifyExportOptions): Promise<number> {
  const file = await opened(values.export);
  // An export taken before any checkpoint was signed names none: there is nothing to check a key against.
  const keys = file.header.checkpoint ? await checkpointKeys(values) : [];
  const wantsChain = values.against ?? values["database-url"] ?? values["data-dir"];
  const filtered = Object.keys(file.header.filter).length > 0;
  if (!filtered || !wantsChain) return report(await verifyAuditExport(file, keys), values.export);
  if (values.against) {
    const full = await opened(values.against);
    if (Object.keys(full.header.filter).length > 0)
      throw new UsageError(`--against ${values.against} is a filtered export: give a full one (no filter).`);
    return report(
      await verifyAuditExport(file, keys, { events: full.events(), location: values.against }),
      values.export,
    );
  }
  const database = await openAuditDatabase(values);
  try {
    const chain: ChainToMatch = { events: auditEventsInOrder(database.db), location: database.location };
    return report(await verifyAuditExport(file, keys, chain), values.export);
  } finally {
    await database.close();
  }
}

async function opened(path: string) {
  if (!existsSync(path)) throw new UsageError(`There is no file ${path}.`);
  try {
    return await openAuditExport(path);
  } catch (err) {
    if (err instanceof SpeError) throw new UsageError(err.message);
    throw err;
  }
}

/** --checkpoint-keys (a JWK or JWK Set, e.g. /.well-known/spe-signing-keys.json), else the orchestrator's key files. */
async function checkpointKeys(values: VerifyExportOptions): Promise<JWK[]> {
  const name = { what: "checkpoint key", setting: "--checkpoint-keys" };
  try {
    if (values["checkpoint-keys"]) return await readPublicKeys(values["checkpoint-keys"], name);
    const config = parseConfig({ DATA_DIR: values["data-dir"] ?? process.env.DATA_DIR });
    const { keyFile, retiredFile } = signingKeyFilesOf({ ...config, SIGNING_KEY_FILE: process.env.SIGNING_KEY_FILE });
    if (!existsSync(keyFile))
      throw new UsageError(
        `There is no key to check the export's checkpoint with at ${keyFile}: give --checkpoint-keys (the orchestrator's public keys, e.g. from /.well-known/spe-signing-keys.json).`,
      );
    const retired = existsSync(retiredFile) ? await readPublicKeys(retiredFile, name) : [];
    return [...(await readPublicKeys(keyFile, name)), ...retired];
  } catch (err) {
    if (err instanceof SpeError) throw new UsageError(err.message);
    throw err;
  }
}

const describeChain = (result: AuditChainResult) =>
  result.intact
    ? `intact (${result.events} events)`
    : `broken at event ${result.brokenAt} (${result.tampering}): ${result.problem}`;

/** Says what was found, in words, and answers with the exit code. */
function report(verification: ExportVerification, path: string): number {
  if (verification.kind === "untrusted") {
    console.log(`Broken: ${path} cannot be trusted: ${verification.problem}.`);
    return EXIT.invalid;
  }
  const cp = verification.checkpoint;
  const under = cp
    ? `the checkpoint signed at ${cp.signedAt} for event ${cp.sequence}`
    : "no signed checkpoint (none had been signed when it was taken)";
  if (verification.kind === "full") {
    const { result } = verification;
    if (!result.intact) {
      console.log(`Broken: the full export ${path} is ${describeChain(result)}.`);
      return EXIT.invalid;
    }
    console.log(
      `Intact: the full export ${path} holds ${result.events} audit events, every link intact, and holds ${under}.`,
    );
    return EXIT.ok;
  }
  const { changed, chain, events } = verification;
  const lines = [`${path} is a filtered export of ${events} events, taken under ${under}.`];
  if (changed.length)
    lines.push(`Changed after the export (content does not give the hash beside it): ${list(changed)}.`);
  if (!chain) {
    lines.push(
      `${events - changed.length} of ${events} events still give their own hashes. To match them against the chain, give --against with a full export, or --database-url or --data-dir.`,
    );
    console.log(lines.join("\n"));
    return changed.length ? EXIT.invalid : EXIT.ok;
  }
  lines.push(`The chain in ${chain.location} is ${describeChain(chain.result)}.`);
  if (chain.matched.length) lines.push(`Matched in the chain, same sequence and hash: ${list(chain.matched)}.`);
  if (chain.unmatched.length) lines.push(`Not matched in the chain: ${list(chain.unmatched)}.`);
  console.log(lines.join("\n"));
  return changed.length || chain.unmatched.length || !chain.result.intact ? EXIT.invalid : EXIT.ok;
}

/** Sequence numbers as ranges ("1–4, 7"), so that a long export's verdict stays a line. */
function list(sequences: number[]): string {
  const sorted = [...sequences].sort((a, b) => a - b);
  const ranges: string[] = [];
  for (let i = 0; i < sorted.length;) {
    let j = i;
    while (j + 1 < sorted.length && sorted[j + 1] === sorted[j]! + 1) j += 1;
    ranges.push(i === j ? String(sorted[i]) : `${sorted[i]}–${sorted[j]}`);
    i = j + 1;
  }
  return `${sorted.length === 1 ? "event" : "events"} ${ranges.join(", ")}`;
}
