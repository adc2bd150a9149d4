import * as Tabs from "@radix-ui/react-tabs";
import type { ActionFunctionArgs, HeadersFunction, LoaderFunctionArgs } from "@remix-run/node";
import { json, redirect } from "@remix-run/node";
import { Form, useActionData, useLoaderData, useNavigate } from "@remix-run/react";
import { useTranslation } from "react-i18next";
import { CopyButton } from "~/components/copy-button";
import { DashboardErrorView } from "~/components/dashboard/error-view";
import { ErrorSummary, Field, NewPasswordField, Notice, PageHeader, SubmitButton, Time, useHydrated, type FieldErrors } from "~/components/dashboard/ui";
import { when } from "~/dashboard/format.server";
import { domainFieldErrors, formString } from "~/dashboard/forms.server";
import { NO_STORE, requireStaff, requireStaffAction } from "~/dashboard/guards.server";
import { noticeOf, redirectWithNotice } from "~/dashboard/notices.server";
import { qrCodeDataUrl } from "~/dashboard/qr.server";
import { endSessionCookie } from "~/dashboard/session.server";
import { verifyPassword } from "~/models/passwords.server";
import { endOtherStaffSessions, endOwnStaffSession, listLiveStaffSessions } from "~/models/staff-sessions.server";
import {
  beginTwoFactorEnrolment,
  confirmTwoFactor,
  disableTwoFactor,
  pendingEnrolment,
  regenerateBackupCodes,
  twoFactorEnabled,
  unusedBackupCodes,
} from "~/models/staff-two-factor.server";
import { changePassword } from "~/models/staff-users.server";
import { audit } from "~/models/audit.server";
import { writeTransaction } from "~/utils/db.server";

export const headers: HeadersFunction = ({ actionHeaders, loaderHeaders }) => (actionHeaders.has("Cache-Control") ? actionHeaders : loaderHeaders);

const TABS = ["sessions", "two-factor", "password"] as const;
type Tab = (typeof TABS)[number];

// The security page is where a member enrols when the merchant requires two-factor, so it is
// the one page open to them before they have it.
const OPEN_BEFORE_TWO_FACTOR = { allowWithoutTwoFactor: true };

export async function loader({ request, context }: LoaderFunctionArgs) {
  const s = await requireStaff(request, context, null, OPEN_BEFORE_TWO_FACTOR);
  const url = new URL(request.url);
  const pending = pendingEnrolment(s.staff, "Portico");
  const enabled = twoFactorEnabled(s.staff);
  const required = s.merchant.staffTwoFactorRequired && !enabled;
  const tabParam = url.searchParams.get("tab");
  const tab: Tab = TABS.includes(tabParam as Tab) ? (tabParam as Tab) : required || pending ? "two-factor" : "sessions";
  return json(
    {
      tab,
      notice: noticeOf(request),
      required,
      email: s.staff.email,
      passwordChangedAt: when(s.staff.passwordChangedAt, s.locale),
      sessions: listLiveStaffSessions(s.staff.id).map((row) => ({
        id: row.id,
        current: row.seq === s.session.seq,
        createdAt: when(row.createdAt, s.locale),
        lastSeenAt: when(row.lastSeenAt, s.locale),
        ip: row.ip,
        userAgent: row.userAgent,
      })),
      twoFactor: {
        enabled,
        enabledAt: when(s.staff.totpEnabledAt, s.locale),
        backupCodesLeft: enabled ? unusedBackupCodes(s.staff.id) : 0,
        pending: pending && !enabled ? { secret: pending.secret, qr: await qrCodeDataUrl(pending.uri) } : null,
      },
    },
    { headers: NO_STORE },
  );
}

type ActionData = { intent: string; errors?: FieldErrors; backupCodes?: string[] };

