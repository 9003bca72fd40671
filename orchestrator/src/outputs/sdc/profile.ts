import { readdirSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { parse as parseYaml } from "yaml";
import { z } from "zod";
import { SpeError } from "../../errors";

/** Where the rule profiles live: plain files in the repository's policies/sdc/, one `<name>.yaml` each. */
export const SDC_PROFILES_DIR = fileURLToPath(new URL("../../../../policies/sdc/", import.meta.url));

/** The same names a permit's `outputPolicy.profile` allows; also keeps a name from reaching outside the folder. */
const PROFILE_NAME = /^[a-z0-9][a-z0-9-]{0,62}$/;

/** A share strictly between 0 and 1 (k of NK-dominance, p of the p-ratio). */
const fraction = z.number().gt(0).lt(1);

export const sdcProfileSchema = z.strictObject({
  name: z.string().regex(PROFILE_NAME, "a lower-case profile name"),
  description: z.string().min(1),
  frequency: z.strictObject({
    /** A count passes when it is at least this (a count below it fails). */
    threshold: z.int().min(1),
    /** Whether a 0 cell fails: it shows that nobody in the group has the attribute (class disclosure). */
    zerosDisclosive: z.boolean(),
    /** When set, every released count must be a multiple of it. */
    roundingBase: z.int().min(2).nullable(),
    /** Cell texts that stand for a suppressed count; such a cell passes. */
    redactedMarkers: z.array(z.string().trim().min(1)),
    /** Category values that mark a total row (any case); such rows must equal the sum of their cells. Empty: not checked. */
    totalLabels: z.array(z.string().trim().min(1)),
  }),
  magnitude: z.strictObject({
    /** A cell passes when at least this many units contributed to it. */
    threshold: z.int().min(1),
    /** A magnitude table carries only the two largest contributions, so n is 1 or 2. */
    nkDominance: z.strictObject({ n: z.union([z.literal(1), z.literal(2)]), k: fraction }),
    pRatio: fraction,
  }),
  regression: z.strictObject({
    /** A model passes when its residual degrees of freedom are at least this. */
    minResidualDf: z.number().positive(),
  }),
});

/** A rule profile: the thresholds the automated disclosure checks apply. */
export type SdcProfile = z.infer<typeof sdcProfileSchema>;

/** Parses a profile file's YAML text; `file` names it in errors. */
export function parseSdcProfile(text: string, file: string): SdcProfile {
  let data: unknown;
  try {
    data = parseYaml(text);
  } catch (err) {
    throw new SpeError("SDC_PROFILE_INVALID", `The SDC profile ${file} is not YAML: ${(err as Error).message}`, {
      cause: err,
    });
  }
  const parsed = sdcProfileSchema.safeParse(data);
  if (!parsed.success) {
    const issues = parsed.error.issues.map((i) => `${i.path.join(".") || "(top)"}: ${i.message}`).join("; ");
    throw new SpeError("SDC_PROFILE_INVALID", `The SDC profile ${file} is invalid: ${issues}`);
  }
  return parsed.data;
}

/**
 * Loads the rule profile `name` (a permit's `outputPolicy.profile`) from policies/sdc/. Throws
 * SDC_PROFILE_NOT_FOUND for an unknown name and SDC_PROFILE_INVALID for a file that does not match the
 * schema or whose `name` is not its file name.
 */
export function loadSdcProfile(name: string, dir = SDC_PROFILES_DIR): SdcProfile {
  if (!PROFILE_NAME.test(name))
    throw new SpeError("SDC_PROFILE_NOT_FOUND", `"${name}" is not a profile name (lower-case letters, digits and -).`);
  const file = join(dir, `${name}.yaml`);
  let text: string;
  try {
    text = readFileSync(file, "utf8");
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code !== "ENOENT") throw err;
    throw new SpeError(
      "SDC_PROFILE_NOT_FOUND",
      `There is no SDC profile "${name}"; known profiles: ${sdcProfileNames(dir).join(", ")}.`,
    );
  }
  const profile = parseSdcProfile(text, `${name}.yaml`);
  if (profile.name !== name)
    throw new SpeError("SDC_PROFILE_INVALID", `The SDC profile ${name}.yaml names itself "${profile.name}".`);
  return profile;
}

/** The names of the profiles in `dir`, sorted. */
export function sdcProfileNames(dir = SDC_PROFILES_DIR): string[] {
  return readdirSync(dir)
    .filter((f) => f.endsWith(".yaml"))
    .map((f) => f.slice(0, -".yaml".length))
    .sort();
}
