/**
 * The working calendar in a real headless Chromium: an admin opens "Lịch làm việc", replaces the
 * computed day next to 2 September with another (a made-up notice), confirms a day, removes a day, sees
 * a bad date refused with the error linked to its field; a commune officer reads the year without
 * the form. axe-core checks every page on the way.
 */
import { randomBytes } from "node:crypto";
import { type Browser, type Page } from "playwright-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { launchChromium, seriousViolations, submitSignIn } from "../support/browser.js";
import { startTestApp, type TestApp } from "../support/app.js";
import { cloneTestDatabase } from "../support/databases.js";

let database: Awaited<ReturnType<typeof cloneTestDatabase>>;
let t: TestApp;
let browser: Browser;
const tag = randomBytes(3).toString("hex");
const admin = { username: `qtv.${tag}`, password: "Lich-lam-viec-2026" };
const officer = { username: `lan.${tag}`, password: "Lich-doc-thoi-2026" };

beforeAll(async () => {
  database = await cloneTestDatabase();
  t = await startTestApp({ DATABASE_URL: database.url, QUEUE_PREFIX: `calb${tag}`, RATE_LIMITS: "off" });
  await t.ctx.staffAccounts.create({ username: admin.username, fullName: "Quản Trị Viên", role: "admin", unitCode: null });
  await t.ctx.staffAccounts.setPasswordForDemo(admin.username, admin.password);
  await t.ctx.staffAccounts.create({ username: officer.username, fullName: "Nguyễn Thị Lan", role: "commune_staff", unitCode: "29955" });
  await t.ctx.staffAccounts.setPasswordForDemo(officer.username, officer.password);
  browser = await launchChromium();
});
afterAll(async () => {
  await browser?.close();
  await t?.close();
  await database?.drop();
});

async function signIn(page: Page, username: string, password: string): Promise<void> {
  await page.goto(`${t.baseUrl}/staff/login`);
  await submitSignIn(page, username, password);
  await page.waitForURL((url) => url.pathname === "/staff");
}

describe("the working calendar in a browser", () => {
  it("an admin corrects, removes and adds days; a bad date is refused and linked to its field", async () => {
    const ctx = await browser.newContext({ viewport: { width: 390, height: 844 }, bypassCSP: true, locale: "vi-VN" });
    const page = await ctx.newPage();
    await signIn(page, admin.username, admin.password);
    await page.getByRole("link", { name: "Lịch làm việc" }).click();
    await page.waitForURL(/\/staff\/calendar/);
    await page.goto(`${t.baseUrl}/staff/calendar?year=2026`);
    await expect(page.getByRole("heading", { name: "Lịch làm việc năm 2026" }).isVisible()).resolves.toBe(true);
    expect(await page.locator("#day-2026-02-17").textContent()).toContain("Đã xác nhận");
    expect(await page.locator("#day-2026-09-01").textContent()).toContain("Chưa xác nhận");
    expect(await seriousViolations(page)).toEqual([]);

    // Were the notice to give 2/9 and 3/9 (not 1/9): remove the guess, add the day, confirmed (a made-up notice, for the test).
    await page.locator("#day-2026-09-01").getByRole("button", { name: /Xóa/ }).click();
    await page.getByText("Đã xóa ngày khỏi lịch").waitFor();
    expect(await page.locator("#day-2026-09-01").count()).toBe(0);
    await page.getByLabel(/^Ngày/).fill("2026-09-03");
    await page.getByLabel("Tên").fill("Quốc khánh (ngày liền kề)");
    await page.getByLabel("Nguồn").fill("Thông báo thử nghiệm (kiểm thử)");
    await page.getByLabel("Đã xác nhận theo thông báo chính thức").check();
    await page.getByRole("button", { name: "Lưu" }).click();
    await page.getByText("Đã lưu ngày vào lịch làm việc.").waitFor();
    expect(await page.locator("#day-2026-09-03").textContent()).toMatch(/Quốc khánh \(ngày liền kề\)[\s\S]*Đã xác nhận/);

    // Edit: the compensatory Monday after Giỗ Tổ, marked confirmed (as an admin would after checking the notice).
    await page.locator("#day-2026-04-27").getByRole("link", { name: /Sửa/ }).click();
    await expect(page.locator("#day-date").inputValue()).resolves.toBe("2026-04-27");
    await page.getByLabel("Đã xác nhận theo thông báo chính thức").check();
    await page.getByRole("button", { name: "Lưu" }).click();
    await page.getByText("Đã lưu ngày vào lịch làm việc.").waitFor();
    expect(await page.locator("#day-2026-04-27").textContent()).toContain("Đã xác nhận");

    // A date that does not exist: refused, the summary links to the field, nothing stored.
    const before = await t.ctx.db.calendarDay.count();
    await page.getByLabel(/^Ngày/).fill("2026-02-30");
    await page.getByLabel("Tên").fill("Không có ngày này");
    await page.getByRole("button", { name: "Lưu" }).click();
    await page.getByRole("heading", { name: "Có lỗi cần sửa" }).waitFor();
    expect(await page.locator('.error-summary a[href="#day-date"]').textContent()).toContain("không có ngày này");
    expect(await seriousViolations(page)).toEqual([]);
    expect(await t.ctx.db.calendarDay.count()).toBe(before);
    expect((await t.ctx.calendar.calendar()).isWorkingDay("2026-09-03")).toBe(false);
    await ctx.close();
  });

  it("on a phone 360 px wide the admin's page does not scroll sideways: only the table of days does", async () => {
    const ctx = await browser.newContext({ viewport: { width: 360, height: 740 }, bypassCSP: true, locale: "vi-VN" });
    const page = await ctx.newPage();
    await signIn(page, admin.username, admin.password);
    await page.goto(`${t.baseUrl}/staff/calendar?year=2027`);
    // The table's hidden link and button words ("Sửa ngày …") are positioned absolutely: held
    // inside the table's scrolling box, they must not widen the page.
    expect(await page.evaluate(() => document.documentElement.scrollWidth)).toBeLessThanOrEqual(360);
    const wrap = page.locator(".table-wrap").first();
    expect(await wrap.evaluate((el) => el.scrollWidth > el.clientWidth)).toBe(true);
    await ctx.close();
  });

  it("a commune officer reads the year, without the form", async () => {
    const ctx = await browser.newContext({ viewport: { width: 1280, height: 900 }, bypassCSP: true, locale: "vi-VN" });
    const page = await ctx.newPage();
    await signIn(page, officer.username, officer.password);
    await page.goto(`${t.baseUrl}/staff/calendar?year=2027`);
    expect(await page.locator("#day-2027-02-06").textContent()).toContain("Tết Nguyên đán (mùng 1)");
    expect(await page.locator("#day-form").count()).toBe(0);
    expect(await page.getByRole("button", { name: /Xóa/ }).count()).toBe(0);
    expect(await seriousViolations(page)).toEqual([]);
    await ctx.close();
  });
});
