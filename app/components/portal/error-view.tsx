import { isRouteErrorResponse, Link, useRouteError, useRouteLoaderData } from "@remix-run/react";
import { useTranslation } from "react-i18next";

type LayoutData = { branding: { name: string } };

/**
 * The error boundary of every portal page: inside the portal layout (navigation stays), in the
 * session's language. 401 is left to the layout, which shows "signed out".
 */
export function PortalErrorView() {
  const error = useRouteError();
  const { t } = useTranslation();
  const layout = useRouteLoaderData("routes/portal") as LayoutData | undefined;
  if (isRouteErrorResponse(error) && error.status === 401) throw error;
  const status = isRouteErrorResponse(error) ? error.status : 500;
  const [title, body] =
    status === 404
      ? [t("ui.notFoundTitle"), t("ui.notFoundBody")]
      : status === 403
        ? [t("ui.forbiddenTitle"), t("ui.forbiddenBody", { merchant: layout?.branding.name ?? "" })]
        : status === 429
          ? [t("ui.rateLimitedTitle"), t("ui.rateLimitedBody")]
          : [t("ui.errorTitle"), t("ui.errorBody")];
  return (
    <section className="card" role="alert" data-testid="portal-error" data-status={status}>
      <h1>{title}</h1>
      <p className="muted">{body}</p>
      <p>
        <Link to="/portal">{t("ui.backToOverview")}</Link>
      </p>
    </section>
  );
}
