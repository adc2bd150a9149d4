import type { LoaderFunctionArgs } from "@remix-run/node";
import { redirect } from "@remix-run/node";
import { DomainError } from "~/models/errors.server";
import { requireInvoicePdf } from "~/models/invoices.server";
import { invoiceFilename, invoiceHeaders } from "~/pdf/filename";
import { RendererBusyError } from "~/pdf/render-task";
import { requireCustomerSession, type SignedOutData } from "~/portal/guards.server";

const notFound = () =>
  new Response("Not found", { status: 404, headers: { "Content-Type": "text/plain; charset=utf-8", "Cache-Control": "no-store" } });

/** A signed-out browser goes to the merchant's sign-in page; anything else gets the 401 as is. */
async function signedOut(response: Response): Promise<Response> {
  if (response.status !== 401) return response;
  const body = (await response.clone().json().catch(() => null)) as SignedOutData | null;
  return body?.signInPath ? redirect(body.signInPath, { status: 303, headers: { "Cache-Control": "no-store" } }) : response;
}

/**
 * The invoice PDF of one of the signed-in customer's payments. Another customer's payment, a
 * payment without an invoice and a portal whose billing history is switched off all answer the
 * same 404, with no PDF bytes.
 */
export async function loader({ request, params, context }: LoaderFunctionArgs) {
  let session;
  try {
    session = await requireCustomerSession(request, context);
  } catch (error) {
    if (error instanceof Response) throw await signedOut(error);
    throw error;
  }
  if (!session.merchant.portalSettings.features.billing_history.enabled) throw notFound();
  try {
    const { invoiceNumber, merchantSlug, pdf } = await requireInvoicePdf({
      merchantId: session.merchant.id,
      customerId: session.customer.id,
      paymentId: params.paymentId ?? "",
      pageLocale: session.uiLocale,
    });
    const filename = invoiceFilename({ invoiceNumber, merchantSlug });
    return new Response(pdf, { status: 200, headers: invoiceHeaders({ filename, byteLength: pdf.byteLength }) });
  } catch (error) {
    if (error instanceof DomainError && error.kind === "not_found") throw notFound();
    if (error instanceof RendererBusyError) {
      throw new Response(error.message, {
        status: 503,
        headers: { "Content-Type": "text/plain; charset=utf-8", "Cache-Control": "no-store", "Retry-After": String(error.retryAfterS) },
      });
    }
    throw error;
  }
}
