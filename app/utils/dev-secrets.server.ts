import fs from "node:fs";
import path from "node:path";
import { env } from "./env.server";
import { logger } from "./logger.server";

/**
 * A server secret: the environment variable `name` when set; outside production, a value
 * generated once and kept beside the database (owner-only), so links and encrypted columns
 * survive restarts. Production without the variable never reaches this point (env.server.ts
 * refuses to start), and this function refuses again rather than generate anything there.
 */
export function configuredSecret(opts: { name: string; value: string | undefined; file: string; generate: () => string }): string {
  if (opts.value) return opts.value;
  if (env.production) throw new Error(`Refusing to start in production: ${opts.name} must be set.`);
  const dir = env.DATABASE_PATH === ":memory:" ? path.resolve("data") : path.dirname(path.resolve(env.DATABASE_PATH));
  const file = path.join(dir, opts.file);
  if (fs.existsSync(file)) return fs.readFileSync(file, "utf8").trim();
  fs.mkdirSync(dir, { recursive: true });
  const value = opts.generate();
  // wx: if two processes race on a fresh checkout, the loser reads the winner's value.
  try {
    fs.writeFileSync(file, `${value}\n`, { mode: 0o600, flag: "wx" });
    logger.info({ msg: `generated a development ${opts.name}`, file });
    return value;
  } catch {
    return fs.readFileSync(file, "utf8").trim();
  }
}
