import { Readable } from "node:stream";
import { pipeline } from "node:stream/promises";
import { parseArgs } from "node:util";
import { synthRegisterCsv } from "../datasets";
import { EXIT, UsageError } from "./usage";

/** `spe synth register --rows N --seed S > extract.csv`: a synthetic Patientregistret extract on standard output. */
export async function synthRegister(args: string[]): Promise<number> {
  const { values, positionals } = parseArgs({
    args,
    options: { rows: { type: "string", default: "1000" }, seed: { type: "string", default: "1" } },
    allowPositionals: true,
  });
  if (positionals.length > 0) throw new UsageError("spe synth register takes no FILE: it writes to standard output.");
  const rows = Number(values.rows);
  const seed = Number(values.seed);
  if (!Number.isSafeInteger(rows) || rows < 0) throw new UsageError("--rows takes a whole number of at least 0.");
  if (!Number.isSafeInteger(seed) || seed < 0 || seed > 0xffffffff)
    throw new UsageError("--seed takes a whole number from 0 to 4294967295.");
  try {
    await pipeline(Readable.from(synthRegisterCsv({ rows, seed })), process.stdout);
  } catch (err) {
    // A reader that has seen enough (`| head`) is not an error.
    if ((err as NodeJS.ErrnoException).code !== "EPIPE") throw err;
  }
  return EXIT.ok;
}
