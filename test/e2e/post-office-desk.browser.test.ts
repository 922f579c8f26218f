/**
 * The post office desk in a real headless Chromium (Debian's chromium, playwright-core) on a
 * phone's screen, checked with axe-core on every page: the clerk signs in, opens the desk, books
 * the delivery of a result that came in through the post, dispatches a booking with a waybill code
 * (a malformed one refused first), and opens the delivery slip, whose print button comes from the
 * bundled script.
 */
import { randomBytes } from "node:crypto";
import { type Browser, type BrowserContext, type Page } from "playwright-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { dossierEventSchema } from "../../src/dossiers/event-schema.js";
import { launchChromium, seriousViolations, submitSignIn } from "../support/browser.js";
import { startTestApp, type TestApp } from "../support/app.js";
import { cloneTestDatabase } from "../support/databases.js";

const COMMUNE = "29955"; // Phường Hồng Ngự, Đồng Tháp (82)
const PASSWORD = "Buu-dien-Dong-Thap-2026";
const tag = String(Math.floor(Math.random() * 9000) + 1000);
const counterDossier = `H15.50.05.13-261130-${tag}`;
const postalDossier = `H15.50.05.13-261129-${tag}`;
let database: Awaited<ReturnType<typeof cloneTestDatabase>>;
let t: TestApp;
let browser: Browser;
let username: string;
let reference: string;
let minutes = 0;

async function ingest(e: Record<string, unknown>) {
  minutes += 1;
  await t.ctx.ingest.ingest([dossierEventSchema.parse({ eventId: `eb-${randomBytes(5).toString("hex")}`, occurredAt: new Date(Date.now() - (60 - minutes) * 60_000).toISOString(), procedure: { code: "1.001193", name: "Đăng ký khai sinh" }, communeCode: COMMUNE, ...e })], { source: "UPSTREAM" });
}

beforeAll(async () => {
  database = await cloneTestDatabase();
  t = await startTestApp({ DATABASE_URL: database.url, QUEUE_PREFIX: `eb${randomBytes(4).toString("hex")}` });
  // The clerk, as the demo makes her (a known password, no change required).
  username = `demo.buudien.${tag}`;
  await t.ctx.staffAccounts.create({ username, fullName: "Lê Thị Hoa", role: "post_office_staff", unitCode: "82" });
  await t.ctx.staffAccounts.setPasswordForDemo(username, PASSWORD);
  // A result ready at the desk with a delivery the citizen booked; and a dossier that came in through the post.
  await ingest({ dossierCode: counterDossier, status: "RESULT_READY", applicant: { fullName: "Nguyễn Văn An", phone: "0912000201" } });
  const dossier = await t.ctx.db.dossier.findUniqueOrThrow({ where: { code: counterDossier } });
  reference = `BD-E${randomBytes(3).toString("hex").toUpperCase().replace(/[^A-Z0-9]/g, "Q").slice(0, 5)}`;
  await t.ctx.db.deliveryBooking.create({
    data: { reference, kind: "RESULT_DELIVERY", dossierId: dossier.id, procedureCode: "1.001193", citizenId: dossier.applicantId, recipientName: "Nguyễn Văn An", recipientPhone: "0912000201", communeCode: COMMUNE, addressLine: "18 đường Trần Hưng Đạo", timeWindow: "Chiều (13:30–17:00)", postage: 25000 },
  });
  await ingest({ dossierCode: postalDossier, status: "RECEIVED", channel: "POSTAL", applicant: { fullName: "Trần Thị Bình", phone: "0912000202" } });
  await ingest({ dossierCode: postalDossier, status: "RESULT_READY" });
  browser = await launchChromium();
});
afterAll(async () => {
  await browser?.close();
  await t?.close();
  await database?.drop();
});

/** A browser of its own on a phone's screen; bypassCSP only so the test can inject axe-core. */
const phone = (): Promise<BrowserContext> => browser.newContext({ viewport: { width: 390, height: 844 }, bypassCSP: true, locale: "vi-VN" });

async function signIn(page: Page): Promise<void> {
  await page.goto(`${t.baseUrl}/staff`);
  await page.waitForURL(/\/staff\/login/);
  expect(await seriousViolations(page)).toEqual([]);
  await submitSignIn(page, username, PASSWORD);
  await page.waitForURL((url) => url.pathname === "/staff");
}

