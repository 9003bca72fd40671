/**
 * The product's look for the pages the server writes itself (the gateway's refusal pages, the developer
 * portal), so that they read as part of the app: its mark, colours and type. The UI serves the same mark as
 * `workspace-ui/public/logo.svg` (a test holds the two together).
 */
export const LOGO_SVG = `<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 32 32" role="img" aria-label="SPE">
  <!-- The mark: data (the dot) inside an enclosure whose one opening is guarded (the gate at the bottom). -->
  <rect width="32" height="32" rx="7" fill="#0b3d5c"/>
  <path d="M16 5.5 25 9v7.2c0 5.3-3.7 9.3-9 10.8-5.3-1.5-9-5.5-9-10.8V9z" fill="none" stroke="#fff" stroke-width="2.4" stroke-linejoin="round"/>
  <circle cx="16" cy="15.5" r="3.2" fill="#f0b400"/>
</svg>
`;

/** The mark as a data: URL, for an <img> or an icon on pages whose policy allows images only from us or data:. */
export const LOGO_DATA_URL = `data:image/svg+xml,${encodeURIComponent(LOGO_SVG)}`;

/**
 * The app's header band, type and colours in plain CSS: for pages that carry their style inline. The
 * typeface falls back to the system's where our own font file is not served (a workspace's host).
 */
export const BRAND_CSS = `body{margin:0;font-family:"Inter Variable",system-ui,-apple-system,"Segoe UI",sans-serif;color:#1b1f24;background:#f4f5f7;line-height:1.5}
.top{display:flex;flex-wrap:wrap;gap:.5rem 1rem;align-items:center;padding:.6rem 1.5rem;background:#0b3d5c;color:#fff}
.top .brand{display:inline-flex;gap:.5rem;align-items:center;font-weight:600;color:#fff;text-decoration:none}
.top a{color:#fff}
main{max-width:70rem;margin:0 auto;padding:1.5rem}
.card{background:#fff;border-radius:8px;padding:1rem 1.25rem;box-shadow:0 1px 2px rgb(0 0 0 / 12%)}
.card.narrow{max-width:34rem;margin:2rem auto}
a{color:#0b5c8a}
.button{display:inline-block;background:#0b5c8a;color:#fff;border-radius:6px;padding:.5rem 1rem;text-decoration:none}
.muted{color:#555d66}
:focus-visible{outline:3px solid #f0b400;outline-offset:2px}
@media (max-width:40rem){.top{padding:.5rem .75rem}main{padding:1rem .75rem}.card{padding:.75rem}.card.narrow{margin:1rem auto}}
`;

/** The header band every server-written page starts with: the mark and the product's name, linking home. */
export function brandHeader(name: string, home: string, escape: (s: string) => string): string {
  return `<header class="top"><a class="brand" href="${escape(home)}"><img src="${LOGO_DATA_URL}" alt="" width="28" height="28"><span>${escape(name)}</span></a></header>`;
}
