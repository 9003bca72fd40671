// Test support: runs the program against Pulumi's mock monitor and records what it would create.
import * as pulumi from "@pulumi/pulumi";

export interface RegisteredResource {
  type: string;
  name: string;
  /** The inputs as the engine would receive them; secrets stay wrapped (see isSecretValue). */
  inputs: Record<string, unknown>;
}

/**
 * Puts the (process-global) Pulumi runtime into mock mode with the given stack config and returns the
 * list that every resource registration is appended to. Call it before importing the program: the
 * program reads its config and declares resources at import time.
 */
export async function mockRuntime(
  config: Record<string, string>,
  secretKeys: string[],
  project = "spe",
): Promise<RegisteredResource[]> {
  const registered: RegisteredResource[] = [];
  await pulumi.runtime.setMocks(
    {
      newResource: (args) => {
        registered.push({ type: args.type, name: args.name, inputs: args.inputs as Record<string, unknown> });
        return { id: `${args.name}-id`, state: args.inputs as Record<string, unknown> };
      },
      call: (args) => args.inputs as Record<string, unknown>,
    },
    project,
    "test",
    false,
  );
  pulumi.runtime.setAllConfig(
    Object.fromEntries(Object.entries(config).map(([k, v]) => [`${project}:${k}`, v])),
    secretKeys.map((k) => `${project}:${k}`),
  );
  return registered;
}

/**
 * Waits until every registration the program started has reached the mock monitor. The SDK's own
 * runner waits the same way before it exits; the function is not in the SDK's types, hence the cast.
 */
export async function settled(): Promise<void> {
  const waitForRPCs = (pulumi.runtime as unknown as { waitForRPCs?: () => Promise<void> }).waitForRPCs;
  if (typeof waitForRPCs !== "function")
    throw new Error(
      "@pulumi/pulumi no longer exports runtime.waitForRPCs; find another way to await the mock registrations",
    );
  await waitForRPCs();
}

export const isSecretValue = (value: unknown): boolean => pulumi.runtime.isRpcSecret(value);

/** Every string anywhere in a value, with whether it sits inside a secret. */
export function stringsIn(value: unknown, insideSecret = false): Array<{ text: string; secret: boolean }> {
  if (typeof value === "string") return [{ text: value, secret: insideSecret }];
  if (Array.isArray(value)) return value.flatMap((v) => stringsIn(v, insideSecret));
  if (value && typeof value === "object") {
    if (isSecretValue(value)) return stringsIn(pulumi.runtime.unwrapRpcSecret(value), true);
    return Object.values(value).flatMap((v) => stringsIn(v, insideSecret));
  }
  return [];
}
