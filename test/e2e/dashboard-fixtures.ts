import { createHmac } from "node:crypto";
import { spawnSync } from "node:child_process";
import fs from "node:fs";
import path from "node:path";
import { generateTOTP } from "@epic-web/totp";
import { expect, type Page } from "@playwright/test";
import { createMerchant, ROOT, startServer, startSmtpCapture, type SmtpCapture, type TestServer } from "../setup/server";

/** One server (own SQLite file, SMTP capture on loopback) for the dashboard journeys. */
export async function startDashboardWorld() {
  const smtp: SmtpCapture = await startSmtpCapture();
  const server: TestServer = await startServer({ env: { SMTP_URL: smtp.url, MAIL_FROM: "Portico <team@portico.example>", RATE_LIMIT_SCALE: "100" } });
  return {
    server,
    smtp,
    url: (p: string) => `${server.url}${p}`,
    /** A merchant of its own per journey, made with the operator CLI. */
    merchant: (name: string, slug: string) => createMerchant(server.dbFile, name, slug),
    /** `npm run staff:create -- … --json` as the operator runs it; returns the parsed answer. */
    staffCreate(args: string[]) {
      const out = spawnSync(process.execPath, ["--import", "tsx", path.join(ROOT, "app/cli/staff-create.ts"), ...args, "--json"], {
        cwd: ROOT,
        env: { ...process.env, DATABASE_PATH: server.dbFile, NODE_ENV: "test", PUBLIC_URL: server.url },
        encoding: "utf8",
      });
      if (out.status !== 0) throw new Error(`staff:create failed: ${out.stderr}`);
      return JSON.parse(out.stdout) as { staff: { id: string; email: string }; membership: { merchant_id: string; role: string }; setup_url: string | null };
    },
    async stop() {
      if (process.env.E2E_DUMP_LOGS) fs.writeFileSync(path.join(ROOT, "test-results/dashboard-server.log"), server.logs.join("\n"));
      await server.stop();
      await smtp.close();
    },
  };
}

export type DashboardWorld = Awaited<ReturnType<typeof startDashboardWorld>>;

const BASE32 = "ABCDEFGHIJKLMNOPQRSTUVWXYZ234567";

/**
 * RFC 6238 (SHA-1, 6 digits, 30 s) computed here for any time: the journeys need the code of
 * the next step too (each step is accepted once). `totpNow` checks it against @epic-web/totp.
 */
export function totpAt(secret: string, atMs: number): string {
  let bits = "";
  for (const c of secret.replace(/=+$/, "")) bits += BASE32.indexOf(c).toString(2).padStart(5, "0");
  const key = Buffer.from(bits.match(/.{8}/g)!.map((b) => parseInt(b, 2)));
  const counter = Buffer.alloc(8);
  counter.writeBigUInt64BE(BigInt(Math.floor(atMs / 30_000)));
  const hmac = createHmac("sha1", key).update(counter).digest();
  const offset = hmac[hmac.length - 1] & 0xf;
  const value = (hmac.readUInt32BE(offset) & 0x7fffffff) % 1_000_000;
  return String(value).padStart(6, "0");
}

export async function totpNow(secret: string): Promise<string> {
  const at = Date.now();
  const library = (await generateTOTP({ secret })).otp;
  // The two agree unless a 30 s boundary fell between the two reads.
  if (Math.floor(at / 30_000) === Math.floor(Date.now() / 30_000)) expect(totpAt(secret, at)).toBe(library);
  return library;
}

/** The first dashboard invite link in the mails to `to`. */
export async function inviteLink(world: DashboardWorld, to: string) {
  const mail = await world.smtp.waitFor((m) => m.to.includes(to));
  return { mail, link: /https?:\/\/\S+\/dashboard\/invite\/[A-Za-z0-9_-]+/.exec(mail.text)![0] };
}

export const hydrated = (page: Page) => page.waitForSelector("html[data-hydrated=true]");
