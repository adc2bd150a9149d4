import * as Dialog from "@radix-ui/react-dialog";
import { Form, Link, useNavigation } from "@remix-run/react";
import { useEffect, useState, type ReactNode } from "react";
import { useTranslation } from "react-i18next";
import { CopyButton } from "~/components/copy-button";

export type FieldError = { key: string; values?: Record<string, string | number> };
export type FieldErrors = Record<string, FieldError | undefined>;

/** True once React has hydrated: enhancements (dialogs, menus, copy) render only then. */
export function useHydrated() {
  const [hydrated, setHydrated] = useState(false);
  useEffect(() => setHydrated(true), []);
  return hydrated;
}

export function ErrorText({ id, error, testId }: { id: string; error: FieldError | undefined; testId?: string }) {
  const { t } = useTranslation();
  if (!error) return null;
  return (
    <p className="error" id={id} data-testid={testId}>
      {t(error.key, error.values)}
    </p>
  );
}

/** A labelled input with its hint and inline error wired up for screen readers. */
export function Field(props: {
  name: string;
  label: string;
  errors?: FieldErrors;
  defaultValue?: string;
  type?: string;
  hint?: string;
  autoComplete?: string;
  required?: boolean;
  idPrefix?: string;
  inputMode?: "email" | "text" | "numeric" | "url";
  placeholder?: string;
  maxLength?: number;
  autoFocus?: boolean;
}) {
  const id = `${props.idPrefix ?? "f"}-${props.name}`;
  const error = props.errors?.[props.name];
  const describedBy = [props.hint ? `${id}-hint` : null, error ? `${id}-error` : null].filter(Boolean).join(" ") || undefined;
  return (
    <div className="field">
      <label htmlFor={id}>{props.label}</label>
      <input
        id={id}
        name={props.name}
        type={props.type ?? "text"}
        defaultValue={props.defaultValue}
        autoComplete={props.autoComplete}
        required={props.required}
        inputMode={props.inputMode}
        placeholder={props.placeholder}
        maxLength={props.maxLength}
        // eslint-disable-next-line jsx-a11y/no-autofocus
        autoFocus={props.autoFocus}
        aria-invalid={error ? true : undefined}
        aria-describedby={describedBy}
        data-testid={`field-${props.name}`}
      />
      {props.hint ? (
        <p className="hint" id={`${id}-hint`}>
          {props.hint}
        </p>
      ) : null}
      <ErrorText id={`${id}-error`} error={error} testId={`error-${props.name}`} />
    </div>
  );
}

/** The form-level error (a rule that is not about one field), announced when it appears. */
export function FormError({ errors }: { errors?: FieldErrors }) {
  const { t } = useTranslation();
  const error = errors?.form;
  if (!error) return null;
  return (
    <p className="alert" role="alert" data-testid="form-error">
      {t(error.key, error.values)}
    </p>
  );
}

/** A summary at the top when any field is wrong, so a screen reader hears it at once. */
export function ErrorSummary({ errors }: { errors?: FieldErrors }) {
  const { t } = useTranslation();
  const fields = Object.keys(errors ?? {}).filter((k) => k !== "form");
  if (fields.length === 0) return <FormError errors={errors} />;
  return (
    <div className="alert" role="alert" data-testid="error-summary">
      {errors?.form ? <p>{t(errors.form.key, errors.form.values)}</p> : null}
      <p>{t("dash.ui.fixErrors")}</p>
    </div>
  );
}

/** Says it is working while its own form is in flight (with JavaScript). */
export function SubmitButton(props: {
  children: ReactNode;
  variant?: "primary" | "secondary" | "danger";
  small?: boolean;
  testId?: string;
  name?: string;
  value?: string;
  /** [field, value] that marks this button's own submission among several forms on a page. */
  pendingWhen?: [string, string];
}) {
  const navigation = useNavigation();
  const { t } = useTranslation();
  const [field, value] = props.pendingWhen ?? (props.name ? [props.name, props.value ?? ""] : [null, null]);
  const pending = navigation.state === "submitting" && (field ? navigation.formData?.get(field) === value : true);
  return (
    <button
      type="submit"
      name={props.name}
      value={props.value}
      className={`button ${props.variant ?? "primary"}${props.small ? " small" : ""}`}
      data-testid={props.testId}
      disabled={pending}
      aria-disabled={pending || undefined}
    >
      {pending ? t("dash.ui.working") : props.children}
    </button>
  );
}

