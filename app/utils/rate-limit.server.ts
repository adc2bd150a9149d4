import ipaddr from "ipaddr.js";
import { now as domainNow } from "./clock.server";
import { env } from "./env.server";
import { sha256Hex } from "./ids.server";

/**
 * Every rate limit of Portico, in one registry, and the one engine that enforces them.
 *
 * A limit counts requests per key (an API key, a client IP, an account…) with one of two
 * algorithms: a token bucket (the default: `limit` per `windowS` refilled continuously, bursts
 * up to `burst`) or a lockout (`limit` hits counted from the first, then refused until that
 * window has passed). A refusal is a `RateLimitedError` carrying whole seconds to wait; each
 * surface renders it (the API as 429 + Retry-After JSON, the portal as its 429 page or an
 * inline message with Retry-After).
 *
 * To add a limit, add an entry to `rateLimits` and call `rateLimiter.enforce(name, key)` (or
 * `check` first and `take` on failure, for limits that count failures only).
 */

/** What a limit's counter is kept per. `ip` keys are reduced to /64 for IPv6, `license_key` hashed. */
export type LimitKey = "api_key" | "ip" | "license_key" | "sign_in_address" | "portal_session" | "staff_account" | "customer";

export type LimitPolicy = {
  key: LimitKey;
  /** `limit` per `windowS` seconds. */
  limit: number;
  windowS: number;
  /** `bucket` (default) refills continuously; `lockout` refuses until the window of the first hit has passed. */
  algorithm?: "bucket" | "lockout";
  /** A bucket's size: how many may come at once (default `limit`). */
  burst?: number;
  /** Whether RATE_LIMIT_SCALE multiplies the limit (0 turns it off). */
  scaled: boolean;
  /** What was exceeded, as the API's error message says it. */
  message: string;
};

export const rateLimits = {
  "api.key": {
    key: "api_key",
    limit: 100,
    windowS: 1,
    burst: 200,
    scaled: true,
    message: "Too many requests with this API key. Retry later.",
  },
  // Shared by the public license endpoints (activate, deactivate, validate).
  "licenses.ip": {
    key: "ip",
    limit: 120,
    windowS: 60,
    scaled: true,
    message: "Too many license requests from this address. Retry later.",
  },
  "licenses.key": {
    key: "license_key",
    limit: 60,
    windowS: 60,
    scaled: true,
    message: "Too many license requests for this license key. Retry later.",
  },
  // GET and POST of /portal/session/<token>.
  "portal.token_page.ip": { key: "ip", limit: 30, windowS: 60, scaled: true, message: "Too many portal link requests from this address." },
  // Sign-in and "email me a new link" mails: per address (merchant + email or customer), and per IP.
  "portal.sign_in.address": { key: "sign_in_address", limit: 3, windowS: 3600, scaled: true, message: "Too many sign-in emails for this address." },
  "portal.sign_in.ip": { key: "ip", limit: 10, windowS: 3600, scaled: true, message: "Too many sign-in emails from this address." },
  // Typed sign-in codes per IP, and per address typed (merchant + email), on top of the 5 tries
  // each self sign-in code allows. The per-address limit is what bounds guesses at an invite's
  // code, which wrong tries do not kill.
  "portal.code.ip": { key: "ip", limit: 20, windowS: 3600, scaled: true, message: "Too many sign-in codes from this address." },
  "portal.code.address": { key: "sign_in_address", limit: 10, windowS: 3600, scaled: true, message: "Too many sign-in codes for this email address." },
  // Portal writes per browser session: generous for a person, a wall for a script.
  "portal.action.session": { key: "portal_session", limit: 30, windowS: 60, scaled: true, message: "Too many changes in this session." },
  // Dashboard sign-in (DASHBOARD.md): 5 failures for one account within 15 minutes lock it until
  // the window has passed, whatever RATE_LIMIT_SCALE says (a lockout, not a rate); only failures
  // count (check, then take on a failure). Keyed by the typed address, known or not.
  "dashboard.sign_in.account": {
    key: "staff_account",
    limit: 5,
    windowS: 15 * 60,
    algorithm: "lockout",
    scaled: false,
    message: "Too many failed sign-ins for this account. Retry later.",
  },
  // Every sign-in try (password, second step, recent-authentication prompt) per IP.
  "dashboard.sign_in.ip": { key: "ip", limit: 30, windowS: 15 * 60, scaled: true, message: "Too many sign-in attempts from this address." },
  // Portal invites staff send to one customer (each is an email): as many as the portal lets a
  // customer ask for sign-in mails, so the dashboard cannot be used to flood an inbox.
  "dashboard.invite.customer": { key: "customer", limit: 3, windowS: 3600, scaled: true, message: "Too many portal invites for this customer." },
} as const satisfies Record<string, LimitPolicy>;

export type LimitName = keyof typeof rateLimits;

