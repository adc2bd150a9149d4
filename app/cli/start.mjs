// `npm start`: builds when there is no build or the sources are newer than it (a fresh clone,
// a `git pull`), then runs the server. `--rebuild` always builds; `--build-only` stops after the
// build (used by `npm run bench`).
import { existsSync, readdirSync, statSync } from "node:fs";
import { spawnSync } from "node:child_process";
import path from "node:path";
import { pathToFileURL } from "node:url";

const args = new Set(process.argv.slice(2));
const serverEntry = `${process.env.PORTICO_BUILD_DIR || "build"}/index.js`;
const sources = ["app", "db", "emails", "remix.config.js", "package-lock.json"];

function newestMtime(target) {
  if (!existsSync(target)) return 0;
  const stat = statSync(target);
  if (!stat.isDirectory()) return stat.mtimeMs;
  return readdirSync(target).reduce((newest, name) => Math.max(newest, newestMtime(path.join(target, name))), stat.mtimeMs);
}

const stale = !existsSync(serverEntry) || Math.max(...sources.map(newestMtime)) > statSync(serverEntry).mtimeMs;
if (args.has("--rebuild") || args.has("--build-only") || stale) {
  const built = spawnSync("npx", ["remix", "build"], { stdio: "inherit", env: { ...process.env, NODE_ENV: "production" } });
  if (built.status !== 0) process.exit(built.status ?? 1);
}
if (!args.has("--build-only")) {
  await import(pathToFileURL(path.resolve(serverEntry)).href);
}