/**
 * A destructive action. Without JavaScript it is a plain form whose button says exactly what it
 * does; with JavaScript the button opens a Radix dialog (focus trap, Esc, labelled) that asks
 * first and then submits the same fields.
 */
export function ConfirmAction(props: {
  fields: Record<string, string>;
  label: string;
  title: string;
  body: string;
  confirmLabel: string;
  testId: string;
  variant?: "danger" | "secondary";
}) {
  const { t } = useTranslation();
  const hydrated = useHydrated();
  const [open, setOpen] = useState(false);
  const hidden = Object.entries(props.fields).map(([name, value]) => <input key={name} type="hidden" name={name} value={value} />);
  if (!hydrated) {
    return (
      <Form method="post" className="inline-form">
        {hidden}
        <SubmitButton variant={props.variant ?? "danger"} small testId={props.testId}>
          {props.label}
        </SubmitButton>
      </Form>
    );
  }
  return (
    <Dialog.Root open={open} onOpenChange={setOpen}>
      <Dialog.Trigger asChild>
        <button type="button" className={`button ${props.variant ?? "danger"} small`} data-testid={props.testId}>
          {props.label}
        </button>
      </Dialog.Trigger>
      <Dialog.Portal>
        <Dialog.Overlay className="dialog-overlay" />
        <Dialog.Content className="dialog" data-testid={`${props.testId}-dialog`}>
          <Dialog.Title className="dialog-title">{props.title}</Dialog.Title>
          <Dialog.Description className="muted">{props.body}</Dialog.Description>
          <Form method="post" className="dialog-actions" onSubmit={() => setOpen(false)}>
            {hidden}
            <Dialog.Close asChild>
              <button type="button" className="button secondary">
                {t("dash.ui.cancel")}
              </button>
            </Dialog.Close>
            <button type="submit" className={`button ${props.variant ?? "danger"}`} data-testid={`${props.testId}-confirm`}>
              {props.confirmLabel}
            </button>
          </Form>
        </Dialog.Content>
      </Dialog.Portal>
    </Dialog.Root>
  );
}

export function Notice({ notice }: { notice: string | null }) {
  const { t } = useTranslation();
  if (!notice) return null;
  return (
    <div className="notice" role="status" data-testid="dash-notice" data-notice={notice}>
      {t(`dash.notices.${notice}`)}
    </div>
  );
}

export function PageHeader({ title, description, children }: { title: string; description?: string; children?: ReactNode }) {
  return (
    <div className="page-header">
      <div>
        <h1>{title}</h1>
        {description ? <p className="muted">{description}</p> : null}
      </div>
      {children ? <div className="page-actions">{children}</div> : null}
    </div>
  );
}

/** A date and time in the page's language, UTC (formatted on the server, so hydration agrees). */
export function Time({ iso, text }: { iso: string | null; text: string | null }) {
  const { t } = useTranslation();
  if (!iso || !text) return <>{t("dash.ui.never")}</>;
  return <time dateTime={iso}>{text}</time>;
}

/** A secret shown once (a new API key, a webhook signing secret), with a copy button. */
export function SecretOnce(props: { testId: string; title: string; body: string; secret: string; children?: ReactNode }) {
  const { t } = useTranslation();
  return (
    <section className="card secret-card" data-testid={props.testId} aria-labelledby={`${props.testId}-title`}>
      <h2 id={`${props.testId}-title`} className="section-title">
        {props.title}
      </h2>
      <p>{props.body}</p>
      <p className="secret-row">
        <code className="secret" data-testid={`${props.testId}-secret`}>
          {props.secret}
        </code>
        <CopyButton text={props.secret} label={t("dash.ui.copy")} testId={`${props.testId}-copy`} />
      </p>
      {props.children}
    </section>
  );
}

/** Newest-first keyset pages: "Back to newest" and "Older" links (plain links: the URL is the state). */
export function Pager({ newest, older }: { newest: string | null; older: string | null }) {
  const { t } = useTranslation();
  if (!newest && !older) return null;
  return (
    <nav className="pager" aria-label={t("dash.ui.pagination")}>
      {newest ? <Link to={newest}>{t("dash.ui.newest")}</Link> : <span />}
      {older ? (
        <Link to={older} rel="next" data-testid="pager-older">
          {t("dash.ui.older")} →
        </Link>
      ) : null}
    </nav>
  );
}
