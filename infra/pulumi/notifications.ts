import { MOUNTS } from "./names";
import type { StackConfig } from "./stack-config";

type Notifications = StackConfig["notifications"];

const SMTP_CREDENTIALS_VOLUME = "smtp-credentials";
const webhookVolume = (name: string) => `webhook-${name}`;

/**
 * The orchestrator's notification settings (orchestrator/src/config.ts): its SMTP server and sender, and the
 * webhooks file (in the files ConfigMap) when the stack names webhooks. Secrets are files from Secrets made
 * outside Pulumi, never environment values.
 */
export function notificationsEnvironment(
  notifications: Notifications,
  webhooksFile: string,
): Record<string, string | undefined> {
  const smtp = notifications.smtp;
  return {
    SMTP_URL: smtp?.url,
    MAIL_FROM: smtp?.from,
    SMTP_CREDENTIALS_FILE: smtp?.credentials && `${MOUNTS.keys}/${SMTP_CREDENTIALS_VOLUME}/${smtp.credentials.key}`,
    NOTIFICATION_WEBHOOKS_FILE: Object.keys(notifications.webhooks).length ? webhooksFile : undefined,
  };
}

/** The webhooks file the orchestrator reads at start: each destination with where its secret is mounted. */
export function webhooksFileContent(notifications: Notifications): string | undefined {
  const entries = Object.entries(notifications.webhooks);
  if (!entries.length) return undefined;
  return JSON.stringify(
    Object.fromEntries(
      entries.map(([name, { url, events, dataHolders, issuers, secret }]) => [
        name,
        { url, events, dataHolders, issuers, secretFile: `${MOUNTS.keys}/${webhookVolume(name)}/${secret.key}` },
      ]),
    ),
    null,
    2,
  );
}

export function notificationsVolumes(notifications: Notifications) {
  const secrets = [
    ...(notifications.smtp?.credentials ? [[SMTP_CREDENTIALS_VOLUME, notifications.smtp.credentials] as const] : []),
    ...Object.entries(notifications.webhooks).map(([name, w]) => [webhookVolume(name), w.secret] as const),
  ];
  return secrets.map(([volume, { name, key }]) => ({
    name: volume,
    secret: { secretName: name, items: [{ key, path: key }], defaultMode: 0o440 },
  }));
}

export function notificationsVolumeMounts(notifications: Notifications) {
  return notificationsVolumes(notifications).map(({ name }) => ({
    name,
    mountPath: `${MOUNTS.keys}/${name}`,
    readOnly: true,
  }));
}

/**
 * The orchestrator's ways out for notifications: the SMTP server and each webhook, by their addresses and
 * ports alone. A webhook URL comes only from the stack, so the orchestrator cannot be made to send a request
 * anywhere else in the cluster or outside it.
 */
export function notificationsEgress(notifications: Notifications) {
  const destinations = [
    ...(notifications.smtp ? [notifications.smtp.network] : []),
    ...Object.values(notifications.webhooks).map((w) => w.network),
  ];
  return destinations.map(({ cidrs, port }) => ({
    to: cidrs.map((cidr) => ({ ipBlock: { cidr } })),
    ports: [{ protocol: "TCP", port }],
  }));
}
