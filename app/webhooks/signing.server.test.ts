import { describe, expect, it } from "vitest";
import { Webhook } from "standardwebhooks";
import { generateSecret, signPayload, signatureHeaders } from "./signing.server";

const nowSeconds = () => Math.floor(Date.now() / 1000);

describe("generateSecret", () => {
  it("is whsec_ + base64 of 32 random bytes, different every time", () => {
    const a = generateSecret();
    const b = generateSecret();
    expect(a).toMatch(/^whsec_[A-Za-z0-9+/]{43}=$/);
    expect(Buffer.from(a.slice(6), "base64")).toHaveLength(32);
    expect(a).not.toBe(b);
  });
});

describe("signPayload", () => {
  // The example of the Standard Webhooks specification.
  it("matches the specification's example", () => {
    expect(
      signPayload({
        secret: "whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw",
        id: "msg_p5jXN8AQM9LWM0D4loKWxJek",
        timestamp: 1614265330,
        body: '{"test": 2432232314}',
      }),
    ).toBe("v1,g0hM9SsE+OTPJTGt/tmIKtSyZlE3uFJELVlNIOLJ1OE=");
  });

  it.each([
    { body: '{"a":1}' },
    { body: '{"name":"김민지","emoji":"🎉","accent":"é"}' },
    { body: "" },
  ])("agrees with the standardwebhooks library for $body", ({ body }) => {
    const secret = generateSecret();
    const timestamp = nowSeconds();
    const ours = signPayload({ secret, id: "evt_1", timestamp, body });
    expect(ours).toBe(new Webhook(secret).sign("evt_1", new Date(timestamp * 1000), body));
  });

  it("verifies with the library, and fails once the body, id or timestamp changes", () => {
    const secret = generateSecret();
    const body = JSON.stringify({ id: "evt_2", type: "customer.updated" });
    const headers = signatureHeaders({ secret, id: "evt_2", timestamp: nowSeconds(), body });
    const wh = new Webhook(secret);
    expect(wh.verify(body, headers)).toMatchObject({ id: "evt_2" });
    expect(() => wh.verify(body.replace("customer", "kustomer"), headers)).toThrow();
    expect(() => wh.verify(body, { ...headers, "webhook-id": "evt_3" })).toThrow();
    // One second before the signed one (not the clock's: it may have ticked since signing).
    expect(() => wh.verify(body, { ...headers, "webhook-timestamp": String(Number(headers["webhook-timestamp"]) - 1) })).toThrow();
    expect(() => new Webhook(generateSecret()).verify(body, headers)).toThrow();
  });
});
