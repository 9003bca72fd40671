import type { z } from "zod";
import { permitPayloadSchema } from "../permits/permit";
import { appRouter } from "./router";

type Def = {
  type: string;
  shape?: Record<string, z.ZodType>;
  innerType?: z.ZodType;
  element?: z.ZodType;
  in?: z.ZodType;
  out?: z.ZodType;
  options?: z.ZodType[];
  left?: z.ZodType;
  right?: z.ZodType;
  valueType?: z.ZodType;
};
type Procedure = { _def: { inputs: z.ZodType[] } };
const defOf = (schema: z.ZodType) => (schema as unknown as { _zod: { def: Def } })._zod.def;

/**
 * Every field path a schema can name in an issue, without list positions (`authorisedPersons.email`, as
 * `authorisedPersons[0].email` and `files.0.path` read once the numbers are gone).
 */
export function fieldPaths(schema: z.ZodType, at = ""): string[] {
  const def = defOf(schema);
  const inner = def.innerType ?? def.element ?? def.valueType;
  if (def.type === "object" && def.shape)
    return Object.entries(def.shape).flatMap(([key, field]) => {
      const path = at ? `${at}.${key}` : key;
      return [path, ...fieldPaths(field, path)];
    });
  if (inner) return fieldPaths(inner, at);
  if (def.type === "pipe") return [...fieldPaths(def.in!, at), ...fieldPaths(def.out!, at)];
  if (def.type === "union") return def.options!.flatMap((option) => fieldPaths(option, at));
  if (def.type === "intersection") return [...fieldPaths(def.left!, at), ...fieldPaths(def.right!, at)];
  return [];
}

/**
 * The fields a person can get wrong and be told of by name: every input of the UI's API and every field of a
 * signed permit. The UI's test finds a label for each in every language.
 */
export function inputFieldPaths(): string[] {
  // At run time `procedures` is flat, one entry a path ("audit.events"); its type nests them as the router does.
  const procedures = Object.values(appRouter._def.procedures as unknown as Record<string, Procedure>);
  const inputs = procedures.flatMap((procedure) => procedure._def.inputs.flatMap((input) => fieldPaths(input)));
  return [...new Set([...inputs, ...fieldPaths(permitPayloadSchema)])].sort();
}
