import { createElement, type ComponentType } from "react";
import CancellationConfirmation, * as cancellation from "./templates/cancellation-confirmation";
import EmailChangeConfirmation, * as emailChange from "./templates/email-change-confirmation";
import EmailChangedNotice, * as emailChanged from "./templates/email-changed-notice";
import PortalInvite, * as invite from "./templates/portal-invite";
import SignInLink, * as signIn from "./templates/sign-in-link";
import TeamInvite, * as teamInvite from "./templates/team-invite";

// The token of a link is its last path segment.
const tokenOf = (url: string) => new URL(url).pathname.split("/").pop() ?? "";

// Import from *.server.ts modules only: e-mails never reach the browser bundle. `secrets` names
// the bearer values a message carries, which the outbox scrubs from its copy once sent.
const templates = {
  "sign-in-link": { component: SignInLink, subject: signIn.subject, secrets: (p: signIn.SignInLinkProps) => [tokenOf(p.url), p.code] },
  "portal-invite": { component: PortalInvite, subject: invite.subject, secrets: (p: invite.PortalInviteProps) => [tokenOf(p.url), p.code] },
  "email-change-confirmation": {
    component: EmailChangeConfirmation,
    subject: emailChange.subject,
    secrets: (p: emailChange.EmailChangeConfirmationProps) => [tokenOf(p.confirmUrl)],
  },
  "email-changed-notice": { component: EmailChangedNotice, subject: emailChanged.subject, secrets: () => [] },
  "cancellation-confirmation": { component: CancellationConfirmation, subject: cancellation.subject, secrets: () => [] },
  "team-invite": { component: TeamInvite, subject: teamInvite.subject, secrets: (p: teamInvite.TeamInviteProps) => [tokenOf(p.url)] },
};

export type TemplateName = keyof typeof templates;
export type TemplateProps = {
  "sign-in-link": signIn.SignInLinkProps;
  "portal-invite": invite.PortalInviteProps;
  "email-change-confirmation": emailChange.EmailChangeConfirmationProps;
  "email-changed-notice": emailChanged.EmailChangedNoticeProps;
  "cancellation-confirmation": cancellation.CancellationConfirmationProps;
  "team-invite": teamInvite.TeamInviteProps;
};
export type RenderedEmail = { template: TemplateName; subject: string; html: string; text: string; secrets: string[] };

// The document type @react-email/render's render() puts first (e-mail clients expect XHTML 1.0).
const XHTML_DOCTYPE =
  '<!DOCTYPE html PUBLIC "-//W3C//DTD XHTML 1.0 Transitional//EN" "http://www.w3.org/TR/xhtml1/DTD/xhtml1-transitional.dtd">';

/**
 * One message as HTML and plain text, ready for the outbox. The plain-text converter (with
 * prettier and html-to-text) is loaded on the first message, not at start (issue 13: memory at
 * start).
 *
 * Rendered with React's renderToStaticMarkup, not @react-email/render's render(): that one reads
 * React 18's renderToPipeableStream, which puts NUL bytes into the output wherever a multi-byte
 * character meets the end of its 2 KB chunk (react#31134). Korean messages had them (81 of 120
 * renders of a sign-in link with names of different lengths), and some mail clients cut a
 * message at the first NUL. The plain text is html-to-text's, from the same markup, as before.
 */
export async function renderEmail<K extends TemplateName>(name: K, props: TemplateProps[K]): Promise<RenderedEmail> {
  const [{ toPlainText }, { renderToStaticMarkup }] = await Promise.all([import("@react-email/render"), import("react-dom/server")]);
  const entry = templates[name];
  const element = createElement(entry.component as ComponentType<TemplateProps[K]>, props);
  const markup = renderToStaticMarkup(element);
  const html = `${XHTML_DOCTYPE}${markup.replace(/<!DOCTYPE.*?>/, "")}`;
  const text = toPlainText(markup);
  const secrets = (entry.secrets as (p: TemplateProps[K]) => string[])(props).filter((s) => s.length > 0);
  return { template: name, subject: (entry.subject as (p: TemplateProps[K]) => string)(props), html, text, secrets };
}
