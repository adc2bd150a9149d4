import { spawn, spawnSync, type ChildProcess } from "node:child_process";
import fs from "node:fs";
import net from "node:net";
import os from "node:os";
import path from "node:path";
import { inject } from "vitest";

export const ROOT = path.resolve(__dirname, "../..");

export function tempDbFile(label = "test") {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), `portico-${label}-`));
  return path.join(dir, "portico.db");
}

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

export type TestServer = {
  url: string;
  port: number;
  dbFile: string;
  env: Record<string, string>;
  process: ChildProcess;
  logs: string[];
  /** Sends a signal and resolves with the exit code once the process has ended. */
  stop(signal?: NodeJS.Signals): Promise<number | null>;
  /** Moves the server's clock (PORTICO_TEST_CLOCK). */
  setClock(offsetMs: number): Promise<void>;
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
    PORTAL_SIGNING_KEYS: "k1:test-signing-secret-0123456789abcdef0123",
    LOG_LEVEL: "info",
  };
}

/** Starts the built server (the real thing, `node build/index.js`) on a free port. */
export async function startServer(opts: { env?: Record<string, string>; dbFile?: string } = {}): Promise<TestServer> {
  const port = await freePort();
  const dbFile = opts.dbFile ?? tempDbFile();
  const env = { ...baseEnv(port, dbFile), ...opts.env };
  const child = spawn(process.execPath, [path.join(inject("buildDir"), "index.js")], {
    cwd: ROOT,
    env: { PATH: process.env.PATH ?? "", HOME: process.env.HOME ?? "", ...env } as unknown as NodeJS.ProcessEnv,
    stdio: ["ignore", "pipe", "pipe"],
  });
  const logs: string[] = [];
  const exited = new Promise<number | null>((resolve) => child.on("exit", (code) => resolve(code)));
  await new Promise<void>((resolve, reject) => {
    let buffer = "";
    const onData = (chunk: Buffer) => {
      buffer += chunk.toString();
      const lines = buffer.split("\n");
      buffer = lines.pop() ?? "";
      for (const line of lines) {
        logs.push(line);
        if (line.includes('"msg":"listening"')) resolve();
      }
    };
    child.stdout!.on("data", onData);
    child.stderr!.on("data", (c: Buffer) => logs.push(c.toString()));
    void exited.then((code) => reject(new Error(`server exited (${code}) before listening:\n${logs.join("\n")}`)));
    setTimeout(() => reject(new Error(`server did not start:\n${logs.join("\n")}`)), 20_000);
  });
  const url = `http://127.0.0.1:${port}`;
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
    async setClock(offsetMs: number) {
      const res = await fetch(`${url}/__test/clock`, {
        method: "POST",
        headers: { "Content-Type": "application/json" },
        body: JSON.stringify({ offset_ms: offsetMs }),
      });
      if (!res.ok) throw new Error(`clock: ${res.status}`);
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

export type MerchantFixture = { id: string; slug: string; apiKey: string };

/** A merchant and its first secret key, made through `npm run merchant:create -- --json`. */
export function createMerchant(dbFile: string, name = "Test Merchant", slug?: string): MerchantFixture {
  const args = ["--name", name, "--json", ...(slug ? ["--slug", slug] : [])];
  const out = runCli("merchant-create", args, dbFile);
  if (out.status !== 0) throw new Error(`merchant:create failed: ${out.stderr}`);
  const parsed = JSON.parse(out.stdout) as { merchant: { id: string; slug: string }; api_key: string };
  return { id: parsed.merchant.id, slug: parsed.merchant.slug, apiKey: parsed.api_key };
}
