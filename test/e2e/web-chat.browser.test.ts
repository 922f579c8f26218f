/**
 * The web chat in a real headless Chromium (Debian's chromium, driven by playwright-core).
 */
import { randomBytes } from "node:crypto";
import { createRequire } from "node:module";
import type { Browser } from "playwright-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { launchChromium } from "../support/browser.js";
import { dossierEventSchema } from "../../src/dossiers/event-schema.js";
import { startTestApp, type TestApp } from "../support/app.js";

let t: TestApp;
let browser: Browser;
const code = `H15.50.05.13-261122-${String(Math.floor(Math.random() * 9000) + 1000)}`;

beforeAll(async () => {
  t = await startTestApp();
  await t.ctx.ingest.ingest(
    [dossierEventSchema.parse({ eventId: `e2e-${randomBytes(4).toString("hex")}`, dossierCode: code, status: "RESULT_READY", occurredAt: "2026-11-22T08:00:00+07:00", procedure: { code: "1.004873" }, applicant: { phone: "0915550123" }, communeCode: "29955", dueAt: "2026-11-25T17:00:00+07:00" })],
    { source: "UPSTREAM" },
  );
  browser = await launchChromium();
});
afterAll(async () => {
  await browser?.close();
  await t?.close();
});

describe("web chat in a browser", () => {
  it("greets, answers a documents question, follows a button, and tracks a dossier with proof", async () => {
    const page = await browser.newPage();
    await page.goto(`${t.baseUrl}/chat`);
    await expect.poll(() => page.locator(".msg.bot").first().textContent()).toMatch(/Xin chào ông\/bà!/);

    await page.fill("#q", "xin giấy xác nhận độc thân để làm hồ sơ vay vốn");
    await page.press("#q", "Enter");
    await page.getByText("Cấp Giấy xác nhận tình trạng hôn nhân (mã 1.004873)", { exact: false }).waitFor();
    await page.getByRole("button", { name: "Lệ phí" }).last().click();
    // the fee's own answer (the whole answer above has "💰 Lệ phí:" in its summary too)
    await page.locator(".msg.bot", { hasText: /\(mã 1\.004873\)\n💰 Lệ phí:/ }).waitFor();
    expect(await page.locator(".msg.bot").last().textContent()).toMatch(/^📄 Cấp Giấy xác nhận tình trạng hôn nhân \(mã 1\.004873\)\n💰 Lệ phí:/);

    await page.fill("#q", `tra cứu ${code}`);
    await page.press("#q", "Enter");
    await page.getByText("4 số cuối số điện thoại", { exact: false }).waitFor();
    await page.fill("#q", "0123");
    await page.press("#q", "Enter");
    await page.getByText("Tình trạng: Đã có kết quả", { exact: false }).waitFor();
    const transcript = (await page.locator(".msg").allTextContents()).join("\n");
    expect(transcript).toContain(`Hồ sơ ${code}`);
    // The conversation lives in the server's HttpOnly cookie: the page can neither read nor choose it.
    expect(await page.evaluate(() => document.cookie)).not.toContain("motcua_chat");
    expect(await page.evaluate(() => Object.keys(localStorage))).toEqual([]);
    const cookies = await page.context().cookies();
    expect(cookies.find((c) => c.name === "motcua_chat")).toMatchObject({ httpOnly: true, sameSite: "Lax", path: "/api/v1/chat" });
    await page.close();
  });

  it("on a phone-width screen, a long answer is shown from the procedure's name, its summary under it", async () => {
    const page = await browser.newPage({ viewport: { width: 360, height: 640 } });
    await page.goto(`${t.baseUrl}/chat`);
    await expect.poll(() => page.locator(".msg.bot").first().textContent()).toMatch(/Xin chào ông\/bà!/);
    await page.fill("#q", "đăng ký kết hôn cần giấy tờ gì");
    await page.press("#q", "Enter");
    const answer = page.locator(".msg.bot", { hasText: "Giấy tờ cần nộp" }).last();
    await answer.waitFor();
    expect(await answer.textContent()).toMatch(/^📄 Đăng ký kết hôn \(mã 1\.000894\)\n📍 Nơi nộp: [^\n]+\n⏱ Thời hạn: [^\n]+ · 💰 Lệ phí: [^\n]+\n📮 /);
    const box = (await answer.boundingBox())!;
    expect(box.height).toBeGreaterThan(640); // longer than the screen: the case the layout is for
    // the answer's first line (the name) is on the screen, not scrolled off above it
    await expect.poll(async () => (await answer.boundingBox())!.y).toBeGreaterThan(-1);
    expect((await answer.boundingBox())!.y).toBeLessThan(640 / 4);
    await page.close();
  });
  it("a lost marriage certificate: the variants are buttons best first, and the copy extract answers when pressed", async () => {
    const page = await browser.newPage();
    await page.goto(`${t.baseUrl}/chat`);
    await expect.poll(() => page.locator(".msg.bot").first().textContent()).toMatch(/Xin chào ông\/bà!/);
    await page.fill("#q", "vợ chồng tôi làm mất giấy kết hôn, muốn làm lại");
    await page.press("#q", "Enter");
    await page.getByText("Việc đăng ký kết hôn của ông/bà thuộc trường hợp nào?").waitFor();
    const api = (await (await fetch(`${t.baseUrl}/api/v1/procedures?q=${encodeURIComponent("vợ chồng tôi làm mất giấy kết hôn, muốn làm lại")}&limit=3`)).json()) as { results: { variant?: string }[] };
    const labels = await page.locator(".buttons").last().locator("button").allTextContents();
    // the variants first, labelled by their case (other procedures, unlabelled, may follow them)
    const variants = api.results.flatMap((r) => (r.variant ? [r.variant] : []));
    expect(variants.length).toBeGreaterThanOrEqual(2);
    expect(labels.slice(0, variants.length)).toEqual(variants.map((v) => (v.length > 60 ? `${v.slice(0, 59).replace(/[\s,;:.–-]+$/u, "")}…` : v)));
    await page.getByRole("button", { name: /^Trích lục kết hôn/ }).click();
    await page.locator(".msg.bot", { hasText: "(mã 2.000635)" }).waitFor();
    expect(await page.locator(".msg.bot").last().textContent()).toMatch(/^📄 Cấp bản sao Trích lục hộ tịch [^\n]*\(mã 2\.000635\)\n📍 Nơi nộp: /);
    await page.close();
  });
  it("on a phone-width screen, the page has a heading and its question form is a landmark: axe finds nothing, moderate included", async () => {
    // a screen reader's user jumps by headings and landmarks; the page had neither for the form
    const ctx = await browser.newContext({ viewport: { width: 360, height: 740 }, bypassCSP: true, locale: "vi-VN" });
    const page = await ctx.newPage();
    await page.goto(`${t.baseUrl}/chat`);
    await page.locator(".buttons button").first().waitFor();
    await expect(page.getByRole("heading", { level: 1, name: "Trợ lý thủ tục hành chính một cửa" }).isVisible()).resolves.toBe(true);
    await page.getByRole("form", { name: "Gửi câu hỏi" }).getByRole("textbox", { name: "Câu hỏi" }).fill("xin giấy xác nhận độc thân");
    await page.press("#q", "Enter");
    await page.getByText("(mã 1.004873)", { exact: false }).first().waitFor();
    await page.addScriptTag({ path: createRequire(import.meta.url).resolve("axe-core/axe.min.js") });
    const violations = await page.evaluate(async () => {
      const axe = (window as unknown as { axe: { run(): Promise<{ violations: { id: string; nodes: { target: string[] }[] }[] }> } }).axe;
      return (await axe.run()).violations.map((v) => `${v.id}: ${v.nodes.map((n) => n.target.join(" ")).join(", ")}`);
    });
    expect(violations).toEqual([]);
    await ctx.close();
  });
});
