import { lazy, Suspense } from "react";
import { useTranslation } from "react-i18next";
import { BrowserRouter, Route, Routes } from "react-router";
import { Layout } from "./layout";

// Each role's pages load only when someone opens them.
const Home = lazy(() => import("../routes/home"));
const Evidence = lazy(() => import("../routes/evidence"));
const Activity = lazy(() => import("../routes/activity"));
const Audit = lazy(() => import("../routes/audit"));
const AuditEventPage = lazy(() => import("../routes/audit-event"));
const Outbox = lazy(() => import("../routes/researcher/outbox"));
const MyExports = lazy(() => import("../routes/researcher/my-exports"));
const ExportRequest = lazy(() => import("../routes/researcher/export-request"));
const ReviewQueue = lazy(() => import("../routes/checker/review-queue"));
const ReviewHistory = lazy(() => import("../routes/checker/review-history"));
const Review = lazy(() => import("../routes/checker/review"));
const Permits = lazy(() => import("../routes/operator/permits"));
const Environments = lazy(() => import("../routes/operator/environments"));
const Environment = lazy(() => import("../routes/operator/environment"));
const Deliveries = lazy(() => import("../routes/operator/deliveries"));
const Statistics = lazy(() => import("../routes/operator/statistics"));
const Packages = lazy(() => import("../routes/operator/packages"));
const Settings = lazy(() => import("../routes/settings"));
const NotFound = lazy(() => import("../routes/not-found"));

export function AppRouter() {
  const { t } = useTranslation();
  return (
    <BrowserRouter>
      <Layout>
        <Suspense fallback={<p aria-busy="true">{t("app.loading")}</p>}>
          <Routes>
            <Route path="/evidence/:namespace" element={<Evidence />} />
            <Route path="/activity/:namespace" element={<Activity />} />
            <Route path="/audit" element={<Audit />} />
            <Route path="/audit/events/:sequence" element={<AuditEventPage />} />
            <Route path="/environments/:namespace/outbox" element={<Outbox />} />
            <Route path="/exports" element={<MyExports />} />
            <Route path="/exports/:id" element={<ExportRequest />} />
            <Route path="/reviews" element={<ReviewQueue />} />
            <Route path="/reviews/history" element={<ReviewHistory />} />
            <Route path="/reviews/:id" element={<Review />} />
            <Route path="/operator/permits" element={<Permits />} />
            <Route path="/operator/environments" element={<Environments />} />
            <Route path="/operator/environments/:namespace" element={<Environment />} />
            <Route path="/operator/environments/:namespace/evidence" element={<Evidence reader="operator" />} />
            <Route path="/operator/deliveries" element={<Deliveries />} />
            <Route path="/operator/statistics" element={<Statistics />} />
            <Route path="/operator/packages" element={<Packages />} />
            <Route path="/settings" element={<Settings />} />
            <Route path="/" element={<Home />} />
            <Route path="*" element={<NotFound />} />
          </Routes>
        </Suspense>
      </Layout>
    </BrowserRouter>
  );
}
