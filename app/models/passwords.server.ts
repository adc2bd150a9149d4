import { hash, hashSync, verify } from "@node-rs/argon2";
import { dictionary } from "@zxcvbn-ts/language-common";
import { PASSWORD_MAX_LENGTH, PASSWORD_MIN_LENGTH } from "~/utils/password-rules";

/**
 * Staff passwords, as NIST SP 800-63B asks: 12 to 128 characters, no composition rules, refused
 * when on a list of passwords known from breaches. The list is zxcvbn-ts's common-password
 * dictionary (MIT; 49,233 entries from the Xato 10-million-password corpus, as in Dropbox's
 * zxcvbn), shipped with the app as an npm package, so checking needs no network.
 */
export type PasswordProblem = "too_short" | "too_long" | "common";

let common: Set<string> | undefined;
function commonPasswords() {
  common ??= new Set(dictionary["passwords-common"].map((p) => p.toLowerCase()));
  return common;
}

/** Unicode-normalised (NFKC, as 800-63B suggests), so the same password typed anywhere matches. */
export const normalizePassword = (password: string) => password.normalize("NFKC");

/** Why a new password is refused, or null when it is acceptable. */
export function passwordProblem(raw: string, context: { email?: string | null } = {}): PasswordProblem | null {
  const password = normalizePassword(raw);
  const length = [...password].length;
  if (length < PASSWORD_MIN_LENGTH) return "too_short";
  if (length > PASSWORD_MAX_LENGTH) return "too_long";
  const lower = password.toLowerCase();
  const list = commonPasswords();
  if (list.has(lower)) return "common";
  // Listed passwords padded to length ("monkey12345678", "password!!!!") and repeated ones
  // ("passwordpassword") are as guessable as the entry itself.
  const stem = lower.replace(/[\d\W_]+$/u, "");
  if (stem.length >= 3 && list.has(stem)) return "common";
  const repeat = /^(.+?)\1+$/u.exec(lower);
  if (repeat && (repeat[1].length <= 3 || list.has(repeat[1]))) return "common";
  // The account's own address or its name part is the first thing an attacker tries.
  const local = context.email?.toLowerCase().split("@")[0];
  if (local && local.length >= 3 && (lower === context.email?.toLowerCase() || stem === local || lower === local)) return "common";
  return null;
}

// argon2id with the library's defaults (m = 19 MiB, t = 2, p = 1: OWASP's minimum), ≈ 40–70 ms.
// (`algorithm: 2` is the package's const enum Algorithm.Argon2id, which isolatedModules cannot read.)
const OPTIONS = { algorithm: 2 } as const;

export function hashPassword(password: string): Promise<string> {
  return hash(normalizePassword(password), OPTIONS);
}

/** For one-off scripts (the demo seed) that run outside any request. */
export function hashPasswordSync(password: string): string {
  return hashSync(normalizePassword(password), OPTIONS);
}

// A hash of a random string made once per process: an unknown email (or an account without a
// password yet) is checked against it, so the answer takes as long as for a wrong password.
let dummy: Promise<string> | undefined;

/** True only for the right password; takes one argon2 verification either way. */
export async function verifyPassword(passwordHash: string | null | undefined, password: string): Promise<boolean> {
  dummy ??= hash(`dummy-${Math.random()}-${Date.now()}`, OPTIONS);
  const target = passwordHash ?? (await dummy);
  try {
    const ok = await verify(target, normalizePassword(password));
    return ok && Boolean(passwordHash);
  } catch {
    return false;
  }
}
