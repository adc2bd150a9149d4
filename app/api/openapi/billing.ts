import {
  ActivateLicenseSchema,
  CancelSubscriptionSchema,
  CreateLedgerEntrySchema,
  CreateLicenseKeySchema,
  CreatePaymentSchema,
  CreateProductSchema,
  CreateRefundSchema,
  CreateSubscriptionSchema,
  DeactivateLicenseSchema,
  InvoiceQuerySchema,
  ListInstancesQuerySchema,
  ListLedgerEntriesQuerySchema,
  ListLicenseKeysQuerySchema,
  ListPaymentsQuerySchema,
  ListProductsQuerySchema,
  ListSubscriptionsQuerySchema,
  UpdateLicenseKeySchema,
  UpdatePaymentSchema,
  UpdateProductSchema,
  UpdateSubscriptionSchema,
  ValidateLicenseSchema,
} from "~/schemas/billing";
import {
  intervals,
  ledgerEntryTypes,
  licenseKeyStatuses,
  paymentMethodTypes,
  paymentStatuses,
  productTypes,
  subscriptionStatuses,
} from "#db/schema/index";
import { operationsOf, s, type Operation } from "./registry";

const money = { type: "integer", description: "Integer amount in the currency's minor unit" } as const;

export const billingSchemas = {
  Product: s.obj(
    {
      id: s.str,
      name: s.str,
      description: s.nullable(s.str),
      type: s.oneOf(productTypes),
      price: money,
      currency: s.str,
      interval: s.nullable(s.oneOf(intervals)),
      interval_count: s.nullable(s.int),
      created_at: s.ts,
      updated_at: s.ts,
    },
    "product",
  ),
  ProductList: s.list("Product"),
  Subscription: s.obj(
    {
      id: s.str,
      customer_id: s.str,
      product_id: s.str,
      product_name: s.str,
      status: s.oneOf(subscriptionStatuses),
      quantity: s.int,
      amount: money,
      currency: s.str,
      interval: s.oneOf(intervals),
      interval_count: s.int,
      current_period_start: s.ts,
      current_period_end: s.ts,
      cancel_at_period_end: s.bool,
      cancelled_at: s.nullable(s.ts),
      cancel_reason: s.nullable(s.str),
      cancel_feedback: s.nullable(s.str),
      created_at: s.ts,
    },
    "subscription",
  ),
  SubscriptionList: s.list("Subscription"),
  PaymentItem: s.obj({
    description: s.str,
    quantity: s.int,
    unit_amount: money,
    tax_rate_bps: s.int,
    amount: { ...money, description: "quantity × unit_amount" },
    tax: { ...money, description: "round(amount × tax_rate_bps / 10000), half away from zero" },
  }),
  Payment: s.obj(
    {
      id: s.str,
      customer_id: s.str,
      subscription_id: s.nullable(s.str),
      status: s.oneOf(paymentStatuses),
      amount: money,
      amount_refunded: money,
      currency: s.str,
      items: { type: "array", items: s.ref("PaymentItem") },
      tax: money,
      subtotal: money,
      payment_method: s.nullable(
        s.obj({ type: s.oneOf(paymentMethodTypes), brand: s.nullable(s.str), last4: s.nullable(s.str) }),
      ),
      invoice_number: s.nullable({ type: "string", pattern: "^INV-\\d{6,}$" }),
      failure_reason: s.nullable(s.str),
      created_at: s.ts,
    },
    "payment",
  ),
  PaymentList: s.list("Payment"),
  Refund: s.obj({ id: s.str, payment_id: s.str, amount: money, currency: s.str, reason: s.nullable(s.str), created_at: s.ts }, "refund"),
  LicenseKey: s.obj(
    {
      id: s.str,
      customer_id: s.str,
      product_id: s.nullable(s.str),
      key: s.str,
      status: s.oneOf(licenseKeyStatuses),
      activations_limit: s.nullable(s.int),
      activations_count: s.int,
      expires_at: s.nullable(s.ts),
      created_at: s.ts,
    },
    "license_key",
  ),
  LicenseKeyList: s.list("LicenseKey"),
  LicenseKeyInstance: s.obj({ id: s.str, license_key_id: s.str, name: s.str, created_at: s.ts }, "license_key_instance"),
  LicenseKeyInstanceList: s.list("LicenseKeyInstance"),
  LicenseValidation: s.obj({
    valid: s.bool,
    status: s.nullable(s.oneOf(licenseKeyStatuses)),
    expires_at: s.nullable(s.ts),
    activations_count: s.int,
    activations_limit: s.nullable(s.int),
  }),
  LicenseDeactivation: s.obj({ deactivated: { const: true } }),
  Wallet: s.obj({ currency: s.str, balance: money, updated_at: s.ts }, "wallet"),
  WalletList: s.list("Wallet"),
  WalletLedgerEntry: s.obj(
    {
      id: s.str,
      customer_id: s.str,
      currency: s.str,
      amount: money,
      entry_type: s.oneOf(ledgerEntryTypes),
      reason: s.nullable(s.str),
      idempotency_key: s.nullable(s.str),
      balance_after: money,
      created_at: s.ts,
    },
    "wallet_ledger_entry",
  ),
  WalletLedgerEntryList: s.list("WalletLedgerEntry"),
};

const products = operationsOf("Products");
const subscriptions = operationsOf("Subscriptions");
const payments = operationsOf("Payments");
const licenseKeys = operationsOf("License keys");
const licenses = operationsOf("Licenses (public)");
const wallets = operationsOf("Wallets");

