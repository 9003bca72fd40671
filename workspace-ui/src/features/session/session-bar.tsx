import { ROLE_NAMES } from "./role-names";
import { signOut } from "./sign-out";
import { useMe } from "./use-me";

export function SessionBar() {
  const me = useMe();
  if (!me.data) return null;
  return (
    <div className="session">
      <span>{me.data.name}</span>
      {me.data.roles.map((r) => (
        <span key={r} className="badge">{ROLE_NAMES[r] ?? r}</span>
      ))}
      <button type="button" onClick={() => void signOut()}>Logga ut</button>
    </div>
  );
}
