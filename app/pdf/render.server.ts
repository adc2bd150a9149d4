import { createElement, type ReactElement } from "react";
import { renderToBuffer, type DocumentProps } from "@react-pdf/renderer";
import { englishInvoiceLabels, type InvoiceData, type InvoiceLabels } from "./invoice-data";
import { InvoiceDocument, type InvoiceDocumentProps } from "./invoice-document";

/** Renders one invoice to PDF bytes. Blocks the event loop for ~10 ms: callers cache the result. */
export async function renderInvoicePdf(opts: {
  invoice: InvoiceData;
  locale: string;
  labels?: InvoiceLabels;
  fontFamily?: string;
  brandColor?: string | null;
}): Promise<Uint8Array<ArrayBuffer>> {
  const props: InvoiceDocumentProps = { ...opts, labels: opts.labels ?? englishInvoiceLabels };
  const element = createElement(InvoiceDocument, props) as unknown as ReactElement<DocumentProps>;
  const buffer = await renderToBuffer(element);
  // A copy with its own ArrayBuffer: a web Response body cannot take a pooled Node Buffer view.
  return new Uint8Array(buffer);
}
