import "./lib/i18n";
import { StrictMode } from "react";
import { createRoot } from "react-dom/client";
import { Providers } from "./app/providers";
import { AppRouter } from "./app/router";
// The typeface, bundled and served from our own origin like everything else (no font CDN: nothing leaks a visit).
import "@fontsource-variable/inter";
import "./app/styles.css";

createRoot(document.getElementById("root")!).render(
  <StrictMode>
    <Providers>
      <AppRouter />
    </Providers>
  </StrictMode>,
);
