/** Ends our session, then lets the identity provider end its own. */
export async function signOut(): Promise<void> {
  const res = await fetch("/auth/logout", { method: "POST" });
  const { redirect } = (await res.json()) as { redirect: string };
  window.location.assign(redirect);
}
