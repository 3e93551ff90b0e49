import js from "@eslint/js";
import { defineConfig, globalIgnores } from "eslint/config";
import globals from "globals";
import tseslint from "typescript-eslint";

export default defineConfig([
  globalIgnores(["dist/", "node_modules/", "src/ipc/bindings/"]),
  {
    files: ["**/*.ts"],
    extends: [js.configs.recommended, tseslint.configs.recommendedTypeChecked],
    languageOptions: {
      globals: globals.browser,
      parserOptions: {
        projectService: true,
        tsconfigRootDir: import.meta.dirname,
      },
    },
    rules: {
      "@typescript-eslint/consistent-type-imports": "error",
      "@typescript-eslint/no-unused-vars": ["error", { argsIgnorePattern: "^_" }],
      eqeqeq: ["error", "always"],
      // Caller data (names with apostrophes, umlauts, CJK, or hostile text) is
      // only ever written with textContent; HTML string sinks are banned.
      "no-restricted-properties": [
        "error",
        { property: "innerHTML", message: "Use textContent / DOM nodes." },
        { property: "outerHTML", message: "Use textContent / DOM nodes." },
        { property: "insertAdjacentHTML", message: "Use DOM nodes." },
      ],
      "no-restricted-imports": [
        "error",
        {
          paths: [
            {
              name: "@tauri-apps/api/core",
              message: "Only src/ipc/backend.ts talks to Tauri; use the Backend interface.",
            },
            {
              name: "@tauri-apps/api/event",
              message: "Only src/ipc/backend.ts listens to Tauri events; use Backend.onCallerUpdated / onCallEvent.",
            },
            {
              name: "@tauri-apps/api",
              message: "Only src/ipc/backend.ts talks to Tauri; use the Backend interface.",
            },
          ],
        },
      ],
    },
  },
  {
    files: ["src/ipc/backend.ts", "src/ipc/backend.test.ts"],
    rules: { "no-restricted-imports": "off" },
  },
  {
    // expect(mock.method).toHaveBeenCalled() is the idiom for mock Backends.
    files: ["src/**/*.test.ts", "src/test/**/*.ts"],
    rules: { "@typescript-eslint/unbound-method": "off" },
  },
  {
    files: ["**/*.js"],
    extends: [js.configs.recommended],
    languageOptions: { globals: globals.node },
  },
]);
