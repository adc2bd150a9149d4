import { execFileSync } from "node:child_process";
import fs from "node:fs";
import path from "node:path";

/** Builds the app once into .cache/ (as test/setup/global-setup.ts does for vitest). */
export default function globalSetup() {
  // A build given from outside (PORTICO_TEST_BUILD_DIR) is used as it is.
  if (process.env.PORTICO_TEST_BUILD_DIR) return undefined;
  const cache = path.resolve(import.meta.dirname, "../../.cache");
  fs.mkdirSync(cache, { recursive: true });
  const buildDir = fs.mkdtempSync(path.join(cache, "e2e-build-"));
  execFileSync("npx", ["remix", "build"], {
    stdio: ["ignore", "ignore", "inherit"],
    env: { ...process.env, PORTICO_BUILD_DIR: buildDir, NODE_ENV: "production" },
  });
  process.env.PORTICO_TEST_BUILD_DIR = buildDir;
  return () => fs.rmSync(buildDir, { recursive: true, force: true });
}
