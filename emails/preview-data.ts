import CancellationConfirmation from "./templates/cancellation-confirmation";
import EmailChangeConfirmation from "./templates/email-change-confirmation";
import EmailChangedNotice from "./templates/email-changed-notice";
import PortalInvite from "./templates/portal-invite";
import SignInLink from "./templates/sign-in-link";
import type { TemplateName, TemplateProps } from "./render";

/** Fixtures for every template (react-email's PreviewProps), used by tests and previews. */
export const previewData: { [K in TemplateName]: TemplateProps[K] } = {
  "sign-in-link": SignInLink.PreviewProps,
  "portal-invite": PortalInvite.PreviewProps,
  "email-change-confirmation": EmailChangeConfirmation.PreviewProps,
  "email-changed-notice": EmailChangedNotice.PreviewProps,
  "cancellation-confirmation": CancellationConfirmation.PreviewProps,
};
