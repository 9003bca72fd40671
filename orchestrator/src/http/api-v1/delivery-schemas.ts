import { z } from "zod";
import type { ExtractReport } from "../../datasets";
import { startDeliveryInput } from "../../deliveries/start-delivery";

const sha256 = z.string().regex(/^[0-9a-f]{64}$/);

/** What validating an extract found; the same shape as the domain's ExtractReport (checked below). */
export const extractReportSchema = z
  .object({
    valid: z.boolean(),
    format: z.enum(["csv", "parquet"]),
    bytes: z.int(),
    rows: z
      .int()
      .nullable()
      .meta({ description: "Data rows read; null when the columns did not match and no row was read." }),
    identifiers: z.object({ distinct: z.int(), invalid: z.int() }),
    issues: z.array(
      z.object({
        code: z.enum([
          "COLUMN_MISSING",
          "COLUMN_UNEXPECTED",
          "COLUMN_DUPLICATE",
          "ROW_MALFORMED",
          "VALUE_MISSING",
          "VALUE_INVALID",
          "IDENTIFIER_INVALID",
          "PRIMARY_KEY_DUPLICATE",
        ]),
        column: z.string().optional(),
        message: z.string().meta({ description: "Never quotes a value: extracts hold personal data." }),
        count: z.int().meta({ description: "How many rows have this problem in all." }),
        rows: z
          .array(z.int())
          .meta({ description: "The first row numbers (1 is the first data row after the header)." }),
      }),
    ),
  })
  .meta({ id: "ExtractReport" });

// The API's schema must describe the domain's report exactly: a change there fails the type check here.
type Same<A, B> = [A] extends [B] ? ([B] extends [A] ? true : false) : false;
const reportMatches: Same<z.infer<typeof extractReportSchema>, ExtractReport> = true;
void reportMatches;

export const startDeliveryBodySchema = startDeliveryInput.meta({
  id: "StartDelivery",
  example: { permitId: "DEMO-HDAB-2026-0001", dataset: { id: "patientregistret", version: "2026-09" } },
});

export const deliveryStartedSchema = z
  .object({
    id: z.uuid(),
    state: z.literal("receiving"),
    upload: z.string().meta({ description: "Where to PUT the extract." }),
  })
  .meta({ id: "DeliveryStarted" });

export const deliverySchema = z
  .object({
    id: z.uuid(),
    permitId: z.string(),
    dataset: z.object({ id: z.string(), version: z.string() }),
    state: z.enum(["receiving", "staged", "rejected", "failed"]),
    bytes: z.int().nullable().meta({
      description:
        "The extract's size once received; 0 while an upload of it is under way; null before one began, and for a refused or failed one.",
    }),
    uploadSha256: sha256.nullable(),
    rows: z.int().nullable(),
    report: extractReportSchema.nullable().meta({ description: "For a rejected extract: every finding." }),
    manifestSha256: sha256.nullable().meta({ description: "SHA-256 of the staged manifest (canonical JSON)." }),
    error: z.string().nullable(),
    createdAt: z.iso.datetime(),
    finishedAt: z.iso.datetime().nullable(),
  })
  .meta({ id: "Delivery" });

export const deliveryIdParamsSchema = z.object({
  id: z.uuid().meta({ description: "The delivery's id from POST /api/v1/deliveries." }),
});

export const validateQuerySchema = z.object({
  dataset: z
    .string()
    .regex(
      /^[a-z0-9][a-z0-9-]{0,62}@[A-Za-z0-9][A-Za-z0-9._-]{0,62}$/,
      "must be ID@VERSION, e.g. patientregistret@2026-09",
    )
    .meta({
      description: "The dataset descriptor to check against, as ID@VERSION.",
      example: "patientregistret@2026-09",
    }),
});
