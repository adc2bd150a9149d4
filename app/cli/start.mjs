// `npm start`: builds when there is no build or the sources are newer than it (a fresh clone,
// a `git pull`), then runs the server. `--rebuild` always builds; `--build-only` stops after the
// build (used by `npm run bench`).
import { existsSync, readdirSync, statSync } from "node:fs";
import path from "node:path";
import { pathToFileURL } from "node:url";
import { build, buildOutputs } from "./build.mjs";

const args = new Set(process.argv.slice(2));
// The server bundle and the PDF worker bundle beside it (app/cli/build.mjs).
const outputs = buildOutputs();
const serverEntry = outputs[0];
const sources = ["app", "db", "emails", "remix.config.js", "package-lock.json"];

function newestMtime(target) {
  if (!existsSync(target)) return 0;
  const stat = statSync(target);
  if (!stat.isDirectory()) return stat.mtimeMs;
  return readdirSync(target).reduce((newest, name) => Math.max(newest, newestMtime(path.join(target, name))), stat.mtimeMs);
}

const newestSource = Math.max(...sources.map(newestMtime));
const stale = outputs.some((output) => !existsSync(output) || newestSource > statSync(output).mtimeMs);
if (args.has("--rebuild") || args.has("--build-only") || stale) {
  await build();
}
if (!args.has("--build-only")) {
  await import(pathToFileURL(path.resolve(serverEntry)).href);
}
