import { expect, test, type Page } from "@playwright/test";
import { expectNoSeriousAxeViolations, hydrated, noJsContext, pdfText, portalWorldPerFile, screenshot, WIDTHS } from "./fixtures";

// The customer's tasks in a phone-sized Chromium against the real built server: invoice download,
// cancel and resume (JavaScript on and off), license deactivation, profile with phone validation,
// email change through the mail a real SMTP server captured, and what the server refuses.
const world = portalWorldPerFile();
test.use({ viewport: WIDTHS.phone });

const subscription = async (id: string) => (await world.api.get(`/subscriptions/${id}`)).body as { status: string; cancel_at_period_end: boolean; cancel_reason: string | null; cancel_feedback: string | null };
const customer = async (id = world.customers.minji.id) => (await world.api.get(`/customers/${id}`)).body as { email: string; name: string; phone_number: string | null };
const instances = async (keyId: string) => ((await world.api.get(`/license-keys/${keyId}/instances`)).body as { data: { id: string }[] }).data.map((i) => i.id);
const licenseKey = async (keyId: string) => (await world.api.get(`/license-keys/${keyId}`)).body as { activations_count: number };

test("download an invoice through the browser: the PDF names the invoice, 김민지 and the total", async ({ page }, testInfo) => {
  await world.signIn(page, { locale: "ko" });
  await page.getByTestId("nav-billing").click();
  const { krwPaid } = world.payments;
  const row = page.getByTestId(`payment-${krwPaid.id}`);
  const [download] = await Promise.all([page.waitForEvent("download"), row.getByTestId("invoice-link").click()]);
  expect(download.suggestedFilename()).toBe(`acme-${krwPaid.invoice_number}.pdf`);
  const file = testInfo.outputPath(download.suggestedFilename());
  await download.saveAs(file);
  const text = pdfText(file);
  // 2 × ₩33,000 + 10% tax = ₩72,600.
  for (const expected of [krwPaid.invoice_number!, "김민지", "₩66,000", "₩6,600", "₩72,600", "추가 좌석", "인보이스 번호"]) {
    expect(text, `invoice text:\n${text}`).toContain(expected);
  }
  // Still on the billing page: the download did not navigate away.
  await expect(page.getByTestId("page-billing")).toBeVisible();
});

test("another customer's invoice → 404 and no PDF bytes", async ({ page }) => {
  await world.signIn(page);
  const res = await page.goto(`${world.server.url}/portal/invoices/${world.payments.sam.id}`);
  expect(res!.status()).toBe(404);
  expect(res!.headers()["content-type"]).not.toContain("application/pdf");
  expect((await res!.body()).subarray(0, 5).toString("latin1")).not.toBe("%PDF-");
});

async function cancelAndResume(page: Page, subscriptionId: string, reason: string, feedback: string) {
  await page.goto(`${world.server.url}/portal/subscriptions`);
  await hydrated(page);
  await page.getByTestId(`cancel-${subscriptionId}`).click();
  await expect(page).toHaveURL(`${world.server.url}/portal/subscriptions/${subscriptionId}/cancel`);
  await page.getByTestId("cancel-reason").selectOption(reason);
  await page.getByTestId("cancel-feedback").fill(feedback);
  await page.getByTestId("confirm-cancel").click();
  await expect(page).toHaveURL(`${world.server.url}/portal/subscriptions?notice=cancellation_scheduled`);
  await expect(page.getByTestId("portal-notice")).toHaveAttribute("data-notice", "cancellation_scheduled");
  const card = page.getByTestId(`subscription-${subscriptionId}`);
  await expect(card).toHaveAttribute("data-cancel-pending", "true");
  await expect(card.getByTestId("cancel-pending")).toBeVisible();
  expect(await subscription(subscriptionId)).toMatchObject({ status: "active", cancel_at_period_end: true, cancel_reason: reason, cancel_feedback: feedback });

  await card.getByTestId(`resume-${subscriptionId}`).click();
  await expect(page).toHaveURL(`${world.server.url}/portal/subscriptions?notice=resumed`);
  await expect(page.getByTestId(`subscription-${subscriptionId}`)).toHaveAttribute("data-cancel-pending", "false");
  expect(await subscription(subscriptionId)).toMatchObject({ status: "active", cancel_at_period_end: false });
}

test("cancel with a reason and resume, with JavaScript on; the confirmation mail arrives", async ({ page }) => {
  await world.signIn(page);
  const before = world.smtp.messages.length;
  await cancelAndResume(page, world.subs.storage.id, "too_expensive", "Cheaper elsewhere");
  const mail = await world.smtp.waitFor((m) => world.smtp.messages.indexOf(m) >= before && m.to.includes("minji@example.com") && m.subject === "Your Acme Cloud subscription was cancelled");
  expect(mail.text).toContain("Extra storage");
});