export async function action({ request, context }: ActionFunctionArgs) {
  const s = await requireStaffAction(request, null, context.clientIp, OPEN_BEFORE_TWO_FACTOR);
  const form = await request.formData();
  const intent = formString(form, "intent");
  const page = "/dashboard/account/security";
  const fail = (errors: FieldErrors, status = 400) => json<ActionData>({ intent, errors }, { status, headers: NO_STORE });
  switch (intent) {
    case "end_session": {
      const id = formString(form, "session_id");
      if (endOwnStaffSession({ staffUserId: s.staff.id, sessionId: id }) !== 1) return fail({ form: { key: "dash.errors.not_found" } }, 404);
      writeTransaction(() => audit({ merchantId: s.merchant.id, actor: s.actor, action: "staff.session_ended", objectType: "staff_session", objectId: id }));
      if (id === s.session.id) {
        return redirect("/dashboard/sign-in?notice=signed_out", { status: 303, headers: { ...NO_STORE, "Set-Cookie": await endSessionCookie(null) } });
      }
      return redirectWithNotice(page, "session_ended");
    }
    case "end_other_sessions": {
      const ended = endOtherStaffSessions({ staffUserId: s.staff.id, keepSeq: s.session.seq });
      writeTransaction(() => audit({ merchantId: s.merchant.id, actor: s.actor, action: "staff.other_sessions_ended", objectType: "staff_user", objectId: s.staff.id, data: { ended } }));
      return redirectWithNotice(page, "other_sessions_ended");
    }
    case "change_password": {
      try {
        await changePassword({
          staffUserId: s.staff.id,
          currentPassword: formString(form, "current_password"),
          newPassword: formString(form, "new_password"),
          keepSessionSeq: s.session.seq,
          actor: s.actor,
        });
      } catch (error) {
        const errors = domainFieldErrors(error);
        if (!errors) throw error;
        // The model names the field `password`; on this form the new one is `new_password`.
        if (errors.password) errors.new_password = errors.password;
        delete errors.password;
        return fail(errors);
      }
      return redirectWithNotice(`${page}?tab=password`, "password_changed");
    }
    case "start_two_factor": {
      if (twoFactorEnabled(s.staff)) return redirect(`${page}?tab=two-factor`, { status: 303, headers: NO_STORE });
      beginTwoFactorEnrolment(s.staff.id);
      return redirect(`${page}?tab=two-factor`, { status: 303, headers: NO_STORE });
    }
    case "confirm_two_factor": {
      try {
        const backupCodes = await confirmTwoFactor({ staffUserId: s.staff.id, code: formString(form, "code"), actor: s.actor });
        // Shown once, in this response; only their hashes are kept.
        return json<ActionData>({ intent, backupCodes }, { headers: NO_STORE });
      } catch (error) {
        const errors = domainFieldErrors(error);
        if (!errors) throw error;
        return fail(errors);
      }
    }
    case "regenerate_backup_codes":
    case "disable_two_factor": {
      if (!twoFactorEnabled(s.staff)) return redirect(`${page}?tab=two-factor`, { status: 303, headers: NO_STORE });
      // Both weaken or replace the second factor: the password is asked again on the form.
      if (!(await verifyPassword(s.staff.passwordHash, formString(form, "password")))) return fail({ password: { key: "dash.errors.wrong_password" } }, 401);
      if (intent === "disable_two_factor") {
        disableTwoFactor({ staffUserId: s.staff.id, actor: s.actor });
        return redirectWithNotice(`${page}?tab=two-factor`, "two_factor_disabled");
      }
      return json<ActionData>({ intent, backupCodes: regenerateBackupCodes({ staffUserId: s.staff.id, actor: s.actor }) }, { headers: NO_STORE });
    }
    default:
      return fail({ form: { key: "dash.validation.invalid" } });
  }
}

