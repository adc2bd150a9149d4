import { listMailbox } from "~/models/mail.server";
import { env } from "~/utils/env.server";

/** /dev/mailbox's data; null in production, where the page does not exist. */
export function readMailbox(to: string | null) {
  if (env.production) return null;
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
