/**
 * autocannon for the pair scripts (common.sh `cannon`), with the one thing its command line lacks:
 * a fresh body per request. Every `[<n>]` in the body is replaced by a number no other request of
 * this run has (its process id and a counter), so `POST /api/v1/customers` writes a new customer
 * each time. autocannon's own `-I` (`[<id>]`) declares a Content-Length that is not the body's
 * (62 for a 53-byte body, seen on a bare socket), and the server waits for bytes that never come.
 * Takes the flags the scripts use, as autocannon's CLI spells them: -c connections, -d seconds or
 * -a requests, -m method, -H "Name: value" (repeated), -b body, -j (the result as JSON on stdout,
 * as `autocannon -j` prints it; otherwise one summary line), then the URL.
 */
import autocannon from "autocannon";
import { bodyOptions, type LoadRequest } from "../measure";

const args = process.argv.slice(2);
const opts: { connections: number; duration?: number; amount?: number; method: string; headers: Record<string, string>; body?: string; json: boolean; url?: string } = {
  connections: 10,
  method: "GET",
  headers: {},
  json: false,
};
for (let i = 0; i < args.length; i++) {
  const flag = args[i];
  const value = () => {
    const v = args[++i];
    if (v === undefined) throw new Error(`${flag} needs a value`);
    return v;
  };
  if (flag === "-c") opts.connections = Number(value());
  else if (flag === "-d") opts.duration = Number(value());
  else if (flag === "-a") opts.amount = Number(value());
  else if (flag === "-m") opts.method = value();
  else if (flag === "-b") opts.body = value();
  else if (flag === "-j") opts.json = true;
  else if (flag === "-H") {
    const header = value();
    const colon = header.indexOf(":");
    if (colon < 1) throw new Error(`-H wants "Name: value", not ${header}`);
    opts.headers[header.slice(0, colon).trim().toLowerCase()] = header.slice(colon + 1).trim();
  } else if (flag.startsWith("-")) throw new Error(`unknown flag ${flag}`);
  else opts.url = flag;
}
if (!opts.url) throw new Error("usage: cannon.ts [-c N] [-d S | -a N] [-m METHOD] [-H 'Name: value']… [-b BODY] [-j] URL");

let n = 0;
const template = opts.body;
const method = opts.method as LoadRequest["method"];
const body = template?.includes("[<n>]") ? () => template.replaceAll("[<n>]", `${process.pid}-${n++}`) : template;
const result = await autocannon({
  url: opts.url,
  method,
  headers: opts.headers,
  connections: opts.connections,
  ...(opts.amount !== undefined ? { amount: opts.amount } : { duration: opts.duration ?? 10 }),
  ...bodyOptions(method, body),
});
if (opts.json) console.log(JSON.stringify(result));
else console.log(`${result.requests.average} req/s, p50 ${result.latency.p50} ms, p99 ${result.latency.p99} ms, ${result["2xx"]} 2xx, ${result.non2xx} non-2xx, ${result.errors} errors`);