export default function AccountSecurity() {
  const data = useLoaderData<typeof loader>();
  const acted = useActionData<typeof action>() as ActionData | undefined;
  const { t } = useTranslation();
  const hydrated = useHydrated();
  const navigate = useNavigate();
  const tab = acted?.intent === "change_password" ? "password" : acted?.intent?.includes("two_factor") || acted?.backupCodes ? "two-factor" : data.tab;
  const labels: Record<Tab, string> = { sessions: t("dash.security.sessions"), "two-factor": t("dash.security.twoFactor"), password: t("dash.security.password") };
  return (
    <div data-testid="page-security">
      <PageHeader title={t("dash.security.title")} description={t("dash.security.intro", { email: data.email })} />
      <Notice notice={data.notice} />
      {data.required ? (
        <p className="alert" role="alert" data-testid="two-factor-required">
          {t("dash.security.requiredBody")}
        </p>
      ) : null}
      {/* Radix tabs once JavaScript runs (arrow keys, roles); without it every panel shows, stacked. */}
      <Tabs.Root value={tab} onValueChange={(v) => navigate(`?tab=${v}`, { replace: true, preventScrollReset: true })} className={hydrated ? "tabs" : "tabs static"}>
        {hydrated ? (
          <Tabs.List className="tab-list" aria-label={t("dash.security.title")}>
            {TABS.map((k) => (
              <Tabs.Trigger key={k} value={k} className="tab" data-testid={`tab-${k}`}>
                {labels[k]}
              </Tabs.Trigger>
            ))}
          </Tabs.List>
        ) : null}
        <Tabs.Content value="sessions" forceMount className="tab-panel" data-testid="panel-sessions">
          <h2 className="section-title">{labels.sessions}</h2>
          <SessionsPanel sessions={data.sessions} />
        </Tabs.Content>
        <Tabs.Content value="two-factor" forceMount className="tab-panel" data-testid="panel-two-factor">
          <h2 className="section-title">{labels["two-factor"]}</h2>
          <TwoFactorPanel data={data.twoFactor} acted={acted} />
        </Tabs.Content>
        <Tabs.Content value="password" forceMount className="tab-panel" data-testid="panel-password">
          <h2 className="section-title">{labels.password}</h2>
          <PasswordPanel changedAt={data.passwordChangedAt} email={data.email} errors={acted?.intent === "change_password" ? acted.errors : undefined} />
        </Tabs.Content>
      </Tabs.Root>
    </div>
  );
}

type Data = ReturnType<typeof useLoaderData<typeof loader>>;

function SessionsPanel({ sessions }: { sessions: Data["sessions"] }) {
  const { t } = useTranslation();
  return (
    <>
      <p className="muted">{t("dash.security.sessionsIntro")}</p>
      <ul className="rows" data-testid="session-list">
        {sessions.map((s) => (
          <li key={s.id} data-testid={`session-${s.id}`} data-current={s.current || undefined}>
            <div className="row-main">
              <strong>{s.userAgent ? summarizeAgent(s.userAgent) : t("dash.security.unknownDevice")}</strong>
              {s.current ? <span className="badge good">{t("dash.security.thisSession")}</span> : null}
              <dl className="facts compact">
                <dt>{t("dash.security.ip")}</dt>
                <dd>{s.ip ?? t("dash.ui.never")}</dd>
                <dt>{t("dash.security.signedInAt")}</dt>
                <dd>
                  <Time {...s.createdAt} />
                </dd>
                <dt>{t("dash.security.lastSeen")}</dt>
                <dd>
                  <Time {...s.lastSeenAt} />
                </dd>
              </dl>
            </div>
            <Form method="post" className="inline-form">
              <input type="hidden" name="intent" value="end_session" />
              <input type="hidden" name="session_id" value={s.id} />
              <SubmitButton variant="secondary" small testId={`end-session-${s.id}`} pendingWhen={["session_id", s.id]}>
                {t("dash.security.signOutSession")}
              </SubmitButton>
            </Form>
          </li>
        ))}
      </ul>
      {sessions.length > 1 ? (
        <Form method="post">
          <input type="hidden" name="intent" value="end_other_sessions" />
          <SubmitButton variant="secondary" testId="end-other-sessions">
            {t("dash.security.signOutOthers")}
          </SubmitButton>
        </Form>
      ) : null}
    </>
  );
}

/** "Chrome on macOS": enough to recognise a session without showing the whole header. */
function summarizeAgent(ua: string) {
  const browser = /Edg\//.test(ua) ? "Edge" : /Firefox\//.test(ua) ? "Firefox" : /Chrom(e|ium)\//.test(ua) ? "Chrome" : /Safari\//.test(ua) ? "Safari" : null;
  const os = /Android/.test(ua) ? "Android" : /iPhone|iPad/.test(ua) ? "iOS" : /Mac OS X/.test(ua) ? "macOS" : /Windows/.test(ua) ? "Windows" : /Linux/.test(ua) ? "Linux" : null;
  return browser && os ? `${browser} · ${os}` : (browser ?? os ?? ua.slice(0, 60));
}

