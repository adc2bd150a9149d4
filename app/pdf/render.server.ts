import { createElement, type ReactElement } from "react";
import { renderToBuffer, type DocumentProps } from "@react-pdf/renderer";
import type { Locale } from "~/i18n/index";
import type { InvoiceData } from "./invoice-data";
import { InvoiceDocument, type InvoiceDocumentProps } from "./invoice-document";
import { INVOICE_FONT_STACK, registerInvoiceFonts } from "./fonts.server";
import { invoiceLabels } from "./labels";

const toPdf = async (props: InvoiceDocumentProps) => {
  const element = createElement(InvoiceDocument, props) as unknown as ReactElement<DocumentProps>;
  return renderToBuffer(element);
};

/**
 * Renders one invoice to PDF bytes with the embedded Noto fonts. Blocks its thread for ~10 ms
 * (the first render, which loads the fonts, far longer): the server runs it only in the PDF
 * worker (`worker.server.ts`), never on the main thread, and caches the result.
 */
export async function renderInvoicePdf(
  opts: { invoice: InvoiceData; locale: Locale; brandColor?: string | null },
  hooks: { onLogoDropped?: (error: unknown) => void } = {},
): Promise<Uint8Array<ArrayBuffer>> {
  registerInvoiceFonts();
  const props: InvoiceDocumentProps = { ...opts, labels: invoiceLabels(opts.locale), fontFamily: INVOICE_FONT_STACK };
  let buffer: Buffer;
  try {
    buffer = await toPdf(props);
  } catch (error) {
    // A logo that passed the signature check can still be one the PDF library cannot decode:
    // the invoice is issued without it rather than not at all.
    if (!opts.invoice.merchant.logo) throw error;
    hooks.onLogoDropped?.(error);
    buffer = await toPdf({ ...props, showLogo: false });
  }
  // A copy with its own ArrayBuffer: a web Response body cannot take a pooled Node Buffer view.
  return new Uint8Array(buffer);
}
