import type { Customer } from "#db/schema/index";
import type { Actor } from "~/models/audit.server";
import { createCustomer } from "~/models/customers.server";
import { activateLicense, createLicenseKey } from "~/models/license-keys.server";
import { createMerchant } from "~/models/merchants.server";
import { createPayment, refundPayment } from "~/models/payments.server";
import { createProduct } from "~/models/products.server";
import { createSubscription, scheduleCancellation } from "~/models/subscriptions.server";
import { bookLedgerEntry } from "~/models/wallets.server";
import { now } from "~/utils/clock.server";
import { writeTransaction } from "~/utils/db.server";

/**
 * Demo data for a new database: one merchant with branding and ~25 customers whose names span
 * Latin (with accents), Korean and Japanese, so every page and PDF shows real-world text.
 */
export const demoCustomers: { name: string; email: string; country: string; city: string; locale: string }[] = [
  { name: "김민지", email: "minji.kim@example.kr", country: "KR", city: "Seoul", locale: "ko" },
  { name: "이서준", email: "seojun.lee@example.kr", country: "KR", city: "Busan", locale: "ko" },
  { name: "박지호", email: "jiho.park@example.kr", country: "KR", city: "Incheon", locale: "ko" },
  { name: "최유나", email: "yuna.choi@example.kr", country: "KR", city: "Daegu", locale: "ko" },
  { name: "정하은", email: "haeun.jung@example.kr", country: "KR", city: "Seoul", locale: "ko" },
  { name: "山田太郎", email: "taro.yamada@example.jp", country: "JP", city: "Tokyo", locale: "ja" },
  { name: "佐藤花子", email: "hanako.sato@example.jp", country: "JP", city: "Osaka", locale: "ja" },
  { name: "鈴木一郎", email: "ichiro.suzuki@example.jp", country: "JP", city: "Nagoya", locale: "ja" },
  { name: "高橋美咲", email: "misaki.takahashi@example.jp", country: "JP", city: "Kyoto", locale: "ja" },
  { name: "José Álvarez", email: "jose.alvarez@example.es", country: "ES", city: "Sevilla", locale: "es" },
  { name: "Zoë Müller", email: "zoe.mueller@example.de", country: "DE", city: "München", locale: "de" },
  { name: "François Lefèvre", email: "francois.lefevre@example.fr", country: "FR", city: "Lyon", locale: "fr" },
  { name: "Chloé Dubois", email: "chloe.dubois@example.fr", country: "FR", city: "Paris", locale: "fr" },
  { name: "Søren Kierkegård", email: "soren.k@example.dk", country: "DK", city: "København", locale: "da" },
  { name: "Łukasz Żółtowski", email: "lukasz.z@example.pl", country: "PL", city: "Kraków", locale: "pl" },
  { name: "João Gonçalves", email: "joao.goncalves@example.br", country: "BR", city: "São Paulo", locale: "pt" },
  { name: "Ana Núñez", email: "ana.nunez@example.mx", country: "MX", city: "Mérida", locale: "es" },
  { name: "Priya Sharma", email: "priya.sharma@example.in", country: "IN", city: "Bengaluru", locale: "en" },
  { name: "Arjun Mehta", email: "arjun.mehta@example.in", country: "IN", city: "Mumbai", locale: "en" },
  { name: "Ananya Iyer", email: "ananya.iyer@example.in", country: "IN", city: "Chennai", locale: "en" },
  { name: "Emily Carter", email: "emily.carter@example.com", country: "US", city: "Portland", locale: "en" },
  { name: "Noah Williams", email: "noah.williams@example.com", country: "US", city: "Austin", locale: "en" },
  { name: "Olivia Brown", email: "olivia.brown@example.co.uk", country: "GB", city: "Leeds", locale: "en" },
  { name: "Liam O'Connor", email: "liam.oconnor@example.ie", country: "IE", city: "Dublin", locale: "en" },
  { name: "Mia Rossi", email: "mia.rossi@example.it", country: "IT", city: "Torino", locale: "it" },
];