test("cancel with a reason and resume, with JavaScript off (plain HTML forms)", async ({ browser }) => {
  const context = await noJsContext(browser);
  const page = await context.newPage();
  await world.signIn(page);
  expect(await page.evaluate(() => document.documentElement.getAttribute("data-hydrated"))).toBeNull();
  await cancelAndResume(page, world.subs.team.id, "unused", "잘 쓰지 않아요");
  await context.close();
});

test("deactivate a license instance, with JavaScript on and off; the slot is freed", async ({ page, browser }) => {
  const { licenseKey: key } = world;
  await world.signIn(page, { flow: { type: "license_keys" } });
  await page.getByTestId(`deactivate-${world.instances.laptop}`).click();
  await expect(page.getByTestId("portal-notice")).toHaveAttribute("data-notice", "deactivated");
  await expect(page.getByTestId(`instance-${world.instances.laptop}`)).toHaveCount(0);
  await expect(page.getByTestId(`license-${key.id}`).getByTestId("license-activations")).toHaveText("1 of 3 used");
  expect(await instances(key.id)).toEqual([world.instances.desktop]);
  expect((await licenseKey(key.id)).activations_count).toBe(1);

  const context = await noJsContext(browser);
  const noJs = await context.newPage();
  await world.signIn(noJs, { flow: { type: "license_keys" } });
  await noJs.getByTestId(`deactivate-${world.instances.desktop}`).click();
  await expect(noJs.getByTestId("portal-notice")).toHaveAttribute("data-notice", "deactivated");
  await expect(noJs.getByTestId(`license-${key.id}`).getByTestId("license-activations")).toHaveText("0 of 3 used");
  expect(await instances(key.id)).toEqual([]);
  await context.close();
});

test("profile: an invalid phone shows an inline error and saves nothing; +82 10-1234-5678 is stored as +821012345678", async ({ page }) => {
  await world.signIn(page, { flow: { type: "profile" } });
  await expect(page).toHaveURL(`${world.server.url}/portal/profile`);
  await hydrated(page);
  const before = await customer();

  await page.getByTestId("profile-name").fill("김민지 (changed)");
  await page.getByTestId("profile-phone").fill("12345");
  await page.getByTestId("profile-save").click();
  await expect(page.getByTestId("error-phone")).toBeVisible();
  await expect(page.getByTestId("profile-errors")).toBeVisible();
  await expect(page.getByTestId("profile-phone")).toHaveAttribute("aria-invalid", "true");
  // What was typed stays in the form; nothing reached the customer record.
  await expect(page.getByTestId("profile-phone")).toHaveValue("12345");
  await screenshot(page, "profile-invalid-phone", "phone");
  await expectNoSeriousAxeViolations(page, "profile with an inline error");
  expect(await customer()).toEqual(before);

  await page.getByTestId("profile-name").fill("김민지");
  await page.getByTestId("profile-phone").fill("+82 10-1234-5678");
  await page.getByTestId("profile-save").click();
  await expect(page.getByTestId("portal-notice")).toHaveAttribute("data-notice", "profile_saved");
  await expect(page.getByTestId("error-phone")).toHaveCount(0);
  expect((await customer()).phone_number).toBe("+821012345678");
  // With JavaScript the field keeps what was typed until the next load, which shows the stored form.
  await page.reload();
  await expect(page.getByTestId("profile-phone")).toHaveValue("+821012345678");
});

test("profile without JavaScript: the invalid phone error is rendered by the server", async ({ browser }) => {
  const context = await noJsContext(browser);
  const page = await context.newPage();
  await world.signIn(page);
  await page.goto(`${world.server.url}/portal/profile`);
  const before = await customer();
  await page.getByTestId("profile-phone").fill("+82 10");
  await page.getByTestId("profile-save").click();
  await expect(page.getByTestId("error-phone")).toBeVisible();
  expect(await customer()).toEqual(before);
  await context.close();
});

