/**
 * The model-free half of `npm run seed:scale`: a seeded PRNG, fast prefixed ids, and generators
 * of realistic customers (Latin names with accents, Hangul, Japanese), phone numbers, addresses
 * and priced payment templates. Nothing here touches the database.
 */
import { formatLicenseKey } from "~/billing/license-key-format";
import { priceLines, type Totals } from "~/billing/money";
import { idPrefixes, randomPool } from "~/utils/ids.server";

/** mulberry32: a small, fast, seedable PRNG — the shape of the data is reproducible with --seed. */
export function prng(seed: number) {
  let a = seed >>> 0;
  const next = () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
  return {
    next,
    int: (min: number, max: number) => min + Math.floor(next() * (max - min + 1)),
    pick: <T>(items: readonly T[]): T => items[Math.floor(next() * items.length)],
    chance: (p: number) => next() < p,
    /** Picks by weight: [[value, weight], …]. */
    weighted: <T>(table: readonly (readonly [T, number])[]): T => {
      const total = table.reduce((s, [, w]) => s + w, 0);
      let r = next() * total;
      for (const [value, w] of table) if ((r -= w) < 0) return value;
      return table[table.length - 1][0];
    },
  };
}
export type Prng = ReturnType<typeof prng>;

/**
 * Ids in the format of the app's `newId` (prefix + 22 base62 characters), all 22 uniform from the
 * CSPRNG by rejection sampling, as every id was before ADR 015 (the app's new ids start with 8
 * digits of their creation time; both kinds live side by side), and license keys like
 * `generateLicenseKey`, drawn from one 64 KB `randomPool`: millions of ids without a
 * `randomBytes` call each.
 */
export function idFactory() {
  const random = randomPool(1 << 16);
  return {
    id: (kind: keyof typeof idPrefixes) => `${idPrefixes[kind]}_${random.base62(22)}`,
    licenseKey: () => formatLicenseKey(Uint8Array.from({ length: 25 }, random.byte)),
  };
}

// ── People ────────────────────────────────────────────────────────────────────────────────────

type Script = "ko" | "ja" | "latin";
type Country = {
  code: string;
  weight: number;
  script: Script;
  currency: string;
  taxBps: number;
  domain: string;
  cities: readonly string[];
  streets: readonly string[];
  phone: (r: Prng) => string;
  locale: string | null;
};

const digits = (r: Prng, n: number) => {
  let s = "";
  for (let i = 0; i < n; i++) s += r.int(0, 9);
  return s;
};

