import * as Dialog from "@radix-ui/react-dialog";
import { Form, Link, useNavigation } from "@remix-run/react";
import { useEffect, useState, type ReactNode } from "react";
import { useTranslation } from "react-i18next";
import { CopyButton } from "~/components/copy-button";
import { PASSWORD_MAX_LENGTH, PASSWORD_MIN_LENGTH } from "~/utils/password-rules";

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

/** A new password, with the length rule as its hint (the rule the server checks). */
export function NewPasswordField({ name, label, errors, idPrefix, required }: { name: string; label: string; errors?: FieldErrors; idPrefix?: string; required?: boolean }) {
  const { t } = useTranslation();
  return (
    <Field
      name={name}
      type="password"
      label={label}
      hint={t("dash.password.rules", { min: PASSWORD_MIN_LENGTH, max: PASSWORD_MAX_LENGTH })}
      autoComplete="new-password"
      errors={errors}
      idPrefix={idPrefix}
      required={required}
    />
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

type SubmitProps = Omit<Parameters<typeof SubmitButton>[0], "children">;

/** Hidden inputs: what a form posts besides what the person types (intent, the row's id). */
export function HiddenFields({ fields }: { fields: Record<string, string> }) {
  return (
    <>
      {Object.entries(fields).map(([name, value]) => (
        <input key={name} type="hidden" name={name} value={value} />
      ))}
    </>
  );
}

/** The end of a form: its one submit button (a block of its own under the fields). */
export function FormSubmit({ label, ...submit }: SubmitProps & { label: string }) {
  return (
    <div>
      <SubmitButton {...submit}>{label}</SubmitButton>
    </div>
  );
}

/** One small button that posts a few hidden fields (resume, deactivate, resend, invite). */
export function ActionButton(props: { fields: Record<string, string>; label: string; testId: string; variant?: SubmitProps["variant"]; pendingWhen?: [string, string]; action?: string }) {
  return (
    <Form method="post" action={props.action} className="inline-form">
      <HiddenFields fields={props.fields} />
      <SubmitButton variant={props.variant ?? "secondary"} small testId={props.testId} pendingWhen={props.pendingWhen}>
        {props.label}
      </SubmitButton>
    </Form>
  );
}

// Where a folded form stands, and so how it looks: beside a row, under a tab's list, in place
// of a card's facts, as a danger zone, or as a table tool's popover (which keeps the browser's
// own checks: its fields say `required`).
const DISCLOSURE_KINDS = {
  row: { details: "row-form", form: "form", variant: "secondary", noValidate: true },
  section: { details: "card section", form: "form", variant: "secondary", noValidate: true },
  edit: { details: "edit", form: "form", variant: "secondary", noValidate: true },
  danger: { details: "danger-zone", form: "form card", variant: "danger", noValidate: true },
  tool: { details: "column-chooser", form: "card form", variant: "secondary", noValidate: false },
} as const;

/**
 * A form folded behind a small button (a native <details>: it works without JavaScript). It opens
 * by itself when the last answer was about it, so its errors and what was typed are in view.
 * `unavailable` says why there is no form (shown instead of it).
 */
export function FormDisclosure(props: {
  kind?: keyof typeof DISCLOSURE_KINDS;
  label: string;
  testId: string;
  fields: Record<string, string>;
  open?: boolean;
  variant?: "secondary" | "danger";
  formTestId?: string;
  submit?: SubmitProps & { label: string };
  unavailable?: string;
  children?: ReactNode;
}) {
  const kind = DISCLOSURE_KINDS[props.kind ?? "row"];
  return (
    <details className={kind.details} open={props.open ? true : undefined}>
      <summary className={`button ${props.variant ?? kind.variant} small`} data-testid={props.testId}>
        {props.label}
      </summary>
      {props.unavailable ? (
        <p className="muted">{props.unavailable}</p>
      ) : (
        <Form method="post" className={kind.form} noValidate={kind.noValidate} data-testid={props.formTestId}>
          <HiddenFields fields={props.fields} />
          {props.children}
          {props.submit ? <FormSubmit {...props.submit} /> : null}
        </Form>
      )}
    </details>
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
  if (!hydrated) return <ActionButton fields={props.fields} label={props.label} testId={props.testId} variant={props.variant ?? "danger"} />;
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
            <HiddenFields fields={props.fields} />
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

/** A filter form's end: apply the filters, or go back to the whole list. */
export function FilterActions({ label, clearTo, variant = "primary" }: { label: string; clearTo: string; variant?: "primary" | "secondary" }) {
  const { t } = useTranslation();
  return (
    <div className="filter-actions">
      <button type="submit" className={variant === "primary" ? "button" : "button secondary"} data-testid="apply-filters">
        {label}
      </button>
      <Link to={clearTo}>{t("dash.audit.clear")}</Link>
    </div>
  );
}

/** A section headed by its title (which names it for screen readers), with what it says when empty. */
export function TitledSection(props: { id: string; title: string; empty?: string | null; className?: string; testId?: string; children: ReactNode }) {
  return (
    <section aria-labelledby={`${props.id}-title`} className={props.className} data-testid={props.testId}>
      <h2 id={`${props.id}-title`} className="section-title">
        {props.title}
      </h2>
      {props.empty ? <p className="muted">{props.empty}</p> : null}
      {props.children}
    </section>
  );
}

/**
 * Objects as rows (keys, endpoints, a customer's payments…): each row's facts (`main`) and beside
 * them what the staff member may do with it (`actions`: nothing rendered when it gives nothing).
 */
export function Rows<Item extends { id: string }>(props: {
  items: readonly Item[];
  /** The list's test id is `${testId}-list`, each row's `${testId}-${item.id}`. */
  testId: string;
  main: (item: Item) => ReactNode;
  actions?: (item: Item) => ReactNode;
  rowData?: (item: Item) => Record<`data-${string}`, string | boolean | undefined>;
}) {
  return (
    <ul className="rows" data-testid={`${props.testId}-list`}>
      {props.items.map((item) => {
        const actions = props.actions?.(item);
        return (
          <li key={item.id} data-testid={`${props.testId}-${item.id}`} {...props.rowData?.(item)}>
            <div className="row-main">{props.main(item)}</div>
            {actions ? <div className="row-actions">{actions}</div> : null}
          </li>
        );
      })}
    </ul>
  );
}

/** One column of a StackTable: its name, its header (when more than the name) and each row's cell. */
export type StackColumn<Row> = {
  key: string;
  label: string;
  header?: ReactNode;
  ariaSort?: "ascending" | "descending";
  className?: string;
  cellData?: Record<`data-${string}`, string>;
  cell: (row: Row) => ReactNode;
};

/**
 * A table that stacks on phones: every cell carries its column's name (data-label, shown beside
 * it there, where the header row is hidden). Wide tables scroll in their own focusable region.
 * A column given as `false` is left out (one the staff member may not use).
 */
export function StackTable<Row extends { id: string }>(props: {
  label: string;
  testId: string;
  className?: string;
  columns: (StackColumn<Row> | false)[];
  rows: readonly Row[];
  rowData?: (row: Row) => Record<`data-${string}`, string | undefined>;
}) {
  const columns = props.columns.filter((c): c is StackColumn<Row> => c !== false);
  return (
    <div className="table-wrap" role="region" aria-label={props.label} tabIndex={0}>
      <table className={`table stack${props.className ? ` ${props.className}` : ""}`} data-testid={props.testId}>
        <thead>
          <tr>
            {columns.map((c) => (
              <th key={c.key} scope="col" aria-sort={c.ariaSort}>
                {c.header ?? c.label}
              </th>
            ))}
          </tr>
        </thead>
        <tbody>
          {props.rows.map((row) => (
            <tr key={row.id} {...props.rowData?.(row)}>
              {columns.map((c) => (
                <td key={c.key} data-label={c.label} className={c.className} {...c.cellData}>
                  {c.cell(row)}
                </td>
              ))}
            </tr>
          ))}
        </tbody>
      </table>
    </div>
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
