import { createCustomer } from "~/models/customers.server";
import { createMerchant } from "~/models/merchants.server";
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
    return { merchant, secret, customers };
  });
}
