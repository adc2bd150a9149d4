import * as Dialog from "@radix-ui/react-dialog";
import { Form, useFetcher } from "@remix-run/react";
import { useEffect, useRef, useState, type KeyboardEvent } from "react";
import { useTranslation } from "react-i18next";
import { CustomerFields } from "./customer";
import { ErrorSummary, SubmitButton, type FieldErrors } from "./ui";

const ACTION = "/dashboard/customers/new";

/** Cmd/Ctrl+Enter submits the form the focus is in. */
function submitOnModEnter(event: KeyboardEvent<HTMLFormElement>) {
  if (event.key === "Enter" && (event.metaKey || event.ctrlKey)) {
    event.preventDefault();
    event.currentTarget.requestSubmit();
  }
}

/** The plain form (the no-JavaScript page /dashboard/customers/new). */
export function NewCustomerForm({ errors, values }: { errors?: FieldErrors; values?: Record<string, string> }) {
  const { t } = useTranslation();
  return (
    <Form method="post" action={ACTION} className="form" noValidate onKeyDown={submitOnModEnter} data-testid="new-customer-form">
      <ErrorSummary errors={errors} />
      <CustomerFields errors={errors} value={(name) => values?.[name] ?? ""} idPrefix="new" autoFocus />
      <div>
        <SubmitButton testId="create-customer">{t("dash.customers.create")}</SubmitButton>
      </div>
    </Form>
  );
}

function isTyping(target: EventTarget | null) {
  const el = target as HTMLElement | null;
  return !!el && (el.isContentEditable || ["INPUT", "TEXTAREA", "SELECT"].includes(el.tagName));
}

/**
 * The "New customer" dialog of the customers table: `n` (no modifier, outside text fields)
 * opens it, Cmd/Ctrl+Enter submits, Esc closes (Radix). It posts to the same action as the page;
 * errors come back inline, success lands on the new customer's page.
 */
export function NewCustomerDialog() {
  const { t } = useTranslation();
  const [open, setOpen] = useState(false);
  const fetcher = useFetcher<{ errors?: FieldErrors; values?: Record<string, string> }>();
  const formRef = useRef<HTMLFormElement>(null);
  useEffect(() => {
    const onKey = (e: globalThis.KeyboardEvent) => {
      if (e.key === "n" && !e.metaKey && !e.ctrlKey && !e.altKey && !isTyping(e.target) && !open) {
        e.preventDefault();
        setOpen(true);
      }
    };
    window.addEventListener("keydown", onKey);
    return () => window.removeEventListener("keydown", onKey);
  }, [open]);
  const errors = fetcher.data?.errors;
  const values = fetcher.data?.values;
  return (
    <Dialog.Root open={open} onOpenChange={setOpen}>
      <Dialog.Trigger asChild>
        <button type="button" className="button" data-testid="new-customer" aria-keyshortcuts="n">
          {t("dash.customers.new")}
        </button>
      </Dialog.Trigger>
      <Dialog.Portal>
        <Dialog.Overlay className="dialog-overlay" />
        <Dialog.Content className="dialog wide" data-testid="new-customer-dialog">
          <Dialog.Title className="dialog-title">{t("dash.customers.newTitle")}</Dialog.Title>
          <Dialog.Description className="muted small">{t("dash.customers.newShortcuts")}</Dialog.Description>
          <fetcher.Form ref={formRef} method="post" action={ACTION} className="form" noValidate onKeyDown={submitOnModEnter} data-testid="new-customer-form">
            <ErrorSummary errors={errors} />
            {/* Remounted with what was typed when errors come back, so the fields keep their values. */}
            <div key={values ? JSON.stringify(values) : "empty"} className="stack">
              <CustomerFields errors={errors} value={(name) => values?.[name] ?? ""} idPrefix="dialog" autoFocus />
            </div>
            <div className="dialog-actions">
              <Dialog.Close asChild>
                <button type="button" className="button secondary">
                  {t("dash.ui.cancel")}
                </button>
              </Dialog.Close>
              <button type="submit" className="button" data-testid="create-customer" disabled={fetcher.state !== "idle"}>
                {fetcher.state !== "idle" ? t("dash.ui.working") : t("dash.customers.create")}
              </button>
            </div>
          </fetcher.Form>
        </Dialog.Content>
      </Dialog.Portal>
    </Dialog.Root>
  );
}
