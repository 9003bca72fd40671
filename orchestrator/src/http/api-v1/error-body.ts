import { z } from "zod";
import { API_ERRORS, type ApiErrorCode } from "../../integrator/error-codes";
import { extractReportSchema } from "./delivery-schemas";

const codes = Object.keys(API_ERRORS) as [ApiErrorCode, ...ApiErrorCode[]];

/** One field that is wrong: where (`environment.memory`, `header.idempotency-key`) and what. */
export const fieldIssueSchema = z.object({ path: z.string(), message: z.string() }).meta({ id: "FieldIssue" });

/** Every error of `/api/v1` has this body: a stable code to match on and a message that says what to fix. */
export const apiErrorSchema = z
  .object({
    error: z
      .enum(codes)
      .meta({ description: "Stable code; the error guide at /developers says what to do about each." }),
    message: z.string().meta({ description: "For people: what was wrong and what to do." }),
    issues: z
      .array(fieldIssueSchema)
      .optional()
      .meta({ description: "REQUEST_INVALID, PERMIT_SCHEMA_INVALID: each bad field." }),
    report: extractReportSchema
      .optional()
      .meta({ description: "DATASET_SCHEMA_MISMATCH, DELIVERY_INVALID: every finding in the extract." }),
  })
  .meta({ id: "ApiError" });

export type ApiErrorBody = z.infer<typeof apiErrorSchema>;
