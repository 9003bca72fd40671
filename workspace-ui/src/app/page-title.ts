import { useEffect } from "react";
import { useTranslation } from "react-i18next";

/**
 * The tab's title is the page's own heading followed by the product's name, so that tabs, history and a
 * screen reader's announcement of a new page tell pages apart. It follows the heading rather than each route
 * naming itself: a request's page is titled by the request, which arrives after the route has rendered.
 */
export function usePageTitle(): void {
  const { t, i18n } = useTranslation();
  const product = t("app.title");
  useEffect(() => {
    const main = document.getElementById("main");
    if (!main) return;
    const apply = () => {
      const heading = main.querySelector("h1")?.textContent?.trim();
      const title = heading ? `${heading} · ${product}` : product;
      if (document.title !== title) document.title = title;
    };
    apply();
    const observer = new MutationObserver(apply);
    observer.observe(main, { childList: true, subtree: true, characterData: true });
    return () => observer.disconnect();
  }, [product, i18n.language]);
}
