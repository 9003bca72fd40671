import "i18next";
import type { sv } from "./locales/sv";

// Typed keys: t("no.such.key") and a missing interpolation do not compile.
declare module "i18next" {
  interface CustomTypeOptions {
    defaultNS: "translation";
    resources: { translation: typeof sv };
    returnNull: false;
  }
}
