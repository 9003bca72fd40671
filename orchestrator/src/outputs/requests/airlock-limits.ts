import { z } from "zod";

/**
 * What one export request may carry. Defaults follow OpenSAFELY's published limits (16 MB and 5,000 rows
 * per CSV); an installation can tighten or loosen them through AIRLOCK_* settings.
 */
export const airlockLimitsSchema = z.object({
  maxFiles: z.coerce.number().int().min(1).max(1000).default(20),
  maxFileBytes: z.coerce
    .number()
    .int()
    .min(1)
    .default(16 * 1024 * 1024),
  maxCsvRows: z.coerce.number().int().min(1).default(5000),
});
export type AirlockLimits = z.infer<typeof airlockLimitsSchema>;
