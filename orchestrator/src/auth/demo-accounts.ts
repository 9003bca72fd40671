import { ROLES, type Role } from "./roles";

/**
 * Demo people for the development OpenID Provider, one or more per role. Development only: the provider
 * that serves them is refused when NODE_ENV=production.
 */
export interface DemoAccount {
  subject: string;
  name: string;
  email: string;
  groups: Role[];
}

export const DEMO_PASSWORD = "demo";
/** The development provider's second factor: any demo account that also gives this code signs in with two factors. */
export const DEMO_ONE_TIME_CODE = "123456";

const NAMED_DEMO_ACCOUNTS: readonly DemoAccount[] = [
  { subject: "alice", name: "Alice Andersson", email: "alice@uni.example", groups: ["researcher"] },
  { subject: "bob", name: "Bob Berg", email: "bob@uni.example", groups: ["researcher"] },
  { subject: "olof", name: "Olof Operatör", email: "olof@scb.example", groups: ["operator"] },
  { subject: "karin", name: "Karin Kontrollant", email: "karin@scb.example", groups: ["output-checker"] },
  { subject: "kalle", name: "Kalle Kontrollant", email: "kalle@scb.example", groups: ["output-checker"] },
  { subject: "ida", name: "Ida Inspektör", email: "ida@ivo.example", groups: ["auditor"] },
];

/**
 * The named people, then one account named after each role that has none yet (its subject is the role's
 * name), so that a role added to the registry can be signed in with at once.
 */
export const DEMO_ACCOUNTS: readonly DemoAccount[] = [
  ...NAMED_DEMO_ACCOUNTS,
  ...ROLES.filter((role) => !NAMED_DEMO_ACCOUNTS.some((a) => a.groups.includes(role))).map((role) => ({
    subject: role,
    name: `Demo ${role}`,
    email: `${role}@demo.example`,
    groups: [role],
  })),
];

/**
 * A demo data holder (a region's register unit) as an OAuth client of the development provider: it gets
 * access tokens with client credentials to deliver extracts. Development only, like the accounts.
 */
export const DEMO_DATA_HOLDER = {
  clientId: "region-demo",
  clientSecret: "demo-data-holder-secret",
  name: "Region Demo, registerenheten",
} as const;

/**
 * The demo Health Data Access Body's system as an OAuth client: it pushes signed permits (the signature
 * is that call's credential) and reads its permits' environment status with an access token of scope
 * `permits`. Development only, like the accounts.
 */
export const DEMO_HDAB_CLIENT = {
  clientId: "hdab-demo",
  clientSecret: "demo-hdab-secret",
  name: "Demo HDAB, permit system",
} as const;
