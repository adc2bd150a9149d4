import { listMailbox } from "~/models/mail.server";
import { env } from "~/utils/env.server";

/**
 * /dev/mailbox's data; null (the page does not exist) in production and whenever PUBLIC_URL is
 * not a loopback address: the page shows live sign-in links to whoever can reach it.
 */
export function readMailbox(to: string | null) {
  if (!env.DEV_MAILBOX) return null;
  return listMailbox({ limit: 50, to: to ?? undefined }).map((m) => ({
    id: m.id,
    to: m.toAddress,
    subject: m.subject,
    template: m.template,
    status: m.status,
    createdAt: m.createdAt.toISOString(),
    text: m.text,
    links: [...new Set(m.text.match(/https?:\/\/[^\s<>"\]]+/g) ?? [])],
  }));
}
