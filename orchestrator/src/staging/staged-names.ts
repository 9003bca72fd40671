import { isSafeStagedPath } from "../deliveries/data-loader/staged-file-path";
import type { StagedDeliveryRef } from "./staging-store";

/** A Kubernetes namespace name (an RFC 1123 label): the staging endpoint checks requests with it too. */
export const NAMESPACE_NAME = /^[a-z0-9]([-a-z0-9]{0,61}[a-z0-9])?$/;
const SEGMENT = /^[A-Za-z0-9_][A-Za-z0-9._-]{0,127}$/;

/**
 * Every name that becomes part of a staged file's path or object key, checked once more at the store: the
 * callers validate them already, but a store must never be talked into writing or deleting outside a delivery.
 */
export function checkedNamespace(namespace: string): string {
  if (!NAMESPACE_NAME.test(namespace))
    throw new Error(`Refused a staging namespace that is no namespace name: ${JSON.stringify(namespace)}`);
  return namespace;
}

export function checkedRef(ref: StagedDeliveryRef): StagedDeliveryRef {
  checkedNamespace(ref.namespace);
  for (const segment of [ref.datasetId, ref.datasetVersion, ref.id])
    if (!SEGMENT.test(segment))
      throw new Error(`Refused a staged delivery name that is not a plain segment: ${JSON.stringify(segment)}`);
  return ref;
}

export function checkedPath(path: string): string {
  if (!isSafeStagedPath(path))
    throw new Error(`Refused a staged file path that is not plain and relative: ${JSON.stringify(path)}`);
  return path;
}
