import { readFileSync } from "node:fs";
import { LineCounter, parseDocument } from "yaml";
import { z } from "zod";
import { SpeError } from "../errors";

const price = z.number().nonnegative().finite();

/** What one hour of each resource costs, from a moment on. */
const ratesSchema = z.strictObject({
  /** From when these prices hold (ISO 8601 with offset); the first entry's holds for everything before it too. */
  from: z.iso.datetime({ offset: true, error: "must be a time such as 2026-01-01T00:00:00Z" }),
  /** One CPU core for one hour. */
  cpuHour: price,
  /** One GiB of memory for one hour. */
  memoryGiBHour: price,
  /** One GiB of storage for one hour. */
  storageGiBHour: price,
  /** One GPU for one hour; absent: the installation offers no GPU at a price. */
  gpuHour: price.optional(),
});

const currencies = new Set(Intl.supportedValuesOf("currency"));

/**
 * The installation's prices (PRICE_LIST_FILE, JSON or YAML): one currency, and the prices from each moment on,
 * so that a price change does not rewrite what was already spent.
 */
export const priceListSchema = z
  .strictObject({
    currency: z.string().refine((c) => currencies.has(c), "must be an ISO 4217 currency code such as SEK or EUR"),
    prices: z.array(ratesSchema).min(1, "must hold at least one set of prices"),
  })
  .superRefine((list, ctx) => {
    list.prices.forEach((p, i) => {
      if (i > 0 && Date.parse(p.from) <= Date.parse(list.prices[i - 1]!.from))
        ctx.addIssue({
          code: "custom",
          path: ["prices", i, "from"],
          message: "must be later than the entry before it",
        });
    });
  });

export type PriceList = z.infer<typeof priceListSchema>;
export type Rates = PriceList["prices"][number];

/**
 * Parses a price list's text. Each problem names the line it is on and the field, so that whoever wrote the
 * file can find it; JSON is YAML, so either form reads.
 */
export function parsePriceList(text: string, source: string): PriceList {
  const lines = new LineCounter();
  const doc = parseDocument(text, { lineCounter: lines, prettyErrors: false });
  const lineOf = (offset: number | undefined) => (offset === undefined ? "" : `line ${lines.linePos(offset).line}: `);
  const fail = (problems: string[]): never => {
    throw new SpeError(
      "CONFIG_INVALID",
      `PRICE_LIST_FILE ${source} has ${problems.length} problem(s):\n${problems.map((p) => `- ${p}`).join("\n")}`,
    );
  };
  if (doc.errors.length) fail(doc.errors.map((e) => `${lineOf(e.pos[0])}${e.message.split("\n")[0]}`));
  const parsed = priceListSchema.safeParse(doc.toJS());
  if (!parsed.success)
    fail(
      parsed.error.issues.map((issue) => {
        // The deepest node the path still reaches: a missing field is reported on its object's line.
        let node: unknown;
        for (let depth = issue.path.length; depth >= 0 && !node; depth--)
          node = depth === 0 ? doc.contents : doc.getIn(issue.path.slice(0, depth), true);
        const offset = (node as { range?: [number, number, number] } | undefined)?.range?.[0];
        return `${lineOf(offset)}${issue.path.map(String).join(".") || "the file"}: ${issue.message}`;
      }),
    );
  return parsed.data!;
}

/** Reads PRICE_LIST_FILE at start-up; unset: no prices, and no costs are shown. */
export function readPriceList(path: string | undefined): PriceList | undefined {
  if (!path) return undefined;
  let text: string;
  try {
    text = readFileSync(path, "utf8");
  } catch (err) {
    throw new SpeError(
      "CONFIG_INVALID",
      `PRICE_LIST_FILE ${path} cannot be read (${(err as NodeJS.ErrnoException).code ?? "unreadable"})`,
    );
  }
  return parsePriceList(text, path);
}

/** The prices that hold at a moment: the newest entry from before it, or the first. */
export function ratesAt(list: PriceList, at: number): Rates {
  let rates = list.prices[0]!;
  for (const p of list.prices) if (Date.parse(p.from) <= at) rates = p;
  return rates;
}
