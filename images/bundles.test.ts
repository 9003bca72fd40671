import { spawn, spawnSync } from "node:child_process";
import { mkdirSync, mkdtempSync, readdirSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { bundleProgram } from "./bundle-program";
import { PROGRAMS } from "./programs";

// Each bundle runs from a folder outside the repository, as in an image: no node_modules but its own, and
// data files only where the bundle put them. A program that needs a file or package the bundle lacks fails here.
let work: string;
beforeAll(() => {
  work = mkdtempSync(join(tmpdir(), "spe-bundles-"));
});
afterAll(() => rmSync(work, { recursive: true, force: true }));

async function bundled(name: keyof typeof PROGRAMS, program = PROGRAMS[name]): Promise<string> {
  const out = join(work, name);
  await bundleProgram(program, out, out);
  return join(out, "bin", program.bundle);
}

const run = (bundle: string, args: string[], env: Record<string, string> = {}) =>
  spawnSync(process.execPath, [bundle, ...args], {
    encoding: "utf8",
    env: { PATH: process.env.PATH ?? "", ...env },
    timeout: 30_000,
  });

describe("bundled programs", () => {
  it("the airlock agent serves an outbox", async () => {
    const bundle = await bundled("airlock-agent");
    const outbox = join(work, "outbox");
    mkdirSync(outbox);
    writeFileSync(join(outbox, "table.csv"), "region;count\nA;12\n");
    const agent = spawn(process.execPath, [bundle], {
      env: { OUTBOX_DIR: outbox, PORT: "0", HOST: "127.0.0.1" },
      stdio: ["ignore", "pipe", "inherit"],
    });
    try {
      const started = await new Promise<{ port: number }>((resolve, reject) => {
        agent.stdout.once("data", (line: Buffer) => resolve(JSON.parse(line.toString()) as { port: number }));
        agent.once("exit", (code) => reject(new Error(`the agent exited with ${code}`)));
      });
      const files = await fetch(`http://127.0.0.1:${started.port}/files`).then((r) => r.json());
      expect(files).toEqual([expect.objectContaining({ path: "table.csv", size: 18 })]);
    } finally {
      agent.kill();
    }
  });

  it("the workspace's spe checks an output file with the profiles the bundle carries, and offers nothing else", async () => {
    const bundle = await bundled("spe-workspace");
    const table = join(work, "frequency.csv");
    writeFileSync(table, "region;count\nA;12\nB;3\n");
    const checked = run(bundle, ["output", "check", table, "--type", "frequency", "--json"]);
    expect(checked.status).toBe(1);
    expect(JSON.parse(checked.stdout)).toMatchObject({
      status: "fail",
      cells: [{ row: 2, column: "count", status: "fail" }],
    });
    const other = run(bundle, ["permit", "sign", "--key", "k.jwk", "p.json"]);
    expect(other.status).toBe(2);
    expect(other.stderr).toContain("Unknown command in a workspace: spe permit sign");
  });

  it("the data loader refuses to start without the Job's environment, naming what is missing", async () => {
    const loader = run(await bundled("data-loader"), []);
    expect(loader.status).toBe(2);
    expect(loader.stderr).toMatch(/SPE_STAGING_URL.*SPE_STAGED|SPE_STAGED.*SPE_STAGING_URL/);
  });

  it("the orchestrator loads every module (DuckDB's addon, PGlite, sharp) and carries only the packages that cannot be bundled", async () => {
    // The built UI is only served, never imported: a checkout without it still bundles.
    const program = {
      ...PROGRAMS.orchestrator,
      assets: PROGRAMS.orchestrator.assets.filter((a) => a !== "workspace-ui/dist"),
    };
    const bundle = await bundled("orchestrator", program);
    const orchestrator = run(bundle, [], { NODE_ENV: "production" });
    expect(orchestrator.stderr).toContain("CONFIG_INVALID");
    expect(orchestrator.stderr).toContain("PSEUDONYMISATION_KEY_FILE: is required in production");
    expect(orchestrator.status).toBe(1);
    const packages = readdirSync(join(work, "orchestrator", "node_modules")).sort();
    expect(packages).toEqual(["@duckdb", "@electric-sql", "@img", "detect-libc", "semver", "sharp", "swagger-ui-dist"]);
  });
});
