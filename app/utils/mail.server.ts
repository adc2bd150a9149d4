import nodemailer, { type Transporter } from "nodemailer";
import { registerBackgroundTask } from "~/server/background.server";
import { claimDueMail, markMailFailed, markMailSent, onMailEnqueued } from "~/models/mail.server";
import { now } from "./clock.server";
import { env } from "./env.server";
import { logger } from "./logger.server";

const POLL_MS = 1000;
const LEASE_MS = 2 * 60_000;
const BATCH = 10;
// Seconds before each retry after a failed attempt; then the message is marked failed.
const RETRY_DELAYS_S = [30, 120, 600, 1800, 3600, 3 * 3600, 6 * 3600, 12 * 3600];

let transporter: Transporter | null = null;
function transport(): Transporter | null {
  if (!env.SMTP_URL) return null;
  transporter ??= nodemailer.createTransport(env.SMTP_URL, {
    connectionTimeout: 10_000,
    greetingTimeout: 10_000,
    socketTimeout: 20_000,
  });
  return transporter;
}

let timer: NodeJS.Timeout | null = null;
let running: Promise<void> | null = null;
let stopped = true;
let again = false;

async function deliverDue() {
  do {
    again = false;
    const batch = claimDueMail({ limit: BATCH, leaseMs: LEASE_MS });
    for (const mail of batch) {
      if (stopped) return; // unsent claimed rows come back when their lease ends
      const smtp = transport();
      if (!smtp) {
        // No SMTP: the outbox is the mailbox (/dev/mailbox outside production). Bodies carry
        // sign-in links, so only the envelope is logged.
        logger.info({ msg: "mail kept in local outbox", mail_id: mail.id, to: mail.toAddress, subject: mail.subject });
        markMailSent({ id: mail.id });
        continue;
      }
      try {
        await smtp.sendMail({ from: env.MAIL_FROM, to: mail.toAddress, subject: mail.subject, html: mail.html, text: mail.text });
        markMailSent({ id: mail.id });
        logger.info({ msg: "mail sent", mail_id: mail.id, attempt: mail.attempts });
      } catch (error) {
        const delay = RETRY_DELAYS_S[mail.attempts - 1];
        const message = error instanceof Error ? error.message.slice(0, 500) : "send failed";
        markMailFailed({ id: mail.id, error: message, retryAt: delay === undefined ? null : new Date(now().getTime() + delay * 1000) });
        logger.warn({ msg: "mail send failed", mail_id: mail.id, attempt: mail.attempts, retry_in_s: delay ?? null, error: message });
      }
    }
    if (batch.length === BATCH) again = true;
  } while (again && !stopped);
}

function tick() {
  if (stopped) return;
  if (running) {
    again = true;
    return;
  }
  running = deliverDue()
    .catch((error) => logger.error({ err: error }, "mail sender failed"))
    .finally(() => {
      running = null;
    });
}

let unsubscribe: (() => void) | null = null;

registerBackgroundTask({
  name: "mail-sender",
  start() {
    stopped = false;
    unsubscribe = onMailEnqueued(() => setImmediate(tick));
    timer = setInterval(tick, POLL_MS);
    timer.unref();
    tick();
  },
  async stop() {
    stopped = true;
    unsubscribe?.();
    if (timer) clearInterval(timer);
    // The message in flight finishes (bounded by the SMTP timeouts) before the database closes.
    await running;
    transporter?.close();
  },
});
