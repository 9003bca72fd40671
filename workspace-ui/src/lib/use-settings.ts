import { useMutation, useQuery, useQueryClient } from "@tanstack/react-query";
import { useEffect } from "react";
import { chooseLanguage, i18n } from "./i18n";
import { useTRPC } from "./trpc";
import { useMe } from "./use-me";

/** The signed-in person's settings as the server keeps them (language, e-mail on or off); nothing when signed out. */
export function useSettings() {
  const trpc = useTRPC();
  const me = useMe();
  return useQuery({ ...trpc.settings.get.queryOptions(), enabled: !!me.data });
}

/** Saves settings on the server; the answer is the settings as they now are. */
export function useSaveSettings() {
  const trpc = useTRPC();
  const queryClient = useQueryClient();
  return useMutation(
    trpc.settings.update.mutationOptions({
      onSuccess: (settings) => queryClient.setQueryData(trpc.settings.get.queryKey(), settings),
    }),
  );
}

/**
 * A person who chose a language has it on every browser they sign in on: the server's choice wins over what
 * this browser remembered. Someone who never chose keeps the browser's.
 */
export function useServerLanguage(): void {
  const settings = useSettings();
  const chosen = settings.data?.languageChosen ? settings.data.language : undefined;
  useEffect(() => {
    if (chosen && chosen !== i18n.language) chooseLanguage(chosen);
  }, [chosen]);
}