describe("the post office desk in a browser", () => {
  it("the clerk signs in, opens the desk, books a postal result's delivery, dispatches a booking with a waybill code and opens the delivery slip", async () => {
    const ctx = await phone();
    const page = await ctx.newPage();
    await signIn(page);

    // Her home page counts the desk's work; the desk is in the navigation.
    expect(await page.locator("section", { hasText: "Bàn bưu điện" }).textContent()).toMatch(/1\s*kết quả chờ chuyển phát/);
    expect(await seriousViolations(page)).toEqual([]);
    await page.getByRole("navigation").getByRole("link", { name: "Bưu điện", exact: true }).click();
    await page.waitForURL(/\/staff\/bookings$/);
    expect(await page.locator("h1").textContent()).toBe("Bàn bưu điện");
    expect(await seriousViolations(page)).toEqual([]);
    const table = page.getByRole("region", { name: "Lịch hẹn" });
    expect(await table.textContent()).toContain(counterDossier);
    expect(await table.textContent()).toContain("…01"); // the phone masked in the list
    expect(await table.textContent()).not.toContain("0912000201");

    // The result that came in through the post waits under its heading; the clerk books its delivery.
    const waiting = page.locator("section.card", { hasText: postalDossier });
    await waiting.getByLabel(/Địa chỉ giao/).fill("45 ấp Bình Thạnh, đường số 7");
    await waiting.getByLabel("Khung giờ giao").selectOption("Sáng (8:00–11:30)");
    await waiting.getByRole("button", { name: /Đặt lịch chuyển phát/ }).click();
    await page.getByText("Đã đặt lịch chuyển phát kết quả.").waitFor();
    expect(await page.locator("dl").textContent()).toContain("45 ấp Bình Thạnh, đường số 7");
    expect(await seriousViolations(page)).toEqual([]);

    // The booking the citizen made: a malformed waybill is refused with the rule, then a good one dispatches it.
    await page.goto(`${t.baseUrl}/staff/bookings`);
    await page.getByRole("link", { name: reference }).click();
    await page.waitForURL(new RegExp(`/staff/bookings/${reference}$`));
    expect(await page.getByRole("link", { name: "0912000201" }).getAttribute("href")).toBe("tel:0912000201");
    expect(await seriousViolations(page)).toEqual([]);
    await page.getByLabel(/Mã vận đơn/).fill("EL 123-45");
    await page.getByRole("button", { name: "Phát (ghi mã vận đơn)" }).click();
    const summary = page.locator(".error-summary");
    await summary.waitFor();
    expect(await summary.textContent()).toContain("Mã vận đơn chỉ gồm chữ cái không dấu và chữ số");
    expect(await seriousViolations(page)).toEqual([]);
    expect((await t.ctx.db.deliveryBooking.findUniqueOrThrow({ where: { reference } })).status).toBe("REQUESTED");
    await page.getByLabel(/Mã vận đơn/).fill("el123456789vn");
    await page.getByRole("button", { name: "Phát (ghi mã vận đơn)" }).click();
    await page.getByText("Đã ghi phát với mã vận đơn; người dân được báo tin.").waitFor();
    expect(await page.locator("dl").textContent()).toContain("EL123456789VN");
    expect(await page.locator("dl").textContent()).toContain("Đang phát");
    const stored = await t.ctx.db.deliveryBooking.findUniqueOrThrow({ where: { reference } });
    expect(stored).toMatchObject({ status: "DISPATCHED", waybillCode: "EL123456789VN" });
    expect(stored.dispatchedAt).toBeInstanceOf(Date);
    expect(await t.ctx.db.notice.count({ where: { dedupeKey: `booking:${stored.id}:DISPATCHED` } })).toBe(1);

    // The delivery slip, with its print button from the bundled script.
    await page.getByRole("link", { name: "Phiếu giao nhận (in)" }).click();
    await page.waitForURL(new RegExp(`/staff/bookings/${reference}/slip$`));
    const slip = page.locator("article.slip");
    for (const text of ["PHIẾU CHUYỂN PHÁT KẾT QUẢ", "BƯU ĐIỆN TỈNH ĐỒNG THÁP", "EL123456789VN", counterDossier, "Đăng ký khai sinh", "Nguyễn Văn An", "18 đường Trần Hưng Đạo", "Chiều (13:30–17:00)", "NHÂN VIÊN BƯU ĐIỆN", "NGƯỜI NHẬN"]) {
      expect(await slip.textContent(), text).toContain(text);
    }
    expect(await seriousViolations(page)).toEqual([]);
    const print = page.getByRole("button", { name: "In phiếu" });
    await expect.poll(() => print.isVisible()).toBe(true); // shown once the script runs
    await page.evaluate(() => {
      (window as unknown as { printed: number }).printed = 0;
      window.print = () => void ((window as unknown as { printed: number }).printed += 1);
    });
    await print.click();
    expect(await page.evaluate(() => (window as unknown as { printed: number }).printed)).toBe(1);
    // Printed: the console's header and the buttons are not on the paper; the signature boxes are.
    await page.emulateMedia({ media: "print" });
    expect(await page.locator(".site-header").isVisible()).toBe(false);
    expect(await print.isVisible()).toBe(false);
    expect(await page.locator(".slip-box").first().isVisible()).toBe(true);
    await ctx.close();
  });
});
