import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { ApiClient } from "../setup/api";
import type { TestServer } from "../setup/server";
import { portalSettingsDefaults, startWithTwoMerchants } from "./merchant-helpers";

let server: TestServer;
let api: ApiClient;
let other: ApiClient;

beforeAll(async () => {
  ({ server, api, otherApi: other } = await startWithTwoMerchants({ names: ["Settings Co", "Other Co"] }));
});
afterAll(async () => {
  await server?.stop();
});

describe("portal settings API", () => {
  it("returns the defaults in the API.md shape", async () => {
    const res = await api.get("/portal-settings");
    expect(res.status).toBe(200);
    expect(res.body).toEqual({ object: "portal_settings", ...portalSettingsDefaults("Settings Co") });
  });

  it("deep-merges a partial patch and keeps everything else", async () => {
    const res = await api.patch("/portal-settings", {
      branding: { brand_color: "#0F766E", default_locale: "ko", allowed_return_hosts: ["App.Example.com"] },
      features: { subscription_cancel: { mode: "customer_choice" }, wallet: { enabled: false } },
    });
    expect(res.status).toBe(200);
    expect(res.body.branding).toMatchObject({ display_name: "Settings Co", brand_color: "#0f766e", default_locale: "ko", allowed_return_hosts: ["app.example.com"] });
    expect(res.body.features.subscription_cancel).toEqual({ enabled: true, mode: "customer_choice", ask_reason: true });
    expect(res.body.features.wallet).toEqual({ enabled: false });
    expect((await api.get("/portal-settings")).body).toEqual(res.body);
    // Settings are per merchant.
    expect((await other.get("/portal-settings")).body.features.wallet).toEqual({ enabled: true });
  });

  it("accepts an https logo and a small PNG data URL", async () => {
    expect((await api.patch("/portal-settings", { branding: { logo_url: "https://cdn.example.com/logo.png" } })).status).toBe(200);
    const png = "data:image/png;base64,iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mNk+M9QDwADhgGAWjR9awAAAABJRU5ErkJggg==";
    expect((await api.patch("/portal-settings", { branding: { logo_url: png } })).body.branding.logo_url).toBe(png);
  });

  it.each([
    ["an http logo", { branding: { logo_url: "http://cdn.example.com/logo.png" } }, 422, "branding.logo_url"],
    ["an SVG data URL", { branding: { logo_url: "data:image/svg+xml;base64,PHN2Zz4=" } }, 422, "branding.logo_url"],
    ["a data URL over 100 KB", { branding: { logo_url: `data:image/png;base64,${"A".repeat(110_000)}` } }, 422, "branding.logo_url"],
    ["a named colour", { branding: { brand_color: "teal" } }, 422, "branding.brand_color"],
    ["a short hex colour", { branding: { brand_color: "#fff" } }, 422, "branding.brand_color"],
    ["an unsupported locale", { branding: { default_locale: "xx" } }, 422, "branding.default_locale"],
    ["a javascript: return URL", { branding: { default_return_url: "javascript:alert(1)" } }, 422, "branding.default_return_url"],
    ["an unknown mode", { features: { subscription_cancel: { mode: "never" } } }, 422, "features.subscription_cancel.mode"],
    ["an unknown profile field", { features: { customer_update: { allowed_fields: ["tax_id"] } } }, 422, "features.customer_update.allowed_fields[0]"],
    ["a string for a boolean", { features: { wallet: { enabled: "yes" } } }, 422, "features.wallet.enabled"],
    ["an unknown feature", { features: { dashboard: { enabled: true } } }, 400, "features.dashboard"],
    ["an unknown top-level key", { theme: "dark" }, 400, "theme"],
  ])("rejects %s and changes nothing", async (_label, body, status, param) => {
    const before = (await api.get("/portal-settings")).body;
    const res = await api.patch("/portal-settings", body);
    expect(res.status).toBe(status);
    expect(res.body.error.param).toBe(param);
    expect((await api.get("/portal-settings")).body).toEqual(before);
  });

  it("refuses a default return URL outside the allowed hosts", async () => {
    const res = await api.patch("/portal-settings", { branding: { default_return_url: "https://evil.example.net/x" } });
    expect(res.status).toBe(422);
    expect(res.body.error.param).toBe("branding.default_return_url");
    const ok = await api.patch("/portal-settings", { branding: { default_return_url: "https://app.example.com/account" } });
    expect(ok.status).toBe(200);
  });
});
