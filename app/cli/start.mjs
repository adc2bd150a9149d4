// `npm start`: builds when there is no build (or, with --rebuild, always), then runs the server.
// `--build-only` stops after the build (used by `npm run bench`).
import { existsSync } from "node:fs";
import { spawnSync } from "node:child_process";
import path from "node:path";
import { pathToFileURL } from "node:url";

const args = new Set(process.argv.slice(2));
const serverEntry = `${process.env.PORTICO_BUILD_DIR || "build"}/index.js`;

if (args.has("--rebuild") || args.has("--build-only") || !existsSync(serverEntry)) {
  const built = spawnSync("npx", ["remix", "build"], { stdio: "inherit", env: { ...process.env, NODE_ENV: "production" } });
  if (built.status !== 0) process.exit(built.status ?? 1);
}
if (!args.has("--build-only")) {
  await import(pathToFileURL(path.resolve(serverEntry)).href);
}
