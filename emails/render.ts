import { createElement, type ComponentType } from "react";
import CancellationConfirmation, * as cancellation from "./templates/cancellation-confirmation";
import EmailChangeConfirmation, * as emailChange from "./templates/email-change-confirmation";
import EmailChangedNotice, * as emailChanged from "./templates/email-changed-notice";
import PortalInvite, * as invite from "./templates/portal-invite";
import SignInLink, * as signIn from "./templates/sign-in-link";
import TeamInvite, * as teamInvite from "./templates/team-invite";

// Import from *.server.ts modules only: e-mails never reach the browser bundle.
const templates = {
  "sign-in-link": { component: SignInLink, subject: signIn.subject },
  "portal-invite": { component: PortalInvite, subject: invite.subject },
  "email-change-confirmation": { component: EmailChangeConfirmation, subject: emailChange.subject },
  "email-changed-notice": { component: EmailChangedNotice, subject: emailChanged.subject },
  "cancellation-confirmation": { component: CancellationConfirmation, subject: cancellation.subject },
  "team-invite": { component: TeamInvite, subject: teamInvite.subject },
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
export type RenderedEmail = { template: TemplateName; subject: string; html: string; text: string };

/**
 * One message as HTML and plain text, ready for the outbox. The renderer (with prettier and
 * html-to-text) is loaded on the first message, not at start (issue 13: memory at start).
 */
export async function renderEmail<K extends TemplateName>(name: K, props: TemplateProps[K]): Promise<RenderedEmail> {
  const { render } = await import("@react-email/render");
  const entry = templates[name];
  const element = createElement(entry.component as ComponentType<TemplateProps[K]>, props);
  const [html, text] = await Promise.all([render(element), render(element, { plainText: true })]);
  return { template: name, subject: (entry.subject as (p: TemplateProps[K]) => string)(props), html, text };
}
