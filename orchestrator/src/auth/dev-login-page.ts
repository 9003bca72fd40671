import { escapeHtml } from "../html";
import { DEMO_ACCOUNTS, DEMO_ONE_TIME_CODE, DEMO_PASSWORD } from "./demo-accounts";

/** The development provider's sign-in page, listing the demo accounts. */
export function loginPage(uid: string, error?: string): string {
  const rows = DEMO_ACCOUNTS.map(
    (a) =>
      `<tr><td><code>${escapeHtml(a.subject)}</code></td><td>${escapeHtml(a.name)}</td><td>${escapeHtml(a.groups.join(", "))}</td></tr>`,
  ).join("");
  return `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1">
<title>Sign in — development identity provider</title>
<style>body{font-family:system-ui,sans-serif;max-width:34rem;margin:3rem auto;padding:0 1rem;color:#1a1a1a}
label{display:block;margin-top:1rem}input{display:block;width:100%;padding:.5rem;font-size:1rem;margin-top:.25rem}
button{margin-top:1.25rem;padding:.6rem 1.2rem;font-size:1rem}.error{color:#a40000;font-weight:600}
.note{background:#fff4ce;padding:.5rem .75rem;border-left:4px solid #b58900}table{border-collapse:collapse;margin-top:.5rem}
td{padding:.2rem .75rem .2rem 0}</style></head>
<body><h1>Sign in</h1>
<p class="note">Development identity provider. Never use it in production.</p>
${error ? `<p class="error" role="alert">${escapeHtml(error)}</p>` : ""}
<form method="post" action="/interaction/${escapeHtml(uid)}">
<label>User name<input name="username" autocomplete="username" required autofocus></label>
<label>Password<input name="password" type="password" autocomplete="current-password" required></label>
<label>One-time code (optional: the second factor, <code>${DEMO_ONE_TIME_CODE}</code>)<input name="otp" inputmode="numeric" autocomplete="one-time-code" pattern="[0-9]{6}"></label>
<button type="submit">Sign in</button></form>
<h2>Demo accounts</h2><p>Every demo account's password is <code>${DEMO_PASSWORD}</code>.</p>
<table><thead><tr><th>User</th><th>Name</th><th>Groups</th></tr></thead><tbody>${rows}</tbody></table>
</body></html>`;
}
