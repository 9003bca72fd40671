import { readdirSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { SpeError } from "../errors";
import { parseDescriptor, type DatasetDescriptor } from "./descriptor";

/** The repository's catalogue/ folder: one descriptor file (.yaml, .yml or .json) per dataset version. */
export const CATALOGUE_DIR = fileURLToPath(new URL("../../../catalogue/", import.meta.url));

/**
 * Every descriptor in `dir`, sorted by id and version. Throws DESCRIPTOR_INVALID naming the file for a
 * descriptor that does not parse, and for the same id and version described twice.
 */
export function loadCatalogue(dir = CATALOGUE_DIR): DatasetDescriptor[] {
  const files = readdirSync(dir)
    .filter((f) => /\.(ya?ml|json)$/.test(f))
    .sort();
  const seen = new Map<string, string>();
  const descriptors = files.map((file) => {
    const descriptor = parseDescriptor(readFileSync(join(dir, file), "utf8"), file);
    const key = `${descriptor.id}@${descriptor.version}`;
    const other = seen.get(key);
    if (other)
      throw new SpeError(
        "DESCRIPTOR_INVALID",
        `${other} and ${file} both describe ${descriptor.id} version ${descriptor.version}.`,
      );
    seen.set(key, file);
    return descriptor;
  });
  return descriptors.sort((a, b) => a.id.localeCompare(b.id) || a.version.localeCompare(b.version));
}

/** The descriptor of a dataset version (as a permit names it). Throws DATASET_NOT_FOUND naming what there is. */
export function findDataset(
  id: string,
  version: string,
  catalogue: readonly DatasetDescriptor[] = loadCatalogue(),
): DatasetDescriptor {
  const found = catalogue.find((d) => d.id === id && d.version === version);
  if (found) return found;
  const known = catalogue.map((d) => `${d.id}@${d.version}`).join(", ") || "none";
  throw new SpeError("DATASET_NOT_FOUND", `The catalogue has no dataset ${id} version ${version}; it has: ${known}.`);
}
