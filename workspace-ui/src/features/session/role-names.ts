export const ROLE_NAMES: Record<string, string> = {
  researcher: "Forskare",
  operator: "Operatör",
  "output-checker": "Utdatagranskare",
  auditor: "Tillsyn",
};
