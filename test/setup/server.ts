import { spawn, spawnSync, type ChildProcess } from "node:child_process";
import net from "node:net";
import path from "node:path";
import { fileURLToPath } from "node:url";
import "./http-client";
import { tempDbFile } from "./own-database";
import { waitUntil, WAIT_TIMEOUT_MS } from "./wait";

// import.meta.url rather than __dirname: Playwright loads this file as plain ESM.
export const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "../..");

export { tempDbFile };

export async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const srv = net.createServer();
    srv.listen(0, "127.0.0.1", () => {
      const { port } = srv.address() as net.AddressInfo;
      srv.close(() => resolve(port));
    });
    srv.on("error", reject);
  });
}

/**
 * The built app: Playwright's global setup exports PORTICO_TEST_BUILD_DIR; under vitest it is
 * provided by test/setup/global-setup.ts. vitest is imported lazily so Playwright can load this file.
 */
async function builtAppDir(): Promise<string> {
  if (process.env.PORTICO_TEST_BUILD_DIR) return process.env.PORTICO_TEST_BUILD_DIR;
  const { inject } = await import("vitest");
  return inject("buildDir");
}

export type TestServer = {
  url: string;
  port: number;
  dbFile: string;
  env: Record<string, string>;
  process: ChildProcess;
  logs: string[];
  /** Sends a signal and resolves with the exit code once the process has ended. */
  stop(signal?: NodeJS.Signals): Promise<number | null>;
  /** Runs the server's clock `offsetMs` ahead of real time (PORTICO_TEST_CLOCK); unfreezes it. */
  setClock(offsetMs: number): Promise<void>;
  /**
   * Stops the server's clock at `atMs` (default: now) until the next setClock or freezeClock, so
   * a boundary can be checked exactly however slowly the requests run. Resolves with `atMs`.
   */
  freezeClock(atMs?: number): Promise<number>;
  /** Resolves with the first log line matching, once the server has written it. */
  waitForLog(what: string, match: (line: string) => boolean): Promise<string>;
  /** The server's "request" log line for a response's X-Request-Id, once it is written. */
  requestLogged(requestId: string | null): Promise<string>;
};

/** The test environment every server starts with; `env` overrides it. */
export function baseEnv(port: number, dbFile: string): Record<string, string> {
  return {
    NODE_ENV: "test",
    PORT: String(port),
    HOST: "127.0.0.1",
    PUBLIC_URL: `http://127.0.0.1:${port}`,
    DATABASE_PATH: dbFile,
    SEED_DEMO: "false",
    PORTICO_TEST_CLOCK: "true",
    // Every portal page the page thread may render is rendered there (docs/decisions/021-page-thread.md).
    PORTICO_TEST_PAGE_THREAD: "always",
    PORTAL_SIGNING_KEYS: "k1:test-signing-secret-0123456789abcdef0123",
    DATA_ENCRYPTION_KEY: "d1:test-data-encryption-key-0123456789abcdef",
    LOG_LEVEL: "info",
  };
}

/**
 * Starts the built server (the real thing, `node build/index.js`) on a free port. A port found
 * free can be taken by another process before the server binds it; that start is retried on a
 * new port.
 */
export async function startServer(opts: { env?: Record<string, string>; dbFile?: string } = {}): Promise<TestServer> {
  const dbFile = opts.dbFile ?? tempDbFile();
  for (let attempt = 1; ; attempt++) {
    try {
      return await spawnServer(await freePort(), dbFile, opts.env);
    } catch (error) {
      if (!(error instanceof PortTaken) || attempt >= 5) throw error;
    }
  }
}

class PortTaken extends Error {}

