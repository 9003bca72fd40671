import { parse as parseYaml } from "yaml";
import { z } from "zod";
import { SpeError } from "../errors";

/**
 * What happens to a column on its way into an environment:
 * - `direct-identifier`: a personnummer or samordningsnummer, replaced by its keyed pseudonym;
 * - `drop`: removed (names, addresses);
 * - `quasi-identifier`: kept, but flagged for disclosure control (sex, birth date, county);
 * - `attribute`: kept.
 */
export const COLUMN_ROLES = ["direct-identifier", "drop", "quasi-identifier", "attribute"] as const;
export type ColumnRole = (typeof COLUMN_ROLES)[number];

/** Plain names only: they go into SQL and into researchers' code, and never need quoting rules. */
const columnName = z
  .string()
  .regex(/^[A-Za-z_][A-Za-z0-9_]{0,62}$/, "a column name of letters, digits and _ (at most 63)");

const common = {
  name: columnName,
  role: z.enum(COLUMN_ROLES),
  nullable: z.boolean().default(false),
  description: z.string().optional(),
};

const stringColumn = z.strictObject({
  ...common,
  type: z.literal("string"),
  /** A regular expression the whole value must match (DuckDB/RE2 syntax). */
  pattern: z.string().min(1).optional(),
  /** The only values allowed. */
  values: z.array(z.string()).min(1).optional(),
  maxLength: z.int().min(1).optional(),
});
const integerColumn = z.strictObject({
  ...common,
  type: z.literal("integer"),
  min: z.int().optional(),
  max: z.int().optional(),
});
const decimalColumn = z.strictObject({
  ...common,
  type: z.literal("decimal"),
  min: z.number().optional(),
  max: z.number().optional(),
});
const dateColumn = z.strictObject({
  ...common,
  type: z.literal("date"),
  format: z.enum(["YYYYMMDD", "YYYY-MM-DD"]).default("YYYYMMDD"),
});
/** A Swedish personnummer or samordningsnummer, in any usual form (see personnummer.ts). */
const personnummerColumn = z.strictObject({
  ...common,
  type: z.literal("personnummer"),
  /** The name of the pseudonym column in the output; by default `<name>_PSEUDONYM`. */
  pseudonymColumn: columnName.optional(),
});

const column = z.discriminatedUnion("type", [
  stringColumn,
  integerColumn,
  decimalColumn,
  dateColumn,
  personnummerColumn,
]);

/**
 * A dataset descriptor: one file in catalogue/ per dataset version. It says what an extract of the dataset
 * must look like (columns, types, format) and what happens to each column on its way in.
 */
export const datasetDescriptorSchema = z
  .strictObject({
    id: z
      .string()
      .regex(/^[a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?$/, "a lower-case identifier of letters, digits and dashes"),
    version: z.string().regex(/^[A-Za-z0-9][A-Za-z0-9._-]{0,62}$/, "letters, digits, dots, dashes or underscores"),
    title: z.string().min(1),
    holder: z.string().min(1).optional(),
    /** The data holders' OAuth client ids that may deliver this dataset through the API. */
    deliveredBy: z.array(z.string().min(1)).optional(),
    description: z.string().optional(),
    format: z
      .strictObject({
        delimiter: z.string().length(1).default(";"),
        encoding: z.enum(["utf-8", "latin-1"]).default("utf-8"),
      })
      .prefault({}),
    columns: z.array(column).min(1),
    /** Columns whose values together must be unique; identifiers compare by their canonical form. */
    primaryKey: z.array(columnName).min(1).optional(),
  })
  .superRefine((d, ctx) => {
    const seen = new Map<string, number>();
    d.columns.forEach((c, i) => {
      const clash = seen.get(c.name.toLowerCase());
      if (clash !== undefined)
        ctx.addIssue({
          code: "custom",
          path: ["columns", i, "name"],
          message: `"${c.name}" is listed twice (names compare without case)`,
        });
      seen.set(c.name.toLowerCase(), i);
      if (c.type === "personnummer" && c.role !== "direct-identifier" && c.role !== "drop")
        ctx.addIssue({
          code: "custom",
          path: ["columns", i, "role"],
          message: "a personnummer column must be a direct-identifier (pseudonymised) or dropped",
        });
      if (c.role === "direct-identifier" && c.type !== "personnummer")
        ctx.addIssue({
          code: "custom",
          path: ["columns", i, "type"],
          message: "a direct-identifier must be of type personnummer (the only identifier pseudonymised so far)",
        });
    });
    const outputs = new Set<string>();
    for (const c of d.columns) if (c.role !== "drop") outputs.add(outputColumnName(c).toLowerCase());
    if (outputs.size !== d.columns.filter((c) => c.role !== "drop").length)
      ctx.addIssue({
        code: "custom",
        path: ["columns"],
        message: "two output columns would have the same name (check pseudonymColumn)",
      });
    d.primaryKey?.forEach((name, i) => {
      const c = d.columns.find((x) => x.name === name);
      if (!c) ctx.addIssue({ code: "custom", path: ["primaryKey", i], message: `"${name}" is not a column` });
      else if (c.role === "drop")
        ctx.addIssue({
          code: "custom",
          path: ["primaryKey", i],
          message: `"${name}" is dropped and cannot be part of the key`,
        });
    });
  });

/** A dataset descriptor after parsing, defaults filled in. */
export type DatasetDescriptor = z.infer<typeof datasetDescriptorSchema>;
export type ColumnDescriptor = DatasetDescriptor["columns"][number];

/** The column's name in the pseudonymised output (only a direct identifier is renamed). */
export function outputColumnName(c: ColumnDescriptor): string {
  return c.type === "personnummer" && c.role === "direct-identifier"
    ? (c.pseudonymColumn ?? `${c.name}_PSEUDONYM`)
    : c.name;
}

/**
 * Parses a descriptor's YAML or JSON text (JSON is YAML); `file` names it in errors. Throws DESCRIPTOR_INVALID
 * naming every problem.
 */
export function parseDescriptor(text: string, file: string): DatasetDescriptor {
  let data: unknown;
  try {
    data = parseYaml(text);
  } catch (err) {
    throw new SpeError(
      "DESCRIPTOR_INVALID",
      `The dataset descriptor ${file} is neither YAML nor JSON: ${(err as Error).message}`,
      { cause: err },
    );
  }
  const parsed = datasetDescriptorSchema.safeParse(data);
  if (!parsed.success) {
    const issues = parsed.error.issues.map((i) => `${i.path.join(".") || "(top)"}: ${i.message}`).join("; ");
    throw new SpeError("DESCRIPTOR_INVALID", `The dataset descriptor ${file} is invalid: ${issues}`);
  }
  return parsed.data;
}
