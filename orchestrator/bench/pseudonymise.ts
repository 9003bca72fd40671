// A synthetic Patientregistret extract → validated, pseudonymised Parquet with its manifest, end to end.
// Usage: npm run bench -- pseudonymise [--rows N] [--seed S] [--keep] [--no-copy]
// The pipeline runs in a child process of its own, so that its peak RSS is the pipeline's alone (Node and
// DuckDB); `sha256sum` over the same file is the floor: reading the bytes once, and nothing more.
// The engine's own floor comes after (unless --no-copy): DuckDB only converting the same file to Parquet —
// same reader, same writer, no checks, no pseudonyms. Indicative, not a strict bound: it writes every column
// as text, where the pipeline writes dates and numbers typed (cheaper) and 64-character pseudonyms (dearer).
import { spawn, spawnSync } from "node:child_process";
import { randomBytes } from "node:crypto";
import { createWriteStream, mkdtempSync, rmSync, statSync } from "node:fs";
import { availableParallelism, loadavg, tmpdir } from "node:os";
import { join } from "node:path";
import { Readable } from "node:stream";
import { pipeline } from "node:stream/promises";
import { fileURLToPath } from "node:url";
import { parseArgs } from "node:util";
import { findDataset } from "../src/datasets/catalogue";
import { withDuckDb } from "../src/datasets/duckdb-session";
import { ident, inspectExtract, sourceRelation, sqlString } from "../src/datasets/extract-file";
import { pseudonymiseExtract } from "../src/datasets/pseudonymise-extract";
import { synthRegisterCsv } from "../src/datasets/synth-register";

/** What the --copy child measures: DuckDB converting the file, nothing else. */
interface CopyResult {
  seconds: number;
  cpuSeconds: number;
}

interface ChildResult {
  rows: number;
  seconds: number;
  cpuSeconds: number;
  maxRssMb: number;
  steps: Record<string, number>;
  /** CPU seconds (every thread of the process: Node, its workers, DuckDB) per step. */
  stepsCpu: Record<string, number>;
  distinctIdentifiers: number;
  outputBytes: number;
}

const { values } = parseArgs({
  options: {
    rows: { type: "string", default: "10000000" },
    seed: { type: "string", default: "1" },
    keep: { type: "boolean" },
    "no-copy": { type: "boolean" },
    child: { type: "string" },
    copy: { type: "string" },
  },
});
const descriptor = findDataset("patientregistret", "2026-09");

if (values.copy) {
  // The engine's floor: the kept columns as read, written as the pipeline writes (snappy, any row order).
  const [input, output] = JSON.parse(values.copy) as [string, string];
  const cpuBefore = process.cpuUsage();
  const started = performance.now();
  await withDuckDb(async (conn) => {
    const file = await inspectExtract(input, descriptor, conn);
    const kept = descriptor.columns.filter((c) => c.role !== "drop").map((c) => ident(c.name));
    await conn.run("SET preserve_insertion_order = false");
    await conn.run(
      `COPY (SELECT ${kept.join(", ")} FROM ${sourceRelation(file, descriptor)}) TO ${sqlString(output)} (FORMAT parquet, COMPRESSION snappy)`,
    );
  });
  const { user, system } = process.cpuUsage(cpuBefore);
  const result: CopyResult = { seconds: (performance.now() - started) / 1000, cpuSeconds: (user + system) / 1e6 };
  console.log(JSON.stringify(result));
  process.exit(0);
}

if (values.child) {
  // The measured run: input, output folder and hex master key come from the parent.
  const [input, outputDir, key] = JSON.parse(values.child) as [string, string, string];
  const steps: Record<string, number> = {};
  const stepsCpu: Record<string, number> = {};
  const cpuSeconds = () => {
    const { user, system } = process.cpuUsage();
    return (user + system) / 1e6;
  };
  let cpuBefore = cpuSeconds();
  const cpuAtStart = cpuBefore;
  const started = performance.now();
  const manifest = await pseudonymiseExtract({
    input,
    outputDir,
    descriptor,
    permitId: "SE-BENCH-1",
    masterKey: Buffer.from(key, "hex"),
    onStep: (step, seconds) => {
      const now = cpuSeconds();
      steps[step] = seconds;
      stepsCpu[step] = now - cpuBefore;
      cpuBefore = now;
    },
  });
  const result: ChildResult = {
    rows: manifest.rows,
    seconds: (performance.now() - started) / 1000,
    cpuSeconds: cpuSeconds() - cpuAtStart,
    maxRssMb: process.resourceUsage().maxRSS / 1024,
    steps,
    stepsCpu,
    distinctIdentifiers: manifest.pseudonymisation.distinctIdentifiers,
    outputBytes: manifest.files.reduce((n, f) => n + f.bytes, 0),
  };
  console.log(JSON.stringify(result));
  process.exit(0);
}

