import { Document, Image, Page, StyleSheet, Text, View } from "@react-pdf/renderer";
import type { PostalAddress } from "#db/schema/index";
import { formatMoney } from "~/billing/currency";
import { titleColor } from "./color";
import type { InvoiceData, InvoiceLabels } from "./invoice-data";

export type InvoiceDocumentProps = {
  invoice: InvoiceData;
  labels: InvoiceLabels;
  /** Formats money, percentages and dates (the labels are already in this language). */
  locale: string;
  /** Registered font families, tried in order per glyph. */
  fontFamily?: string | string[];
  brandColor?: string | null;
  /** False drops the logo: the retry after a logo the PDF library could not decode. */
  showLogo?: boolean;
};

const TEXT = "#1f2937";
const MUTED = "#6b7280";
const RULE = "#d1d5db";

const styles = StyleSheet.create({
  page: { paddingTop: 40, paddingBottom: 56, paddingHorizontal: 48, fontSize: 9.5, color: TEXT, lineHeight: 1.45 },
  accent: { position: "absolute", top: 0, left: 0, right: 0, height: 6 },
  header: { flexDirection: "row", justifyContent: "space-between", alignItems: "flex-start", marginBottom: 28 },
  brand: { flexDirection: "column", maxWidth: "55%" },
  logo: { maxHeight: 44, maxWidth: 160, objectFit: "contain", marginBottom: 6 },
  merchantName: { fontSize: 13, fontWeight: 700 },
  titleBlock: { alignItems: "flex-end" },
  title: { fontSize: 22, fontWeight: 700, lineHeight: 1.3, marginBottom: 6 },
  metaRow: { flexDirection: "row", justifyContent: "flex-end" },
  metaLabel: { color: MUTED, marginRight: 6 },
  parties: { flexDirection: "row", marginBottom: 24 },
  party: { flex: 1, paddingRight: 16 },
  heading: { fontSize: 7.5, fontWeight: 700, textTransform: "uppercase", color: MUTED, marginBottom: 4, letterSpacing: 0.5 },
  strong: { fontWeight: 700 },
  tableHead: { flexDirection: "row", borderBottomWidth: 1, borderBottomColor: RULE, paddingBottom: 4, marginBottom: 2, color: MUTED, fontWeight: 700, fontSize: 8 },
  row: { flexDirection: "row", paddingVertical: 4, borderBottomWidth: 0.5, borderBottomColor: "#e5e7eb" },
  colDescription: { flex: 4, paddingRight: 8 },
  colQty: { flex: 0.8, textAlign: "right" },
  colMoney: { flex: 1.8, textAlign: "right" },
  colRate: { flex: 1.1, textAlign: "right" },
  totals: { marginTop: 12, marginLeft: "50%" },
  totalRow: { flexDirection: "row", justifyContent: "space-between", paddingVertical: 2 },
  grandTotal: { fontWeight: 700, fontSize: 11, borderTopWidth: 1, borderTopColor: RULE, paddingTop: 4, marginTop: 2 },
  section: { marginTop: 20 },
  footer: { position: "absolute", bottom: 28, left: 48, right: 48, fontSize: 7.5, color: "#9ca3af" },
});

function AddressLines({ address }: { address: PostalAddress | null }) {
  if (!address) return null;
  const cityLine = [address.postal_code, address.city, address.state].filter(Boolean).join(" ");
  return (
    <>
      <Text>{address.line1}</Text>
      {address.line2 ? <Text>{address.line2}</Text> : null}
      <Text>{cityLine}</Text>
      <Text>{address.country}</Text>
    </>
  );
}

function TotalRow({ label, value, strong }: { label: string; value: string; strong?: boolean }) {
  return (
    <View style={strong ? [styles.totalRow, styles.grandTotal] : styles.totalRow} wrap={false}>
      <Text>{label}</Text>
      <Text>{value}</Text>
    </View>
  );
}

function MetaRow({ label, value }: { label: string; value: string }) {
  return (
    <View style={styles.metaRow}>
      <Text style={styles.metaLabel}>{label}</Text>
      <Text>{value}</Text>
    </View>
  );
}

const percent = (bps: number, locale: string) =>
  new Intl.NumberFormat(locale, { style: "percent", maximumFractionDigits: 2 }).format(bps / 10_000);

/** "Card Visa ending in 4242", "UPI", …: the payment method in the invoice's language. */
export function paymentMethodText(method: InvoiceData["paymentMethod"], labels: InvoiceLabels): string | null {
  if (!method) return null;
  const brand = method.brand ? method.brand.charAt(0).toUpperCase() + method.brand.slice(1) : null;
  return [labels.paymentMethods[method.type] ?? method.type, brand, method.last4 ? labels.endingIn(method.last4) : null]
    .filter(Boolean)
    .join(" ");
}

