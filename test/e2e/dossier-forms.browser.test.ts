/**
 * Forms 04 and 05 in a real headless Chromium (Debian's chromium, playwright-core) on a phone's
 * screen, checked with axe-core: an officer signs in, opens a dossier, issues the apology with a
 * new date from its page (a plain form with the CSRF token), sees it in the history, opens the
 * letter's print view and prints it (the bundled script's button), records a hand-over, opens
 * form 05's print view (print CSS) and downloads its PDF.
 */
import { randomBytes } from "node:crypto";
import { readFile } from "node:fs/promises";
import { type Browser, type BrowserContext } from "playwright-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { dossierEventSchema } from "../../src/dossiers/event-schema.js";
import { launchChromium, seriousViolations, submitSignIn } from "../support/browser.js";
import { startTestApp, type TestApp } from "../support/app.js";
import { cloneTestDatabase } from "../support/databases.js";

const COMMUNE = "29955"; // Phường Hồng Ngự
const PASSWORD = "Hoa-sen-Hong-Ngu-2026";
const DAY = 86_400_000;
let database: Awaited<ReturnType<typeof cloneTestDatabase>>;
let t: TestApp;
let browser: Browser;
let username: string;
const code = `H15.50.05.13-261125-${String(Math.floor(Math.random() * 9000) + 1000)}`;
const vnDay = (offsetDays: number) => new Date(Date.now() + 7 * 3600_000 + offsetDays * DAY).toISOString().slice(0, 10);

beforeAll(async () => {
  database = await cloneTestDatabase();
  t = await startTestApp({ DATABASE_URL: database.url, QUEUE_PREFIX: `ef${randomBytes(4).toString("hex")}` });
  const base = { dossierCode: code, communeCode: COMMUNE, channel: "POSTAL", procedure: { code: "1.001193", name: "Đăng ký khai sinh" }, applicant: { fullName: "Lê Thị Hoa", phone: "0912000377" } };
  await t.ctx.ingest.ingest(
    [
      dossierEventSchema.parse({ ...base, eventId: `e1-${code}`, status: "POSTAL_HANDED_TO_DESK", occurredAt: new Date(Date.now() - 3 * DAY).toISOString(), note: "Số hiệu bưu gửi EB987654321VN" }),
      dossierEventSchema.parse({ ...base, eventId: `e2-${code}`, status: "RECEIVED", occurredAt: new Date(Date.now() - 3 * DAY + 60_000).toISOString(), dueAt: new Date(Date.now() + 2 * DAY).toISOString() }),
    ],
    { source: "UPSTREAM" },
  );
  username = `hoa.${randomBytes(3).toString("hex")}`;
  await t.ctx.staffAccounts.create({ username, fullName: "Nguyễn Thị Thu", role: "commune_staff", unitCode: COMMUNE });
  await t.ctx.staffAccounts.setPasswordForDemo(username, PASSWORD);
  browser = await launchChromium();
});
afterAll(async () => {
  await browser?.close();
  await t?.close();
  await database?.drop();
});

/** A phone's screen; bypassCSP only so the test can inject axe-core. */
const phone = (): Promise<BrowserContext> => browser.newContext({ viewport: { width: 390, height: 844 }, bypassCSP: true, locale: "vi-VN", acceptDownloads: true });