/** A refused request: `retryAfterS` whole seconds (≥ 1) until it would be allowed. */
export class RateLimitedError extends Error {
  constructor(
    readonly limit: string,
    readonly retryAfterS: number,
    message: string,
  ) {
    super(message);
    this.name = "RateLimitedError";
  }
}

export type Decision = { allowed: true } | { allowed: false; retryAfterS: number };

/**
 * The client key of an IP address: IPv4 as it is, an IPv4-mapped IPv6 address as its IPv4, and
 * any other IPv6 address as its /64 (one subscriber usually holds a whole /64, so counting single
 * addresses would let one client rotate through 2^64 of them). Unparseable input is kept as is.
 */
export function ipKey(ip: string): string {
  if (!ipaddr.isValid(ip)) return ip;
  const parsed = ipaddr.process(ip);
  if (parsed.kind() === "ipv4") return parsed.toString();
  const parts = (parsed as ipaddr.IPv6).parts.slice(0, 4).map((p) => p.toString(16));
  return `${parts.join(":")}::/64`;
}

// ---- The store: where counters live. One process today; a cross-process store (a table in the
// shared SQLite file, say) can replace the memory store behind the same interface.

export interface RateLimitStore<S> {
  /** The state kept under `key`, or undefined (never seen, or forgotten after its time to live). */
  get(key: string, nowMs: number): S | undefined;
  /** Reads, computes and writes one key in one step (atomic for this store). */
  update(key: string, nowMs: number, next: (current: S | undefined) => S): S;
}

/**
 * Counters in this process's memory: a Map for lookup plus a list in order of last write, so the
 * entry that expires first is always at the head. Every call does O(1) work: it writes its key
 * and unlinks at most two expired entries from the head. `maxKeys` bounds memory whatever the
 * traffic (past it the least recently written key is forgotten, which can only let that key
 * through early). A linked list rather than the Map's own order: V8 walks over deleted slots
 * when iterating a Map from its start, so "the first entry" is not O(1) after many deletions.
 */
export class MemoryRateLimitStore<S> implements RateLimitStore<S> {
  private byKey = new Map<string, Entry<S>>();
  private head: Entry<S> | null = null; // least recently written
  private tail: Entry<S> | null = null;

  constructor(private readonly opts: { ttlMs: number; maxKeys: number }) {}

  get size() {
    return this.byKey.size;
  }

  get(key: string, nowMs: number): S | undefined {
    const entry = this.byKey.get(key);
    return entry && entry.expiresAt > nowMs ? entry.state : undefined;
  }

  update(key: string, nowMs: number, next: (current: S | undefined) => S): S {
    const state = next(this.get(key, nowMs));
    let entry = this.byKey.get(key);
    if (entry) {
      this.unlink(entry);
      entry.state = state;
      entry.expiresAt = nowMs + this.opts.ttlMs;
    } else {
      entry = { key, state, expiresAt: nowMs + this.opts.ttlMs, prev: null, next: null };
      this.byKey.set(key, entry);
    }
    this.append(entry);
    for (let i = 0; i < 2 && this.head && this.head.expiresAt <= nowMs; i++) this.forget(this.head);
    if (this.byKey.size > this.opts.maxKeys && this.head) this.forget(this.head);
    return state;
  }

  private forget(entry: Entry<S>) {
    this.unlink(entry);
    this.byKey.delete(entry.key);
  }

  private append(entry: Entry<S>) {
    entry.prev = this.tail;
    entry.next = null;
    if (this.tail) this.tail.next = entry;
    else this.head = entry;
    this.tail = entry;
  }

  private unlink(entry: Entry<S>) {
    if (entry.prev) entry.prev.next = entry.next;
    else this.head = entry.next;
    if (entry.next) entry.next.prev = entry.prev;
    else this.tail = entry.prev;
    entry.prev = entry.next = null;
  }
}

type Entry<S> = { key: string; state: S; expiresAt: number; prev: Entry<S> | null; next: Entry<S> | null };

// ---- The algorithms.

type Bucket = { tokens: number; at: number };
type Window = { count: number; start: number };

type Engine = {
  ttlMs: number;
  check(current: unknown, nowMs: number): Decision;
  take(current: unknown, nowMs: number): { state: unknown; decision: Decision };
};

const wait = (seconds: number): Decision => ({ allowed: false, retryAfterS: Math.max(1, Math.ceil(seconds)) });

