import { writeFileSync, mkdtempSync } from "node:fs";
import { createServer, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { pino } from "pino";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { insertEnvironment } from "../../test/environment-rows";
import { runSpe } from "../../test/run-spe";
import { recordAuditEvent } from "../audit/append-audit-event";
import { startAuditCheckpoints } from "../audit/audit-checkpointer";
import { directoryCheckpointStore } from "../audit/checkpoint-store";
import { complianceEvidence } from "../audit/compliance-evidence";
import { signEvidenceReport } from "../audit/evidence-signature";
import { openDatabase, type Database } from "../db/database";
import { loadSigningKey, type SigningKey } from "../keys/signing-key";
import type { Kube } from "../kube/client";
import { examplePermit } from "../permits/test-fixtures";

const run = (args: string[]) => runSpe(args, { isolate: ["DATA_DIR", "SIGNING_KEY_FILE", "RELEASE_SIGNING_KEY_FILE"] });
const noCluster = { isolationInForce: async () => undefined } as unknown as Kube;
const issuer = { name: "Regionens SPE", url: "https://spe.region.example" };

/** The report with one byte of its signed content changed, the signature kept. */
function changeOneByte(jws: string): string {
  const [header, payload, signature] = jws.split(".") as [string, string, string];
  const json = Buffer.from(payload, "base64url").toString("utf8");
  const changed = json.replace('"Regionens SPE"', '"Regionens SPF"');
  expect(changed).not.toBe(json);
  return `${header}.${Buffer.from(changed).toString("base64url")}.${signature}`;
}

describe("spe evidence verify", () => {
  const dir = mkdtempSync(join(tmpdir(), "spe-evidence-"));
  const files = { jws: join(dir, "evidence.jws"), changed: join(dir, "changed.jws"), keys: join(dir, "keys.json") };
  let database: Database;
  let key: SigningKey;
  let keyServer: Server;
  let keysUrl: string;
  let head: { sequence: number; hash: string; checkpoint: { signedAt: string; sequence: number } | null };

  beforeAll(async () => {
    database = await openDatabase({ memory: true });
    key = await loadSigningKey(join(dir, "signing.jwk"), { what: "test key", setting: "-" }, { createIfMissing: true });
    const namespace = await insertEnvironment(database.db, examplePermit());
    const actor = { subject: "olof", role: "operator", address: "127.0.0.1" } as const;
    for (const action of ["environment.suspended", "environment.resumed"])
      await recordAuditEvent(database.db, { actor, action, target: `environment:${namespace}`, details: {} });
    const store = directoryCheckpointStore(join(dir, "checkpoints"));
    const checkpointer = await startAuditCheckpoints({
      db: database.db,
      key,
      store,
      intervalMs: 3_600_000,
      log: pino({ level: "silent" }),
    });
    await checkpointer.stop();
    const report = await complianceEvidence(database.db, noCluster, namespace, {
      checkpoints: { store, keys: [key.publicJwk] },
      issuer,
      now: new Date("2026-12-01T10:00:00.000Z"),
    });
    head = report!.auditChain;
    const jws = await signEvidenceReport(report, key);
    writeFileSync(files.jws, `${jws}\n`);
    writeFileSync(files.changed, changeOneByte(jws));
    // Published as the orchestrator publishes it: a JWK Set of public keys.
    const published = JSON.stringify({ keys: [key.publicJwk] });
    writeFileSync(files.keys, published);
    keyServer = createServer((_req, res) =>
      res.writeHead(200, { "content-type": "application/jwk-set+json" }).end(published),
    );
    await new Promise<void>((resolve) => keyServer.listen(0, "127.0.0.1", resolve));
    keysUrl = `http://127.0.0.1:${(keyServer.address() as AddressInfo).port}/.well-known/spe-signing-keys.json`;
  });
  afterAll(async () => {
    keyServer.close();
    await database.close();
  });

  it("verifies with the published keys and says the issuer, the time and the chain head it was built from", async () => {
    expect(head).toMatchObject({ sequence: 2, checkpoint: { sequence: 2 } });
    for (const keys of [files.keys, keysUrl]) {
      const result = await run(["evidence", "verify", files.jws, "--keys", keys]);
      expect(result.stderr).toBe("");
      expect(result.code).toBe(0);
      expect(result.stdout).toBe(
        [
          `Verified: the signature is valid, by published key ${key.kid}.`,
          "Issuer: Regionens SPE (https://spe.region.example)",
          "Made at: 2026-12-01T10:00:00.000Z",
          `Built from: audit event ${head.sequence} with hash ${head.hash}; held against the checkpoint signed at ${head.checkpoint!.signedAt} for event ${head.sequence}`,
          "",
        ].join("\n"),
      );
    }
  });

  it("refuses a report with one byte changed, and one signed by a key that is not published", async () => {
    const changed = await run(["evidence", "verify", files.changed, "--keys", files.keys]);
    expect(changed).toMatchObject({ code: 1, stdout: "Not verified: its signature does not verify.\n" });
    const other = join(dir, "other.json");
    const otherKey = await loadSigningKey(
      join(dir, "other.jwk"),
      { what: "k", setting: "-" },
      { createIfMissing: true },
    );
    writeFileSync(other, JSON.stringify({ keys: [otherKey.publicJwk] }));
    const unpublished = await run(["evidence", "verify", files.jws, "--keys", other]);
    expect(unpublished.code).toBe(1);
    expect(unpublished.stdout).toBe(`Not verified: it is signed by key ${key.kid}, not by a published signing key.\n`);
  });

  it("says what is wrong with how it was called: no file, or keys that are not there", async () => {
    expect(await run(["evidence", "verify"])).toMatchObject({ code: 2 });
    const missing = await run(["evidence", "verify", files.jws, "--keys", join(dir, "nowhere.json")]);
    expect(missing.code).toBe(2);
    expect(missing.stderr).toContain("is not a readable JWK: ENOENT");
  });
});
