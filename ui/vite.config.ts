import { defineConfig } from "vitest/config";

// Loaded by Tauri from bundled files under a strict CSP and rendered by
// WebKitGTK/WKWebView on Linux/macOS, so keep the output conservative:
// relative asset paths, no remote assets, Safari 13 compatible syntax.
export default defineConfig({
  root: ".",
  base: "./",
  clearScreen: false,
  server: {
    port: 1420,
    strictPort: true,
  },
  build: {
    outDir: "dist",
    emptyOutDir: true,
    target: ["es2021", "safari13"],
    cssTarget: ["safari13"],
    modulePreload: { polyfill: false },
    assetsInlineLimit: 0,
    sourcemap: false,
    reportCompressedSize: false,
  },
  test: {
    environment: "jsdom",
    include: ["src/**/*.test.ts"],
  },
});
