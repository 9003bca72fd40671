import type { ReactNode } from "react";
import { ROLE_NAMES } from "./role-names";
import { useMe } from "./use-me";

type Role = NonNullable<ReturnType<typeof useMe>["data"]>["roles"][number];

/** A role's page only for people with that role; everyone else is told whose page it is. */
export function RequireRole({ role, children }: { role: Role; children: ReactNode }) {
  const me = useMe();
  if (me.isPending) return <p aria-busy="true">Laddar…</p>;
  if (me.isError) return <p role="alert">Kunde inte nå servern: {me.error.message}</p>;
  if (!me.data)
    return (
      <p>
        <a href="/auth/login">Logga in</a> för att se sidan.
      </p>
    );
  if (!me.data.roles.includes(role)) return <p role="alert">Sidan är till för rollen {ROLE_NAMES[role] ?? role}, som du inte har.</p>;
  return children;
}
