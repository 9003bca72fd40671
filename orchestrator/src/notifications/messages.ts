import { fillTemplate } from "../message-template";
import type { Language, NotificationAbout, NotificationKind } from "./notification-kinds";

interface MessageText {
  subject: string;
  /** Paragraphs; `{{link}}` is where the link goes, `{{permitId}}` and `{{days}}` the only other values. */
  body: string[];
}

// Only ids and a link: a permit's purpose, a person's name, a dataset's content or a file never goes out by
// e-mail, which leaves the platform and may be forwarded anywhere.
const MESSAGES: Record<Language, Record<NotificationKind, MessageText>> = {
  en: {
    "environment-ready": {
      subject: "Your environment for permit {{permitId}} is ready",
      body: ["The secure processing environment for permit {{permitId}} is ready to work in.", "Open it: {{link}}"],
    },
    "environment-stuck": {
      subject: "Environment for permit {{permitId}} has problems",
      body: ["The environment for permit {{permitId}} is not progressing; its page says why.", "See it: {{link}}"],
    },
    "environment-ending": {
      subject: "Permit {{permitId}} ends in {{days}} days",
      body: [
        "The permit {{permitId}} ends in {{days}} days. Then its environment and everything in it is deleted.",
        "Request the export of your results before then: {{link}}",
      ],
    },
    "environment-ended": {
      subject: "The environment for permit {{permitId}} has been deleted",
      body: ["The permit {{permitId}} has ended and its environment has been deleted.", "See your pages: {{link}}"],
    },
    "budget-warning": {
      subject: "Permit {{permitId}} has used 80 % of its budget",
      body: [
        "The environment for permit {{permitId}} has cost 80 % of its budget so far.",
        "See what it has cost: {{link}}",
      ],
    },
    "budget-reached": {
      subject: "Permit {{permitId}} has used its whole budget",
      body: [
        "The environment for permit {{permitId}} has cost its whole budget. The installation may pause it; an operator can raise the budget.",
        "See what it has cost: {{link}}",
      ],
    },
    "delivery-staged": {
      subject: "Delivery for permit {{permitId}} staged",
      body: ["A delivery of data for permit {{permitId}} was checked, pseudonymised and staged.", "See it: {{link}}"],
    },
    "delivery-refused": {
      subject: "Delivery for permit {{permitId}} refused",
      body: ["A delivery of data for permit {{permitId}} was refused.", "See why: {{link}}"],
    },
    "export-submitted": {
      subject: "An export request for permit {{permitId}} awaits review",
      body: ["An export request for permit {{permitId}} was submitted for output checking.", "Review it: {{link}}"],
    },
    "export-returned": {
      subject: "Your export request for permit {{permitId}} needs changes",
      body: ["The output checkers asked for changes to your export request.", "See what to change: {{link}}"],
    },
    "export-decided": {
      subject: "Your export request for permit {{permitId}} was decided",
      body: ["The output checkers have decided on your export request.", "See the decision: {{link}}"],
    },
    "export-released": {
      subject: "Your export for permit {{permitId}} was released",
      body: ["Files of your export request were approved and released.", "Download them: {{link}}"],
    },
  },
  sv: {
    "environment-ready": {
      subject: "Din miljö för beslut {{permitId}} är klar",
      body: ["Den säkra behandlingsmiljön för beslut {{permitId}} är klar att arbeta i.", "Öppna den: {{link}}"],
    },
    "environment-stuck": {
      subject: "Miljön för beslut {{permitId}} har problem",
      body: ["Miljön för beslut {{permitId}} kommer inte vidare; dess sida säger varför.", "Se den: {{link}}"],
    },
    "environment-ending": {
      subject: "Tillstånd {{permitId}} upphör om {{days}} dagar",
      body: [
        "Tillståndet {{permitId}} upphör om {{days}} dagar. Då raderas miljön och allt i den.",
        "Begär export av dina resultat före dess: {{link}}",
      ],
    },
    "environment-ended": {
      subject: "Miljön för beslut {{permitId}} har raderats",
      body: ["Tillståndet {{permitId}} har upphört och dess miljö har raderats.", "Se dina sidor: {{link}}"],
    },
    "budget-warning": {
      subject: "Beslut {{permitId}} har använt 80 % av sin budget",
      body: [
        "Miljön för beslut {{permitId}} har hittills kostat 80 % av sin budget.",
        "Se vad den har kostat: {{link}}",
      ],
    },
    "budget-reached": {
      subject: "Beslut {{permitId}} har använt hela sin budget",
      body: [
        "Miljön för beslut {{permitId}} har kostat hela sin budget. Installationen kan pausa den; en driftansvarig kan höja budgeten.",
        "Se vad den har kostat: {{link}}",
      ],
    },
    "delivery-staged": {
      subject: "Leverans för beslut {{permitId}} förberedd",
      body: [
        "En leverans av data för beslut {{permitId}} kontrollerades, pseudonymiserades och förbereddes.",
        "Se den: {{link}}",
      ],
    },
    "delivery-refused": {
      subject: "Leverans för beslut {{permitId}} avvisad",
      body: ["En leverans av data för beslut {{permitId}} avvisades.", "Se varför: {{link}}"],
    },
    "export-submitted": {
      subject: "En exportförfrågan för beslut {{permitId}} väntar på granskning",
      body: ["En exportförfrågan för beslut {{permitId}} skickades in för utdatakontroll.", "Granska den: {{link}}"],
    },
    "export-returned": {
      subject: "Din exportförfrågan för beslut {{permitId}} behöver ändras",
      body: ["Utdatagranskarna bad om ändringar i din exportförfrågan.", "Se vad som ska ändras: {{link}}"],
    },
    "export-decided": {
      subject: "Din exportförfrågan för beslut {{permitId}} är avgjord",
      body: ["Utdatagranskarna har fattat beslut om din exportförfrågan.", "Se beslutet: {{link}}"],
    },
    "export-released": {
      subject: "Din export för beslut {{permitId}} har lämnats ut",
      body: ["Filer i din exportförfrågan godkändes och lämnades ut.", "Hämta dem: {{link}}"],
    },
  },
};

const SIGNATURE: Record<Language, string> = {
  en: "This message was sent by the secure processing environment. Change whether you get e-mail in your settings: {{settings}}",
  sv: "Meddelandet skickades av den säkra behandlingsmiljön. Välj om du vill få e-post under dina inställningar: {{settings}}",
};

/** The e-mail for one notification in one language: plain text, a link and ids, nothing else. */
export function renderEmail(
  kind: NotificationKind,
  about: NotificationAbout,
  language: Language,
  links: { page: string; settings: string },
): { subject: string; text: string } {
  const message = MESSAGES[language][kind];
  const values = { permitId: about.permitId, days: about.days ?? "", link: links.page, settings: links.settings };
  const paragraphs = [...message.body, SIGNATURE[language]].map((p) => fillTemplate(p, values));
  return { subject: fillTemplate(message.subject, values), text: `${paragraphs.join("\n\n")}\n` };
}
