import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { apiClient, type ApiClient } from "../setup/api";
import { createMerchant, startServer, type TestServer } from "../setup/server";

let server: TestServer;
let api: ApiClient;
let other: ApiClient;

beforeAll(async () => {
  server = await startServer();
  api = apiClient(server.url, createMerchant(server.dbFile, "Acme").apiKey);
  other = apiClient(server.url, createMerchant(server.dbFile, "Globex").apiKey);
});
afterAll(async () => {
  await server?.stop();
});

describe("POST /customers", () => {
  it("creates a customer with every field and returns the API.md shape", async () => {
    const res = await api.post("/customers", {
      email: "Jane.Doe@Example.com",
      name: "Jane Doe",
      phone_number: "+82 10-1234-5678",
      external_id: "u_1",
      billing_address: { line1: "1 Main St", city: "Seoul", country: "kr" },
      tax_id: "KR123",
      metadata: { plan: "pro" },
    });
    expect(res.status).toBe(201);
    expect(res.body).toMatchObject({
      object: "customer",
      email: "Jane.Doe@Example.com",
      name: "Jane Doe",
      phone_number: "+821012345678",
      external_id: "u_1",
      billing_address: { line1: "1 Main St", city: "Seoul", country: "KR" },
      tax_id: "KR123",
      metadata: { plan: "pro" },
    });
    expect(res.body.id).toMatch(/^cus_[0-9A-Za-z]{22}$/);
    expect(res.body.created_at).toMatch(/^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\.\d{3}Z$/);
  });

  it("refuses a duplicate email case-insensitively with 409 customer_exists", async () => {
    const res = await api.post("/customers", { email: "jane.doe@example.COM" });
    expect(res.status).toBe(409);
    expect(res.body.error).toMatchObject({ type: "invalid_request_error", code: "customer_exists", param: "email" });
  });
});
