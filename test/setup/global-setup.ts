import { execFileSync } from "node:child_process";
import fs from "node:fs";
import path from "node:path";
import type { TestProject } from "vitest/node";

declare module "vitest" {
  export interface ProvidedContext {
    buildDir: string;
  }
}

/**
 * Builds the app once per test run into its own folder, so the suite always tests the current
 * code and parallel runs never overwrite each other's build.
 */
export default function setup(project: TestProject) {
  // Inside the project, so the bundle resolves node_modules like build/ does.
  const cache = path.resolve(__dirname, "../../.cache");
  fs.mkdirSync(cache, { recursive: true });
  const buildDir = fs.mkdtempSync(path.join(cache, "test-build-"));
  execFileSync(process.execPath, [path.resolve(__dirname, "../../app/cli/build.mjs")], {
    stdio: ["ignore", "ignore", "inherit"],
    env: { ...process.env, PORTICO_BUILD_DIR: buildDir, NODE_ENV: "production" },
  });
  project.provide("buildDir", buildDir);
  return () => fs.rmSync(buildDir, { recursive: true, force: true });
}
