// `npm run bench -- <name> [options]`: runs orchestrator/bench/<name>.ts. Prints figures; the last line is JSON.
import { existsSync, readdirSync } from "node:fs";
import { fileURLToPath } from "node:url";

const benches = fileURLToPath(new URL("../orchestrator/bench/", import.meta.url));
const name = process.argv[2];
const available = readdirSync(benches)
  .filter((f) => f.endsWith(".ts"))
  .map((f) => f.replace(/\.ts$/, ""));
if (!name || !existsSync(`${benches}${name}.ts`)) {
  console.error(`Usage: npm run bench -- <name> [options]\nBenchmarks: ${available.join(", ")}`);
  process.exit(2);
}
process.argv.splice(2, 1);
await import(`${benches}${name}.ts`);
