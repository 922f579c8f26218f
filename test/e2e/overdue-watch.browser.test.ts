/**
 * The overdue watch in a real headless Chromium (Debian's chromium, playwright-core) on a phone's
 * screen: an officer's first page lists her unit's overdue dossier first, with a link to it; she
 * opens the Telegram page, makes a link code, the bot (the real engine) takes it, and she unlinks.
 * axe-core checks every page on the way.
 */
import { randomBytes } from "node:crypto";
import type { Browser } from "playwright-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { launchChromium, seriousViolations, submitSignIn } from "../support/browser.js";
import { startNotifyStack, type NotifyStack } from "../support/notify-stack.js";

let s: NotifyStack;
let browser: Browser;
const username = `hoa.${randomBytes(3).toString("hex")}`;
const PASSWORD = "Hoa-nhac-viec-2026";
let code = "";

beforeAll(async () => {
  s = await startNotifyStack({ worker: false, env: { TELEGRAM_BOT_USERNAME: "motcua_test_bot" } });
  await s.ctx.staffAccounts.create({ username, fullName: "Lê Thị Hoa", role: "commune_staff", unitCode: "29955" });
  await s.ctx.staffAccounts.setPasswordForDemo(username, PASSWORD);
  const e = s.event({ occurredAt: new Date(Date.now() - 60_000).toISOString(), dueAt: new Date(Date.now() - 9 * 86_400_000).toISOString(), applicant: { fullName: "Phan Văn Tâm", phone: "0912000321" } });
  expect((await s.post("/api/v1/dossier-events", e)).status).toBe(202);
  code = e.dossierCode as string;
  await s.ctx.overdueWatch.mark();
  browser = await launchChromium();
});
afterAll(async () => {
  await browser?.close();
  await s?.close();
});

describe("the overdue watch in a browser", () => {
  it("shows the overdue dossier first, then links and unlinks Telegram with a one-time code", async () => {
    const ctx = await browser.newContext({ viewport: { width: 390, height: 844 }, bypassCSP: true, locale: "vi-VN" });
    const page = await ctx.newPage();
    await page.goto(`${s.baseUrl}/staff`);
    await page.waitForURL(/\/staff\/login/);
    await submitSignIn(page, username, PASSWORD);
    await page.waitForURL((url) => url.pathname === "/staff");

    const watched = page.locator("section[aria-labelledby=watched-title]");
    await watched.getByRole("link", { name: code }).waitFor();
    expect(await watched.textContent()).toMatch(/Quá hạn \d+ ngày làm việc/);
    expect(await watched.textContent()).toContain("Phan Văn Tâm (…21)");
    expect(await seriousViolations(page)).toEqual([]);

    await page.getByRole("navigation").getByRole("link", { name: "Telegram" }).click();
    await page.waitForURL(/\/staff\/telegram$/);
    expect(await seriousViolations(page)).toEqual([]);
    await page.getByRole("button", { name: "Tạo mã liên kết" }).click();
    const shown = (await page.locator("[data-link-code]").textContent())!.trim();
    expect(shown).toMatch(/^\d{8}$/);
    expect(await page.getByRole("link", { name: "liên kết này trên Telegram" }).getAttribute("href")).toBe(`https://t.me/motcua_test_bot?start=staff_${shown}`);
    expect(await seriousViolations(page)).toEqual([]);

    // Sent to the bot from a Telegram chat.
    const replies = await s.ctx.bot.handle({ conversation: { channel: "TELEGRAM", id: "7654321" }, message: { kind: "text", text: `/lienket ${shown}` } });
    expect(replies[0]?.text).toContain("Đã liên kết Telegram này với tài khoản cán bộ Lê Thị Hoa");

    await page.goto(`${s.baseUrl}/staff/telegram`);
    await page.getByText("Telegram của bạn đã được liên kết").waitFor();
    await page.getByRole("button", { name: "Hủy liên kết Telegram" }).click();
    await page.waitForURL(/\/staff\/telegram\?ok=unlinked$/);
    await page.getByText("Đã hủy liên kết Telegram.").waitFor();
    expect(await seriousViolations(page)).toEqual([]);
    expect((await s.ctx.db.staffUser.findUnique({ where: { username } }))?.telegramChatId).toBeNull();
    await ctx.close();
  });
});
