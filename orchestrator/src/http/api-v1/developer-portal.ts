import { createReadStream, readFileSync } from "node:fs";
import { createRequire } from "node:module";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import type { FastifyInstance, FastifyReply } from "fastify";
import { errorGuideMarkdown } from "./error-guide";
import { renderMarkdown } from "./markdown";
import {
  GUIDES,
  guidePage,
  PORTAL_CSP,
  PORTAL_SCRIPT,
  PORTAL_STYLES,
  referencePage,
  type GuideSlug,
} from "./portal-pages";

/** The guides' Markdown, in the repository's docs/ folder. */
export const DOCS_DIR = fileURLToPath(new URL("../../../../docs/", import.meta.url));

const swaggerUiDir = dirname(createRequire(import.meta.url).resolve("swagger-ui-dist/package.json"));
/** The only files of swagger-ui-dist we serve: a fixed list, so no request can name another path. */
const SWAGGER_FILES = {
  "swagger-ui-bundle.js": "text/javascript; charset=utf-8",
  "swagger-ui.css": "text/css; charset=utf-8",
  "favicon-32x32.png": "image/png",
} as const;

/** A guide's Markdown: the error guide from the error table, the others from docs/. */
export function guideMarkdown(slug: GuideSlug): string {
  return slug === "error-codes" ? errorGuideMarkdown() : readFileSync(join(DOCS_DIR, `${slug}.md`), "utf8");
}

const page = (reply: FastifyReply, html: string) =>
  reply
    .header("content-security-policy", PORTAL_CSP)
    .header("x-content-type-options", "nosniff")
    .header("cache-control", "no-cache")
    .type("text/html; charset=utf-8")
    .send(html);

/** `/developers`: the API reference (Swagger UI from our own origin) and the guides; no sign-in needed. */
export function registerDeveloperPortal(app: FastifyInstance): void {
  app.get("/developers", (_req, reply) => page(reply, referencePage()));

  app.get<{ Params: { slug: string } }>("/developers/guides/:slug", (req, reply) => {
    const guide = GUIDES.find((g) => g.slug === req.params.slug);
    if (!guide)
      return reply.code(404).send({
        error: "NOT_FOUND",
        message: `No guide ${req.params.slug}; the guides are ${GUIDES.map((g) => g.slug).join(", ")}.`,
      });
    return page(reply, guidePage(guide.title, renderMarkdown(guideMarkdown(guide.slug))));
  });

  app.get<{ Params: { file: string } }>("/developers/assets/:file", (req, reply) => {
    const { file } = req.params;
    void reply.header("x-content-type-options", "nosniff").header("cache-control", "public, max-age=3600");
    if (file === "portal.js") return reply.type("text/javascript; charset=utf-8").send(PORTAL_SCRIPT);
    if (file === "portal.css") return reply.type("text/css; charset=utf-8").send(PORTAL_STYLES);
    if (!Object.hasOwn(SWAGGER_FILES, file))
      return reply.code(404).send({ error: "NOT_FOUND", message: `No asset ${file}.` });
    return reply
      .type(SWAGGER_FILES[file as keyof typeof SWAGGER_FILES])
      .send(createReadStream(join(swaggerUiDir, file)));
  });
}
