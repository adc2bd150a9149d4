import { Document, Page, StyleSheet, Text, View } from "@react-pdf/renderer";
import type { PostalAddress } from "#db/schema/index";
import { formatMoney } from "~/billing/currency";
import type { InvoiceData, InvoiceLabels } from "./invoice-data";

export type InvoiceDocumentProps = {
  invoice: InvoiceData;
  labels: InvoiceLabels;
  locale: string;
  /** A registered font family; the built-in Helvetica until the portal embeds a Unicode font. */
  fontFamily?: string;
  brandColor?: string | null;
};

const styles = StyleSheet.create({
  page: { padding: 48, fontSize: 10, color: "#1f2937", lineHeight: 1.4 },
  header: { flexDirection: "row", justifyContent: "space-between", marginBottom: 28 },
  title: { fontSize: 22, fontWeight: 700 },
  muted: { color: "#6b7280" },
  meta: { alignItems: "flex-end" },
  parties: { flexDirection: "row", marginBottom: 24 },
  party: { flex: 1, paddingRight: 16 },
  heading: { fontSize: 8, textTransform: "uppercase", color: "#6b7280", marginBottom: 4, letterSpacing: 0.5 },
  tableHead: { flexDirection: "row", borderBottomWidth: 1, borderBottomColor: "#d1d5db", paddingBottom: 4, marginBottom: 4 },
  row: { flexDirection: "row", paddingVertical: 3, borderBottomWidth: 0.5, borderBottomColor: "#e5e7eb" },
  colDescription: { flex: 4 },
  colQty: { flex: 1, textAlign: "right" },
  colMoney: { flex: 2, textAlign: "right" },
  colRate: { flex: 1.2, textAlign: "right" },
  totals: { marginTop: 12, marginLeft: "45%" },
  totalRow: { flexDirection: "row", justifyContent: "space-between", paddingVertical: 2 },
  grandTotal: { fontWeight: 700, fontSize: 12, borderTopWidth: 1, borderTopColor: "#d1d5db", paddingTop: 4, marginTop: 2 },
  section: { marginTop: 20 },
  footer: { position: "absolute", bottom: 32, left: 48, right: 48, fontSize: 8, color: "#9ca3af" },
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
    <View style={strong ? [styles.totalRow, styles.grandTotal] : styles.totalRow}>
      <Text>{label}</Text>
      <Text>{value}</Text>
    </View>
  );
}

const percent = (bps: number, locale: string) =>
  new Intl.NumberFormat(locale, { style: "percent", maximumFractionDigits: 2 }).format(bps / 10_000);

/** The invoice as the customer downloads it from the portal and the merchant from the API. */
export function InvoiceDocument({ invoice, labels, locale, fontFamily = "Helvetica", brandColor }: InvoiceDocumentProps) {
  const money = (amount: number) => formatMoney(amount, invoice.currency, locale);
  const date = (d: Date) => new Intl.DateTimeFormat(locale, { dateStyle: "medium", timeZone: "UTC" }).format(d);
  const method = invoice.paymentMethod;
  const methodText = method
    ? [labels.paymentMethods[method.type] ?? method.type, method.brand, method.last4 ? labels.endingIn(method.last4) : null]
        .filter(Boolean)
        .join(" ")
    : null;
  return (
    <Document title={`${labels.invoice} ${invoice.invoiceNumber}`} author={invoice.merchant.name} language={locale}>
      <Page size="A4" style={[styles.page, { fontFamily }]}>
        <View style={styles.header}>
          <View>
            <Text style={[styles.title, brandColor ? { color: brandColor } : {}]}>{labels.invoice}</Text>
            <Text style={styles.muted}>{labels.status[invoice.status]}</Text>
          </View>
          <View style={styles.meta}>
            <Text>
              {labels.invoiceNumber}: {invoice.invoiceNumber}
            </Text>
            <Text>
              {labels.issueDate}: {date(invoice.issuedAt)}
            </Text>
          </View>
        </View>

        <View style={styles.parties}>
          <View style={styles.party}>
            <Text style={styles.heading}>{labels.from}</Text>
            <Text>{invoice.merchant.name}</Text>
            <AddressLines address={invoice.merchant.address} />
            {invoice.merchant.supportEmail ? <Text>{invoice.merchant.supportEmail}</Text> : null}
          </View>
          <View style={styles.party}>
            <Text style={styles.heading}>{labels.billedTo}</Text>
            {invoice.customer.name ? <Text>{invoice.customer.name}</Text> : null}
            <Text>{invoice.customer.email}</Text>
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
            <Text style={styles.colQty}>{line.quantity}</Text>
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
              <TotalRow label={labels.refunded} value={`-${money(invoice.amountRefunded)}`} />
              <TotalRow label={labels.netPaid} value={money(invoice.total - invoice.amountRefunded)} strong />
            </>
          ) : null}
        </View>

        {methodText ? (
          <View style={styles.section}>
            <Text style={styles.heading}>{labels.paymentMethod}</Text>
            <Text>{methodText}</Text>
          </View>
        ) : null}

        {invoice.refunds.length > 0 ? (
          <View style={styles.section}>
            <Text style={styles.heading}>{labels.refunds}</Text>
            {invoice.refunds.map((r, i) => (
              <View key={i} style={styles.totalRow}>
                <Text>
                  {date(r.createdAt)}
                  {r.reason ? ` · ${r.reason}` : ""}
                </Text>
                <Text>-{money(r.amount)}</Text>
              </View>
            ))}
          </View>
        ) : null}

        {invoice.merchant.supportEmail ? (
          <Text style={styles.footer} fixed>
            {labels.questions(invoice.merchant.supportEmail)}
          </Text>
        ) : null}
      </Page>
    </Document>
  );
}
