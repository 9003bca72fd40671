import type { AppRouter } from "@spe/orchestrator/api";
import { useMutation, useQueryClient } from "@tanstack/react-query";
import type { inferOutput, TRPCOptionsProxy } from "@trpc/tanstack-react-query";
import { useId } from "react";
import { useTranslation } from "react-i18next";
import { ApiError } from "../../components/api-error";
import { useTRPC } from "../../lib/trpc";

type MyEnvironment = inferOutput<TRPCOptionsProxy<AppRouter>["environments"]["mine"]>[number];

/**
 * The person's pick among the tools their permit offers: one runs at a time, so picking another replaces the
 * running one (the home and the project folder are kept). Shown only where there is a choice.
 */
export function ToolPicker({ environment }: { environment: MyEnvironment }) {
  const { t } = useTranslation();
  const trpc = useTRPC();
  const queryClient = useQueryClient();
  const id = useId();
  const pick = useMutation(
    trpc.environments.pickTool.mutationOptions({
      onSuccess: () => queryClient.invalidateQueries({ queryKey: trpc.environments.mine.queryKey() }),
    }),
  );
  if (environment.tools.length < 2) return null;
  const name = environment.purpose ?? environment.permitId;
  return (
    <fieldset className="tool-picker" aria-describedby={`${id}-hint`}>
      <legend>{t("environments.mine.toolFor", { name })}</legend>
      <p id={`${id}-hint`} className="muted">
        {t("environments.mine.toolSwitches")}
      </p>
      {environment.tools.map((tool) => (
        <label key={tool}>
          <input
            type="radio"
            name={`${id}-tool`}
            value={tool}
            checked={environment.tool === tool}
            disabled={pick.isPending}
            onChange={() => pick.mutate({ namespace: environment.namespace, tool })}
          />{" "}
          {t(`tools.${tool}`)}
        </label>
      ))}
      {pick.isSuccess && pick.data.changed && (
        <p role="status">{t("environments.mine.toolPicked", { tool: t(`tools.${pick.data.tool}`) })}</p>
      )}
      {pick.error && <ApiError error={pick.error} />}
    </fieldset>
  );
}
