import { Link, useParams } from "react-router";
import { ReviewRequest } from "../../features/reviews/review-request";
import { RequireRole } from "../../features/session/require-role";

export default function Review() {
  const { id = "" } = useParams();
  return (
    <RequireRole role="output-checker">
      <nav aria-label="Brödsmulor" className="crumbs">
        <Link to="/">Start</Link> › <Link to="/reviews">Granskningskö</Link>
      </nav>
      <ReviewRequest id={id} />
    </RequireRole>
  );
}
