import { randomBytes } from "node:crypto";
import { getTOTPAuthUri, verifyTOTP } from "@epic-web/totp";
import base32Encode from "base32-encode";
import { and, count, eq, isNull, lt, or } from "drizzle-orm";
import { staffBackupCodes, staffUsers, type StaffUser } from "#db/schema/index";
import { db, writeTransaction } from "~/utils/db.server";
import { now } from "~/utils/clock.server";
import { sha256Hex } from "~/utils/ids.server";
import { openSecret, sealSecret } from "~/utils/secret-box.server";
import { auditStaffAccount, type Actor } from "./audit.server";
import { staffError } from "./staff-errors.server";

/**
 * TOTP two-factor (RFC 6238: SHA-1, 6 digits, 30-second steps, as every authenticator app reads
 * them) through @epic-web/totp, plus ten single-use backup codes per batch.
 */
const TOTP = { period: 30, digits: 6, algorithm: "SHA-1" } as const;
// One step either side absorbs clock drift between the phone and the server.
const WINDOW = 1;
export const STAFF_TOTP_PURPOSE = "staff-totp";
export const BACKUP_CODE_COUNT = 10;
// 12 characters of a 32-letter alphabet without look-alikes = 60 bits per code.
const BACKUP_ALPHABET = "ABCDEFGHJKLMNPQRSTUVWXYZ23456789";

export const twoFactorEnabled = (staff: Pick<StaffUser, "totpEnabledAt">) => staff.totpEnabledAt !== null;

function newSecret(): string {
  // 160 bits, RFC 4226's recommended secret length.
  return base32Encode(randomBytes(20), "RFC4648", { padding: false });
}

/** Starts (or restarts) enrolment: a new secret is kept, sealed, until a first code confirms it. */
export function beginTwoFactorEnrolment(staffUserId: string) {
  db.update(staffUsers)
    .set({ totpPendingSecretEncrypted: sealSecret(newSecret(), STAFF_TOTP_PURPOSE), updatedAt: now() })
    .where(eq(staffUsers.id, staffUserId))
    .run();
}

/** What the enrolment page shows: the secret as text and the otpauth:// URI for the QR code. */
export function pendingEnrolment(staff: StaffUser, issuer: string) {
  if (!staff.totpPendingSecretEncrypted) return null;
  const secret = openSecret(staff.totpPendingSecretEncrypted, STAFF_TOTP_PURPOSE);
  if (!secret) return null;
  return { secret, uri: getTOTPAuthUri({ ...TOTP, secret, issuer, accountName: staff.email }) };
}

/** The time step a code belongs to, or null; @epic-web/totp counts steps on the wall clock. */
async function matchingStep(secret: string, code: string): Promise<number | null> {
  const otp = code.replace(/\s+/g, "");
  if (!/^\d{6}$/.test(otp)) return null;
  const result = await verifyTOTP({ otp, secret, ...TOTP, window: WINDOW });
  return result ? Math.floor(Date.now() / 1000 / TOTP.period) + result.delta : null;
}

function generateBackupCodes(staffUserId: string): string[] {
  const at = now();
  db.update(staffBackupCodes).set({ usedAt: at }).where(and(eq(staffBackupCodes.staffUserId, staffUserId), isNull(staffBackupCodes.usedAt))).run();
  const codes: string[] = [];
  for (let i = 0; i < BACKUP_CODE_COUNT; i++) {
    let raw = "";
    for (const byte of randomBytes(24)) if (raw.length < 12 && byte < 256 - (256 % 32)) raw += BACKUP_ALPHABET[byte % 32];
    const code = `${raw.slice(0, 4)}-${raw.slice(4, 8)}-${raw.slice(8, 12)}`;
    codes.push(code);
    db.insert(staffBackupCodes).values({ staffUserId, codeHash: sha256Hex(normalizeBackupCode(code)), createdAt: at }).run();
  }
  return codes;
}

/** Backup codes are typed with or without dashes, in any case. */
const normalizeBackupCode = (code: string) => code.toUpperCase().replace(/[^A-Z0-9]/g, "");

/**
 * Confirms enrolment with the first code from the app: two-factor is on from then, and the ten
 * backup codes are returned (shown once; only their hashes are kept).
 */
