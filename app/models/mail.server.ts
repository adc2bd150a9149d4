import { and, desc, eq, inArray, lt } from "drizzle-orm";
import { mailOutbox, type MailMessage } from "#db/schema/index";
import type { RenderedEmail } from "#emails/render";
import { now } from "~/utils/clock.server";
import { db, writeTransaction } from "~/utils/db.server";
import { newId } from "~/utils/ids.server";
import { defineOutbox } from "~/utils/outbox.server";

/** The mail outbox: rows written with the action that causes the mail, sent by the mail worker. */
export const mailQueue = defineOutbox({
  label: "mail",
  table: mailOutbox,
  statuses: { pending: "queued", done: "sent", failed: "failed" },
});

/**
 * Queues a rendered message. Call it inside the transaction of the action that causes the mail:
 * a rolled-back action then sends nothing, and a committed one is never lost.
 */
export function enqueueMail(opts: { merchantId: string | null; to: string; email: RenderedEmail }) {
  const at = now();
  const id = newId("mail");
  db.insert(mailOutbox)
    .values({
      id,
      merchantId: opts.merchantId,
      template: opts.email.template,
      toAddress: opts.to,
      subject: opts.email.subject,
      html: opts.email.html,
      text: opts.email.text,
      scrub: opts.email.secrets.length > 0 ? opts.email.secrets : null,
      status: "queued",
      attempts: 0,
      nextAttemptAt: at,
      createdAt: at,
    })
    .run();
  mailQueue.wake();
  return id;
}

/** Leases due messages to the mail worker (and, at most hourly, applies the retention period). */
export function claimDueMail(opts: { limit: number; leaseMs: number; skip: Set<number>; retentionDays: number }): MailMessage[] {
  pruneMailOutbox({ retentionDays: opts.retentionDays });
  return mailQueue.claim({
    ...opts,
    load: (seqs) => db.select().from(mailOutbox).where(inArray(mailOutbox.seq, seqs)).all(),
  });
}

const scrubbed = (value: string, secrets: string[]) => secrets.reduce((out, secret) => out.split(secret).join("[redacted]"), value);

/**
 * Sent, or failed with the error kept: retried after the next delay, or failed after the last.
 * With `scrub` (the mail went to SMTP, not to the local mailbox), a message that leaves the queue
 * keeps no live link token or code in its stored copy.
 */
export function recordMailAttempt(opts: { mail: MailMessage; error: string | null; retryDelaysS: number[]; scrub: boolean }) {
  const { mail } = opts;
  const delivered = opts.error === null;
  return writeTransaction(() => {
    const outcome = mailQueue.settle({
      seq: mail.seq,
      attempt: mail.attempts + 1,
      delivered,
      retryDelaysS: opts.retryDelaysS,
      set: delivered ? { sentAt: now(), lastError: null } : { lastError: opts.error },
    });
    if (opts.scrub && outcome.status !== "retry" && mail.scrub?.length) {
      db.update(mailOutbox)
        .set({ html: scrubbed(mail.html, mail.scrub), text: scrubbed(mail.text, mail.scrub), scrub: null })
        .where(and(eq(mailOutbox.seq, mail.seq), inArray(mailOutbox.status, ["sent", "failed"])))
        .run();
    }
    return outcome;
  });
}

const PRUNE_EVERY_MS = 60 * 60_000;
let prunedAt = 0;

/**
 * The retention period: sent and failed mail older than `retentionDays` is deleted, at most once
 * an hour (domain clock). Queued mail is never deleted.
 */
export function pruneMailOutbox({ retentionDays }: { retentionDays: number }) {
  const at = now().getTime();
  if (Math.abs(at - prunedAt) < PRUNE_EVERY_MS) return 0;
  prunedAt = at;
  return db
    .delete(mailOutbox)
    .where(and(inArray(mailOutbox.status, ["sent", "failed"]), lt(mailOutbox.createdAt, new Date(at - retentionDays * 86_400_000))))
    .run().changes;
}

/** Newest first, for /dev/mailbox (never served in production). */
export function listMailbox({ limit, to }: { limit: number; to?: string }) {
  return db
    .select()
    .from(mailOutbox)
    .where(to ? eq(mailOutbox.toAddress, to) : undefined)
    .orderBy(desc(mailOutbox.createdAt), desc(mailOutbox.seq))
    .limit(limit)
    .all();
}