test("email change: confirmation link from the captured mail, notice to the old address", async ({ page }) => {
  const sam = world.customers.sam;
  await world.signIn(page, { customerId: sam.id });
  await page.goto(`${world.server.url}/portal/profile`);
  await hydrated(page);
  const before = world.smtp.messages.length;
  const fresh = (m: { to: string[] }, to: string) => world.smtp.messages.indexOf(m as never) >= before && m.to.includes(to);

  await page.getByTestId("profile-email").fill("sam.taylor@example.org");
  await page.getByTestId("profile-save").click();
  await expect(page.getByTestId("portal-notice")).toHaveAttribute("data-notice", "email_change_sent");
  await expect(page.getByTestId("pending-email")).toContainText("sam.taylor@example.org");
  // Not applied until confirmed.
  expect((await customer(sam.id)).email).toBe("sam@example.com");

  const mail = await world.smtp.waitFor((m) => fresh(m, "sam.taylor@example.org") && m.subject === "Confirm your new email address for Acme Cloud");
  const link = new RegExp(`${world.server.url.replace(/[.]/g, "\\.")}/portal/profile/confirm-email/[A-Za-z0-9_-]+`).exec(mail.text)?.[0];
  expect(link, mail.text).toBeTruthy();
  await page.goto(link!);
  await hydrated(page);
  await expect(page.getByRole("heading", { level: 1 })).toHaveText("Confirm your new email address");
  await expectNoSeriousAxeViolations(page, "email confirmation page");
  expect((await customer(sam.id)).email).toBe("sam@example.com");
  await page.getByTestId("confirm-email").click();
  await expect(page).toHaveURL(`${world.server.url}/portal/profile?notice=email_changed`);
  await expect(page.getByTestId("portal-customer")).toContainText("sam.taylor@example.org");
  expect((await customer(sam.id)).email).toBe("sam.taylor@example.org");
  const notice = await world.smtp.waitFor((m) => fresh(m, "sam@example.com") && m.subject === "Your Acme Cloud email address was changed");
  expect(notice.text).toContain("sam.taylor@example.org");
});

/** Submits a real form from a page of the portal (same-origin), as a hand-edited form would. */
async function postFromPortal(page: Page, action: string, fields: Record<string, string>) {
  await page.goto(`${world.server.url}/portal`);
  // Hydration would throw away a form added to the server-rendered body before it.
  await hydrated(page);
  await page.evaluate(
    ({ action, fields }) => {
      const form = document.createElement("form");
      form.method = "post";
      form.action = action;
      for (const [name, value] of Object.entries(fields)) {
        const input = document.createElement("input");
        input.type = "hidden";
        input.name = name;
        input.value = value;
        form.append(input);
      }
      const button = document.createElement("button");
      button.id = "hand-made-submit";
      button.textContent = "Send";
      form.append(button);
      document.body.prepend(form);
    },
    { action, fields },
  );
  const [response] = await Promise.all([
    page.waitForResponse((r) => r.request().method() === "POST" && r.url() === `${world.server.url}${action}`),
    page.click("#hand-made-submit"),
  ]);
  return response;
}

test("every action posted for another customer's object → 404, nothing changed", async ({ page }) => {
  const { subs, samKey, samInstance } = world;
  await world.api.post(`/subscriptions/${subs.sam.id}/cancel`, { at_period_end: true });
  await world.signIn(page);

  const cancel = await postFromPortal(page, `/portal/subscriptions/${subs.sam.id}/cancel`, { when: "at_period_end", reason: "other" });
  expect(cancel.status()).toBe(404);
  const resume = await postFromPortal(page, "/portal/subscriptions", { intent: "resume", id: subs.sam.id });
  expect(resume.status()).toBe(404);
  expect(await subscription(subs.sam.id)).toMatchObject({ status: "active", cancel_at_period_end: true, cancel_reason: null });

  const deactivate = await postFromPortal(page, "/portal/licenses", { intent: "deactivate", id: samInstance });
  expect(deactivate.status()).toBe(404);
  expect(await instances(samKey.id)).toEqual([samInstance]);
});

test("cross-site posts → 403, nothing changed", async ({ page }) => {
  const target = world.subs.pro.id;
  await world.signIn(page);
  // Another site (localhost is not the same site as 127.0.0.1) with a form aimed at the portal.
  const evil = `http://localhost:${world.server.port}/__evil`;
  await page.route(evil, (route) =>
    route.fulfill({
      contentType: "text/html",
      body: `<!doctype html><title>evil</title>
        <form method="post" action="${world.server.url}/portal/subscriptions/${target}/cancel">
          <input type="hidden" name="when" value="immediately"><button id="go">Win a prize</button></form>
        <form method="post" action="${world.server.url}/portal/locale">
          <input type="hidden" name="locale" value="ko"><button id="lang">Go</button></form>`,
    }),
  );
  for (const button of ["#go", "#lang"]) {
    await page.goto(evil);
    const [res] = await Promise.all([page.waitForResponse((r) => r.request().method() === "POST"), page.click(button)]);
    expect(res.status()).toBe(403);
    expect(await res.text()).toBe("Cross-site request refused.");
  }
  expect(await subscription(target)).toMatchObject({ status: "active", cancel_at_period_end: false });
  await page.goto(`${world.server.url}/portal`);
  await expect(page.getByRole("heading", { level: 1 })).toHaveText("Hello, 김민지");
});

test("signing out ends the session; the portal is then closed to Back", async ({ page }) => {
  await world.signIn(page);
  await page.getByTestId("sign-out").click();
  await page.waitForURL(/\/p\/acme/);
  const res = await page.goto(`${world.server.url}/portal/billing`);
  expect(res!.status()).toBe(401);
  await expect(page.getByText("김민지")).toHaveCount(0);
});
