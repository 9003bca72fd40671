import type { AppRouter } from "@spe/orchestrator/api";
import { isTRPCClientError, type TRPCClientError } from "@trpc/client";
import type { TFunction } from "i18next";
import { sv } from "../locales/sv";

/** An error the API answered, with `data` typed by the orchestrator's error formatter (`speCode`, `issues`). */
export type ApiClientError = TRPCClientError<AppRouter>;

/** Whether an error is one the API answered (rather than the network failing or a bug here). */
export const isApiError = (error: unknown): error is ApiClientError => isTRPCClientError<AppRouter>(error);

type KnownCode = keyof typeof sv.airlock.errors;
const isKnownCode = (code: string | undefined): code is KnownCode => code !== undefined && code in sv.airlock.errors;

/** The stable code of an API error: from `data.speCode`, else from the message ("CODE: sentence"). */
export function errorCode(error: unknown): string | undefined {
  if (!isApiError(error)) return undefined;
  return error.data?.speCode ?? /^([A-Z][A-Z_]+):/.exec(error.message)?.[1];
}

/** Our words for an error's stable code, when we have them. */
export const errorWords = (error: unknown, t: TFunction): string | undefined => {
  const code = errorCode(error);
  return isKnownCode(code) ? t(`airlock.errors.${code}`) : undefined;
};

/** The server's own sentence, without the code in front. */
export const serverSentence = (error: unknown) =>
  error instanceof Error ? error.message.replace(/^[A-Z][A-Z_]+:\s*/, "") : String(error);
