import nodemailer, { type Transporter } from "nodemailer";
import type { MailMessage } from "#db/schema/index";
import { claimDueMail, mailQueue, recordMailAttempt } from "~/models/mail.server";
import { env } from "~/utils/env.server";
import { logger } from "~/utils/logger.server";
import { outboxWorker } from "~/utils/outbox.server";

// Seconds before each retry after a failed attempt; then the message is marked failed.
const RETRY_DELAYS_S = [30, 120, 600, 1800, 3600, 3 * 3600, 6 * 3600, 12 * 3600];
const SMTP_TIMEOUTS = { connectionTimeout: 10_000, greetingTimeout: 10_000, socketTimeout: 20_000 };

let transporter: Transporter | null = null;
function transport(): Transporter | null {
  if (!env.SMTP_URL) return null;
  transporter ??= nodemailer.createTransport(env.SMTP_URL, SMTP_TIMEOUTS);
  return transporter;
}

/** One message to SMTP; the error text when it failed. */
async function sendMail(mail: MailMessage): Promise<string | null> {
  const smtp = transport();
  if (!smtp) {
    // No SMTP: the outbox is the mailbox (/dev/mailbox outside production). Bodies carry
    // sign-in links, so only the envelope is logged.
    logger.info({ msg: "mail kept in local outbox", mail_id: mail.id, to: mail.toAddress, subject: mail.subject });
    return null;
  }
  try {
    await smtp.sendMail({ from: env.MAIL_FROM, to: mail.toAddress, subject: mail.subject, html: mail.html, text: mail.text });
    return null;
  } catch (error) {
    return error instanceof Error ? error.message.slice(0, 500) : "send failed";
  }
}

/** The mail worker: one message at a time, in the order they came due. */
export const mailWorker = outboxWorker({
  name: "mail-sender",
  outbox: mailQueue,
  claim: (opts) => claimDueMail({ ...opts, retentionDays: env.MAIL_RETENTION_DAYS }),
  attempt: sendMail,
  record(mail, error) {
    // Handed to SMTP (or, without SMTP and without /dev/mailbox, to nobody): the stored copy no
    // longer needs its link token or code. Only the local mailbox keeps them to be read.
    const outcome = recordMailAttempt({ mail, error, retryDelaysS: RETRY_DELAYS_S, scrub: Boolean(env.SMTP_URL) || !env.DEV_MAILBOX });
    const attempt = mail.attempts + 1;
    if (error === null) logger.info({ msg: "mail sent", mail_id: mail.id, attempt });
    else logger.warn({ msg: "mail send failed", mail_id: mail.id, attempt, retry_at: outcome.retryAt?.toISOString() ?? null, error });
  },
  concurrency: 1,
  pollMs: 1000,
  // Longer than any one SMTP exchange can take (the timeouts above).
  leaseMs: 2 * 60_000,
  // A message in flight finishes (bounded by the SMTP timeouts) before the database closes.
  shutdownWaitMs: 45_000,
  onStop: () => transporter?.close(),
});
