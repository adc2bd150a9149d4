import type { ActionFunctionArgs, HeadersFunction, LoaderFunctionArgs } from "@remix-run/node";
import { json } from "@remix-run/node";
import { Link, useLoaderData } from "@remix-run/react";
import { useTranslation } from "react-i18next";
import { PortalErrorView } from "~/components/portal/error-view";
import { ActionForm, CopyButton, Notice, StatusBadge, SubmitButton } from "~/components/portal/ui";
import { deactivateFromPortal } from "~/portal/actions.server";
import { notFoundResponse } from "~/portal/errors.server";
import { requirePage, requirePortalAction } from "~/portal/guards.server";
import { NO_STORE } from "~/portal/http.server";
import { noticeOf, redirectWithNotice } from "~/portal/notices.server";
import { licensesData } from "~/portal/view-models.server";

export const headers: HeadersFunction = () => ({ ...NO_STORE, "Referrer-Policy": "no-referrer" });

export async function loader({ request, context }: LoaderFunctionArgs) {
  const s = await requirePage(request, context, "licenses");
  const reveal = new URL(request.url).searchParams.get("reveal");
  return json({ ...licensesData(s, reveal), notice: noticeOf(request) }, { headers: { ...NO_STORE, "Referrer-Policy": "no-referrer" } });
}

export async function action({ request }: ActionFunctionArgs) {
  const s = await requirePortalAction(request, "licenses");
  const form = await request.formData();
  const id = form.get("id");
  if (form.get("intent") !== "deactivate" || typeof id !== "string") throw notFoundResponse();
  return redirectWithNotice("/portal/licenses", deactivateFromPortal(s, { instanceId: id }));
}

export default function Licenses() {
  const data = useLoaderData<typeof loader>();
  const { t } = useTranslation();
  return (
    <div data-testid="page-licenses">
      <h1>{t("licenses.title")}</h1>
      <Notice notice={data.notice} />
      {data.licenses.length === 0 ? (
        <p className="muted">{t("licenses.none")}</p>
      ) : (
        <ul className="cards" aria-label={t("licenses.list")} data-testid="licenses-list">
          {data.licenses.map((k) => (
            <li key={k.id} data-testid={`license-${k.id}`} data-status={k.status}>
              <div className="row-title">
                <h2>{k.product ?? t("licenses.key")}</h2>
                <StatusBadge status={k.status} />
              </div>
              <dl className="facts">
                <dt>{t("licenses.key")}</dt>
                <dd>
                  <code className="key" data-testid="license-key">
                    {k.key ?? k.masked}
                  </code>{" "}
                  {k.key ? (
                    <>
                      <CopyButton text={k.key} label={t("licenses.copy")} testId="license-copy" />{" "}
                      <Link to="?" preventScrollReset replace data-testid="license-hide">
                        {t("licenses.hide")}
                      </Link>
                    </>
                  ) : (
                    <Link to={`?reveal=${encodeURIComponent(k.id)}`} preventScrollReset replace data-testid="license-reveal">
                      {t("licenses.reveal")}
                    </Link>
                  )}
                </dd>
                <dt>{t("licenses.expires")}</dt>
                <dd>{k.expires ?? t("licenses.neverExpires")}</dd>
                <dt>{t("licenses.activations")}</dt>
                <dd data-testid="license-activations">
                  {k.limit === null ? t("licenses.activationsUnlimited", { used: k.used }) : t("licenses.activationsUsed", { used: k.used, limit: k.limit })}
                </dd>
              </dl>
              <h3 className="section-title small">{t("licenses.instances")}</h3>
              {k.instances.length === 0 ? (
                <p className="muted small">{t("licenses.noInstances")}</p>
              ) : (
                <ul className="instances">
                  {k.instances.map((i) => (
                    <li key={i.id} data-testid={`instance-${i.id}`}>
                      <strong>{i.name}</strong>
                      <dl className="facts">
                        <dt>{t("licenses.activatedAt")}</dt>
                        <dd>{i.activatedAt}</dd>
                        <dt>{t("licenses.lastValidated")}</dt>
                        <dd>{i.lastValidatedAt ?? t("licenses.neverValidated")}</dd>
                      </dl>
                      {data.allowDeactivate ? (
                        <div className="row-actions">
                          <ActionForm intent="deactivate" id={i.id}>
                            <SubmitButton name="id" value={i.id} variant="secondary" testId={`deactivate-${i.id}`} label={t("licenses.deactivateNamed", { name: i.name })}>
                              {t("licenses.deactivate")}
                            </SubmitButton>
                          </ActionForm>
                        </div>
                      ) : null}
                    </li>
                  ))}
                </ul>
              )}
            </li>
          ))}
        </ul>
      )}
    </div>
  );
}

export const ErrorBoundary = PortalErrorView;
