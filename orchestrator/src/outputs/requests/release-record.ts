import canonicalize from "canonicalize";
import { CompactSign } from "jose";
import type { SigningKey } from "../../keys/signing-key";
import type { ExportFileRow, ExportRequestRow, ExportVoteRow } from "./export-request-store";

/**
 * The machine-readable record that goes with released files (SATRE 3.3.09): which files, with which
 * hashes, which checks found what, who reviewed them and when. Pure: from the rows to a JSON object.
 */
export function releaseRecord(
  request: ExportRequestRow,
  files: ExportFileRow[],
  votes: ExportVoteRow[],
  releasedAt: Date,
) {
  const votesOn = (f: ExportFileRow) =>
    votes
      .filter((v) => v.path === f.path && v.version === f.version)
      .map((v) => ({ checker: v.checker, vote: v.vote, at: v.castAt.toISOString() }));
  const describe = (f: ExportFileRow) => ({
    path: f.path,
    version: f.version,
    type: f.type,
    sha256: f.sha256,
    // An image leaves re-encoded: the hash of the file as the researcher submitted it, beside the one released.
    ...(f.submittedSha256 !== null && { submittedSha256: f.submittedSha256 }),
    size: f.size,
    checks: { profile: request.profile, status: f.checkStatus },
    decision: f.decision,
    reviews: votesOn(f),
  });
  return {
    type: "spe-release-record",
    version: 1,
    requestId: request.id,
    permitId: request.permitId,
    environment: request.namespace,
    requester: request.requester,
    title: request.title,
    justification: request.justification,
    reviewersRequired: request.reviewersRequired,
    submittedAt: request.submittedAt?.toISOString() ?? null,
    releasedAt: releasedAt.toISOString(),
    released: files.filter((f) => f.decision === "approved").map(describe),
    withheld: files.filter((f) => f.decision !== "approved").map(describe),
  };
}
export type ReleaseRecord = ReturnType<typeof releaseRecord>;

/**
 * The researcher's copy of a release record: the same files, hashes, checks, votes and times, but no
 * checker named (checkers review independently of whom they review). Auditors get the whole.
 */
export function researcherCopy(record: ReleaseRecord) {
  const withoutCheckers = (files: ReleaseRecord["released"]) =>
    files.map((f) => ({ ...f, reviews: f.reviews.map(({ vote, at }) => ({ vote, at })) }));
  return { ...record, released: withoutCheckers(record.released), withheld: withoutCheckers(record.withheld) };
}

/** The orchestrator's key for release records; the public half is published for anyone to verify with. */
/** Release records are signed with a key kept as every signing key is (src/keys/signing-key.ts). */
export type ReleaseSigner = SigningKey;

/** A compact JWS over the record's canonical JSON (RFC 8785), so any verifier sees the same bytes we signed. */
export function signReleaseRecord(
  record: ReleaseRecord | ReturnType<typeof researcherCopy>,
  signer: ReleaseSigner,
): Promise<string> {
  return new CompactSign(new TextEncoder().encode(canonicalize(record)))
    .setProtectedHeader({ alg: "ES256", kid: signer.kid, typ: "spe-release-record+jws", cty: "json" })
    .sign(signer.privateKey);
}
