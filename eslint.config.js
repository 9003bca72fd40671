import { readdirSync } from "node:fs";
import js from "@eslint/js";
import prettier from "eslint-config-prettier";
import { createNodeResolver, importX } from "eslint-plugin-import-x";
import globals from "globals";
import tseslint from "typescript-eslint";

// The UI's layers (bulletproof-react): shared code (components/, lib/, locales/) → features/<domain>/ → routes/
// and app/. Imports flow only that way, and no feature imports another: what two features share moves down
// into components/ or lib/. Read from the tree, so a new feature is fenced in without touching this file.
const UI = "./workspace-ui/src";
const UI_FEATURES = readdirSync(new URL("workspace-ui/src/features", import.meta.url), { withFileTypes: true })
  .filter((entry) => entry.isDirectory())
  .map((entry) => entry.name);
const uiBoundaries = [
  ...UI_FEATURES.map((feature) => ({
    target: `${UI}/features/${feature}`,
    from: `${UI}/features`,
    except: [`./${feature}`],
    message: "A feature imports no other feature: move what both need into components/ or lib/.",
  })),
  {
    target: [`${UI}/components`, `${UI}/lib`, `${UI}/locales`],
    from: [`${UI}/features`, `${UI}/routes`, `${UI}/app`],
    message: "Shared code (components/, lib/, locales/) imports no feature, route or app code.",
  },
  {
    target: `${UI}/features`,
    from: [`${UI}/routes`, `${UI}/app`],
    message: "A feature imports no route or app code: routes compose features, not the other way.",
  },
];

// datasets/index.ts is the data pipeline's surface: nothing outside the folder reaches past it.
const datasetsSurface = {
  group: ["**/datasets/*"],
  message: "Import the data pipeline from its surface, datasets/index.ts: it alone says what others may use.",
};

export default tseslint.config(
  { ignores: ["**/dist/**", "**/node_modules/**", ".spe/**", "**/migrations/**", "coverage/**"] },
  js.configs.recommended,
  ...tseslint.configs.recommended,
  {
    languageOptions: { globals: { ...globals.node } },
    rules: {
      "@typescript-eslint/no-unused-vars": ["error", { argsIgnorePattern: "^_", varsIgnorePattern: "^_" }],
      "@typescript-eslint/consistent-type-imports": "error",
      "no-restricted-syntax": [
        "error",
        {
          selector: "ExportAllDeclaration",
          message: "Export names explicitly: `export *` hides what a module offers and defeats tree shaking.",
        },
      ],
    },
  },
  {
    // The benchmark alone may reach into datasets/, to time DuckDB alone as the engine's floor.
    files: [
      "orchestrator/**/*.ts",
      "infra/**/*.ts",
      "e2e/**/*.ts",
      "test/**/*.ts",
      "scripts/**/*.ts",
      "images/**/*.ts",
    ],
    ignores: ["orchestrator/src/datasets/**", "orchestrator/bench/**"],
    rules: {
      "no-restricted-imports": [
        "error",
        {
          patterns: [datasetsSurface],
        },
      ],
    },
  },
  {
    // Routers throw SpeError; api/trpc.ts alone turns it into a tRPC answer, by its one table (TRPC_CODES).
    files: ["orchestrator/src/api/**/*.ts"],
    ignores: ["orchestrator/src/api/trpc.ts", "**/*.test.ts"],
    rules: {
      "no-restricted-imports": [
        "error",
        {
          patterns: [datasetsSurface],
          paths: [
            {
              name: "@trpc/server",
              importNames: ["TRPCError"],
              message: "Throw an SpeError: api/trpc.ts maps it to a tRPC code in its one table, TRPC_CODES.",
            },
          ],
        },
      ],
    },
  },
  {
    files: ["workspace-ui/src/**"],
    languageOptions: { globals: { ...globals.browser } },
    plugins: { "import-x": importX },
    settings: { "import-x/resolver-next": [createNodeResolver({ extensions: [".ts", ".tsx", ".js"] })] },
    rules: { "import-x/no-restricted-paths": ["error", { zones: uiBoundaries }] },
  },
  // Layout is Prettier's (`prettier --check` in `npm run lint`): no ESLint rule may disagree with it.
  prettier,
);
