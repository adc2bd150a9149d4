// `npm run build`: the Remix build (the server bundle with app/server.ts, and the browser assets)
// and, beside it, the PDF worker bundle `pdf-worker.js` that the server's render pool runs in
// worker threads (app/pdf/pool.server.ts). The Remix compiler bundles only the server entry, so
// the worker is bundled here with esbuild (the one the Remix compiler uses). Builds into
// PORTICO_BUILD_DIR (default build/).
import { spawnSync } from "node:child_process";
import path from "node:path";
import { fileURLToPath, pathToFileURL } from "node:url";
import * as esbuild from "esbuild";

const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "../..");
// Relative to the project root, as remix.config.js reads it.
export const buildDir = () => path.resolve(ROOT, process.env.PORTICO_BUILD_DIR || "build");
/** What a complete build holds: start.mjs rebuilds when any is missing or older than the sources. */
export const buildOutputs = (dir = buildDir()) => [path.join(dir, "index.js"), path.join(dir, "pdf-worker.js")];

/** The worker bundle: our code bundled (tsconfig paths resolved), every npm package left in node_modules. */
export async function buildPdfWorker(dir = buildDir()) {
  await esbuild.build({
    absWorkingDir: ROOT,
    entryPoints: ["app/pdf/worker.server.ts"],
    outfile: path.join(dir, "pdf-worker.js"),
    bundle: true,
    platform: "node",
    format: "esm",
    target: "node20",
    tsconfig: "tsconfig.json",
    logLevel: "warning",
    plugins: [
      {
        name: "node-modules-external",
        setup(build) {
          // A bare specifier is a package (the `~/` and `#db/` aliases are ours and get bundled),
          // as the server bundle does it (remix.config.js: serverDependenciesToBundle: []).
          build.onResolve({ filter: /^[^./~#]/ }, (args) => ({ path: args.path, external: true }));
        },
      },
    ],
  });
}

export async function build() {
  const remix = spawnSync("npx", ["remix", "build"], { cwd: ROOT, stdio: "inherit", env: { ...process.env, NODE_ENV: "production" } });
  if (remix.status !== 0) process.exit(remix.status ?? 1);
  await buildPdfWorker();
}

if (process.argv[1] && import.meta.url === pathToFileURL(path.resolve(process.argv[1])).href) await build();
