/**
 * The monthly report in a real headless Chromium (Debian's chromium, playwright-core): an officer
 * signs in, opens the report from the navigation, picks the month, reads the figures and charts,
 * writes the four sections, saves, submits, and downloads the XLSX — parsed back with exceljs.
 * axe-core checks the page.
 */
import { randomBytes } from "node:crypto";
import { readFileSync } from "node:fs";
import ExcelJS from "exceljs";
import type { Browser } from "playwright-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { launchChromium, seriousViolations, submitSignIn } from "../support/browser.js";
import { startTestApp, type TestApp } from "../support/app.js";
import { cloneTestDatabase } from "../support/databases.js";

const COMMUNE = "29955"; // Phường Hồng Ngự
const MONTH = "2026-10";
let database: Awaited<ReturnType<typeof cloneTestDatabase>>;
let t: TestApp;
let browser: Browser;
const user = { username: `hoa.${randomBytes(3).toString("hex")}`, password: "Bao-cao-thang-10-2026" };

beforeAll(async () => {
  database = await cloneTestDatabase();
  t = await startTestApp({ DATABASE_URL: database.url, QUEUE_PREFIX: `rb${randomBytes(4).toString("hex")}` });
  await t.ctx.staffAccounts.create({ username: user.username, fullName: "Lê Thị Hoa", role: "commune_staff", unitCode: COMMUNE });
  await t.ctx.staffAccounts.setPasswordForDemo(user.username, user.password);
  // Three dossiers received in October: two at the counter, one through the post.
  const citizen = await t.ctx.db.citizen.create({ data: { fullName: "Nguyễn Văn An" } });
  for (const [i, channel] of (["COUNTER", "COUNTER", "POSTAL"] as const).entries()) {
    const at = new Date(`2026-10-1${i}T09:00:00+07:00`);
    await t.ctx.db.dossier.create({ data: { code: `H15.50.05.13-261010-${9000 + i}`, applicantId: citizen.id, communeCode: COMMUNE, channel, receivedAt: at, status: "RECEIVED", statusAt: at } });
  }
  browser = await launchChromium();
});
afterAll(async () => {
  await browser?.close();
  await t?.close();
  await database?.drop();
});

describe("the monthly report in a browser", () => {
  it("signs in, opens the month's report, writes and submits it, and downloads the XLSX", async () => {
    const context = await browser.newContext({ acceptDownloads: true, bypassCSP: true, locale: "vi-VN" });
    const page = await context.newPage();
    await page.goto(`${t.baseUrl}/staff`);
    await page.waitForURL(/\/staff\/login/);
    await submitSignIn(page, user.username, user.password);
    await page.getByRole("link", { name: "Báo cáo tháng" }).click();
    await page.waitForURL(/\/staff\/reports/);
    await page.getByLabel("Tháng", { exact: true }).fill(MONTH);
    await page.getByRole("button", { name: "Xem báo cáo" }).click();
    await page.getByRole("heading", { name: "Báo cáo tháng: Phường Hồng Ngự, tháng 10/2026" }).waitFor();
    // The chart's text alternative and the figures' table.
    await expect(page.getByRole("img", { name: /Hồ sơ tiếp nhận theo hình thức/ }).getAttribute("aria-labelledby")).resolves.toBe("chart-received-title chart-received-desc");
    expect(await page.locator("#chart-received-desc").textContent()).toContain("Tiếp nhận qua dịch vụ bưu chính công ích: 1");
    expect(await page.getByRole("row", { name: /Tổng số hồ sơ tiếp nhận/ }).textContent()).toContain("3");
    expect(await seriousViolations(page)).toEqual([]);

    await page.getByLabel("Kết quả đạt được").fill("Tiếp nhận 3 hồ sơ, 1 hồ sơ qua bưu chính.");
    await page.getByLabel("Ưu điểm").fill("Người dân được báo tin kịp thời.");
    await page.getByLabel("Hạn chế").fill("Chưa có.");
    await page.getByLabel("Kiến nghị, đề xuất").fill("Mở rộng nhận hồ sơ qua bưu điện.");
    await page.getByRole("button", { name: "Lưu" }).click();
    await page.getByRole("status").filter({ hasText: "Đã lưu các mục nhận xét." }).waitFor();
    await page.getByRole("button", { name: "Nộp báo cáo" }).click();
    await page.getByRole("status").filter({ hasText: "Đã nộp báo cáo." }).waitFor();
    expect(await page.getByLabel("Kết quả đạt được").count()).toBe(0); // no more editing

    const [download] = await Promise.all([page.waitForEvent("download"), page.getByRole("link", { name: "Tải về Excel (XLSX)" }).click()]);
    expect(download.suggestedFilename()).toBe(`bao-cao-thang-${COMMUNE}-${MONTH}.xlsx`);
    const wb = new ExcelJS.Workbook();
    await wb.xlsx.load(readFileSync((await download.path())!) as unknown as ArrayBuffer);
    const sheet = wb.getWorksheet("Báo cáo")!;
    const cells = new Map<string, unknown>();
    sheet.eachRow((row) => cells.set(String(row.getCell(2).value ?? ""), row.getCell(3).value));
    expect(cells.get("Tổng số hồ sơ tiếp nhận")).toBe(3);
    expect(cells.get("Tiếp nhận qua dịch vụ bưu chính công ích")).toBe(1);
    expect(String(sheet.getCell("B2").value)).toMatch(/^Đã nộp \(Lê Thị Hoa\)/);
    await context.close();
  }, 120_000);
});