export function seedDemo() {
  return writeTransaction(() => {
    const { merchant, secret } = createMerchant({
      name: "Hanbit Software",
      slug: "hanbit",
      address: { line1: "1 Teheran-ro", city: "Seoul", postal_code: "06236", country: "KR" },
      settings: {
        branding: {
          display_name: "Hanbit Software",
          logo_url: null,
          brand_color: "#0f766e",
          support_email: "support@hanbit.example",
          default_locale: "en",
          default_return_url: "https://hanbit.example/account",
          allowed_return_hosts: ["hanbit.example", "localhost"],
        },
        features: {
          billing_history: { enabled: true },
          subscription_cancel: { enabled: true, mode: "customer_choice", ask_reason: true },
          customer_update: { enabled: true, allowed_fields: ["name", "email", "phone_number"] },
          license_keys: { enabled: true, allow_deactivate: true },
          wallet: { enabled: true },
          usage: { enabled: true },
        },
      },
    });
    const actor = { type: "system" as const };
    const customers = demoCustomers.map((c, i) =>
      createCustomer({
        merchantId: merchant.id,
        actor,
        input: {
          email: c.email,
          name: c.name,
          external_id: `user_${1000 + i}`,
          billing_address: { line1: `${10 + i} Demo Street`, city: c.city, country: c.country },
          metadata: { plan_source: "demo", locale: c.locale },
        },
      }),
    );
    seedBilling({ merchantId: merchant.id, customers, actor });
    return { merchant, secret, customers };
  });
}

/**
 * Billing objects for the demo customers, made through the model functions so they obey every
 * rule: subscriptions (one with a pending cancellation), payments in USD, KRW and INR (succeeded,
 * failed, refunded, partially refunded), license keys with activations and wallet entries.
 * Payments are created oldest first, so invoice numbers follow the dates.
 */
