import path from "node:path";
import { defineConfig } from "vitest/config";

// Aliases repeat tsconfig's paths (vitest does not read them). Playwright's *.spec.ts stay out.
export default defineConfig({
  resolve: {
    alias: {
      "~": path.resolve(import.meta.dirname, "app"),
      "#db": path.resolve(import.meta.dirname, "db"),
      "#emails": path.resolve(import.meta.dirname, "emails"),
    },
  },
  test: {
    include: ["app/**/*.test.{ts,tsx}", "test/**/*.test.{ts,tsx}"],
    exclude: ["test/e2e/**", "node_modules/**"],
    globalSetup: ["test/setup/global-setup.ts"],
    setupFiles: ["test/setup/database-default.ts", "test/setup/fail-on-console-error.ts", "test/setup/check-api-responses.ts"],
    // Failure bounds for a loaded 2-core machine, above the 60 s of test/setup/wait.ts so that a
    // stuck wait fails with what it waited for. Tests never sleep; they wait on conditions.
    testTimeout: 120_000,
    hookTimeout: 120_000,
    pool: "forks",
    reporters: ["default"],
  },
});
