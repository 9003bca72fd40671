import { escapeHtml } from "../../html";

/**
 * The Markdown our guides use, as HTML: headings, paragraphs, fenced code, lists, tables, inline code,
 * bold and links. Not a general Markdown renderer: the guides are ours and their tests render each one.
 * Everything is escaped first, so a guide cannot inject markup, and links go only to http(s) or our paths.
 */
export function renderMarkdown(source: string): string {
  const lines = source.replace(/\r\n/g, "\n").split("\n");
  const out: string[] = [];
  let i = 0;
  while (i < lines.length) {
    const line = lines[i]!;
    const fence = /^```(\w*)\s*$/.exec(line);
    if (fence) {
      const code: string[] = [];
      for (i++; i < lines.length && !/^```\s*$/.test(lines[i]!); i++) code.push(lines[i]!);
      i++;
      out.push(
        `<pre><code${fence[1] ? ` class="language-${fence[1]}"` : ""}>${escapeHtml(code.join("\n"))}</code></pre>`,
      );
      continue;
    }
    const heading = /^(#{1,4})\s+(.*)$/.exec(line);
    if (heading) {
      const level = heading[1]!.length;
      out.push(`<h${level} id="${slug(heading[2]!)}">${inline(heading[2]!)}</h${level}>`);
      i++;
      continue;
    }
    if (/^\|/.test(line)) {
      const rows: string[] = [];
      for (; i < lines.length && /^\|/.test(lines[i]!); i++) rows.push(lines[i]!);
      out.push(table(rows));
      continue;
    }
    const item = /^(\s*)([-*]|\d+\.)\s+/;
    if (item.test(line)) {
      const ordered = /^\s*\d+\./.test(line);
      const items: string[] = [];
      for (; i < lines.length && lines[i]!.trim() !== "" && !/^(#|```|\|)/.test(lines[i]!); i++) {
        if (item.test(lines[i]!)) items.push(lines[i]!.replace(item, ""));
        else items[items.length - 1] += ` ${lines[i]!.trim()}`;
      }
      const tag = ordered ? "ol" : "ul";
      out.push(`<${tag}>${items.map((t) => `<li>${inline(t)}</li>`).join("")}</${tag}>`);
      continue;
    }
    if (line.trim() === "") {
      i++;
      continue;
    }
    const paragraph: string[] = [];
    for (; i < lines.length && lines[i]!.trim() !== "" && !/^(#{1,4}\s|```|\||\s*([-*]|\d+\.)\s)/.test(lines[i]!); i++)
      paragraph.push(lines[i]!.trim());
    out.push(`<p>${inline(paragraph.join(" "))}</p>`);
  }
  return out.join("\n");
}

function table(rows: string[]): string {
  // A cell may hold an escaped pipe (`\|`): split only on the others.
  const cells = (row: string) =>
    row
      .replace(/^\||\|$/g, "")
      .split(/(?<!\\)\|/)
      .map((c) => c.trim().replace(/\\\|/g, "|"));
  const [head, , ...body] = rows;
  return `<table><thead><tr>${cells(head!)
    .map((c) => `<th>${inline(c)}</th>`)
    .join("")}</tr></thead><tbody>${body
    .map(
      (r) =>
        `<tr>${cells(r)
          .map((c) => `<td>${inline(c)}</td>`)
          .join("")}</tr>`,
    )
    .join("")}</tbody></table>`;
}

/** Inline code first, so that `**` or `[` inside code stays literal. */
function inline(text: string): string {
  return text
    .split(/(`[^`]+`)/)
    .map((part) => {
      if (/^`[^`]+`$/.test(part)) return `<code>${escapeHtml(part.slice(1, -1))}</code>`;
      return escapeHtml(part)
        .replace(/\*\*([^*]+)\*\*/g, "<strong>$1</strong>")
        .replace(
          /\[([^\]]+)\]\(((?:https?:\/\/|\/|#)[^)\s]*)\)/g,
          (_m, label: string, href: string) => `<a href="${href}">${label}</a>`,
        );
    })
    .join("");
}

/** `How to sign a permit` → `how-to-sign-a-permit`: anchors for the headings. */
export function slug(text: string): string {
  return text
    .toLowerCase()
    .replace(/[^a-z0-9]+/g, "-")
    .replace(/^-|-$/g, "");
}
