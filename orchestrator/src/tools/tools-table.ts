import { PERMIT_TOOL_NAMES, servedTool, WORKSPACE_TOOLS, type ActivityCoverage } from "./tool-registry";

const ACTIVITY: Record<ActivityCoverage, string> = {
  jupyter: "each kernel message's code and status, terminals opened and closed, files opened and saved through the Lab",
  sessions:
    "each connection opened and closed, with when; not what is typed or run (one WebSocket the gateway does not read)",
};

/**
 * The README's table of tools, from the registry: a permit's name for each tool, what serves it, what it
 * offers, what the gateway refuses and what the record of activities covers. The README must hold it as it is
 * (tools-table.test.ts), so that the table cannot drift from what runs.
 */
export function toolsTable(): string {
  const rows = PERMIT_TOOL_NAMES.map((name) => {
    const tool = WORKSPACE_TOOLS[servedTool(name)];
    const served = tool.name === name ? `\`${tool.imageFolder}/\`` : `\`${tool.name}\` (\`${tool.imageFolder}/\`)`;
    const refused = tool.blockedRoutes.map((r) => `\`${r}/\``).join(", ");
    return `| \`${name}\` | ${served} | ${tool.offers} | ${refused} | ${ACTIVITY[tool.activity]} |`;
  });
  return [
    "| permit's tool | served by | what it offers | routes the gateway refuses | what the record of activities covers |",
    "|---|---|---|---|---|",
    ...rows,
  ].join("\n");
}
