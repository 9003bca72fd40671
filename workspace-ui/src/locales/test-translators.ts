import i18next, { type TFunction } from "i18next";
import { en } from "./en";
import { sv } from "./sv";

/** A translator per language on an i18n instance of its own, for tests of functions that take `t`. */
export async function testTranslators(): Promise<{ inEnglish: TFunction; inSwedish: TFunction }> {
  const i18n = i18next.createInstance();
  await i18n.init({
    resources: { sv: { translation: sv }, en: { translation: en } },
    lng: "sv",
    interpolation: { escapeValue: false },
  });
  return { inEnglish: i18n.getFixedT("en"), inSwedish: i18n.getFixedT("sv") };
}