const rows = Number(values.rows);
const seed = Number(values.seed);
if (!Number.isSafeInteger(rows) || rows < 1 || !Number.isSafeInteger(seed) || seed < 0) {
  console.error("--rows takes a positive whole number, --seed a whole number");
  process.exit(2);
}

const dir = mkdtempSync(join(tmpdir(), "spe-bench-pseudonymise-"));
try {
  const input = join(dir, "patientregistret.csv");
  let t = performance.now();
  await pipeline(Readable.from(synthRegisterCsv({ rows, seed })), createWriteStream(input));
  // The kernel would still be writing the new file out while the runs below are timed.
  spawnSync("sync");
  const bytes = statSync(input).size;
  const mb = bytes / 1e6;
  console.log(`Synthesised ${rows} rows (${mb.toFixed(0)} MB) in ${((performance.now() - t) / 1000).toFixed(1)} s.`);

  t = performance.now();
  const floor = spawnSync("sha256sum", [input], { stdio: ["ignore", "ignore", "inherit"] });
  const floorS = (performance.now() - t) / 1000;
  if (floor.status !== 0) throw new Error("sha256sum failed");
  console.log(`Floor: sha256sum read it in ${floorS.toFixed(2)} s (${(mb / floorS).toFixed(0)} MB/s).`);

  const loadBefore = loadavg()[0]!;
  const child = await runChild<ChildResult>("--child", [input, join(dir, "out"), randomBytes(32).toString("hex")]);
  const steps = Object.entries(child.steps)
    .map(([k, v]) => `${k} ${v.toFixed(1)} s, CPU ${child.stepsCpu[k]!.toFixed(1)} s`)
    .join("; ");
  console.log(
    `Pseudonymised ${child.rows} rows (${child.distinctIdentifiers} distinct personnummer) in ${child.seconds.toFixed(2)} s (${steps}); ` +
      `${(child.rows / child.seconds).toFixed(0)} rows/s, ${(mb / child.seconds).toFixed(0)} MB/s, ${(child.seconds / floorS).toFixed(1)}× the floor; ` +
      `CPU ${child.cpuSeconds.toFixed(1)} s on ${availableParallelism()} cores (load average before the run ${loadBefore.toFixed(1)}); peak RSS ${child.maxRssMb.toFixed(0)} MB; Parquet ${(child.outputBytes / 1e6).toFixed(0)} MB.`,
  );
  let copy: CopyResult | undefined;
  if (!values["no-copy"]) {
    copy = await runChild<CopyResult>("--copy", [input, join(dir, "copy.parquet")]);
    console.log(
      `Engine floor: DuckDB only converting the file to Parquet (no checks, no pseudonyms) took ${copy.seconds.toFixed(2)} s ` +
        `(${(child.rows / copy.seconds).toFixed(0)} rows/s), CPU ${copy.cpuSeconds.toFixed(1)} s; the pipeline took ${(child.seconds / copy.seconds).toFixed(2)}× that.`,
    );
  }
  console.log(
    JSON.stringify({
      rows: child.rows,
      total_s: round(child.seconds),
      rows_per_s: Math.round(child.rows / child.seconds),
      mb_per_s: round(mb / child.seconds),
      peak_rss_mb: Math.round(child.maxRssMb),
      floor_s: round(floorS),
      cpu_s: round(child.cpuSeconds),
      ...(copy && { copy_s: round(copy.seconds) }),
    }),
  );
} finally {
  if (values.keep) console.error(`Kept ${dir}`);
  else rmSync(dir, { recursive: true, force: true });
}

function runChild<T>(mode: "--child" | "--copy", args: string[]): Promise<T> {
  const self = fileURLToPath(import.meta.url);
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [...process.execArgv, self, mode, JSON.stringify(args)], {
      stdio: ["ignore", "pipe", "inherit"],
    });
    let out = "";
    child.stdout.on("data", (d: Buffer) => (out += d.toString()));
    child.on("error", reject);
    child.on("close", (code) =>
      code === 0
        ? resolve(JSON.parse(out.trim().split("\n").pop()!) as T)
        : reject(new Error(`The ${mode === "--copy" ? "engine floor's conversion" : "pipeline"} exited with ${code}`)),
    );
  });
}

function round(x: number): number {
  return Math.round(x * 100) / 100;
}
