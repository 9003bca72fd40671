import { escapeHtml } from "../../html";
import { BRAND_CSS, LOGO_DATA_URL } from "../brand";

/** The guides of the portal, each a Markdown file in docs/. */
export const GUIDES = [
  { slug: "getting-started", title: "Getting started" },
  { slug: "signing-permits", title: "How to sign and push a permit" },
  { slug: "delivering-extracts", title: "How to deliver an extract" },
  { slug: "error-codes", title: "Error codes" },
] as const;

export type GuideSlug = (typeof GUIDES)[number]["slug"];

/**
 * Scripts and styles only from our origin, nothing inline but style attributes (Swagger UI sets some),
 * no framing, no form posts: the portal is public and must not become a way in.
 */
export const PORTAL_CSP =
  "default-src 'none'; script-src 'self'; style-src 'self' 'unsafe-inline'; img-src 'self' data:; connect-src 'self'; font-src 'self'; base-uri 'none'; form-action 'none'; frame-ancestors 'none'";

function layout(title: string, main: string, extraHead = ""): string {
  const nav = [
    `<a href="/developers">API reference</a>`,
    ...GUIDES.map((g) => `<a href="/developers/guides/${g.slug}">${escapeHtml(g.title)}</a>`),
  ].join("\n");
  return `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1">
<title>${escapeHtml(title)} · SPE developer portal</title>
<link rel="icon" href="${LOGO_DATA_URL}">
<link rel="stylesheet" href="/developers/assets/portal.css">${extraHead}</head>
<body><header class="top"><a class="brand" href="/developers"><img src="${LOGO_DATA_URL}" alt="" width="28" height="28"><span>SPE developer portal</span></a><nav aria-label="Portal">${nav}</nav></header>
<main>${main}</main></body></html>`;
}

/** The API reference: Swagger UI, loaded from our origin, renders /api/v1/openapi.json. */
export function referencePage(): string {
  const main = `<h1>Integrator API reference</h1>
<p>The API for the health data access body's permit system and for data holders. Start with <a href="/developers/guides/getting-started">Getting started</a>; the machine-readable document is <a href="/api/v1/openapi.json">/api/v1/openapi.json</a> (OpenAPI 3.1).</p>
<div id="swagger-ui"></div>
<script src="/developers/assets/swagger-ui-bundle.js"></script>
<script src="/developers/assets/portal.js"></script>`;
  return layout("API reference", main, `\n<link rel="stylesheet" href="/developers/assets/swagger-ui.css">`);
}

export function guidePage(title: string, html: string): string {
  return layout(title, `<article>${html}</article>`);
}

/** Starts Swagger UI; a file, not an inline script, so that the CSP needs no 'unsafe-inline' for scripts. */
export const PORTAL_SCRIPT = `window.addEventListener("load", function () {
  window.ui = SwaggerUIBundle({ url: "/api/v1/openapi.json", dom_id: "#swagger-ui", deepLinking: true, tryItOutEnabled: false, validatorUrl: null });
});
`;

/** The app's header, colours and type (the same as the UI's), and what a guide's Markdown needs beside them. */
export const PORTAL_STYLES = `${BRAND_CSS}
nav{display:flex;flex-wrap:wrap;gap:.25rem 1rem}
main{max-width:72rem;background:#fff;padding:1rem 1.5rem 3rem}
pre{background:#f6f8fa;padding:.75rem;overflow-x:auto}
code{font-family:ui-monospace,monospace;font-size:.92em;overflow-wrap:anywhere}
table{border-collapse:collapse;width:100%;display:block;overflow-x:auto}
th,td{border:1px solid #d5dae0;padding:.35rem .5rem;text-align:left;vertical-align:top}
`;
