/**
 * `npm run bench:compare`: flat cost (issue 13, target 6). Compares the flat-cost scenarios of two
 * `npm run bench` results, by default the runs at 1,000 and at 1,000,000 customers:
 *
 *   npm run bench -- --customers 1000 && npm run bench -- --customers 1000000 && npm run bench:compare
 *   npm run bench:compare -- --base .cache/bench/customers-1000.json --scaled other.json
 */
import fs from "node:fs";
import path from "node:path";
import { parseArgs } from "node:util";
import { compareRuns, formatComparison, type BenchResult } from "./report";

const cache = path.resolve(import.meta.dirname, "../../.cache/bench");
const { values } = parseArgs({
  options: {
    base: { type: "string", default: path.join(cache, "customers-1000.json") },
    scaled: { type: "string", default: path.join(cache, "customers-1000000.json") },
  },
});
const read = (file: string): BenchResult => {
  if (!fs.existsSync(file)) {
    console.error(`no results at ${file}: run \`npm run bench -- --customers N\` first (a full run, without --only)`);
    process.exit(2);
  }
  return JSON.parse(fs.readFileSync(file, "utf8")) as BenchResult;
};
const base = read(values.base);
const scaled = read(values.scaled);
const rows = compareRuns(base, scaled);
console.log(`Flat cost: ${scaled.options.customers.toLocaleString("en")} customers (${scaled.at}) against ${base.options.customers.toLocaleString("en")} (${base.at})\n`);
console.log(formatComparison(base, scaled, rows));

