import { spawnSync } from "node:child_process";
import { createHash } from "node:crypto";
import { cpSync, existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startAirlockAgent, type AirlockAgentProcess } from "../../../test/airlock-agent-process";
import type { CookieClient } from "../../../test/cookie-client";
import { insertEnvironment } from "../../../test/environment-rows";
import { startStack, type Stack } from "../../../test/stack";
import { callTrpc } from "../../../test/trpc-call";
import { examplePermit } from "../../permits/test-fixtures";

const MAKE = fileURLToPath(new URL("./make-acro-output.py", import.meta.url));
/** The real ACRO library (`pip install acro==1.0.2`); without it these tests skip. */
const acroMissing = spawnSync("python3", ["-c", "import acro"], { encoding: "utf8" }).status !== 0;

type FileSeen = {
  path: string;
  type: string;
  sha256: string | null;
  checkStatus: string;
  checkReport: { checks: Array<{ name: string; status: string }>; cells: unknown[]; acro?: Record<string, unknown> };
};

describe.skipIf(acroMissing)("an ACRO output folder as one export request (ACRO 1.0.2, a real airlock agent)", () => {
  let made: string;
  let outbox: string;
  let agent: AirlockAgentProcess;
  let stack: Stack;
  let namespace: string;
  let alice: CookieClient, karin: CookieClient;
  const call = (who: CookieClient, path: string, input?: unknown, method: "GET" | "POST" = "POST") =>
    callTrpc(who, stack.appUrl, path, input, method);
  const quarantined = () =>
    existsSync(join(stack.config.DATA_DIR, "quarantine")) ? readdirSync(join(stack.config.DATA_DIR, "quarantine")) : [];
  /** A copy of the folder ACRO made, under `name` in the outbox. */
  const putFolder = (name: string) => {
    cpSync(made, join(outbox, name), { recursive: true });
    return join(outbox, name);
  };
  const create = (folder: string) =>
    call(alice, "exports.create", {
      namespace,
      title: "Patients by region and sex; cost by age",
      justification: "A crosstab and a regression from the ACRO session, for the paper's tables 1 and 2.",
      files: [{ path: folder, type: "acro" }],
    });

  beforeAll(async () => {
    made = join(mkdtempSync(join(tmpdir(), "spe-acro-")), "out");
    const python = spawnSync("python3", [MAKE, made], { encoding: "utf8", timeout: 120_000 });
    expect(python.status, python.stderr).toBe(0);
    outbox = mkdtempSync(join(tmpdir(), "spe-outbox-"));
    agent = await startAirlockAgent(outbox);
    stack = await startStack({ AIRLOCK_AGENT_URL: agent.url });
    namespace = await insertEnvironment(
      stack.services.database.db,
      examplePermit({ permitId: `SE-ACRO-${Date.now().toString(36)}` }),
    );
    [alice, karin] = [await stack.signIn("alice"), await stack.signIn("karin")];
  }, 180_000);
  afterAll(async () => {
    await stack?.stop();
    await agent?.stop();
    rmSync(outbox, { recursive: true, force: true });
  });

  it("makes the folder's outputs the request's files, verified, with ACRO's evidence beside our checks", async () => {
    putFolder("acro-session");
    const created = await create("acro-session");
    expect(created.error).toBeUndefined();
    const id = (created.data as { id: string }).id;
    const submitted = await call(alice, "exports.submit", { id });
    expect(submitted.error).toBeUndefined();

    const seen = (await call(karin, "reviews.get", { id }, "GET")).data as { files: FileSeen[] };
    // ACRO's bookkeeping never leaves: the request holds only the outputs, each as quarantined and verified.
    expect(seen.files.map((f) => f.path)).toEqual([
      "acro-session/output_0_0.csv",
      "acro-session/output_1_0.csv",
      "acro-session/output_1_1.csv",
      "acro-session/output_1_2.csv",
    ]);
    const folder = join(outbox, "acro-session");
    const hashOf = (name: string) => readFileSync(join(folder, "checksums", `${name}.txt`), "utf8").trim();
    expect(seen.files.map((f) => f.sha256)).toEqual(seen.files.map((f) => hashOf(f.path.split("/")[1]!)));
    const kept = quarantined();
    const bytesHash = (name: string) =>
      createHash("sha256")
        .update(readFileSync(join(folder, name)))
        .digest("hex");
    for (const own of ["results.json", "config.json", "session_summary.json", "checksums/output_0_0.csv.txt"])
      expect(kept).not.toContain(bytesHash(own));

    const [crosstab, regression] = seen.files;
    // ACRO suppressed the east/F cell and asks for an exception; our long recheck passes: they disagree.
    expect(crosstab).toMatchObject({
      type: "acro",
      checkStatus: "review",
      checkReport: {
        acro: {
          version: "1.0.2",
          folder: "acro-session",
          uid: "output_0",
          status: "review",
          flaggedCells: 1,
          exception: expect.stringContaining("east region"),
          comments: ["Counts of patients by region and sex."],
          ours: { status: "pass", method: "crosstab" },
          disagree: true,
          laxer: [],
        },
      },
    });
    expect(crosstab!.checkReport.checks.map((c) => `${c.name}:${c.status}`)).toEqual([
      "threshold:pass",
      "zeros:pass",
      "formula-cells:pass",
      "acro-status:review",
      "acro-config:pass",
    ]);
    expect(regression).toMatchObject({
      checkStatus: "pass",
      checkReport: { acro: { uid: "output_1", status: "pass", ours: { status: "pass", method: "regression" } } },
    });
    expect(regression!.checkReport.checks.map((c) => `${c.name}:${c.status}`)).toEqual([
      "residual-df:pass",
      "formula-cells:pass",
      "acro-status:pass",
      "acro-config:pass",
    ]);
    // The researcher's own page carries our checks, not the evidence kept for checkers.
    const mine = (await call(alice, "exports.get", { id }, "GET")).data as { files: FileSeen[] };
    expect(mine.files[0]!.checkReport.acro).toBeUndefined();
  });

  it("flags a session whose risk appetite is laxer than the permit's profile, and still applies the profile", async () => {
    const folder = putFolder("acro-lax");
    const config = JSON.parse(readFileSync(join(folder, "config.json"), "utf8")) as Record<string, unknown>;
    writeFileSync(join(folder, "config.json"), JSON.stringify({ ...config, safe_threshold: 3 }));
    const id = ((await create("acro-lax")).data as { id: string }).id;
    expect((await call(alice, "exports.submit", { id })).error).toBeUndefined();
    const seen = (await call(karin, "reviews.get", { id }, "GET")).data as { files: FileSeen[] };
    expect(seen.files[1]).toMatchObject({
      checkStatus: "review",
      checkReport: { acro: { laxer: [{ setting: "safe_threshold", acro: 3, profile: 10 }] } },
    });
    expect(seen.files[1]!.checkReport.checks.at(-1)).toMatchObject({
      name: "acro-config",
      status: "review",
      message: expect.stringContaining("(safe_threshold)"),
    });
  });

  it.each([
    [
      "an output changed after finalise",
      (folder: string) => writeFileSync(join(folder, "output_0_0.csv"), "region,F,M\neast,3,36\n"),
      /acro-spoilt-0: output_0_0\.csv does not match its checksum/,
    ],
    [
      "a malformed results.json",
      (folder: string) => {
        const bytes = '{"version":"1.0.2","results":{"x":{}}}';
        writeFileSync(join(folder, "results.json"), bytes);
        const hash = spawnSync("sha256sum", [join(folder, "results.json")], { encoding: "utf8" }).stdout.split(" ")[0];
        writeFileSync(join(folder, "checksums", "results.json.txt"), hash!);
      },
      /not an ACRO 1\.x results file: results\.x\.uid/,
    ],
    [
      "a file results.json does not list",
      (folder: string) => writeFileSync(join(folder, "extra.csv"), "region,count\nnorth,120\n"),
      /extra\.csv is in the ACRO folder but its results\.json does not list it/,
    ],
  ])("refuses a folder with %s, saying what is wrong, and keeps nothing", async (_, spoil, message) => {
    const name = `acro-spoilt-${readdirSync(outbox).filter((n) => n.startsWith("acro-spoilt")).length}`;
    spoil(putFolder(name));
    const before = quarantined();
    const id = ((await create(name)).data as { id: string }).id;
    const refused = await call(alice, "exports.submit", { id });
    expect(refused.error?.data.speCode).toBe("EXPORT_FILE_REFUSED");
    expect(refused.error?.message).toMatch(message);
    expect(quarantined().sort()).toEqual(before.sort());
    const draft = (await call(alice, "exports.get", { id }, "GET")).data as { state: string; files: FileSeen[] };
    expect(draft.state).toBe("draft");
    expect(draft.files.every((f) => f.sha256 === null)).toBe(true);
  });

  it("refuses a folder that is not an ACRO output before anything is made", async () => {
    writeFileSync(join(outbox, "plain.csv"), "region,count\nnorth,120\n");
    mkdirSync(join(outbox, "not-acro"));
    cpSync(join(made, "output_0_0.csv"), join(outbox, "not-acro", "output_0_0.csv"));
    const refused = await create("not-acro");
    expect(refused.error?.data.speCode).toBe("EXPORT_FILE_REFUSED");
    expect(refused.error?.message).toMatch(/not-acro is not an ACRO output folder: it has no results\.json/);
  });
});
