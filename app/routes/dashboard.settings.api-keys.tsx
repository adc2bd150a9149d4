import type { ActionFunctionArgs, HeadersFunction, LoaderFunctionArgs } from "@remix-run/node";
import { json } from "@remix-run/node";
import { Form, useActionData, useLoaderData } from "@remix-run/react";
import { useTranslation } from "react-i18next";
import { z } from "zod";
import { DashboardErrorView } from "~/components/dashboard/error-view";
import { ConfirmAction, ErrorSummary, Field, FormSubmit, Notice, PageHeader, Rows, SecretOnce, Time, TitledSection, type FieldErrors } from "~/components/dashboard/ui";
import { when } from "~/dashboard/format.server";
import { formString, zodFieldErrors } from "~/dashboard/forms.server";
import { dashboardError, NO_STORE, requireStaff, requireStaffForm } from "~/dashboard/guards.server";
import { noticeOf, redirectWithNotice } from "~/dashboard/notices.server";
import { requireRecentAuth } from "~/dashboard/sudo.server";
import { createApiKey, listApiKeys, revokeMerchantApiKey } from "~/models/api-keys.server";
import { env } from "~/utils/env.server";
import { NameSchema } from "~/utils/fields";

export const headers: HeadersFunction = ({ actionHeaders, loaderHeaders }) => (actionHeaders.has("Cache-Control") ? actionHeaders : loaderHeaders);

// A key's label uses the API's name rule; the mode is one of the two key kinds.
const CreateKeySchema = z.strictObject({ name: NameSchema, mode: z.enum(["test", "live"]) });

export async function loader({ request, context }: LoaderFunctionArgs) {
  const s = await requireStaff(request, context, "settings:read");
  return json(
    {
      keys: listApiKeys(s.merchant.id).map((k) => ({
        id: k.id,
        name: k.name,
        mode: k.mode,
        prefix: k.displayPrefix,
        createdAt: when(k.createdAt, s.locale),
        lastUsedAt: when(k.lastUsedAt, s.locale),
        revokedAt: when(k.revokedAt, s.locale),
      })),
      canEdit: s.can("api_keys:write"),
      notice: noticeOf(request),
    },
    { headers: NO_STORE },
  );
}

export async function action({ request, context }: ActionFunctionArgs) {
  const { s, form, intent } = await requireStaffForm(request, "api_keys:write", context.clientIp);
  if (intent === "revoke") {
    if (!revokeMerchantApiKey({ merchantId: s.merchant.id, id: formString(form, "key_id"), actor: s.actor })) throw dashboardError(404, "not_found");
    return redirectWithNotice("/dashboard/settings/api-keys", "key_revoked");
  }
  if (intent !== "create") throw dashboardError(404, "not_found");
  const parsed = CreateKeySchema.safeParse({ name: formString(form, "name"), mode: formString(form, "mode") || "test" });
  if (!parsed.success) return json({ errors: zodFieldErrors(parsed.error), created: null }, { status: 400, headers: NO_STORE });
  // Creating a key needs a recent password or TOTP confirmation (DASHBOARD.md).
  await requireRecentAuth(s, form);
  const { apiKey, secret } = createApiKey({ merchantId: s.merchant.id, mode: parsed.data.mode, name: parsed.data.name, actor: s.actor });
  // The secret is in this response only: it is stored as a hash and never shown again.
  return json({ errors: null, created: { id: apiKey.id, name: apiKey.name, secret, apiBase: `${env.PUBLIC_URL}/api/v1` } }, { status: 201, headers: NO_STORE });
}

export default function ApiKeysPage() {
  const data = useLoaderData<typeof loader>();
  const acted = useActionData<typeof action>();
  const { t } = useTranslation();
  const errors: FieldErrors | undefined = acted?.errors ?? undefined;
  return (
    <div data-testid="page-api-keys">
      <PageHeader title={t("dash.apiKeys.title")} description={t("dash.apiKeys.intro")} />
      <Notice notice={data.notice} />
      {acted?.created ? (
        <SecretOnce testId="new-key" title={t("dash.apiKeys.createdTitle", { name: acted.created.name })} body={t("dash.apiKeys.createdBody")} secret={acted.created.secret}>
          <p className="muted small">{t("dash.apiKeys.tryIt")}</p>
          <pre className="code-block">{`curl ${acted.created.apiBase}/customers?limit=3 \\\n  -H "Authorization: Bearer ${acted.created.secret}"`}</pre>
        </SecretOnce>
      ) : null}
      <TitledSection id="keys" title={t("dash.apiKeys.listTitle")} empty={data.keys.length === 0 ? t("dash.apiKeys.none") : null} className="section">
        <Rows
          items={data.keys}
          testId="key"
          rowData={(k) => ({ "data-revoked": k.revokedAt.iso ? true : undefined })}
          main={(k) => (
            <>
              <strong>{k.name ?? t("dash.apiKeys.unnamed")}</strong> <code>{k.prefix}…</code>{" "}
              <span className={`badge ${k.revokedAt.iso ? "neutral" : k.mode === "live" ? "warn" : "info"}`}>
                {k.revokedAt.iso ? t("dash.apiKeys.revoked") : t(`dash.apiKeys.mode.${k.mode}`)}
              </span>
              <dl className="facts compact">
                <dt>{t("dash.apiKeys.created")}</dt>
                <dd>
                  <Time {...k.createdAt} />
                </dd>
                <dt>{t("dash.apiKeys.lastUsed")}</dt>
                <dd data-testid={`key-last-used-${k.id}`}>
                  <Time {...k.lastUsedAt} />
                </dd>
                {k.revokedAt.iso ? (
                  <>
                    <dt>{t("dash.apiKeys.revokedAt")}</dt>
                    <dd>
                      <Time {...k.revokedAt} />
                    </dd>
                  </>
                ) : null}
              </dl>
            </>
          )}
          actions={(k) =>
            data.canEdit && !k.revokedAt.iso ? (
              <ConfirmAction
                fields={{ intent: "revoke", key_id: k.id }}
                label={t("dash.apiKeys.revoke")}
                title={t("dash.apiKeys.revokeTitle", { name: k.name ?? k.prefix })}
                body={t("dash.apiKeys.revokeBody")}
                confirmLabel={t("dash.apiKeys.revoke")}
                testId={`revoke-${k.id}`}
              />
            ) : null
          }
        />
      </TitledSection>
      {data.canEdit ? (
        <TitledSection id="create-key" title={t("dash.apiKeys.createTitle")} className="section card">
          <ErrorSummary errors={errors} />
          <Form method="post" className="form" noValidate>
            <input type="hidden" name="intent" value="create" />
            <Field name="name" label={t("dash.apiKeys.name")} hint={t("dash.apiKeys.nameHint")} errors={errors} idPrefix="key" maxLength={200} />
            <div className="field">
              <label htmlFor="key-mode">{t("dash.apiKeys.modeLabel")}</label>
              <select id="key-mode" name="mode" defaultValue="test" data-testid="field-mode">
                <option value="test">{t("dash.apiKeys.mode.test")}</option>
                <option value="live">{t("dash.apiKeys.mode.live")}</option>
              </select>
            </div>
            <FormSubmit label={t("dash.apiKeys.create")} testId="create-key" />
          </Form>
        </TitledSection>
      ) : null}
    </div>
  );
}

export const ErrorBoundary = DashboardErrorView;