describe("forms 04 and 05 in a browser", () => {
  it("issues an apology from the dossier page, prints the letter, records a hand-over and opens form 05's print view", async () => {
    const ctx = await phone();
    const page = await ctx.newPage();
    await page.goto(`${t.baseUrl}/staff/dossiers/${encodeURIComponent(code)}`);
    await page.waitForURL(/\/staff\/login/);
    await submitSignIn(page, username, PASSWORD);
    await page.waitForURL((url) => url.pathname === `/staff/dossiers/${encodeURIComponent(code)}` || url.pathname === `/staff/dossiers/${code}`);
    await expect.poll(() => page.locator("h1").textContent()).toBe(`Hồ sơ ${code}`);
    // The postal event's own hand-over is in the history already.
    await page.getByText("ghi tự động theo sự kiện bưu chính").waitFor();
    expect(await seriousViolations(page)).toEqual([]);

    // The apology, from the page's form.
    await page.getByLabel(/Ngày hẹn trả kết quả mới/).fill(vnDay(6));
    await page.getByLabel("Lý do chậm trễ").fill("Cần xác minh thông tin khai sinh với nơi sinh của trẻ.");
    await page.getByRole("button", { name: "Lập phiếu xin lỗi và hẹn lại" }).click();
    await page.getByText("Đã lập phiếu xin lỗi và hẹn lại ngày trả kết quả").waitFor();
    await page.getByText("Cần xác minh thông tin khai sinh với nơi sinh của trẻ.").first().waitFor();
    expect(await page.getByRole("button", { name: "Lập phiếu xin lỗi và hẹn lại" }).count()).toBe(0); // once only
    expect(await seriousViolations(page)).toEqual([]);
    const dossier = await t.ctx.db.dossier.findUniqueOrThrow({ where: { code }, include: { apology: true } });
    expect(dossier.apology).toMatchObject({ issuedByName: "Nguyễn Thị Thu", late: false, issuedBy: expect.stringMatching(/^session:/) });
    expect(await t.ctx.db.notice.count({ where: { dossierId: dossier.id, type: "DELAYED" } })).toBe(1);

    // The letter's print view: the print button comes from the bundled script (no inline script under the CSP).
    await page.getByRole("link", { name: "Xem và in phiếu (mẫu 04)" }).click();
    await page.getByRole("heading", { name: "PHIẾU XIN LỖI VÀ HẸN LẠI NGÀY TRẢ KẾT QUẢ" }).waitFor();
    await page.getByText("Kính gửi: Ông/Bà Lê Thị Hoa").waitFor();
    expect(await seriousViolations(page)).toEqual([]);
    await page.evaluate(() => {
      (window as unknown as { printed: number }).printed = 0;
      window.print = () => {
        (window as unknown as { printed: number }).printed++;
      };
    });
    await page.getByRole("button", { name: "In phiếu" }).click();
    expect(await page.evaluate(() => (window as unknown as { printed: number }).printed)).toBe(1);
    await page.goBack();

    // A hand-over, from the page's form.
    await page.getByText("Ghi nhận một lần giao nhận").click();
    await page.getByLabel("Cơ quan nhận").fill("Công chức Tư pháp - Hộ tịch");
    await page.getByLabel("Người nhận").fill("Phạm Văn Long");
    await page.getByRole("button", { name: "Ghi nhận giao nhận" }).click();
    await page.getByText("Đã ghi nhận việc giao nhận hồ sơ vào phiếu kiểm soát.").waitFor();
    expect(await seriousViolations(page)).toEqual([]);

    // Form 05's print view: the table with both hand-overs; printed without the console's header.
    await page.getByRole("link", { name: "Xem và in phiếu kiểm soát (mẫu 05)" }).click();
    await page.getByRole("heading", { name: "PHIẾU KIỂM SOÁT QUÁ TRÌNH GIẢI QUYẾT HỒ SƠ" }).waitFor();
    const rows = page.locator(".form-table tbody tr");
    expect(await rows.count()).toBe(2);
    expect(await rows.nth(0).textContent()).toContain("Giao: Bưu điện");
    expect(await rows.nth(1).textContent()).toContain("Người nhận: Phạm Văn Long");
    expect(await rows.nth(1).textContent()).toContain("Trước hạn");
    expect(await seriousViolations(page)).toEqual([]);
    expect(await page.getByRole("button", { name: "In phiếu" }).isVisible()).toBe(true);
    await page.emulateMedia({ media: "print" });
    expect(await page.locator(".site-header").isVisible()).toBe(false);
    expect(await page.getByRole("button", { name: "In phiếu" }).isVisible()).toBe(false);
    await page.emulateMedia({ media: "screen" });

    // Its PDF downloads.
    const [download] = await Promise.all([page.waitForEvent("download"), page.getByRole("link", { name: "Tải PDF" }).click()]);
    expect(download.suggestedFilename()).toBe(`mau-05-${code}.pdf`);
    const file = await readFile((await download.path())!);
    expect(file.subarray(0, 5).toString()).toBe("%PDF-");
    await ctx.close();
  });
});
