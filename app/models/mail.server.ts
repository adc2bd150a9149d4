import { desc, eq, inArray } from "drizzle-orm";
import { mailOutbox, type MailMessage } from "#db/schema/index";
import type { RenderedEmail } from "#emails/render";
import { now } from "~/utils/clock.server";
import { db } from "~/utils/db.server";
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
      status: "queued",
      attempts: 0,
      nextAttemptAt: at,
      createdAt: at,
    })
    .run();
  mailQueue.wake();
  return id;
}

/** Leases due messages to the mail worker. */
export function claimDueMail(opts: { limit: number; leaseMs: number; skip: Set<number> }): MailMessage[] {
  return mailQueue.claim({
    ...opts,
    load: (seqs) => db.select().from(mailOutbox).where(inArray(mailOutbox.seq, seqs)).all(),
  });
}

/** Sent, or failed with the error kept: retried after the next delay, or failed after the last. */
export function recordMailAttempt(opts: { mail: MailMessage; error: string | null; retryDelaysS: number[] }) {
  const delivered = opts.error === null;
  return mailQueue.settle({
    seq: opts.mail.seq,
    attempt: opts.mail.attempts + 1,
    delivered,
    retryDelaysS: opts.retryDelaysS,
    set: delivered ? { sentAt: now(), lastError: null } : { lastError: opts.error },
  });
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
