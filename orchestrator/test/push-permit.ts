import { devHdabPrivateKey } from "../src/permits/dev-hdab";
import type { PermitPayload } from "../src/permits/permit";
import { signPermit } from "../src/permits/sign-permit";

export interface PushAnswer {
  status: number;
  body: {
    outcome?: string;
    permitId?: string;
    sequence?: number;
    namespace?: string;
    error?: string;
    message?: string;
  };
}

/** Pushes a signed permit as the HDAB's system does: `POST /api/v1/permits`, the compact JWS as the body. */
export async function pushPermit(appUrl: string, jws: string): Promise<PushAnswer> {
  const res = await fetch(`${appUrl}/api/v1/permits`, {
    method: "POST",
    headers: { "content-type": "application/jose" },
    body: jws,
  });
  return { status: res.status, body: (await res.json()) as PushAnswer["body"] };
}

/** Signs `payload` as the development HDAB and pushes it; returns the environment's namespace. */
export async function pushDevPermit(appUrl: string, payload: PermitPayload): Promise<string> {
  const { status, body } = await pushPermit(appUrl, await signPermit(payload, devHdabPrivateKey()));
  if (status !== 201 || !body.namespace) throw new Error(`The permit push answered ${status}: ${JSON.stringify(body)}`);
  return body.namespace;
}
