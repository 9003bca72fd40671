import { Link } from "react-router";
import { ReviewQueue } from "../../features/reviews/review-queue";
import { RequireRole } from "../../features/session/require-role";

export default function ReviewQueuePage() {
  return (
    <RequireRole role="output-checker">
      <nav aria-label="Brödsmulor" className="crumbs">
        <Link to="/">Start</Link>
      </nav>
      <h1>Granskningskö</h1>
      <ReviewQueue />
    </RequireRole>
  );
}