export async function confirmTwoFactor(opts: { staffUserId: string; code: string; actor: Actor }): Promise<string[]> {
  const staff = db.select().from(staffUsers).where(eq(staffUsers.id, opts.staffUserId)).get();
  const pending = staff?.totpPendingSecretEncrypted ? openSecret(staff.totpPendingSecretEncrypted, STAFF_TOTP_PURPOSE) : null;
  if (!staff || !pending) throw staffError("two_factor_not_pending");
  const step = await matchingStep(pending, opts.code);
  if (step === null) throw staffError("invalid_code", "code");
  return writeTransaction(() => {
    const at = now();
    const updated = db
      .update(staffUsers)
      .set({
        totpSecretEncrypted: staff.totpPendingSecretEncrypted,
        totpPendingSecretEncrypted: null,
        totpEnabledAt: at,
        totpLastStep: step,
        updatedAt: at,
      })
      .where(and(eq(staffUsers.id, staff.id), eq(staffUsers.totpPendingSecretEncrypted, staff.totpPendingSecretEncrypted!)))
      .run().changes;
    if (updated !== 1) throw staffError("two_factor_not_pending");
    const codes = generateBackupCodes(staff.id);
    auditStaffAccount({ staffUserId: staff.id, actor: opts.actor, action: "staff.two_factor_enabled" });
    return codes;
  });
}

/** A new batch of backup codes; the old ones stop working. */
export function regenerateBackupCodes(opts: { staffUserId: string; actor: Actor }): string[] {
  return writeTransaction(() => {
    const codes = generateBackupCodes(opts.staffUserId);
    auditStaffAccount({ staffUserId: opts.staffUserId, actor: opts.actor, action: "staff.backup_codes_regenerated" });
    return codes;
  });
}

export function disableTwoFactor(opts: { staffUserId: string; actor: Actor }) {
  writeTransaction(() => {
    const at = now();
    db.update(staffUsers)
      .set({ totpSecretEncrypted: null, totpPendingSecretEncrypted: null, totpEnabledAt: null, totpLastStep: null, updatedAt: at })
      .where(eq(staffUsers.id, opts.staffUserId))
      .run();
    db.update(staffBackupCodes).set({ usedAt: at }).where(and(eq(staffBackupCodes.staffUserId, opts.staffUserId), isNull(staffBackupCodes.usedAt))).run();
    auditStaffAccount({ staffUserId: opts.staffUserId, actor: opts.actor, action: "staff.two_factor_disabled" });
  });
}

export function unusedBackupCodes(staffUserId: string): number {
  return (
    db
      .select({ n: count() })
      .from(staffBackupCodes)
      .where(and(eq(staffBackupCodes.staffUserId, staffUserId), isNull(staffBackupCodes.usedAt)))
      .get()?.n ?? 0
  );
}

/**
 * Checks a second factor: a TOTP code (each time step accepted once) or an unused backup code
 * (spent by the check). Returns which one matched, or null.
 */
export async function verifySecondFactor(staff: StaffUser, code: string): Promise<"totp" | "backup_code" | null> {
  const secret = staff.totpSecretEncrypted ? openSecret(staff.totpSecretEncrypted, STAFF_TOTP_PURPOSE) : null;
  if (!secret) return null;
  const step = await matchingStep(secret, code);
  if (step !== null) {
    // Conditional on the last step, so a code replayed (or raced) within its 30 s is refused.
    const accepted = db
      .update(staffUsers)
      .set({ totpLastStep: step })
      .where(and(eq(staffUsers.id, staff.id), or(isNull(staffUsers.totpLastStep), lt(staffUsers.totpLastStep, step))))
      .run().changes;
    return accepted === 1 ? "totp" : null;
  }
  const normalized = normalizeBackupCode(code);
  if (normalized.length !== 12) return null;
  const spent = db
    .update(staffBackupCodes)
    .set({ usedAt: now() })
    .where(and(eq(staffBackupCodes.staffUserId, staff.id), eq(staffBackupCodes.codeHash, sha256Hex(normalized)), isNull(staffBackupCodes.usedAt)))
    .run().changes;
  return spent === 1 ? "backup_code" : null;
}
