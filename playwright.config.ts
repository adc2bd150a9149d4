import { defineConfig } from "@playwright/test";

// Browser journeys against the real built server (see test/e2e/global-setup.ts).
//
// No retries: a test that passes only on a second try is a bug (README "Testing: no timing
// assumptions"). The timeouts below are failure bounds for a loaded 2-core machine, never
// waits: every step waits on a condition and goes on as soon as it holds.
//
// A failing test leaves its trace (open with `npx playwright show-trace <trace.zip>`), a
// screenshot and the page's error context in the output folder. `npm test` gives each run a
// folder of its own under .cache/test-reports/playwright/ (PLAYWRIGHT_OUTPUT_DIR), which no
// later run empties, and prints the failures' files at the end.
export default defineConfig({
  testDir: "test/e2e",
  outputDir: process.env.PLAYWRIGHT_OUTPUT_DIR || "test-results",
  globalSetup: "./test/e2e/global-setup.ts",
  timeout: 180_000,
  expect: { timeout: 30_000 },
  retries: 0,
  workers: 1,
  reporter: "list",
  use: {
    browserName: "chromium",
    trace: "retain-on-failure",
    screenshot: "only-on-failure",
    video: "off",
    launchOptions: {
      executablePath: "/usr/bin/chromium",
      args: [
        "--headless",
        "--no-sandbox",
        "--disable-gpu",
        "--disable-dev-shm-usage",
        "--disable-background-networking",
        "--disable-component-update",
        "--disable-sync",
        "--no-first-run",
      ],
    },
  },
});
