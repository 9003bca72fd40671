import { escapeHtml } from "../../html";

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
<link rel="icon" href="/developers/assets/favicon-32x32.png">
<link rel="stylesheet" href="/developers/assets/portal.css">${extraHead}</head>
<body><header><strong>SPE developer portal</strong><nav aria-label="Portal">${nav}</nav></header>
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

export const PORTAL_STYLES = `body{font-family:system-ui,sans-serif;margin:0;color:#1b1b1b;line-height:1.5}
header{display:flex;flex-wrap:wrap;gap:1rem;align-items:baseline;padding:.75rem 1.5rem;border-bottom:1px solid #ccc;background:#f6f7f9}
nav{display:flex;flex-wrap:wrap;gap:1rem}
main{max-width:72rem;margin:0 auto;padding:1rem 1.5rem 3rem}
pre{background:#f3f3f3;padding:.75rem;overflow-x:auto}
code{font-family:ui-monospace,monospace;font-size:.92em}
table{border-collapse:collapse;width:100%}
th,td{border:1px solid #ccc;padding:.35rem .5rem;text-align:left;vertical-align:top}
a{color:#0b57d0}
a:focus-visible{outline:3px solid #0b57d0;outline-offset:2px}
`;