function bucketEngine(policy: LimitPolicy, scale: number): Engine {
  const rate = (policy.limit * scale) / policy.windowS; // tokens a second
  const burst = (policy.burst ?? policy.limit) * scale;
  const refill = (b: Bucket | undefined, nowMs: number): Bucket =>
    b ? { tokens: Math.min(burst, b.tokens + (Math.max(0, nowMs - b.at) / 1000) * rate), at: nowMs } : { tokens: burst, at: nowMs };
  const decide = (b: Bucket): Decision => (b.tokens >= 1 ? { allowed: true } : wait((1 - b.tokens) / rate));
  return {
    // An untouched bucket refills to full in burst / rate seconds: after that it holds nothing worth keeping.
    ttlMs: rate > 0 ? Math.ceil((burst / rate) * 1000) : policy.windowS * 1000,
    check: (current, nowMs) => decide(refill(current as Bucket | undefined, nowMs)),
    take(current, nowMs) {
      const b = refill(current as Bucket | undefined, nowMs);
      const decision = decide(b);
      return { state: decision.allowed ? { ...b, tokens: b.tokens - 1 } : b, decision };
    },
  };
}

function lockoutEngine(policy: LimitPolicy, scale: number): Engine {
  const windowMs = policy.windowS * 1000;
  const max = policy.limit * scale;
  const live = (w: Window | undefined, nowMs: number): Window =>
    w && nowMs < w.start + windowMs ? w : { count: 0, start: nowMs };
  const decide = (w: Window, nowMs: number): Decision => (w.count < max ? { allowed: true } : wait((w.start + windowMs - nowMs) / 1000));
  return {
    ttlMs: windowMs,
    check: (current, nowMs) => decide(live(current as Window | undefined, nowMs), nowMs),
    take(current, nowMs) {
      const w = live(current as Window | undefined, nowMs);
      const decision = decide(w, nowMs);
      return { state: decision.allowed ? { ...w, count: w.count + 1 } : w, decision };
    },
  };
}

const normalizeKey = (kind: LimitKey, key: string) =>
  // The license key is a credential: the limiter's memory never holds it.
  kind === "ip" ? ipKey(key) : kind === "license_key" ? sha256Hex(key) : key;

export function createRateLimiter<R extends Record<string, LimitPolicy>>(opts: {
  registry: R;
  scale: number;
  now?: () => number;
  maxKeys?: number;
  store?: (name: string, ttlMs: number) => RateLimitStore<unknown>;
}) {
  // The domain clock by default, so the test clock can stop and move the limits too.
  const now = opts.now ?? (() => domainNow().getTime());
  const limits = new Map(
    Object.entries(opts.registry).map(([name, policy]) => {
      const scale = policy.scaled ? opts.scale : 1;
      const engine = (policy.algorithm ?? "bucket") === "lockout" ? lockoutEngine(policy, scale) : bucketEngine(policy, scale);
      const store = opts.store?.(name, engine.ttlMs) ?? new MemoryRateLimitStore<unknown>({ ttlMs: engine.ttlMs, maxKeys: opts.maxKeys ?? 1_000_000 });
      return [name, { policy, engine, store, off: scale === 0 }] as const;
    }),
  );
  const limitOf = (name: keyof R & string) => {
    const limit = limits.get(name);
    if (!limit) throw new Error(`Unknown rate limit '${name}'`);
    return limit;
  };
  const refuse = (name: string, decision: Decision) => {
    if (!decision.allowed) throw new RateLimitedError(name, decision.retryAfterS, limitOf(name).policy.message);
  };

  const limiter = {
    /** Whether one more would be allowed now. Counts nothing and creates no counter. */
    check(name: keyof R & string, key: string): Decision {
      const { policy, engine, store, off } = limitOf(name);
      if (off) return { allowed: true };
      const t = now();
      return engine.check(store.get(normalizeKey(policy.key, key), t), t);
    },
    /** Counts one if allowed; a refusal counts nothing. */
    take(name: keyof R & string, key: string): Decision {
      const { policy, engine, store, off } = limitOf(name);
      if (off) return { allowed: true };
      const t = now();
      let decision: Decision = { allowed: true };
      store.update(normalizeKey(policy.key, key), t, (current) => {
        const result = engine.take(current, t);
        decision = result.decision;
        return result.state;
      });
      return decision;
    },
    /** Forgets a key's count (a lockout cleared by a successful sign-in). */
    reset(name: keyof R & string, key: string) {
      const { policy, store, off } = limitOf(name);
      if (off) return;
      store.update(normalizeKey(policy.key, key), now(), () => undefined);
    },
    /** `take`, throwing `RateLimitedError` when refused. */
    enforce(name: keyof R & string, key: string) {
      refuse(name, limiter.take(name, key));
    },
    /**
     * Several limits, in order: each is taken only once every limit before it has allowed the
     * request, so a request refused by the first (per IP, say) never creates or charges the next
     * (per address).
     */
    enforceInOrder(...pairs: [keyof R & string, string][]) {
      for (const [name, key] of pairs) limiter.enforce(name, key);
    },
  };
  return limiter;
}

export type RateLimiter = ReturnType<typeof createRateLimiter<typeof rateLimits>>;

/** The process's limiter over the registry above. */
export const rateLimiter: RateLimiter = createRateLimiter({ registry: rateLimits, scale: env.RATE_LIMIT_SCALE });
