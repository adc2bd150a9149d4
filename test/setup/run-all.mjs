// `npm test`: the typecheck, every vitest file, then the Playwright journeys in Chromium. Each
// stage runs even if an earlier one failed, so one run shows every failure; the last line is
// the plain summary "Tests: N passed, N failed, N skipped", and the exit code is non-zero on
// any failure. A failed browser test's trace, screenshot and error context are kept in a folder
// of this run's own (listed just before the summary); no later run empties it.
import { spawnSync } from "node:child_process";
import fs from "node:fs";
import path from "node:path";

// Not test-results/: Playwright empties its output folder when it starts. Each run writes its
// reports and artefacts into a folder of its own, so two runs from one checkout never mix.
const reportsRoot = ".cache/test-reports";
const artefactsRoot = `${reportsRoot}/playwright`;
fs.mkdirSync(artefactsRoot, { recursive: true });
const artefacts = fs.mkdtempSync(`${artefactsRoot}/${new Date().toISOString().replace(/[:.]/g, "-")}-`);
const results = fs.mkdtempSync(`${reportsRoot}/run-`);
const KEEP_FAILED_RUNS = 5;
const run = (cmd, args, env = {}) =>
  spawnSync(cmd, args, { stdio: "inherit", env: { ...process.env, ...env } }).status ?? 1;
const readJson = (file) => {
  try {
    return JSON.parse(fs.readFileSync(file, "utf8"));
  } catch {
    return null;
  }
};

console.log("\n== typecheck");
const typecheck = run("npx", ["tsc", "--noEmit"]);

console.log("\n== vitest (unit, models, HTTP against the built server)");
const vitest = run("npx", ["vitest", "run", "--reporter=default", "--reporter=json", `--outputFile.json=${results}/vitest.json`]);

console.log("\n== playwright (Chromium journeys)");
const playwright = run("npx", ["playwright", "test", "--reporter=list,json"], {
  PLAYWRIGHT_JSON_OUTPUT_NAME: `${results}/playwright.json`,
  PLAYWRIGHT_OUTPUT_DIR: artefacts,
});

const v = readJson(`${results}/vitest.json`);
const p = readJson(`${results}/playwright.json`);
// The last finished run's reports, moved into place whole (a rename: never half a file).
for (const name of ["vitest.json", "playwright.json"]) {
  if (fs.existsSync(`${results}/${name}`)) fs.renameSync(`${results}/${name}`, `${reportsRoot}/${name}`);
}
fs.rmSync(results, { recursive: true, force: true });
let passed = (v?.numPassedTests ?? 0) + (p?.stats?.expected ?? 0) + (p?.stats?.flaky ?? 0);
let failed = (v?.numFailedTests ?? 0) + (p?.stats?.unexpected ?? 0);
const skipped = (v?.numPendingTests ?? 0) + (v?.numTodoTests ?? 0) + (p?.stats?.skipped ?? 0);
// A stage that failed without reporting a failed test (crash, typecheck) still counts once.
for (const [status, reported] of [[typecheck, 0], [vitest, v?.numFailedTests ?? 0], [playwright, p?.stats?.unexpected ?? 0]]) {
  if (status !== 0 && reported === 0) failed += 1;
}

/** Each failed Playwright test with the files it left (trace, screenshot, error context). */
function failedBrowserTests(report) {
  const out = [];
  const walk = (suite) => {
    for (const spec of suite.specs ?? []) {
      for (const t of spec.tests ?? []) {
        if (t.status !== "unexpected") continue;
        const files = t.results.flatMap((r) => (r.attachments ?? []).map((a) => a.path).filter(Boolean));
        out.push({ title: `${spec.file}:${spec.line} › ${spec.title}`, files: files.map((f) => path.relative(process.cwd(), f)) });
      }
    }
    for (const child of suite.suites ?? []) walk(child);
  };
  for (const suite of report?.suites ?? []) walk(suite);
  return out;
}

// A green run leaves nothing worth keeping; a failed one keeps its folder (the last few runs).
if (playwright === 0) fs.rmSync(artefacts, { recursive: true, force: true });
const runs = fs.existsSync(artefactsRoot) ? fs.readdirSync(artefactsRoot).sort() : [];
for (const old of runs.slice(0, Math.max(0, runs.length - KEEP_FAILED_RUNS))) fs.rmSync(`${artefactsRoot}/${old}`, { recursive: true, force: true });
const browserFailures = failedBrowserTests(p);
if (playwright !== 0) {
  console.log(`\nBrowser test failures: traces, screenshots and error context in ${artefacts}/ (open a trace with: npx playwright show-trace <trace.zip>)`);
  for (const f of browserFailures) {
    console.log(`  ✘ ${f.title}`);
    for (const file of f.files) console.log(`      ${file}`);
  }
}

console.log(`\ntypecheck: ${typecheck === 0 ? "ok" : "FAILED"}, vitest: ${vitest === 0 ? "ok" : "FAILED"}, playwright: ${playwright === 0 ? "ok" : "FAILED"}`);
console.log(`Tests: ${passed} passed, ${failed} failed, ${skipped} skipped`);
process.exit(typecheck === 0 && vitest === 0 && playwright === 0 ? 0 : 1);
