import { Link } from "react-router";
import { MyRequests } from "../../features/exports/my-requests";
import { RequireRole } from "../../features/session/require-role";

export default function MyExports() {
  return (
    <RequireRole role="researcher">
      <nav aria-label="Brödsmulor" className="crumbs">
        <Link to="/">Mina miljöer</Link>
      </nav>
      <h1>Mina exportförfrågningar</h1>
      <p className="muted">Nya förfrågningar gör du från utkorgen i en av dina miljöer.</p>
      <MyRequests />
    </RequireRole>
  );
}
