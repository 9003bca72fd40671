import { z } from "zod";
import { MAX_PERMIT_JWS_LENGTH } from "../../permits/verify-permit";

/** The permit id as the payload allows it. */
export const permitIdParamsSchema = z.object({
  id: z
    .string()
    .regex(/^[A-Za-z0-9][A-Za-z0-9._-]{0,127}$/, "letters, digits, dots, dashes or underscores, at most 128")
    .meta({ description: "The permit's `permitId`.", example: "DEMO-HDAB-2026-0001" }),
});

export const signedPermitSchema = z.string().max(MAX_PERMIT_JWS_LENGTH).meta({
  id: "SignedPermit",
  description:
    "The permit as a compact JWS (EdDSA or ES256, `kid` in the protected header) whose payload is a PermitPayload.",
  example: "eyJhbGciOiJFZERTQSIsImtpZCI6ImhkYWItMSJ9.eyJwZXJtaXRJZCI6Ii4uLiJ9.c2lnbmF0dXJl",
});

export const permitImportedSchema = z
  .object({
    outcome: z.enum(["created", "unchanged", "amended", "revoked"]).meta({
      description:
        "created (201); unchanged: an identical re-import (200); amended or revoked: a higher sequence (200).",
    }),
    permitId: z.string(),
    sequence: z.int(),
    namespace: z.string().meta({ description: "The environment's namespace." }),
  })
  .meta({ id: "PermitImported" });

const conditionSchema = z.object({
  type: z.string().meta({ example: "DataStaged" }),
  status: z.enum(["True", "False", "Unknown"]),
  reason: z.string(),
  message: z.string(),
  since: z.iso.datetime().meta({ description: "When the status last changed." }),
});

export const permitStatusSchema = z
  .object({
    permitId: z.string(),
    issuer: z.string(),
    sequence: z.int(),
    status: z.enum(["granted", "revoked"]),
    validity: z.object({
      state: z.enum(["not-yet-valid", "valid", "ended", "revoked"]),
      validFrom: z.iso.datetime(),
      validUntil: z.iso.datetime(),
    }),
    environment: z
      .object({
        state: z.enum(["provisioning", "ready", "suspended", "torn-down"]).meta({
          description:
            "The environment's state, not a person's: `ready` means its isolation, data and platform objects are in " +
            "place. Each person's workspace starts when they open it and stops when idle; its state is not reported here.",
        }),
        summary: z.string().meta({
          description: "The environment's state in words.",
          example: "Provisioning: DataStaged: waiting for patientregistret@2026-09 to be delivered.",
        }),
        conditions: z.array(conditionSchema),
      })
      .nullable(),
  })
  .meta({ id: "PermitStatus" });

export type PermitStatus = z.infer<typeof permitStatusSchema>;