// Mobile ranges that libphonenumber accepts as valid, written in E.164 as the API stores them.
export const COUNTRIES: readonly Country[] = [
  { code: "KR", weight: 25, script: "ko", currency: "KRW", taxBps: 1000, domain: "example.kr", cities: ["Seoul", "Busan", "Incheon", "Daegu", "Daejeon", "Gwangju"], streets: ["Teheran-ro", "Sejong-daero", "Haeundae-ro", "Gangnam-daero"], phone: (r) => `+8210${r.pick([2, 3, 4, 6, 7, 8])}${digits(r, 7)}`, locale: "ko" },
  { code: "JP", weight: 18, script: "ja", currency: "JPY", taxBps: 1000, domain: "example.jp", cities: ["Tokyo", "Osaka", "Nagoya", "Kyoto", "Sapporo", "Fukuoka"], streets: ["Chuo-dori", "Omotesando", "Midosuji", "Karasuma-dori"], phone: (r) => `+8190${r.int(1, 9)}${digits(r, 7)}`, locale: "ja" },
  { code: "US", weight: 15, script: "latin", currency: "USD", taxBps: 825, domain: "example.com", cities: ["Portland", "Austin", "Chicago", "Boston", "Denver", "Seattle"], streets: ["Main Street", "Oak Avenue", "Pine Street", "Maple Drive"], phone: (r) => `+1${r.pick(["206", "312", "415", "503", "512", "617", "646", "720"])}555${r.pick(["01", "02", "03", "04", "05", "06", "07", "08", "09"])}${digits(r, 2)}`, locale: null },
  { code: "IN", weight: 10, script: "latin", currency: "INR", taxBps: 1800, domain: "example.in", cities: ["Bengaluru", "Mumbai", "Chennai", "Pune", "Hyderabad"], streets: ["MG Road", "Residency Road", "Linking Road"], phone: (r) => `+919${r.int(0, 9)}${digits(r, 8)}`, locale: null },
  { code: "GB", weight: 6, script: "latin", currency: "GBP", taxBps: 2000, domain: "example.co.uk", cities: ["London", "Leeds", "Manchester", "Bristol"], streets: ["High Street", "Station Road", "Church Lane"], phone: (r) => `+447${r.pick(["400", "800", "900"])}${digits(r, 6)}`, locale: null },
  { code: "DE", weight: 6, script: "latin", currency: "EUR", taxBps: 1900, domain: "example.de", cities: ["München", "Köln", "Düsseldorf", "Berlin", "Nürnberg"], streets: ["Hauptstraße", "Schloßallee", "Königstraße"], phone: (r) => `+49151${digits(r, 8)}`, locale: null },
  { code: "FR", weight: 5, script: "latin", currency: "EUR", taxBps: 2000, domain: "example.fr", cities: ["Paris", "Lyon", "Marseille", "Nîmes", "Orléans"], streets: ["Rue de la Paix", "Avenue des Champs-Élysées", "Rue Lécuyer"], phone: (r) => `+336${r.pick([0, 1, 2, 4, 5, 6, 7, 8])}${digits(r, 7)}`, locale: null },
  { code: "ES", weight: 4, script: "latin", currency: "EUR", taxBps: 2100, domain: "example.es", cities: ["Sevilla", "Málaga", "Córdoba", "Madrid"], streets: ["Calle Mayor", "Avenida de la Constitución"], phone: (r) => `+346${digits(r, 8)}`, locale: null },
  { code: "BR", weight: 4, script: "latin", currency: "USD", taxBps: 0, domain: "example.br", cities: ["São Paulo", "Brasília", "Belém", "Goiânia"], streets: ["Avenida Paulista", "Rua Augusta"], phone: (r) => `+55119${r.int(6, 9)}${digits(r, 7)}`, locale: null },
  { code: "PL", weight: 3, script: "latin", currency: "EUR", taxBps: 2300, domain: "example.pl", cities: ["Kraków", "Łódź", "Gdańsk", "Wrocław"], streets: ["ulica Długa", "ulica Świętojańska"], phone: (r) => `+485${r.int(0, 3)}${digits(r, 7)}`, locale: null },
  { code: "IT", weight: 2, script: "latin", currency: "EUR", taxBps: 2200, domain: "example.it", cities: ["Torino", "Milano", "Forlì", "Cantù"], streets: ["Via Roma", "Corso Vittorio Emanuele"], phone: (r) => `+393${r.pick(["33", "47", "48", "49"])}${digits(r, 7)}`, locale: null },
  { code: "DK", weight: 2, script: "latin", currency: "EUR", taxBps: 2500, domain: "example.dk", cities: ["København", "Århus", "Ærøskøbing"], streets: ["Strøget", "Nørregade"], phone: (r) => `+4520${r.int(1, 9)}${digits(r, 5)}`, locale: null },
];

