import { escapeHtml } from "../html";
import type { StartingStep } from "../environments/workspace-state";
import { BRAND_CSS, brandHeader, LOGO_DATA_URL } from "../http/brand";

type Language = "sv" | "en";
const REASONS = [
  "WORKSPACE_STARTING",
  "WORKSPACE_STUCK",
  "WORKSPACE_NOT_FOUND",
  "WORKSPACE_SUSPENDED",
  "WORKSPACE_ENDED",
  "WORKSPACE_NOT_YET_VALID",
  "WORKSPACE_TRANSFER_BLOCKED",
  "WORKSPACE_UNREACHABLE",
  "WORKSPACE_LINK_REFUSED",
  "WORKSPACE_REQUEST_REFUSED",
] as const;
type Reason = (typeof REASONS)[number] | "other";
const reasonOf = (code: string): Reason => REASONS.find((r) => r === code) ?? "other";

const WORDS: Record<Language, Record<Reason, { title: string; text: string }> & { back: string; brand: string }> = {
  sv: {
    WORKSPACE_STARTING: {
      title: "Arbetsytan startar",
      text: "Arbetsytan startar. Sidan följer starten och öppnar JupyterLab av sig själv när den svarar.",
    },
    WORKSPACE_STUCK: {
      title: "Arbetsytan har fastnat",
      text: "Arbetsytan kan inte starta: miljön har fastnat. Driften ser det, och varför. Sidan försöker igen av sig själv om en minut.",
    },
    WORKSPACE_NOT_FOUND: {
      title: "Ingen arbetsyta här",
      text: "Det finns ingen arbetsyta här för dig. Dina miljöer finns på startsidan.",
    },
    WORKSPACE_SUSPENDED: {
      title: "Miljön är pausad",
      text: "Driften har pausat miljön, så ingen arbetsyta körs. Dina filer finns kvar. Be driften återuppta den om du behöver den.",
    },
    WORKSPACE_ENDED: {
      title: "Miljön har avslutats",
      text: "Beslutet har löpt ut eller återkallats, eller miljön har avvecklats. Arbetsytan kan inte öppnas igen.",
    },
    WORKSPACE_NOT_YET_VALID: {
      title: "Miljön har inte börjat gälla",
      text: "Beslutet gäller inte än. Arbetsytan kan öppnas när det börjar gälla.",
    },
    WORKSPACE_TRANSFER_BLOCKED: {
      title: "Filer lämnar inte miljön den här vägen",
      text: "Filer förs ut ur miljön bara med en exportförfrågan: lägg dem i utkorgen och begär export där. Binära filer kan inte laddas upp eller ned genom arbetsytan.",
    },
    WORKSPACE_UNREACHABLE: {
      title: "Arbetsytan svarar inte",
      text: "Arbetsytan är igång men svarar inte just nu. Sidan försöker igen av sig själv om en stund; kvarstår det, kontakta driften.",
    },
    WORKSPACE_LINK_REFUSED: {
      title: "Länken till arbetsytan gäller inte längre",
      text: "Länken har redan använts eller är för gammal. Öppna arbetsytan igen från startsidan.",
    },
    WORKSPACE_REQUEST_REFUSED: {
      title: "Förfrågan avvisades",
      text: "Arbetsytan tar bara emot förfrågningar från sina egna sidor.",
    },
    other: { title: "Arbetsytan går inte att nå", text: "Arbetsytan kan inte öppnas just nu." },
    back: "Till startsidan",
    brand: "SPE · Säker behandlingsmiljö",
  },
  en: {
    WORKSPACE_STARTING: {
      title: "The workspace is starting",
      text: "The workspace is starting. This page follows the start and opens JupyterLab by itself when it answers.",
    },
    WORKSPACE_STUCK: {
      title: "The workspace is stuck",
      text: "The workspace cannot start: the environment is stuck. The operators can see this, and why. This page tries again by itself in a minute.",
    },
    WORKSPACE_NOT_FOUND: {
      title: "No workspace here",
      text: "There is no workspace here for you. Your environments are on the start page.",
    },
    WORKSPACE_SUSPENDED: {
      title: "The environment is suspended",
      text: "The operators have suspended the environment, so no workspace runs. Your files are kept. Ask the operators to resume it if you need it.",
    },
    WORKSPACE_ENDED: {
      title: "The environment has ended",
      text: "The permit has expired or been revoked, or the environment has been torn down. The workspace cannot be opened again.",
    },
    WORKSPACE_NOT_YET_VALID: {
      title: "The environment has not begun",
      text: "The permit is not valid yet. The workspace can be opened once it is.",
    },
    WORKSPACE_TRANSFER_BLOCKED: {
      title: "Files do not leave the environment this way",
      text: "Files leave the environment only through the airlock: put them in the outbox and request their export. Binary files cannot be uploaded or downloaded through the workspace.",
    },
    WORKSPACE_UNREACHABLE: {
      title: "The workspace does not answer",
      text: "The workspace is running but does not answer right now. This page tries again by itself in a moment; if it goes on, ask the operators.",
    },
    WORKSPACE_LINK_REFUSED: {
      title: "This link to the workspace is no longer valid",
      text: "The link has been used already or is too old. Open the workspace again from the start page.",
    },
    WORKSPACE_REQUEST_REFUSED: {
      title: "The request was refused",
      text: "The workspace takes requests only from its own pages.",
    },
    other: { title: "The workspace cannot be reached", text: "The workspace cannot be opened right now." },
    back: "Back to the start page",
    brand: "SPE · Secure processing environment",
  },
};

