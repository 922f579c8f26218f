/**
 * The console's hamlets page and the public commune page in a real headless Chromium (Debian's
 * chromium, driven by playwright-core), checked with axe-core: staff add a hamlet, import a list
 * (a preview with a row in error first, then a file read into the form, then saved); the public
 * page, its poster, and its Atom feed parsed by the browser's XML parser.
 */
import { randomBytes } from "node:crypto";
import { type Browser, type BrowserContext, type Page } from "playwright-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { launchChromium, seriousViolations } from "../support/browser.js";
import { startTestApp, type TestApp } from "../support/app.js";
import { cloneTestDatabase } from "../support/databases.js";

const COMMUNE = "30001"; // Xã Tràm Chim
let database: Awaited<ReturnType<typeof cloneTestDatabase>>;
let t: TestApp;
let browser: Browser;
let staff: BrowserContext;

beforeAll(async () => {
  database = await cloneTestDatabase();
  t = await startTestApp({ DATABASE_URL: database.url, QUEUE_PREFIX: `eh${randomBytes(4).toString("hex")}`, TELEGRAM_BOT_USERNAME: "motcua_test_bot" });
  const { key } = await t.ctx.apiKeys.create({ name: "Cán bộ Tràm Chim", role: "COMMUNE_STAFF", unitCode: COMMUNE });
  await t.ctx.db.broadcast.create({
    data: { communeCode: COMMUNE, title: "Lịch tiêm chủng tháng 12", body: "Trạm y tế tiêm vắc-xin sởi ngày 5/12.\nMang theo sổ tiêm.", urgent: true, status: "SENT", startedAt: new Date(), sentAt: new Date(), createdBy: "api-key:x", createdByName: "Cán bộ" },
  });
  browser = await launchChromium();
  // Until the console's sign-in exists, the staff browser sends the API key; bypassCSP lets the test inject axe-core.
  staff = await browser.newContext({ extraHTTPHeaders: { authorization: `Bearer ${key}` }, bypassCSP: true, viewport: { width: 390, height: 844 } });
});
afterAll(async () => {
  await browser?.close();
  await t?.close();
  await database?.drop();
});


