/** The parts of an environment the UI describes; matches what the API returns. */
export interface EnvironmentSummary {
  namespace: string;
  permitId: string;
  desiredState: "active" | "suspended" | "torn-down";
  conditions: Array<{ type: string; status: string; reason: string; message: string; lastTransitionTime: string }>;
  validUntil: string | Date;
  createdAt: string | Date;
  purpose: string | null;
}

export type Tone = "ok" | "working" | "paused" | "problem" | "gone";

/** An environment's state in words people use, not in condition jargon. */
export function describeState(e: EnvironmentSummary): { label: string; detail: string; tone: Tone } {
  const ready = e.conditions.find((c) => c.type === "Ready");
  if (e.desiredState === "torn-down")
    return ready?.reason === "TornDown"
      ? { label: "Avvecklad", detail: "Miljön och allt i den är raderat.", tone: "gone" }
      : { label: "Avvecklas", detail: "Miljön håller på att raderas.", tone: "working" };
  if (e.desiredState === "suspended") return { label: "Pausad", detail: "Ingen arbetsyta körs just nu.", tone: "paused" };
  if (!ready) return { label: "Förbereds", detail: "Miljön har inte skapats ännu.", tone: "working" };
  if (ready.status === "True") return { label: "Klar", detail: "Miljön är redo att användas.", tone: "ok" };
  const words: Record<string, { label: string; tone: Tone }> = {
    ApplyFailed: { label: "Problem", tone: "problem" },
    LoadFailed: { label: "Problem med data", tone: "problem" },
    Loading: { label: "Data laddas", tone: "working" },
    AwaitingDelivery: { label: "Väntar på data", tone: "working" },
    Starting: { label: "Arbetsytan startar", tone: "working" },
    NotYetValid: { label: "Inte giltig än", tone: "paused" },
  };
  const known = words[ready.reason] ?? { label: "Förbereds", tone: "working" as Tone };
  return { ...known, detail: ready.message };
}

const dateFormat = new Intl.DateTimeFormat("sv-SE", { dateStyle: "medium" });
export const formatDate = (d: string | Date) => dateFormat.format(new Date(d));