const KO_FAMILY = [["김", "kim"], ["이", "lee"], ["박", "park"], ["최", "choi"], ["정", "jung"], ["강", "kang"], ["조", "cho"], ["윤", "yoon"], ["장", "jang"], ["임", "lim"], ["한", "han"], ["오", "oh"], ["서", "seo"], ["신", "shin"]] as const;
const KO_GIVEN = [["민지", "minji"], ["서준", "seojun"], ["지호", "jiho"], ["유나", "yuna"], ["하은", "haeun"], ["도윤", "doyun"], ["서연", "seoyeon"], ["예준", "yejun"], ["지우", "jiwoo"], ["수아", "sua"], ["하준", "hajun"], ["지민", "jimin"], ["현우", "hyunwoo"], ["은서", "eunseo"], ["민준", "minjun"], ["채원", "chaewon"]] as const;
const JA_FAMILY = [["山田", "yamada"], ["佐藤", "sato"], ["鈴木", "suzuki"], ["高橋", "takahashi"], ["田中", "tanaka"], ["渡辺", "watanabe"], ["伊藤", "ito"], ["中村", "nakamura"], ["小林", "kobayashi"], ["加藤", "kato"]] as const;
const JA_GIVEN = [["太郎", "taro"], ["花子", "hanako"], ["一郎", "ichiro"], ["美咲", "misaki"], ["陽翔", "haruto"], ["結衣", "yui"], ["蓮", "ren"], ["さくら", "sakura"], ["ゆうき", "yuki"], ["翔太", "shota"], ["あおい", "aoi"], ["ケンジ", "kenji"]] as const;
const LATIN_FIRST = ["José", "Zoë", "François", "Chloé", "Søren", "Łukasz", "João", "Ana", "Priya", "Emily", "Noah", "Olivia", "Liam", "Mia", "Björn", "Renée", "Jürgen", "Inés", "Håkon", "Małgorzata", "Çağla", "Élodie", "Arjun", "Ananya", "Mateo", "Zoé", "Ødegaard"] as const;
const LATIN_LAST = ["Álvarez", "Müller", "Lefèvre", "Dubois", "Kierkegård", "Żółtowski", "Gonçalves", "Núñez", "Sharma", "Carter", "Williams", "Brown", "O'Connor", "Rossi", "García", "Nguyễn", "Ångström", "Šimůnek", "Öztürk", "Jørgensen", "Mehta", "Iyer", "Schröder", "Dvořák", "Peña", "Fontaine"] as const;

const SPECIAL: Record<string, string> = { ł: "l", Ł: "L", ø: "o", Ø: "O", ß: "ss", æ: "ae", Æ: "AE", œ: "oe", đ: "d", ı: "i" };
/** "Żółtowski" → "zoltowski": the ASCII local part of an email address. */
export function asciiFold(value: string) {
  return value
    .normalize("NFD")
    .replace(/\p{M}/gu, "")
    .replace(/[łŁøØßæÆœđı]/g, (c) => SPECIAL[c])
    .replace(/[^A-Za-z0-9]/g, "")
    .toLowerCase();
}

const LATIN_FIRST_ASCII = LATIN_FIRST.map(asciiFold);
const LATIN_LAST_ASCII = LATIN_LAST.map(asciiFold);
const COUNTRY_TABLE = COUNTRIES.map((c) => [c, c.weight] as const);

export type SeedCustomer = {
  country: Country;
  name: string | null;
  email: string;
  phone: string | null;
  externalId: string | null;
  address: { line1: string; line2?: string | null; city: string; state?: string | null; postal_code?: string | null; country: string } | null;
  taxId: string | null;
  metadata: Record<string, string>;
  locale: string | null;
};

