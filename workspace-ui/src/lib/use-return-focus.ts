import { useEffect, useState } from "react";

/**
 * For a dialog: when it goes, focus goes back to what opened it, so that a keyboard or screen reader user goes
 * on from where they were rather than from the top of the page. A trigger the change removes (a torn-down
 * row's buttons) hands focus to the page's main content instead of leaving it nowhere.
 */
export function useReturnFocus(): void {
  // Read while the dialog is first rendered: by the time effects run, an autoFocus field inside it has focus.
  const [trigger] = useState(() => (document.activeElement instanceof HTMLElement ? document.activeElement : null));
  useEffect(() => {
    return () => {
      if (!trigger) return;
      // Once the browser has let go of the modal dialog: until then the rest of the page is inert.
      setTimeout(() => {
        if (trigger.isConnected) trigger.focus();
        const lost = () => {
          if (trigger.isConnected) return false;
          const focused = document.activeElement;
          if (!focused || focused === document.body) document.getElementById("main")?.focus();
          return true;
        };
        if (lost()) return;
        // The list the dialog changed is fetched again afterwards, which may take the trigger away only then.
        const watch = new MutationObserver(() => lost() && watch.disconnect());
        watch.observe(document.body, { childList: true, subtree: true });
        setTimeout(() => watch.disconnect(), 30_000);
      }, 0);
    };
  }, [trigger]);
}
