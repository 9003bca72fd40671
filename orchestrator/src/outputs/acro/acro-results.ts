import { z } from "zod";
import { SpeError } from "../../errors";
import { SDC_STATUSES } from "../sdc/combine-status";

/** A file name inside an ACRO output folder: ACRO writes them flat, so no folders and no `..`. */
const fileName = z
  .string()
  .min(1)
  .max(255)
  .refine((n) => !n.includes("/") && !n.includes("\\") && n !== "." && n !== ".." && !n.includes("\0"), {
    message: "a plain file name",
  });

/** One output of an ACRO session as `results.json` (ACRO 1.x) records it. */
const acroOutput = z.object({
  uid: z.string().min(1).max(200),
  status: z.enum(SDC_STATUSES),
  type: z.string().max(100),
  properties: z.record(z.string(), z.unknown()).default({}),
  files: z.array(z.object({ name: fileName, sdc: z.record(z.string(), z.unknown()).default({}) })),
  outcome: z.record(z.string(), z.unknown()).default({}),
  command: z.string().max(10_000).default(""),
  summary: z.string().max(100_000).default(""),
  comments: z.array(z.string().max(10_000)).default([]),
  exception: z.string().max(10_000).default(""),
});

/** ACRO's `results.json`: a version and the session's outputs by uid. */
export const acroResultsSchema = z.object({
  version: z.string().regex(/^1\.\d+\.\d+/, "ACRO 1.x"),
  results: z.record(z.string(), acroOutput),
});
export type AcroResults = z.infer<typeof acroResultsSchema>;
export type AcroOutput = z.infer<typeof acroOutput>;

/** Parses `results.json`; OUTPUT_FILE_UNREADABLE says where it is malformed (paths only, never its text). */
export function parseAcroResults(bytes: Uint8Array): AcroResults {
  let data: unknown;
  try {
    data = JSON.parse(new TextDecoder("utf-8", { fatal: true }).decode(bytes));
  } catch (err) {
    throw new SpeError("OUTPUT_FILE_UNREADABLE", "results.json is not JSON in UTF-8.", { cause: err });
  }
  const parsed = acroResultsSchema.safeParse(data);
  if (!parsed.success) {
    const where = parsed.error.issues
      .slice(0, 5)
      .map((i) => `${i.path.map(String).join(".") || "(top)"}: ${i.message}`)
      .join("; ");
    throw new SpeError("OUTPUT_FILE_UNREADABLE", `results.json is not an ACRO 1.x results file: ${where}.`);
  }
  return parsed.data;
}