async function spawnServer(port: number, dbFile: string, extraEnv: Record<string, string> = {}): Promise<TestServer> {
  const env = { ...baseEnv(port, dbFile), ...extraEnv };
  const child = spawn(process.execPath, [path.join(await builtAppDir(), "index.js")], {
    cwd: ROOT,
    env: { PATH: process.env.PATH ?? "", HOME: process.env.HOME ?? "", ...env } as unknown as NodeJS.ProcessEnv,
    stdio: ["ignore", "pipe", "pipe"],
  });
  const logs: string[] = [];
  // "close", not "exit": by then everything the process wrote has been read into `logs`.
  const exited = new Promise<number | null>((resolve) => child.on("close", (code) => resolve(code)));
  await new Promise<void>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`server did not start within ${WAIT_TIMEOUT_MS} ms:\n${logs.join("\n")}`)), WAIT_TIMEOUT_MS);
    let buffer = "";
    const onData = (chunk: Buffer) => {
      buffer += chunk.toString();
      const lines = buffer.split("\n");
      buffer = lines.pop() ?? "";
      for (const line of lines) {
        logs.push(line);
        if (line.includes('"msg":"listening"')) {
          clearTimeout(timer);
          resolve();
        }
      }
    };
    child.stdout!.on("data", onData);
    child.stderr!.on("data", (c: Buffer) => logs.push(c.toString()));
    void exited.then((code) => {
      clearTimeout(timer);
      const output = logs.join("\n");
      const taken = output.includes("EADDRINUSE") && extraEnv.PORT === undefined;
      reject(new (taken ? PortTaken : Error)(`server exited (${code}) before listening:\n${output}`));
    });
  });
  const url = `http://127.0.0.1:${port}`;
  const clock = async (body: Record<string, number>) => {
    const res = await fetch(`${url}/__test/clock`, {
      method: "POST",
      headers: { "Content-Type": "application/json" },
      body: JSON.stringify(body),
    });
    if (!res.ok) throw new Error(`clock: ${res.status}`);
  };
  const waitForLog = (what: string, match: (line: string) => boolean) => waitUntil(`the log line ${what}`, () => logs.find(match));
  return {
    url,
    port,
    dbFile,
    env,
    process: child,
    logs,
    async stop(signal: NodeJS.Signals = "SIGTERM") {
      if (child.exitCode !== null) return child.exitCode;
      child.kill(signal);
      return exited;
    },
    setClock: (offsetMs: number) => clock({ offset_ms: offsetMs }),
    async freezeClock(atMs = Date.now()) {
      await clock({ frozen_at_ms: atMs });
      return atMs;
    },
    waitForLog,
    requestLogged(requestId: string | null) {
      if (!requestId) throw new Error("the response has no X-Request-Id");
      return waitForLog(`of request ${requestId}`, (l) => l.includes('"msg":"request"') && l.includes(requestId));
    },
  };
}

/** Runs an operator command (`npm run <script>`) against a database, the way an operator would. */
export function runCli(script: string, args: string[], dbFile: string) {
  const result = spawnSync(
    process.execPath,
    ["--import", "tsx", path.join(ROOT, `app/cli/${script}.ts`), ...args],
    { cwd: ROOT, env: { ...process.env, DATABASE_PATH: dbFile, NODE_ENV: "test" }, encoding: "utf8" },
  );
  return { status: result.status, stdout: result.stdout, stderr: result.stderr };
}

/** `runCli` without blocking this process: requests it has in flight go on while the command runs. */
export function runCliAsync(script: string, args: string[], dbFile: string): Promise<{ status: number | null; stdout: string; stderr: string }> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, ["--import", "tsx", path.join(ROOT, `app/cli/${script}.ts`), ...args], {
      cwd: ROOT,
      env: { ...process.env, DATABASE_PATH: dbFile, NODE_ENV: "test" },
    });
    let stdout = "";
    let stderr = "";
    child.stdout.setEncoding("utf8").on("data", (d: string) => (stdout += d));
    child.stderr.setEncoding("utf8").on("data", (d: string) => (stderr += d));
    child.on("error", reject);
    child.on("close", (status) => resolve({ status, stdout, stderr }));
  });
}

export type MerchantFixture = { id: string; slug: string; apiKey: string };

