import { and, asc, desc, eq, lte } from "drizzle-orm";
import { mailOutbox, type MailMessage } from "#db/schema/index";
import type { RenderedEmail } from "#emails/render";
import { db, writeTransaction } from "~/utils/db.server";
import { now } from "~/utils/clock.server";
import { newId } from "~/utils/ids.server";

const listeners = new Set<() => void>();

/** The sender loop subscribes so a new message goes out at once rather than at the next poll. */
export function onMailEnqueued(listener: () => void) {
  listeners.add(listener);
  return () => listeners.delete(listener);
}

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
  // Woken after the surrounding transaction: the loop's claim waits for the write lock anyway.
  queueMicrotask(() => listeners.forEach((l) => l()));
  return id;
}

/**
 * Claims due messages by pushing their next attempt past a lease. A process that dies mid-send
 * leaves the row due again once the lease ends, so a crash delays a message but never loses it.
 */
export function claimDueMail({ limit, leaseMs }: { limit: number; leaseMs: number }): MailMessage[] {
  return writeTransaction(() => {
    const at = now();
    const due = db
      .select()
      .from(mailOutbox)
      .where(and(eq(mailOutbox.status, "queued"), lte(mailOutbox.nextAttemptAt, at)))
      .orderBy(asc(mailOutbox.nextAttemptAt), asc(mailOutbox.seq))
      .limit(limit)
      .all();
    for (const m of due) {
      db.update(mailOutbox)
        .set({ nextAttemptAt: new Date(at.getTime() + leaseMs), attempts: m.attempts + 1 })
        .where(eq(mailOutbox.id, m.id))
        .run();
    }
    return due.map((m) => ({ ...m, attempts: m.attempts + 1 }));
  });
}

export function markMailSent({ id }: { id: string }) {
  db.update(mailOutbox).set({ status: "sent", sentAt: now(), lastError: null }).where(eq(mailOutbox.id, id)).run();
}

export function markMailFailed({ id, error, retryAt }: { id: string; error: string; retryAt: Date | null }) {
  db.update(mailOutbox)
    .set(retryAt ? { lastError: error, nextAttemptAt: retryAt } : { lastError: error, status: "failed" })
    .where(eq(mailOutbox.id, id))
    .run();
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

export function getMail({ id }: { id: string }) {
  return db.select().from(mailOutbox).where(eq(mailOutbox.id, id)).get();
}
