import { TRPCClientError } from "@trpc/client";
import type { TFunction } from "i18next";
import { sv } from "../locales/sv";

type KnownCode = keyof typeof sv.airlock.errors;
const isKnownCode = (code: string | undefined): code is KnownCode => code !== undefined && code in sv.airlock.errors;

/** The stable code of an API error: from `data.speCode`, else from the message ("CODE: sentence"). */
export function errorCode(error: unknown): string | undefined {
  if (!(error instanceof TRPCClientError)) return undefined;
  const data = error.data as { speCode?: string } | undefined;
  return data?.speCode ?? /^([A-Z][A-Z_]+):/.exec(error.message)?.[1];
}

/** Our words for an error's stable code, when we have them. */
export const errorWords = (error: unknown, t: TFunction): string | undefined => {
  const code = errorCode(error);
  return isKnownCode(code) ? t(`airlock.errors.${code}`) : undefined;
};

/** The server's own sentence, without the code in front. */
export const serverSentence = (error: unknown) =>
  error instanceof Error ? error.message.replace(/^[A-Z][A-Z_]+:\s*/, "") : String(error);