export const billingOperations: Operation[] = [
  products("post", "/products", "Create a product", { body: CreateProductSchema, 201: ["Product", "The new product"] }),
  products("get", "/products", "List products, newest first", { query: ListProductsQuerySchema, 200: ["ProductList", "A page of products"] }),
  products("get", "/products/{id}", "Retrieve a product", { 200: ["Product", "The product"], 404: "No such product" }),
  products("patch", "/products/{id}", "Update a product's name or description", { body: UpdateProductSchema, 200: ["Product", "The product"], 404: "No such product" }),

  subscriptions("post", "/subscriptions", "Create a subscription (periods default to now and now + the product's interval)", { body: CreateSubscriptionSchema, 201: ["Subscription", "The new subscription"], 404: "No such customer or product (or another merchant's)", 422: "Invalid value, or a one-time product (product_not_recurring)" }),
  subscriptions("get", "/subscriptions", "List subscriptions, newest first", { query: ListSubscriptionsQuerySchema, 200: ["SubscriptionList", "A page of subscriptions"] }),
  subscriptions("get", "/subscriptions/{id}", "Retrieve a subscription", { 200: ["Subscription", "The subscription"], 404: "No such subscription" }),
  subscriptions("patch", "/subscriptions/{id}", "Report a renewal or a status change", { body: UpdateSubscriptionSchema, 200: ["Subscription", "The subscription"], 409: "The subscription is cancelled (subscription_cancelled)" }),
  subscriptions("post", "/subscriptions/{id}/cancel", "Cancel at period end (default) or immediately", { body: CancelSubscriptionSchema, 200: ["Subscription", "The subscription"], 409: "Already cancelled (subscription_cancelled)" }),
  subscriptions("post", "/subscriptions/{id}/resume", "Clear a pending cancellation", { 200: ["Subscription", "The subscription"], 409: "Already cancelled (not_resumable)" }),

  payments("post", "/payments", "Record a payment; a succeeded one gets the next invoice number", { body: CreatePaymentSchema, 201: ["Payment", "The new payment"], 404: "No such customer or subscription (or another merchant's)" }),
  payments("get", "/payments", "List payments, newest first", { query: ListPaymentsQuerySchema, 200: ["PaymentList", "A page of payments"] }),
  payments("get", "/payments/{id}", "Retrieve a payment", { 200: ["Payment", "The payment"], 404: "No such payment" }),
  payments("patch", "/payments/{id}", "Move a pending payment to succeeded or failed", { body: UpdatePaymentSchema, 200: ["Payment", "The payment"], 409: "The payment is not pending (payment_not_pending)" }),
  payments("post", "/payments/{id}/refunds", "Refund part or (by default) the rest of a payment", { body: CreateRefundSchema, 201: ["Refund", "The refund"], 422: "More than what remains (refund_exceeds_remaining), or a payment that never succeeded (payment_not_refundable)" }),
  payments("get", "/payments/{id}/invoice", "Download the invoice PDF (the document the customer downloads)", { query: InvoiceQuerySchema, 200: [{ type: "string", format: "binary" }, "The invoice", "application/pdf"], 404: "No such payment, or the payment has no invoice" }),

  licenseKeys("post", "/license-keys", "Issue a license key (generated when `key` is absent)", { body: CreateLicenseKeySchema, 201: ["LicenseKey", "The license key"], 404: "No such customer, product, payment or subscription (or another merchant's)", 422: "An invalid value, or a custom key that cannot be used (answered like any invalid value, whoever holds the key)" }),
  licenseKeys("get", "/license-keys", "List license keys, newest first", { query: ListLicenseKeysQuerySchema, 200: ["LicenseKeyList", "A page of license keys"] }),
  licenseKeys("get", "/license-keys/{id}", "Retrieve a license key", { 200: ["LicenseKey", "The license key"], 404: "No such license key" }),
  licenseKeys("patch", "/license-keys/{id}", "Disable or re-enable a key, change its limit or expiry", { body: UpdateLicenseKeySchema, 200: ["LicenseKey", "The license key"] }),
  licenseKeys("get", "/license-keys/{id}/instances", "List a key's active instances, newest first", { query: ListInstancesQuerySchema, 200: ["LicenseKeyInstanceList", "A page of instances"] }),

  licenses("post", "/licenses/activate", "Activate an instance (public: the license key is the credential)", { body: ActivateLicenseSchema, 201: ["LicenseKeyInstance", "The new instance"], 404: "Unknown license key", 422: "activation_limit_reached, license_disabled, license_expired, or an invalid value", 429: "120 requests a minute per IP, 60 per license key; see Retry-After" }),
  licenses("post", "/licenses/deactivate", "Deactivate an instance, freeing its slot (public)", { body: DeactivateLicenseSchema, 200: ["LicenseDeactivation", "Deactivated"], 404: "Unknown key, or no such active instance of it" }),
  licenses("post", "/licenses/validate", "Check a key (and optionally one instance) (public)", { body: ValidateLicenseSchema, 200: ["LicenseValidation", "The verdict; an unknown key is valid: false"] }),

  wallets("get", "/customers/{id}/wallets", "The customer's balance per currency", { 200: ["WalletList", "One wallet per currency with entries"], 404: "No such customer" }),
  wallets("post", "/customers/{id}/wallets/ledger-entries", "Book a credit or debit (a repeated idempotency_key books nothing)", { body: CreateLedgerEntrySchema, 201: ["WalletLedgerEntry", "The entry (the first one for a repeated idempotency_key, with Idempotent-Replayed: true)"], 404: "No such customer", 409: "The Idempotency-Key header, or the idempotency_key field, was already used for a different request or entry (idempotency_key_reused)", 422: "A debit past the balance (insufficient_balance), or an invalid value" }),
  wallets("get", "/customers/{id}/wallets/ledger-entries", "List ledger entries, newest first", { query: ListLedgerEntriesQuerySchema, 200: ["WalletLedgerEntryList", "A page of entries"], 404: "No such customer" }),
];
