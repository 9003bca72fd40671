import { mkdtempSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { beforeAll, describe, expect, it } from "vitest";
import {
  signReleaseRecord,
  type ReleaseRecord,
  type ReleaseSigner,
} from "../../../../orchestrator/src/outputs/requests/release-record";
import { loadReleaseSigner } from "../../../../orchestrator/src/outputs/requests/release-signer";
import { verifyReleaseRecord } from "./verify-release-record";

const record = {
  type: "spe-release-record",
  version: 1,
  requestId: "0b0c5a5e-7a43-4c8e-9d7e-2f7c8f0a1b2c",
  permitId: "SE-HDAB-2026-0042",
  environment: "spe-se-hdab-2026-0042",
  requester: "alice",
  title: "Tabell 2",
  justification: "Strokeincidens per region.",
  reviewersRequired: 2,
  submittedAt: "2026-11-22T10:00:00.000Z",
  releasedAt: "2026-11-22T12:00:00.000Z",
  released: [
    {
      path: "per-alder.csv",
      version: 1,
      type: "frequency",
      sha256: "ab".repeat(32),
      size: 47,
      checks: { profile: "default", status: "pass" },
      decision: "approved",
      reviews: [],
    },
  ],
  withheld: [],
} as unknown as ReleaseRecord;

// The orchestrator signs with jose (release-record.ts); the browser checks with WebCrypto alone.
describe("verifyReleaseRecord", () => {
  let signer: ReleaseSigner;
  let jws: string;
  beforeAll(async () => {
    signer = await loadReleaseSigner(join(mkdtempSync(join(tmpdir(), "spe-release-key-")), "key.json"), {
      createIfMissing: true,
    });
    jws = await signReleaseRecord(record, signer);
  });

  it("accepts a record signed by a published key and reads it", async () => {
    const result = await verifyReleaseRecord(jws, [signer.publicJwk as JsonWebKey & { kid: string }]);
    expect(result).toMatchObject({
      valid: true,
      kid: signer.kid,
      record: { requestId: record.requestId, released: [{ path: "per-alder.csv" }] },
    });
  });

  it("refuses a record whose content was changed after signing", async () => {
    const [header, , signature] = jws.split(".");
    const forged = Buffer.from(JSON.stringify({ ...record, title: "Något annat" })).toString("base64url");
    expect(
      await verifyReleaseRecord(`${header}.${forged}.${signature}`, [signer.publicJwk as JsonWebKey & { kid: string }]),
    ).toEqual({ valid: false, reason: "badSignature" });
  });

  it("refuses a record signed with a key that is not published", async () => {
    expect(await verifyReleaseRecord(jws, [])).toEqual({ valid: false, reason: "unknownKey" });
    expect(await verifyReleaseRecord("not-a-jws", [])).toEqual({ valid: false, reason: "notJws" });
  });
});