function TwoFactorPanel({ data, acted }: { data: Data["twoFactor"]; acted: ActionData | undefined }) {
  const { t } = useTranslation();
  if (acted?.backupCodes) {
    return (
      <div className="card" data-testid="backup-codes">
        <p className="notice" role="status">
          {acted.intent === "confirm_two_factor" ? t("dash.security.enabledNow") : t("dash.security.codesRegenerated")}
        </p>
        <p>{t("dash.security.backupCodesIntro")}</p>
        <ul className="codes">
          {acted.backupCodes.map((c) => (
            <li key={c}>
              <code data-testid="backup-code">{c}</code>
            </li>
          ))}
        </ul>
        <CopyButton text={acted.backupCodes.join("\n")} label={t("dash.ui.copy")} testId="copy-backup-codes" />
        <p className="muted small">{t("dash.security.backupCodesOnce")}</p>
      </div>
    );
  }
  const errors = acted?.errors;
  if (data.enabled) {
    return (
      <>
        <p data-testid="two-factor-status">
          <span className="badge good">{t("dash.security.on")}</span> {t("dash.security.enabledSince")} <Time {...data.enabledAt} />
        </p>
        <p className="muted">{t("dash.security.codesLeft", { count: data.backupCodesLeft })}</p>
        <Form method="post" className="form" noValidate>
          <Field name="password" type="password" label={t("dash.security.confirmPassword")} autoComplete="current-password" errors={errors} idPrefix="tf" />
          <div className="row-actions">
            <SubmitButton variant="secondary" name="intent" value="regenerate_backup_codes" testId="regenerate-codes">
              {t("dash.security.regenerate")}
            </SubmitButton>
            <SubmitButton variant="danger" name="intent" value="disable_two_factor" testId="disable-two-factor">
              {t("dash.security.disable")}
            </SubmitButton>
          </div>
        </Form>
      </>
    );
  }
  if (!data.pending) {
    return (
      <>
        <p data-testid="two-factor-status">
          <span className="badge neutral">{t("dash.security.off")}</span> {t("dash.security.offBody")}
        </p>
        <Form method="post">
          <input type="hidden" name="intent" value="start_two_factor" />
          <SubmitButton testId="start-two-factor">{t("dash.security.setUp")}</SubmitButton>
        </Form>
      </>
    );
  }
  return (
    <div className="enrol" data-testid="two-factor-enrol">
      <ol className="steps">
        <li>{t("dash.security.step1")}</li>
        <li>
          {t("dash.security.step2")}
          <div className="qr">
            <img src={data.pending.qr} alt={t("dash.security.qrAlt")} width={200} height={200} data-testid="totp-qr" />
          </div>
          <p className="small">
            {t("dash.security.secretText")} <code className="secret" data-testid="totp-secret">{data.pending.secret}</code>
          </p>
        </li>
        <li>{t("dash.security.step3")}</li>
      </ol>
      <ErrorSummary errors={errors} />
      <Form method="post" className="form" noValidate>
        <input type="hidden" name="intent" value="confirm_two_factor" />
        <Field name="code" label={t("dash.security.code")} inputMode="numeric" autoComplete="one-time-code" errors={errors} idPrefix="tf" />
        <div>
          <SubmitButton testId="confirm-two-factor">{t("dash.security.confirm")}</SubmitButton>
        </div>
      </Form>
    </div>
  );
}

function PasswordPanel({ changedAt, email, errors }: { changedAt: Data["passwordChangedAt"]; email: string; errors: FieldErrors | undefined }) {
  const { t } = useTranslation();
  return (
    <>
      <p className="muted">
        {t("dash.security.passwordChanged")} <Time {...changedAt} />
      </p>
      <ErrorSummary errors={errors} />
      <Form method="post" className="form" noValidate>
        <input type="hidden" name="intent" value="change_password" />
        <input type="hidden" name="username" value={email} autoComplete="username" />
        <Field name="current_password" type="password" label={t("dash.security.currentPassword")} autoComplete="current-password" errors={errors} idPrefix="pw" />
        <NewPasswordField name="new_password" label={t("dash.security.newPassword")} errors={errors} idPrefix="pw" />
        <p className="muted small">{t("dash.security.passwordEndsOthers")}</p>
        <div>
          <SubmitButton testId="change-password">{t("dash.security.changePassword")}</SubmitButton>
        </div>
      </Form>
    </>
  );
}

export const ErrorBoundary = DashboardErrorView;
