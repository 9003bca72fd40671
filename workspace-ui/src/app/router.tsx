import { lazy, Suspense } from "react";
import { BrowserRouter, Route, Routes } from "react-router";
import { Layout } from "./layout";

// Each role's pages load only when someone opens them.
const Home = lazy(() => import("../routes/home"));
const Evidence = lazy(() => import("../routes/evidence"));

export function AppRouter() {
  return (
    <BrowserRouter>
      <Layout>
        <Suspense fallback={<p aria-busy="true">Laddar…</p>}>
          <Routes>
            <Route path="/evidence/:namespace" element={<Evidence />} />
            <Route path="*" element={<Home />} />
          </Routes>
        </Suspense>
      </Layout>
    </BrowserRouter>
  );
}
