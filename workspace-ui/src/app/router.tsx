import { lazy, Suspense } from "react";
import { BrowserRouter, Route, Routes } from "react-router";
import { Layout } from "./layout";

// Each role's pages load only when someone opens them.
const Home = lazy(() => import("../routes/home"));
const Evidence = lazy(() => import("../routes/evidence"));
const Outbox = lazy(() => import("../routes/researcher/outbox"));
const MyExports = lazy(() => import("../routes/researcher/my-exports"));
const ExportRequest = lazy(() => import("../routes/researcher/export-request"));
const ReviewQueue = lazy(() => import("../routes/checker/review-queue"));
const Review = lazy(() => import("../routes/checker/review"));

export function AppRouter() {
  return (
    <BrowserRouter>
      <Layout>
        <Suspense fallback={<p aria-busy="true">Laddar…</p>}>
          <Routes>
            <Route path="/evidence/:namespace" element={<Evidence />} />
            <Route path="/environments/:namespace/outbox" element={<Outbox />} />
            <Route path="/exports" element={<MyExports />} />
            <Route path="/exports/:id" element={<ExportRequest />} />
            <Route path="/reviews" element={<ReviewQueue />} />
            <Route path="/reviews/:id" element={<Review />} />
            <Route path="*" element={<Home />} />
          </Routes>
        </Suspense>
      </Layout>
    </BrowserRouter>
  );
}
