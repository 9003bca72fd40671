import { describe, expect, it } from "vitest";
import { contentOf, requireContentMatchesName } from "./file-content";

const text = (s: string) => new TextEncoder().encode(s);

describe("contentOf", () => {
  it.each([
    ["a PNG", Uint8Array.of(0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a, 0), "png"],
    ["a JPEG", Uint8Array.of(0xff, 0xd8, 0xff, 0xe0), "jpeg"],
    ["a GIF", text("GIF89a"), "gif"],
    ["a PDF", text("%PDF-1.7\n"), "pdf"],
    ["an xlsx", Uint8Array.of(0x50, 0x4b, 0x03, 0x04, 0x14), "zip"],
    ["an SVG", text('<?xml version="1.0"?>\n<svg xmlns="http://www.w3.org/2000/svg"/>'), "svg"],
    ["a bare SVG", text("<svg width='1'></svg>"), "svg"],
    ["a CSV", text("region,count\nA,12\n"), "text"],
    ["Swedish text", text("län,antal\nVästra Götaland,12\n"), "text"],
    ["text with a NUL", text("a,b\n1,\u00002\n"), "binary"],
    ["Latin-1 bytes", Uint8Array.of(0x6c, 0xe4, 0x6e), "binary"],
  ])("%s is %s", (_, bytes, content) => {
    expect(contentOf(bytes)).toBe(content);
  });
});

describe("requireContentMatchesName", () => {
  it("lets an image named as one and text named as text through", () => {
    expect(() => requireContentMatchesName("png", "png")).not.toThrow();
    expect(() => requireContentMatchesName("jpg", "jpeg")).not.toThrow();
    expect(() => requireContentMatchesName("csv", "text")).not.toThrow();
  });

  it.each([
    ["png", "text", /is text, but its name ends in \.png, which must be a PNG image/],
    ["csv", "png", /is a PNG image, but its name ends in \.csv, which must be text/],
    ["txt", "svg", /SVG and PDF cannot leave: save the figure as PNG/],
    ["md", "zip", /ZIP archive/],
  ] as const)("refuses .%s holding %s", (extension, content, message) => {
    expect(() => requireContentMatchesName(extension, content)).toThrow(message);
  });
});
