/**
 * Every kind of notification, whom it goes to and where its link leads: the one registry the outbox, the
 * messages (messages.ts, in each language) and the webhook configuration's `events` derive from.
 */

/** Who among people is told: the permit's researchers, the export request's author, or everyone of a role. */
export type Audience = "permit-researchers" | "requester" | "operators" | "output-checkers";

/** What a notification is about, by id only: a message carries a link, never data. */
export interface NotificationAbout {
  permitId: string;
  namespace?: string;
  deliveryId?: string;
  exportId?: string;
  /** For `environment-ending`: 30 or 7. */
  days?: number;
}

interface KindRule {
  audience: Audience;
  /** The UI's page a person's link opens. */
  page(about: NotificationAbout): string;
  /** What a system's webhook links to: the integrator API where it answers about the same thing. */
  api(about: NotificationAbout): string;
}

const permitApi = (a: NotificationAbout) => `/api/v1/permits/${encodeURIComponent(a.permitId)}`;

export const NOTIFICATION_KINDS = {
  "environment-ready": { audience: "permit-researchers", page: () => "/", api: permitApi },
  "environment-stuck": { audience: "operators", page: () => "/operator/environments", api: permitApi },
  "environment-ending": { audience: "permit-researchers", page: () => "/", api: permitApi },
  "environment-ended": { audience: "permit-researchers", page: () => "/", api: permitApi },
  "budget-warning": { audience: "permit-researchers", page: () => "/", api: permitApi },
  "budget-reached": { audience: "permit-researchers", page: () => "/", api: permitApi },
  "delivery-staged": {
    audience: "operators",
    page: () => "/operator/deliveries",
    api: (a) => `/api/v1/deliveries/${a.deliveryId}`,
  },
  "delivery-refused": {
    audience: "operators",
    page: () => "/operator/deliveries",
    api: (a) => `/api/v1/deliveries/${a.deliveryId}`,
  },
  "export-submitted": { audience: "output-checkers", page: (a) => `/reviews/${a.exportId}`, api: permitApi },
  "export-returned": { audience: "requester", page: (a) => `/exports/${a.exportId}`, api: permitApi },
  "export-decided": { audience: "requester", page: (a) => `/exports/${a.exportId}`, api: permitApi },
  "export-released": { audience: "requester", page: (a) => `/exports/${a.exportId}`, api: permitApi },
} as const satisfies Record<string, KindRule>;

export type NotificationKind = keyof typeof NOTIFICATION_KINDS;

export const NOTIFICATION_KIND_NAMES = Object.keys(NOTIFICATION_KINDS) as [NotificationKind, ...NotificationKind[]];

export const LANGUAGES = ["sv", "en"] as const;
export type Language = (typeof LANGUAGES)[number];
/** Swedish until a person chooses: the UI's default too. */
export const DEFAULT_LANGUAGE: Language = "sv";
