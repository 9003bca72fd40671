import { z } from "zod";
import { PERMIT_TOOL_NAMES } from "../tools/tool-registry";

/** The secondary-use purposes of EHDS (Regulation (EU) 2025/327, Art. 53). */
export const PURPOSE_CATEGORIES = [
  "public-interest",
  "policy-making",
  "statistics",
  "education",
  "scientific-research",
  "development-innovation",
  "ai-training",
  "personalised-medicine",
] as const;

/**
 * What researchers may install in the environment: `none`, or `allowlisted` — packages from the installation's
 * package mirror, which offers only the projects operators allow. Absent: the installation's default
 * (ENVIRONMENT_SETTINGS `packageMirror.defaultSoftware`, itself `none`, which is what every permit meant before).
 */
export const SOFTWARE_CHOICES = ["none", "allowlisted"] as const;

/** The same instant ten calendar years later (EHDS Art. 68: a permit lasts at most ten years). */
function tenYearsAfter(ms: number): number {
  const d = new Date(ms);
  d.setUTCFullYear(d.getUTCFullYear() + 10);
  return d.getTime();
}

// Strict objects throughout: z.object would silently drop an unknown member (a dataset's column list, a
// person's role), and the permit would then be enforced without it.
const person = z.strictObject({
  subject: z.string().min(1).max(255),
  name: z.string().min(1).max(200),
  email: z.email(),
});

const dataset = z.strictObject({
  id: z.string().regex(/^[a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?$/, "a lower-case identifier of letters, digits and dashes"),
  version: z.string().regex(/^[A-Za-z0-9][A-Za-z0-9._-]{0,62}$/, "letters, digits, dots, dashes or underscores"),
});

const cpu = z.string().regex(/^([1-9]\d{0,2}|[1-9]\d{0,5}m)$/, 'whole cores ("4") or millicores ("500m")');
const bytes = z.string().regex(/^[1-9]\d{0,5}(Mi|Gi|Ti)$/, 'a size in Mi, Gi or Ti ("16Gi")');
const timestamp = z.iso.datetime({ offset: true });

/**
 * The payload of a data permit as a Health Data Access Body signs it. Unknown fields are refused so that
 * a field we would silently ignore cannot carry a condition nobody enforces.
 */
export const permitPayloadSchema = z
  .strictObject({
    permitId: z
      .string()
      .regex(/^[A-Za-z0-9][A-Za-z0-9._-]{0,127}$/, "letters, digits, dots, dashes or underscores, at most 128"),
    sequence: z.int().min(1).max(1_000_000),
    status: z.enum(["granted", "revoked"]),
    issuer: z.url(),
    issuedAt: timestamp,
    validFrom: timestamp,
    validUntil: timestamp,
    purpose: z.strictObject({ category: z.enum(PURPOSE_CATEGORIES), description: z.string().min(1).max(2000) }),
    principalInvestigator: person,
    authorisedPersons: z.array(person).min(1).max(200),
    datasets: z.array(dataset).max(100),
    environment: z.strictObject({
      tools: z.array(z.enum(PERMIT_TOOL_NAMES)).min(1),
      software: z
        .enum(SOFTWARE_CHOICES)
        .optional()
        .describe(
          "Whether researchers may install packages: `allowlisted` opens the environment to the installation's package mirror (projects operators allow), `none` keeps it closed. Absent: the installation's default, `none` unless it says otherwise.",
        ),
      cpu,
      memory: bytes,
      storage: bytes,
      gpu: z
        .int()
        .min(0)
        .max(8)
        .optional()
        .describe(
          "How many GPUs the environment may use at once: each running workspace takes one, on a GPU node, until this many run. Absent or 0: none, as before the field existed.",
        ),
    }),
    outputPolicy: z.strictObject({
      profile: z.string().regex(/^[a-z0-9][a-z0-9-]{0,62}$/, "a lower-case profile name"),
      reviewersRequired: z.int().min(2).max(10),
    }),
    conditions: z.string().max(10_000).optional(),
    budget: z
      .strictObject({
        amount: z.number().positive().max(1e12),
        currency: z.string().regex(/^[A-Z]{3}$/, "an ISO 4217 currency code such as SEK or EUR"),
      })
      .optional()
      .describe(
        "What the work in the environment may cost, at the installation's prices (in their currency): its researchers are warned at 80 % and the installation acts at 100 %. Absent: an operator may set one.",
      ),
  })
  .superRefine((p, ctx) => {
    const from = Date.parse(p.validFrom);
    const until = Date.parse(p.validUntil);
    if (until <= from)
      ctx.addIssue({
        code: "custom",
        path: ["validUntil"],
        message: "must be after validFrom",
        params: { problem: "not-after-start" },
      });
    if (until > tenYearsAfter(from))
      ctx.addIssue({
        code: "custom",
        path: ["validUntil"],
        message: "must be at most 10 years after validFrom (EHDS Art. 68)",
        params: { problem: "too-long-after-start" },
      });
    const subjects = p.authorisedPersons.map((a) => a.subject);
    subjects.forEach((s, i) => {
      if (subjects.indexOf(s) !== i)
        ctx.addIssue({
          code: "custom",
          path: ["authorisedPersons", i, "subject"],
          message: `"${s}" is listed twice`,
          params: { problem: "listed-twice" },
        });
    });
    if (!subjects.includes(p.principalInvestigator.subject))
      ctx.addIssue({
        code: "custom",
        path: ["principalInvestigator", "subject"],
        message: "must also be one of authorisedPersons",
        params: { problem: "not-an-authorised-person" },
      });
    const ids = p.datasets.map((d) => d.id);
    ids.forEach((id, i) => {
      if (ids.indexOf(id) !== i)
        ctx.addIssue({
          code: "custom",
          path: ["datasets", i, "id"],
          message: `"${id}" is listed twice`,
          params: { problem: "listed-twice" },
        });
    });
    if (new Set(p.environment.tools).size !== p.environment.tools.length)
      ctx.addIssue({
        code: "custom",
        path: ["environment", "tools"],
        message: "lists a tool twice",
        params: { problem: "listed-twice" },
      });
  });

export type PermitPayload = z.infer<typeof permitPayloadSchema>;
