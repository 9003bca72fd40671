import type { TFunction } from "i18next";
import { sv } from "../locales/sv";

type Labelled = keyof typeof sv.errors.fields;

/**
 * A field's label key: its schema path without list positions, with slashes for dots (`authorisedPersons[0].email`
 * and `authorisedPersons.0.email` are both `authorisedPersons/email`), since dots separate the words' own keys.
 */
export const fieldKey = (path: string) =>
  path
    .replace(/\[\d+\]/g, "")
    .split(".")
    .filter((segment) => segment !== "" && !/^\d+$/.test(segment))
    .join("/");

/** A field in words ("Skäl", "E-post för en behörig person"); a field without a label keeps its path. */
export function fieldLabel(path: string, t: TFunction): string {
  const key = fieldKey(path);
  return Object.hasOwn(sv.errors.fields, key) ? t(`errors.fields.${key as Labelled}`) : path;
}
