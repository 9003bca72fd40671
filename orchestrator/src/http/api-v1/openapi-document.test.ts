import { readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { Validator } from "@seriousme/openapi-schema-validator";
import { describe, expect, it } from "vitest";
import { API_ERRORS, type ApiErrorCode } from "../../integrator/error-codes";
import { DOCS_DIR, guideMarkdown } from "./developer-portal";
import { errorGuideMarkdown } from "./error-guide";
import { renderMarkdown } from "./markdown";
import { openApiDocument } from "./openapi-document";
import { API_V1_OPERATIONS } from "./operations";
import { GUIDES } from "./portal-pages";

const document = openApiDocument({ serverUrl: "http://localhost:8080", tokenUrl: "http://localhost:8081/token" });
type Responses = Record<string, { "x-error-codes"?: ApiErrorCode[] }>;

describe("the OpenAPI document", () => {
  it("validates against the OpenAPI 3.1 schema", async () => {
    const result = await new Validator().validate(structuredClone(document) as never);
    expect(result.errors ?? []).toEqual([]);
    expect(result.valid).toBe(true);
    expect(document.openapi).toBe("3.1.0");
    // The validator does refuse: a response without its required description fails.
    const broken = structuredClone(document) as unknown as {
      paths: Record<string, Record<string, { responses: Record<string, { description?: string }> }>>;
    };
    delete broken.paths["/api/v1/permits"]!.post!.responses["201"]!.description;
    expect((await new Validator().validate(broken as never)).valid).toBe(false);
  });

  it("has exactly the operations the handlers register, each with every status its codes have", () => {
    const documented = Object.entries(document.paths ?? {}).flatMap(([path, item]) =>
      Object.keys(item as object).map((method) => `${method} ${path}`),
    );
    expect(documented.sort()).toEqual(API_V1_OPERATIONS.map((op) => `${op.method} ${op.path}`).sort());
    for (const op of API_V1_OPERATIONS) {
      const responses = (document.paths![op.path] as Record<string, { responses: Responses }>)[op.method]!.responses;
      const statuses = new Set([...Object.keys(op.responses), ...op.errors.map((c) => String(API_ERRORS[c].status))]);
      expect(Object.keys(responses).sort(), op.operationId).toEqual([...statuses].sort());
      const codes = Object.values(responses).flatMap((r) => r["x-error-codes"] ?? []);
      expect(codes.sort(), op.operationId).toEqual([...op.errors].sort());
    }
  });

  it("names the client-credentials token URL and each operation's scope", () => {
    const scheme = document.components?.securitySchemes?.clientCredentials as {
      flows: { clientCredentials: { tokenUrl: string; scopes: Record<string, string> } };
    };
    expect(scheme.flows.clientCredentials.tokenUrl).toBe("http://localhost:8081/token");
    expect(Object.keys(scheme.flows.clientCredentials.scopes).sort()).toEqual(["deliveries", "permits"]);
    const push = (document.paths!["/api/v1/permits"] as Record<string, { security: unknown[] }>).post!;
    expect(push.security).toEqual([]);
    const status = (document.paths!["/api/v1/permits/{id}"] as Record<string, { security: unknown[] }>).get!;
    expect(status.security).toEqual([{ clientCredentials: ["permits"] }]);
  });

  it("has no error code that no operation answers with", () => {
    const answered = new Set(API_V1_OPERATIONS.flatMap((op) => op.errors));
    expect(Object.keys(API_ERRORS).filter((c) => !answered.has(c as ApiErrorCode))).toEqual([]);
  });
});

describe("the guides", () => {
  it("docs/error-codes.md is the guide generated from the error table (UPDATE_DOCS=1 rewrites it)", () => {
    const file = join(DOCS_DIR, "error-codes.md");
    if (process.env.UPDATE_DOCS === "1") writeFileSync(file, errorGuideMarkdown());
    expect(readFileSync(file, "utf8")).toBe(errorGuideMarkdown());
    for (const code of Object.keys(API_ERRORS))
      expect(errorGuideMarkdown()).toContain(`| \`${code}\` | ${API_ERRORS[code as ApiErrorCode].status} |`);
  });

  it.each(GUIDES.map((g) => [g.slug]))("%s renders with its title as the one h1", (slug) => {
    const html = renderMarkdown(guideMarkdown(slug));
    expect(html.match(/<h1 /g)).toHaveLength(1);
    expect(html).not.toMatch(/<script|```/);
  });

  it("renders Markdown without letting it inject markup or script links", () => {
    const html = renderMarkdown(
      "# T\n\nA <script>alert(1)</script> [x](javascript:alert(1)) [ok](/developers) `<b>` **bold**\n\n| a | b \\| c |\n|---|---|\n| `1` | 2 |",
    );
    expect(html).toContain("&lt;script&gt;");
    expect(html).not.toContain('href="javascript');
    expect(html).toContain('<a href="/developers">ok</a>');
    expect(html).toContain("<code>&lt;b&gt;</code>");
    expect(html).toContain("<th>b | c</th>");
  });
});