describe("the hamlets page in a browser", () => {
  it("adds a hamlet, previews an import with a row in error, then imports a file", async () => {
    const page = await staff.newPage();
    await page.goto(`${t.baseUrl}/staff/hamlets`);
    await expect.poll(() => page.locator("h1").textContent()).toBe("Ấp, khóm của Xã Tràm Chim");
    expect(await seriousViolations(page)).toEqual([]);

    await page.getByLabel("Tên ấp/khóm").fill("Ấp Tân Hòa");
    await page.getByRole("button", { name: "Thêm", exact: true }).click();
    await page.getByText("Đã thêm ấp/khóm.").waitFor();
    await page.getByRole("rowheader", { name: "Ấp Tân Hòa" }).waitFor();

    // A preview with an error: the summary links to the row; nothing saved, no save button.
    await page.getByRole("textbox", { name: /^Danh sách/ }).fill("Khóm 1\nKhóm 2\nkhom 1\nẤp Tân Hòa\n");
    await page.getByRole("button", { name: "Xem trước", exact: true }).click();
    const summary = page.locator(".error-summary");
    await summary.waitFor();
    expect(await summary.textContent()).toContain("Dòng 3: trùng tên với dòng 1");
    expect(await page.locator("#import-row-4").textContent()).toContain("Đã có, bỏ qua");
    expect(await page.getByRole("button", { name: /^Lưu \d+ ấp\/khóm mới$/ }).count()).toBe(0);
    expect(await seriousViolations(page)).toEqual([]);
    await summary.getByRole("link", { name: /Dòng 3/ }).click();
    expect(page.url()).toMatch(/#import-row-3$/);
    expect(await t.ctx.db.hamlet.count({ where: { communeCode: COMMUNE } })).toBe(1);

    // A file chosen is read into the list (progressive enhancement), previewed, then saved.
    await page.getByLabel("Chọn tệp CSV").setInputFiles({ name: "ap.csv", mimeType: "text/csv", buffer: Buffer.from("\uFEFFcode,name\nK1,Khóm 1\nK2,Khóm 2\n,Ấp Tân Hòa\n", "utf8") });
    await expect.poll(() => page.getByRole("textbox", { name: /^Danh sách/ }).inputValue()).toContain("K2,Khóm 2");
    await page.getByRole("button", { name: "Xem trước", exact: true }).click();
    await page.getByText("Xem trước: 2 mới, 1 đã có, 0 lỗi").waitFor();
    expect(await t.ctx.db.hamlet.count({ where: { communeCode: COMMUNE } })).toBe(1);
    await page.getByRole("button", { name: "Lưu 2 ấp/khóm mới" }).click();
    await page.getByText("Đã nhập 2 ấp/khóm mới.").waitFor();
    expect((await page.getByRole("rowheader").allTextContents()).map((s) => s.trim())).toEqual(["Ấp Tân Hòa", "Khóm 1", "Khóm 2"]);
    expect(await seriousViolations(page)).toEqual([]);
    await page.close();
  });
});

describe("the public commune page in a browser", () => {
  it("shows the announcements and the poster accessibly, and serves a feed that parses as Atom", async () => {
    const context = await browser.newContext({ bypassCSP: true });
    const page = await context.newPage();
    await page.goto(`${t.baseUrl}/xa/${COMMUNE}`);
    await page.getByRole("heading", { name: /Lịch tiêm chủng tháng 12/ }).waitFor();
    expect(await page.locator(".tag.urgent").first().textContent()).toBe("Khẩn");
    expect(await seriousViolations(page)).toEqual([]);

    const feed = await page.evaluate(async (url) => {
      const text = await (await fetch(url)).text();
      const doc = new DOMParser().parseFromString(text, "application/xml");
      const ns = "http://www.w3.org/2005/Atom";
      return {
        error: doc.getElementsByTagName("parsererror").length,
        root: `${doc.documentElement.namespaceURI} ${doc.documentElement.localName}`,
        entries: Array.from(doc.getElementsByTagNameNS(ns, "entry")).map((e) => ({
          id: e.getElementsByTagNameNS(ns, "id")[0]?.textContent,
          title: e.getElementsByTagNameNS(ns, "title")[0]?.textContent,
          content: e.getElementsByTagNameNS(ns, "content")[0]?.textContent,
        })),
      };
    }, `/xa/${COMMUNE}/feed.xml`);
    expect(feed.error).toBe(0);
    expect(feed.root).toBe("http://www.w3.org/2005/Atom feed");
    expect(feed.entries).toHaveLength(1);
    expect(feed.entries[0]!.id).toMatch(/^urn:uuid:[0-9a-f-]{36}$/);
    expect(feed.entries[0]!.title).toBe("[Khẩn] Lịch tiêm chủng tháng 12");
    expect(feed.entries[0]!.content).toContain("Mang theo sổ tiêm.");

    await page.goto(`${t.baseUrl}/xa/${COMMUNE}/poster`);
    const qr = page.getByRole("img", { name: /Mã QR: Telegram/ });
    await qr.waitFor();
    expect(await qr.evaluate((img: HTMLImageElement) => img.complete && img.naturalWidth > 0)).toBe(true);
    expect(await page.getByRole("button", { name: "In tờ này" }).isVisible()).toBe(true);
    expect(await seriousViolations(page)).toEqual([]);

    // The web chat, which cannot send announcements, answers with a link to this page.
    await page.goto(`${t.baseUrl}/chat`);
    await expect.poll(() => page.locator(".msg.bot").first().textContent()).toMatch(/Xin chào ông\/bà!/);
    await page.fill("#q", "đăng ký nhận thông báo của xã");
    await page.press("#q", "Enter");
    await page.getByText("xã/phường nào", { exact: false }).waitFor();
    await page.fill("#q", "Tràm Chim");
    await page.press("#q", "Enter");
    const link = page.locator(`.msg.bot a[href$="/xa/${COMMUNE}"]`);
    await link.waitFor();
    expect(await link.textContent()).toMatch(new RegExp(`/xa/${COMMUNE}$`));
    await context.close();
  });
});
