// Automated disclosure checks over many large tables: frequency and magnitude tables alternating, each of
// --cells cells (rows), generated deterministically in memory before the clock starts (a released table is
// mostly safe: about 2 % of cells are made to fail); only the checks (parse + rules) are timed.
// Usage: npm run bench -- sdc [--tables N] [--cells N] [--quoted]
// --quoted writes every field in quotes, as R's write.csv does, which takes csv-parse instead of the plain
// fast path. Prints figures; the last line is JSON {"tables","tables_per_s","cells_per_s"}.
import { parseArgs } from "node:util";
import { checkOutputFile, type SdcOutputType } from "../src/outputs/sdc/check-file";
import { loadSdcProfile } from "../src/outputs/sdc/profile";

const { values } = parseArgs({
  options: {
    tables: { type: "string", default: "1000" },
    cells: { type: "string", default: "10000" },
    quoted: { type: "boolean", default: false },
  },
});
const tables = Number(values.tables);
const cells = Number(values.cells);
if (!Number.isInteger(tables) || tables < 1 || !Number.isInteger(cells) || cells < 1) {
  console.error("--tables and --cells take positive whole numbers");
  process.exit(2);
}

/** mulberry32: a small seeded generator, so every run checks the same tables. */
function random(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

const field = (v: string | number) => (values.quoted ? `"${v}"` : String(v));
const line = (fields: (string | number)[]) => `${fields.map(field).join(",")}\n`;

/** Category columns of one row: 290 municipalities × 2 sexes × 20 age bands covers 11,600 cells. */
const categories = (i: number) => [
  `kommun-${i % 290}`,
  (i / 290) % 2 < 1 ? "F" : "M",
  `age-${Math.floor(i / 580) % 20}`,
];

function frequencyTable(seed: number): Buffer {
  const next = random(seed);
  let text = line(["kommun", "sex", "age", "count"]);
  for (let i = 0; i < cells; i++)
    text += line([...categories(i), next() < 0.02 ? Math.floor(next() * 10) : 10 + Math.floor(next() ** 2 * 2000)]);
  return Buffer.from(text);
}

function magnitudeTable(seed: number): Buffer {
  const next = random(seed);
  let text = line(["kommun", "sex", "age", "value", "n", "max1", "max2"]);
  for (let i = 0; i < cells; i++) {
    const unsafe = next() < 0.02;
    const n = unsafe ? 1 + Math.floor(next() * 9) : 10 + Math.floor(next() * 200);
    const max1 = 100 + Math.round(next() * 1e6) / 100;
    const max2 = n > 1 ? Math.round(max1 * (0.5 + next() / 2) * 100) / 100 : 0;
    const rest = n > 2 ? Math.round((n - 2) * max2 * (unsafe ? 0.01 : 0.2 + next() * 0.6) * 100) / 100 : 0;
    text += line([...categories(i), (max1 + max2 + rest).toFixed(2), n, max1.toFixed(2), max2.toFixed(2)]);
  }
  return Buffer.from(text);
}

console.error(`Generating ${tables} tables…`);
const generated = Array.from({ length: tables }, (_, t) => ({
  type: (t % 2 === 0 ? "frequency" : "magnitude") as SdcOutputType,
  seed: t + 1,
})).map(({ type, seed }) => ({
  type,
  bytes: type === "frequency" ? frequencyTable(seed) : magnitudeTable(seed),
}));

const profile = loadSdcProfile("default");
const timeByType: Record<string, { ms: number; count: number; bytes: number }> = {
  frequency: { ms: 0, count: 0, bytes: 0 },
  magnitude: { ms: 0, count: 0, bytes: 0 },
};
const statuses: Record<string, number> = {};
let checkedMs = 0;
const cpuBefore = process.cpuUsage();

for (const [t, { type, bytes }] of generated.entries()) {
  const start = performance.now();
  const report = await checkOutputFile({ bytes, type, profile });
  const ms = performance.now() - start;
  checkedMs += ms;
  Object.assign(timeByType[type]!, {
    ms: timeByType[type]!.ms + ms,
    count: timeByType[type]!.count + 1,
    bytes: timeByType[type]!.bytes + bytes.length,
  });
  statuses[report.status] = (statuses[report.status] ?? 0) + 1;
  if ((t + 1) % 100 === 0) console.error(`${t + 1}/${tables} tables checked`);
}

const seconds = checkedMs / 1000;
const tablesPerS = tables / seconds;
const cellsPerS = (tables * cells) / seconds;
const cpu = process.cpuUsage(cpuBefore);
// CPU time beside wall time: on a shared machine the wall clock also counts other processes' turns.
console.log(
  `${tables} tables of ${cells} cells${values.quoted ? " (every field quoted)" : ""}, checked in ${seconds.toFixed(2)} s wall, ${((cpu.user + cpu.system) / 1e6).toFixed(2)} s CPU`,
);
for (const [type, { ms, count, bytes }] of Object.entries(timeByType))
  if (count)
    console.log(
      `  ${type}: ${count} tables, ${(ms / count).toFixed(2)} ms per table, ${(bytes / count / 1024).toFixed(0)} KiB per table`,
    );
console.log(
  `  outcomes: ${Object.entries(statuses)
    .map(([s, n]) => `${n} ${s}`)
    .join(", ")}`,
);
console.log(`  ${tablesPerS.toFixed(1)} tables/s, ${Math.round(cellsPerS).toLocaleString("en")} cells/s`);
console.log(
  JSON.stringify({ tables, tables_per_s: Math.round(tablesPerS * 10) / 10, cells_per_s: Math.round(cellsPerS) }),
);