function seedBilling({ merchantId, customers, actor }: { merchantId: string; customers: Customer[]; actor: Actor }) {
  const byEmail = (email: string) => customers.find((c) => c.email === email)!;
  const minji = byEmail("minji.kim@example.kr");
  const emily = byEmail("emily.carter@example.com");
  const noah = byEmail("noah.williams@example.com");
  const priya = byEmail("priya.sharma@example.in");
  const arjun = byEmail("arjun.mehta@example.in");
  const olivia = byEmail("olivia.brown@example.co.uk");
  const daysAgo = (n: number) => new Date(now().getTime() - n * 86_400_000);

  const pro = createProduct({
    merchantId,
    actor,
    input: { name: "Hanbit Pro", description: "Pro plan, billed monthly", type: "subscription", price: 1500, currency: "USD", interval: "month" },
  });
  const team = createProduct({
    merchantId,
    actor,
    input: { name: "Hanbit Team", description: "Team plan, billed monthly", type: "subscription", price: 99000, currency: "KRW", interval: "month" },
  });
  const desktop = createProduct({
    merchantId,
    actor,
    input: { name: "Hanbit Desktop", description: "Perpetual desktop license", type: "one_time", price: 249900, currency: "INR" },
  });

  const sub = (customer: Customer, productId: string, startedDaysAgo: number, quantity = 1) =>
    createSubscription({
      merchantId,
      actor,
      input: { customer_id: customer.id, product_id: productId, quantity, current_period_start: daysAgo(startedDaysAgo) },
    }).subscription;
  const minjiTeam = sub(minji, team.id, 10, 3);
  const emilyPro = sub(emily, pro.id, 12);
  const noahPro = sub(noah, pro.id, 20);
  scheduleCancellation({ merchantId, id: emilyPro.id, atPeriodEnd: true, reason: "too_expensive", feedback: "Only need it for one project.", actor });

  const card = (brand: string, last4: string) => ({ type: "card" as const, brand, last4 });
  const pay = (
    customer: Customer,
    days: number,
    currency: string,
    items: { description: string; quantity: number; unit_amount: number; tax_rate_bps?: number }[],
    extra: { status?: "succeeded" | "failed" | "pending"; subscription_id?: string; payment_method?: ReturnType<typeof card> | { type: "upi" } | { type: "wallet" }; failure_reason?: string } = {},
  ) =>
    createPayment({
      merchantId,
      actor,
      input: { customer_id: customer.id, currency, items, status: "succeeded", created_at: daysAgo(days), ...extra },
    }).payment;

  pay(emily, 42, "USD", [{ description: "Hanbit Pro — monthly", quantity: 1, unit_amount: 1500, tax_rate_bps: 825 }], { subscription_id: emilyPro.id, payment_method: card("visa", "4242") });
  pay(minji, 40, "KRW", [{ description: "Hanbit Team — monthly", quantity: 3, unit_amount: 99000, tax_rate_bps: 1000 }], { subscription_id: minjiTeam.id, payment_method: card("hyundai", "1234") });
  const refunded = pay(olivia, 35, "USD", [{ description: "Hanbit Pro — annual prepay", quantity: 1, unit_amount: 18000, tax_rate_bps: 2000 }], { payment_method: card("mastercard", "5454") });
  pay(priya, 30, "INR", [{ description: "Hanbit Desktop", quantity: 1, unit_amount: 249900, tax_rate_bps: 1800 }], { payment_method: { type: "upi" } });
  const partial = pay(arjun, 25, "INR", [
    { description: "Hanbit Desktop", quantity: 2, unit_amount: 249900, tax_rate_bps: 1800 },
    { description: "Priority support", quantity: 1, unit_amount: 50000, tax_rate_bps: 1800 },
  ], { payment_method: card("rupay", "6011") });
  pay(noah, 20, "USD", [{ description: "Hanbit Pro — monthly", quantity: 1, unit_amount: 1500 }], { status: "failed", subscription_id: noahPro.id, payment_method: card("amex", "0005"), failure_reason: "card_declined" });
  pay(noah, 19, "USD", [{ description: "Hanbit Pro — monthly", quantity: 1, unit_amount: 1500 }], { subscription_id: noahPro.id, payment_method: card("visa", "1881") });
  pay(emily, 12, "USD", [{ description: "Hanbit Pro — monthly", quantity: 1, unit_amount: 1500, tax_rate_bps: 825 }], { subscription_id: emilyPro.id, payment_method: card("visa", "4242") });
  pay(minji, 10, "KRW", [{ description: "Hanbit Team — monthly", quantity: 3, unit_amount: 99000, tax_rate_bps: 1000 }], { subscription_id: minjiTeam.id, payment_method: { type: "wallet" } });
  refundPayment({ merchantId, paymentId: refunded.id, reason: "Switched to monthly billing", actor });
  refundPayment({ merchantId, paymentId: partial.id, amount: 294882, reason: "One seat returned", actor });

  const priyaKey = createLicenseKey({ merchantId, actor, input: { customer_id: priya.id, product_id: desktop.id, activations_limit: 3 } }).licenseKey;
  activateLicense({ key: priyaKey.key, name: "Priya's ThinkPad" });
  activateLicense({ key: priyaKey.key, name: "Studio iMac" });
  const arjunKey = createLicenseKey({ merchantId, actor, input: { customer_id: arjun.id, product_id: desktop.id, activations_limit: 2 } }).licenseKey;
  activateLicense({ key: arjunKey.key, name: "ARJUN-DESKTOP" });
  const minjiKey = createLicenseKey({ merchantId, actor, input: { customer_id: minji.id, product_id: team.id, subscription_id: minjiTeam.id } }).licenseKey;
  activateLicense({ key: minjiKey.key, name: "민지의 MacBook" });

  const entry = (customer: Customer, currency: string, amount: number, entry_type: "credit" | "debit", reason: string) =>
    bookLedgerEntry({ merchantId, customerId: customer.id, actor, input: { currency, amount, entry_type, reason } });
  entry(emily, "USD", 5000, "credit", "Welcome credit");
  entry(emily, "USD", 1500, "debit", "Applied to Hanbit Pro");
  entry(minji, "KRW", 50000, "credit", "추천 보상 (referral reward)");
  entry(minji, "KRW", 20000, "debit", "Applied to Hanbit Team");
  entry(priya, "INR", 100000, "credit", "Goodwill credit");
}