/** The invoice as the customer downloads it from the portal and the merchant from the API. */
export function InvoiceDocument({ invoice, labels, locale, fontFamily = "Helvetica", brandColor, showLogo = true }: InvoiceDocumentProps) {
  const money = (amount: number) => formatMoney(amount, invoice.currency, locale);
  const date = (d: Date) => new Intl.DateTimeFormat(locale, { dateStyle: "long", timeZone: "UTC" }).format(d);
  const methodText = paymentMethodText(invoice.paymentMethod, labels);
  const logo = showLogo ? invoice.merchant.logo : null;
  return (
    <Document
      title={`${labels.invoice} ${invoice.invoiceNumber}`}
      author={invoice.merchant.name}
      subject={`${labels.invoice} ${invoice.invoiceNumber}`}
      creator="Portico"
      producer="Portico"
      language={locale}
    >
      <Page size="A4" style={[styles.page, { fontFamily }]}>
        {brandColor ? <View style={[styles.accent, { backgroundColor: brandColor }]} fixed /> : null}
        <View style={styles.header}>
          <View style={styles.brand}>
            {logo ? <Image style={styles.logo} src={logo} /> : null}
            <Text style={styles.merchantName}>{invoice.merchant.name}</Text>
          </View>
          <View style={styles.titleBlock}>
            <Text style={[styles.title, { color: titleColor(brandColor) }]}>{labels.invoice}</Text>
            <MetaRow label={labels.invoiceNumber} value={invoice.invoiceNumber} />
            <MetaRow label={labels.issueDate} value={date(invoice.issuedAt)} />
            <MetaRow label={labels.statusLabel} value={labels.status[invoice.status]} />
          </View>
        </View>

        <View style={styles.parties}>
          <View style={styles.party}>
            <Text style={styles.heading}>{labels.from}</Text>
            <Text style={styles.strong}>{invoice.merchant.name}</Text>
            <AddressLines address={invoice.merchant.address} />
            {invoice.merchant.supportEmail ? <Text>{invoice.merchant.supportEmail}</Text> : null}
          </View>
          <View style={styles.party}>
            <Text style={styles.heading}>{labels.billedTo}</Text>
            {invoice.customer.name ? <Text style={styles.strong}>{invoice.customer.name}</Text> : null}
            {invoice.customer.email ? <Text>{invoice.customer.email}</Text> : null}
            <AddressLines address={invoice.customer.address} />
            {invoice.customer.taxId ? (
              <Text>
                {labels.taxId}: {invoice.customer.taxId}
              </Text>
            ) : null}
          </View>
        </View>

        <View style={styles.tableHead}>
          <Text style={styles.colDescription}>{labels.description}</Text>
          <Text style={styles.colQty}>{labels.quantity}</Text>
          <Text style={styles.colMoney}>{labels.unitPrice}</Text>
          <Text style={styles.colRate}>{labels.taxRate}</Text>
          <Text style={styles.colMoney}>{labels.tax}</Text>
          <Text style={styles.colMoney}>{labels.amount}</Text>
        </View>
        {invoice.lines.map((line, i) => (
          <View key={i} style={styles.row} wrap={false}>
            <Text style={styles.colDescription}>{line.description}</Text>
            <Text style={styles.colQty}>{new Intl.NumberFormat(locale).format(line.quantity)}</Text>
            <Text style={styles.colMoney}>{money(line.unitAmount)}</Text>
            <Text style={styles.colRate}>{percent(line.taxRateBps, locale)}</Text>
            <Text style={styles.colMoney}>{money(line.tax)}</Text>
            <Text style={styles.colMoney}>{money(line.amount)}</Text>
          </View>
        ))}

        <View style={styles.totals}>
          <TotalRow label={labels.subtotal} value={money(invoice.subtotal)} />
          <TotalRow label={labels.tax} value={money(invoice.tax)} />
          <TotalRow label={labels.total} value={money(invoice.total)} strong />
          <TotalRow label={labels.amountPaid} value={money(invoice.total)} />
          {invoice.amountRefunded > 0 ? (
            <>
              <TotalRow label={labels.refunded} value={money(-invoice.amountRefunded)} />
              <TotalRow label={labels.netPaid} value={money(invoice.total - invoice.amountRefunded)} strong />
            </>
          ) : null}
        </View>

        {methodText ? (
          <View style={styles.section} wrap={false}>
            <Text style={styles.heading}>{labels.paymentMethod}</Text>
            <Text>{methodText}</Text>
          </View>
        ) : null}

        {invoice.refunds.length > 0 ? (
          <View style={styles.section}>
            <Text style={styles.heading}>{labels.refunds}</Text>
            {invoice.refunds.map((r, i) => (
              <View key={i} style={styles.totalRow} wrap={false}>
                <Text>
                  {date(r.createdAt)}
                  {r.reason ? ` · ${r.reason}` : ""}
                </Text>
                <Text>{money(-r.amount)}</Text>
              </View>
            ))}
          </View>
        ) : null}

        <Text style={styles.footer} fixed>
          {invoice.merchant.supportEmail ? labels.questions(invoice.merchant.supportEmail) : invoice.merchant.name}
        </Text>
      </Page>
    </Document>
  );
}
