import js from "@eslint/js";
import prettier from "eslint-config-prettier";
import globals from "globals";
import tseslint from "typescript-eslint";

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
        { selector: "ExportAllDeclaration", message: "Export names explicitly (CONVENTIONS: no export *)." },
      ],
    },
  },
  {
    files: ["workspace-ui/src/**"],
    languageOptions: { globals: { ...globals.browser } },
  },
  // Layout is Prettier's (`prettier --check` in `npm run lint`): no ESLint rule may disagree with it.
  prettier,
);
