// How long the production server takes to answer its first /healthz on a database file: spawned
// as `npm start` runs it (its node flags) with the bench's environment, timed from the spawn.
//   npx tsx test/bench/start-timing.ts <database file> [build dir, default build] [times, default 3]
// Point it at a copy of a seeded database (the bench's are in .cache/bench/seed-*.db): the server
// migrates the file it opens.
import { spawn } from "node:child_process";
import path from "node:path";
import { benchServerEnv, benchServerNodeFlags } from "./server-env";

const [dbFile, buildDir = "build", times = "3"] = process.argv.slice(2);
if (!dbFile) throw new Error("usage: npx tsx test/bench/start-timing.ts <database file> [build dir] [times]");
const ROOT = path.resolve(import.meta.dirname, "../..");
const port = 4590;
for (let i = 0; i < Number(times); i++) {
  const started = performance.now();
  const server = spawn(process.execPath, [...benchServerNodeFlags(ROOT), path.join(buildDir, "index.js")], {
    cwd: ROOT,
    env: benchServerEnv({ port, dbFile: path.resolve(dbFile), logLevel: "warn" }),
    stdio: "inherit",
  });
  const exited = new Promise((resolve) => server.once("exit", resolve));
  while (!(await fetch(`http://127.0.0.1:${port}/healthz`).then((r) => r.ok, () => false))) {
    if (server.exitCode !== null) throw new Error(`the server exited with ${server.exitCode}`);
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
  console.log(`${buildDir}: first /healthz answered ${((performance.now() - started) / 1000).toFixed(2)} s after the spawn`);
  server.kill("SIGTERM");
  await exited;
}
