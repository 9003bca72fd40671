import type { ReactNode } from "react";
import { SessionBar } from "../features/session/session-bar";

export function Layout({ children }: { children: ReactNode }) {
  return (
    <>
      <header className="top">
        <span className="brand">SPE · Säker behandlingsmiljö</span>
        <SessionBar />
      </header>
      <main>{children}</main>
    </>
  );
}