/** How far a start has got, in words, for the page that follows it. */
const STEP_WORDS: Record<Language, Record<StartingStep, string>> = {
  sv: {
    asked: "Arbetsytan har begärts.",
    scheduling: "Arbetsytan väntar på en plats att köra på.",
    preparing: "Hemkatalogen, projektmappen och data kopplas in.",
    "starting-tool": "JupyterLab startar.",
  },
  en: {
    asked: "The workspace has been asked for.",
    scheduling: "The workspace is waiting for a place to run.",
    preparing: "The home, the project folder and the data are being attached.",
    "starting-tool": "JupyterLab is starting.",
  },
};

/** Swedish unless the browser puts English before Swedish (the UI's own choice lives in the browser). */
export function pageLanguage(acceptLanguage: string | undefined): Language {
  const tags = (acceptLanguage ?? "").split(",").map((t) => t.trim().toLowerCase());
  const english = tags.findIndex((t) => t.startsWith("en"));
  const swedish = tags.findIndex((t) => t.startsWith("sv"));
  return english !== -1 && (swedish === -1 || english < swedish) ? "en" : "sv";
}

/**
 * What a person sees instead of JSON when a workspace link opened in the browser is refused: the reason in
 * their language, the orchestrator's own sentence beneath it, a way back, and, while the workspace is
 * starting, a reload every few seconds until it is there. `home` is the UI's start page (on a workspace host,
 * another origin).
 */
export function workspaceRefusalPage(
  code: string,
  detail: string,
  language: Language,
  reloadSeconds?: number,
  home = "/",
  step?: StartingStep,
): string {
  const words = WORDS[language];
  const { title, text } = words[reasonOf(code)];
  const progress = step ? `<p role="status">${escapeHtml(STEP_WORDS[language][step])}</p>` : "";
  const reload = reloadSeconds ? `<meta http-equiv="refresh" content="${reloadSeconds}">` : "";
  // The app's header, card and type, so that the page reads as ours and not as the workspace tool's.
  return `<!doctype html><html lang="${language}"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1">${reload}
<title>${escapeHtml(title)} · SPE</title><link rel="icon" href="${LOGO_DATA_URL}">
<style>${BRAND_CSS}.detail{font-size:.9rem;overflow-wrap:anywhere}</style></head>
<body>${brandHeader(words.brand, home, escapeHtml)}
<main><section class="card narrow"><h1>${escapeHtml(title)}</h1><p>${escapeHtml(text)}</p>${progress}<p class="detail muted" lang="en">${escapeHtml(detail)} (${escapeHtml(code)})</p><p><a class="button" href="${escapeHtml(home)}">${escapeHtml(words.back)}</a></p></section></main></body></html>`;
}