/** A merchant and its first secret key, made through `npm run merchant:create -- --json`. */
export function createMerchant(dbFile: string, name = "Test Merchant", slug?: string): MerchantFixture {
  const args = ["--name", name, "--json", ...(slug ? ["--slug", slug] : [])];
  const out = runCli("merchant-create", args, dbFile);
  if (out.status !== 0) throw new Error(`merchant:create failed: ${out.stderr}`);
  const parsed = JSON.parse(out.stdout) as { merchant: { id: string; slug: string }; api_key: string };
  return { id: parsed.merchant.id, slug: parsed.merchant.slug, apiKey: parsed.api_key };
}

export type CapturedMail = { from: string; to: string[]; raw: string; subject: string; text: string };

/** Decodes the text/plain part of a raw message (quoted-printable or base64, as nodemailer writes). */
export function plainTextOf(raw: string): string {
  const parts = raw.split(/\r?\n--[^\r\n]+\r?\n/);
  const part = parts.find((p) => /content-type:\s*text\/plain/i.test(p)) ?? raw;
  const split = part.search(/\r?\n\r?\n/);
  const head = part.slice(0, split);
  const body = part.slice(split).trim().split(/\r?\n--/)[0];
  if (/content-transfer-encoding:\s*base64/i.test(head)) return Buffer.from(body.replace(/\s+/g, ""), "base64").toString("utf8");
  if (/content-transfer-encoding:\s*quoted-printable/i.test(head)) {
    const bytes = body.replace(/=\r?\n/g, "").replace(/=([0-9A-F]{2})/gi, (_m, h: string) => String.fromCharCode(parseInt(h, 16)));
    return Buffer.from(bytes, "latin1").toString("utf8");
  }
  return body;
}

function decodeSubject(raw: string): string {
  const line = /^subject:(.*(?:\r?\n[ \t].*)*)/im.exec(raw)?.[1] ?? "";
  return line
    .replace(/\r?\n[ \t]/g, " ")
    .replace(/=\?utf-8\?([BQ])\?([^?]*)\?=\s*/gi, (_m, enc: string, text: string) =>
      enc.toUpperCase() === "B"
        ? Buffer.from(text, "base64").toString("utf8")
        : Buffer.from(text.replace(/_/g, " ").replace(/=([0-9A-F]{2})/gi, (_x, h: string) => String.fromCharCode(parseInt(h, 16))), "latin1").toString("utf8"),
    )
    .trim();
}

/** A real SMTP server on loopback that keeps every message it accepts. */
export async function startSmtpCapture() {
  const { SMTPServer } = await import("smtp-server");
  const messages: CapturedMail[] = [];
  const server = new SMTPServer({
    secure: false,
    authOptional: true,
    disabledCommands: ["STARTTLS", "AUTH"],
    logger: false,
    onData(stream, session, callback) {
      const chunks: Buffer[] = [];
      stream.on("data", (c: Buffer) => chunks.push(c));
      stream.on("end", () => {
        const raw = Buffer.concat(chunks).toString("utf8");
        messages.push({
          from: session.envelope.mailFrom ? session.envelope.mailFrom.address : "",
          to: session.envelope.rcptTo.map((r) => r.address),
          raw,
          subject: decodeSubject(raw),
          text: plainTextOf(raw),
        });
        callback();
      });
    },
  });
  // Port 0: the kernel assigns a free port as it binds, so no other process (a server, an
  // outgoing connection's local port) can take it between a "free" check and the bind.
  await new Promise<void>((resolve, reject) => {
    server.once("error", reject);
    server.listen(0, "127.0.0.1", () => {
      server.removeListener("error", reject);
      resolve();
    });
  });
  const { port } = server.server.address() as net.AddressInfo;
  return {
    port,
    url: `smtp://127.0.0.1:${port}`,
    messages,
    /** Resolves with the first message matching, once the server has handed it over. */
    waitFor: (match: (m: CapturedMail) => boolean, what = "a matching mail"): Promise<CapturedMail> =>
      waitUntil(() => `${what} (${messages.length} captured)`, () => messages.find(match)),
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
}

export type SmtpCapture = Awaited<ReturnType<typeof startSmtpCapture>>;
