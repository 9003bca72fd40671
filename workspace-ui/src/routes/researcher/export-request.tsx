import { Link, useParams } from "react-router";
import { RequestDetail } from "../../features/exports/request-detail";
import { RequireRole } from "../../features/session/require-role";

export default function ExportRequest() {
  const { id = "" } = useParams();
  return (
    <RequireRole role="researcher">
      <nav aria-label="Brödsmulor" className="crumbs">
        <Link to="/">Mina miljöer</Link> › <Link to="/exports">Mina exportförfrågningar</Link>
      </nav>
      <RequestDetail id={id} />
    </RequireRole>
  );
}