/** Customer number `n` (unique within the merchant: it makes the email and external id unique). */
export function makeCustomer(r: Prng, n: number): SeedCustomer {
  const country = r.weighted(COUNTRY_TABLE);
  let name: string;
  let local: string;
  if (country.script === "ko") {
    const [f, fr] = r.pick(KO_FAMILY);
    const [g, gr] = r.pick(KO_GIVEN);
    name = `${f}${g}`;
    local = `${gr}.${fr}`;
  } else if (country.script === "ja") {
    const [f, fr] = r.pick(JA_FAMILY);
    const [g, gr] = r.pick(JA_GIVEN);
    name = r.chance(0.3) ? `${f} ${g}` : `${f}${g}`;
    local = `${gr}.${fr}`;
  } else {
    const fi = r.int(0, LATIN_FIRST.length - 1);
    const li = r.int(0, LATIN_LAST.length - 1);
    name = `${LATIN_FIRST[fi]} ${LATIN_LAST[li]}`;
    local = `${LATIN_FIRST_ASCII[fi]}.${LATIN_LAST_ASCII[li]}`;
  }
  const domain = r.chance(0.7) ? country.domain : r.pick(["example.com", "example.org", "example.net"]);
  // Some addresses are typed with capitals: uniqueness and lookups are case-insensitive.
  const written = r.chance(0.1) ? `${local.charAt(0).toUpperCase()}${local.slice(1)}${n}@${domain.toUpperCase()}` : `${local}${n}@${domain}`;
  const metadata: Record<string, string> = {};
  if (r.chance(0.6)) metadata.source = r.pick(["signup", "import", "sales", "partner", "app_store"]);
  if (r.chance(0.4)) metadata.plan_tier = r.pick(["free", "starter", "pro", "team", "enterprise"]);
  if (r.chance(0.3)) metadata.crm_id = `crm-${n}`;
  return {
    country,
    name: r.chance(0.03) ? null : name,
    email: written,
    phone: r.chance(0.7) ? country.phone(r) : null,
    externalId: r.chance(0.6) ? `usr_${n}` : null,
    address: r.chance(0.85)
      ? {
          line1: `${r.int(1, 240)} ${r.pick(country.streets)}`,
          line2: r.chance(0.2) ? `Unit ${r.int(1, 90)}` : null,
          city: r.pick(country.cities),
          state: null,
          postal_code: String(r.int(10000, 99999)),
          country: country.code,
        }
      : null,
    taxId: r.chance(0.05) ? `${country.code}${digits(r, 9)}` : null,
    metadata,
    locale: country.locale && r.chance(0.6) ? country.locale : null,
  };
}

// ── Money ─────────────────────────────────────────────────────────────────────────────────────

/** Prices in minor units per currency (KRW and JPY have none below the unit). */
const PRICE_SCALE: Record<string, number> = { USD: 100, EUR: 100, GBP: 100, INR: 100, KRW: 1, JPY: 1 };
const UNIT_PRICE: Record<string, number> = { USD: 15, EUR: 14, GBP: 12, INR: 1200, KRW: 19000, JPY: 2000 };
export const CURRENCIES = Object.keys(PRICE_SCALE);

export type ItemLine = { description: string; quantity: number; unit_amount: number; tax_rate_bps: number };
export type PaymentTemplate = { currency: string; items: ItemLine[]; totals: Totals };

const CATALOG = [
  ["Pro plan — monthly", 1],
  ["Team plan — monthly", 3],
  ["Add-on: extra storage", 0.5],
  ["Priority support", 2],
  ["Desktop license", 10],
  ["Usage overage", 0.2],
  ["프로 요금제 (월간)", 1],
  ["年間プラン", 10],
] as const;

/** A few dozen priced baskets per currency and tax rate, computed once with the app's own arithmetic. */
export function paymentTemplates(r: Prng, currency: string, taxBps: number): PaymentTemplate[] {
  return Array.from({ length: 24 }, () => {
    const items: ItemLine[] = Array.from({ length: r.weighted([[1, 6], [2, 3], [3, 1]] as const) }, () => {
      const [description, factor] = r.pick(CATALOG);
      return {
        description,
        quantity: r.weighted([[1, 8], [2, 2], [5, 1]] as const),
        unit_amount: Math.max(1, Math.round(UNIT_PRICE[currency] * factor * PRICE_SCALE[currency] * (0.8 + r.next() * 0.4))),
        tax_rate_bps: taxBps,
      };
    });
    return { currency, items, totals: priceLines(items) };
  });
}

export function minorUnits(currency: string, major: number) {
  return Math.round(major * PRICE_SCALE[currency]);
}

export const CARD_BRANDS = ["visa", "mastercard", "amex", "jcb", "unionpay"] as const;
export const FAILURE_REASONS = ["card_declined", "insufficient_funds", "expired_card", "processing_error"] as const;
export const REFUND_REASONS = ["Requested by customer", "Duplicate charge", "Switched plans", null] as const;
export const DEVICE_NAMES = ["MacBook Pro", "ThinkPad X1", "민지의 MacBook", "デスクトップPC", "Büro-Rechner", "Studio iMac"] as const;
