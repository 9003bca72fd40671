import { existsSync } from "node:fs";
import { findDataset, parseDescriptor, type DatasetDescriptor } from "../datasets";
import { SpeError } from "../errors";
import { readArgumentFile, UsageError } from "./usage";

/** `--descriptor`: a descriptor file, or `<id>@<version>` of the repository's catalogue. Problems are usage errors. */
export function descriptorArgument(value: string | undefined, command: string): DatasetDescriptor {
  if (!value) throw new UsageError(`${command} needs --descriptor FILE (or ID@VERSION from the catalogue).`);
  try {
    const [id, version] = value.split("@");
    if (!existsSync(value) && id && version) return findDataset(id, version);
    return parseDescriptor(readArgumentFile(value, "descriptor"), value);
  } catch (err) {
    if (err instanceof SpeError) throw new UsageError(`${err.code}: ${err.message}`);
    throw err;
  }
}

/** `--reference-date YYYY-MM-DD`: the day the extract was made (century of 10-digit personnummer); default today. */
export function referenceDateArgument(value: string | undefined): Date | undefined {
  if (value === undefined) return undefined;
  const date = new Date(`${value}T00:00:00Z`);
  if (!/^\d{4}-\d{2}-\d{2}$/.test(value) || Number.isNaN(date.getTime()))
    throw new UsageError(`--reference-date takes a date YYYY-MM-DD, not "${value}".`);
  return date;
}
