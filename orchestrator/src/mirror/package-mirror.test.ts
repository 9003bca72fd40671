// The package mirror against the real PyPI, with the real pip: an allowlisted project installs with pip unchanged
// (pointed at the mirror by PIP_INDEX_URL alone), another is refused before the upstream hears its name, a file
// that does not hash to what the upstream index states is never completed, and each is in the audit log.
import { execFile } from "node:child_process";
import { mkdtemp, rm } from "node:fs/promises";
import { randomBytes } from "node:crypto";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { promisify } from "node:util";
import type { FastifyInstance } from "fastify";
import { and, eq } from "drizzle-orm";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { openDatabase, type Database } from "../db/database";
import { auditEvents } from "../db/schema";
import { workspaceIdentities } from "../gateway/workspace-identities";
import { examplePermit } from "../permits/test-fixtures";
import { insertEnvironment } from "../../test/environment-rows";
import { databaseMirrorClients, mirrorCredential } from "./mirror-clients";
import { buildPackageMirror } from "./package-mirror";
import { pypiUpstream } from "./pypi-upstream";

const run = promisify(execFile);
const PYPI = "https://pypi.org/simple/";
// Small, pure Python and without dependencies: one wheel from the real PyPI.
const ALLOWED = "six";

describe("the package mirror, against the real PyPI", () => {
  let database: Database;
  let mirror: FastifyInstance;
  let origin: string;
  let namespace: string;
  let folder: string;
  const identities = workspaceIdentities(randomBytes(32));
  /** Every URL the mirror asked of the upstream, in order: its one way out. */
  const upstreamAsked: string[] = [];
  let tamper = false;

  const indexUrl = (subject: string) => {
    const { username, password } = mirrorCredential(identities, namespace, identities.personIdOf(namespace, subject));
    return `http://${username}:${password}@${origin.slice("http://".length)}/simple/`;
  };
  /** What the mirror answers a person's workspace, with the credential pip takes out of the index URL. */
  const mirrorGet = (subject: string, path: string, password?: string) => {
    const credential = mirrorCredential(identities, namespace, identities.personIdOf(namespace, subject));
    const basic = Buffer.from(`${credential.username}:${password ?? credential.password}`).toString("base64");
    return fetch(`${origin}${path}`, { headers: { authorization: `Basic ${basic}` } });
  };
  const pip = (subject: string, ...args: string[]) =>
    run("python3", ["-m", "pip", ...args], {
      env: {
        PATH: process.env.PATH,
        HOME: folder,
        PIP_INDEX_URL: indexUrl(subject),
        PIP_CONFIG_FILE: "/dev/null",
        PIP_DISABLE_PIP_VERSION_CHECK: "1",
        PIP_NO_CACHE_DIR: "1",
        PIP_NO_INPUT: "1",
      },
    }).then(
      ({ stdout, stderr }) => ({ code: 0, output: stdout + stderr }),
      (err: { code: number; stdout: string; stderr: string }) => ({ code: err.code, output: err.stdout + err.stderr }),
    );
  const events = (action: string) =>
    database.db
      .select()
      .from(auditEvents)
      .where(and(eq(auditEvents.action, action), eq(auditEvents.target, `environment:${namespace}`)));

  beforeAll(async () => {
    folder = await mkdtemp(join(tmpdir(), "spe-mirror-"));
    database = await openDatabase({ memory: true });
    const bob = { subject: "bob", name: "Bob Berg", email: "bob@uni.example" };
    const permit = examplePermit({ permitId: `SE-MIRROR-${Date.now().toString(36)}` });
    namespace = await insertEnvironment(database.db, {
      ...permit,
      authorisedPersons: [...permit.authorisedPersons, bob],
      environment: { ...permit.environment, software: "allowlisted" },
    });
    const recordingFetch: typeof fetch = async (input, init) => {
      const url = input instanceof Request ? input.url : String(input);
      upstreamAsked.push(url);
      const res = await fetch(input, init);
      if (!tamper || !url.endsWith(".whl")) return res;
      // A file changed on its way from the upstream (a compromised mirror or proxy): same length, one byte off.
      const bytes = new Uint8Array(await res.arrayBuffer());
      bytes[bytes.length >> 1]! ^= 1;
      return new Response(bytes, { status: res.status, headers: res.headers });
    };
    mirror = await buildPackageMirror({
      config: { LOG_LEVEL: "silent" },
      db: database.db,
      allowlist: { names: () => Promise.resolve([ALLOWED]) },
      upstream: pypiUpstream(PYPI, recordingFetch),
      clients: databaseMirrorClients(database.db, identities),
    });
    origin = await mirror.listen({ host: "127.0.0.1", port: 0 });
  });
  afterAll(async () => {
    await mirror?.close();
    await database?.close();
    if (folder) await rm(folder, { recursive: true, force: true });
  });

  it("installs an allowlisted project with pip unchanged, and records the file for the person", async () => {
    const target = join(folder, "site-alice");
    const result = await pip("alice", "install", "--target", target, `${ALLOWED}==1.16.0`);
    expect(result.output).toContain("Successfully installed six-1.16.0");
    const { stdout } = await run("python3", ["-c", "import six; print(six.__version__)"], {
      env: { PATH: process.env.PATH, PYTHONPATH: target },
    });
    expect(stdout.trim()).toBe("1.16.0");

    const [served] = await events("mirror.file-served");
    expect(served).toMatchObject({
      actorSubject: "alice",
      actorRole: "researcher",
      details: {
        project: "six",
        version: "1.16.0",
        file: "six-1.16.0-py2.py3-none-any.whl",
        permitId: expect.any(String),
      },
    });
    // The hash recorded is the one the upstream index states for that file, which the mirror's page carries too.
    const page = await (await mirrorGet("alice", "/simple/six/")).text();
    const stated = /six-1\.16\.0-py2\.py3-none-any\.whl#sha256=([0-9a-f]{64})/.exec(page)?.[1];
    expect(stated).toMatch(/^[0-9a-f]{64}$/);
    expect(served!.details).toMatchObject({ sha256: stated });
  });

  it("refuses a name not on the allowlist before the upstream hears it, and records who asked", async () => {
    const madeUp = `spe-exfil-${randomBytes(6).toString("hex")}`;
    const asked = upstreamAsked.length;
    const result = await pip("bob", "install", "--target", join(folder, "site-bob"), madeUp);
    expect(result.code).not.toBe(0);
    expect(result.output).toContain(`No matching distribution found for ${madeUp}`);
    expect(upstreamAsked.length).toBe(asked);
    expect(upstreamAsked.some((url) => url.includes(madeUp))).toBe(false);
    const refused = (await events("mirror.package-refused")).filter((e) => e.details.project === madeUp);
    expect(refused).toHaveLength(1);
    expect(refused[0]).toMatchObject({ actorSubject: "bob" });
    // What pip does not show, the mirror says to whoever reads its answer.
    const res = await mirrorGet("bob", `/simple/${madeUp}/`);
    expect(res.status).toBe(404);
    expect(await res.text()).toContain("Ask your environment's operators to add it");
  });

  it("serves nothing and asks nothing upstream without a workspace's credential", async () => {
    const asked = upstreamAsked.length;
    expect((await fetch(`${origin}/simple/six/`)).status).toBe(401);
    expect((await mirrorGet("alice", "/simple/six/", "0".repeat(64))).status).toBe(401);
    expect((await mirrorGet("carol", "/simple/six/")).status).toBe(401);
    // A permit that does not allow installs: its persons' credentials open nothing, though the key made them.
    const closed = await insertEnvironment(
      database.db,
      examplePermit({ permitId: `SE-NOSW-${Date.now().toString(36)}` }),
    );
    const credential = mirrorCredential(identities, closed, identities.personIdOf(closed, "alice"));
    const basic = Buffer.from(`${credential.username}:${credential.password}`).toString("base64");
    const res = await fetch(`${origin}/simple/six/`, { headers: { authorization: `Basic ${basic}` } });
    expect(res.status).toBe(401);
    expect(upstreamAsked.length).toBe(asked);
  });

  it("never completes a file that does not hash to what the upstream index states", async () => {
    tamper = true;
    try {
      const served = (await events("mirror.file-served")).length;
      const result = await pip("alice", "download", "--no-deps", "-d", join(folder, "tampered"), `${ALLOWED}==1.16.0`);
      expect(result.code).not.toBe(0);
      expect((await events("mirror.file-served")).length).toBe(served);
    } finally {
      tamper = false;
    }
  });
});
