/**
 * One console, one header: a commune officer and a post office clerk, signed in on a phone-sized
 * screen (360 px) in Debian's Chromium, go through every page of their navigation — and a page
 * their role may not open, and an address that does not exist — and find the same header on
 * each: the brand linking home, the same menu, their name and unit, the sign-out button. The
 * printable list of residents an announcement did not reach prints from a button (the pages'
 * CSP runs no `javascript:` link). An error page says what is wrong in Vietnamese alone. The home
 * page names each landmark once (axe-core's landmark-unique).
 */
import { randomBytes } from "node:crypto";
import { createRequire } from "node:module";
import { type Browser, type Page } from "playwright-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { launchChromium, seriousViolations, submitSignIn } from "../support/browser.js";
import { startTestApp, type TestApp } from "../support/app.js";
import { cloneTestDatabase } from "../support/databases.js";

const COMMUNE = "29955"; // Phường Hồng Ngự
const PASSWORD = "Sen-hong-nguyen-2026";
let database: Awaited<ReturnType<typeof cloneTestDatabase>>;
let t: TestApp;
let browser: Browser;
let officer: string;
let clerk: string;
let broadcastId: string;

beforeAll(async () => {
  database = await cloneTestDatabase();
  t = await startTestApp({ DATABASE_URL: database.url, QUEUE_PREFIX: `el${randomBytes(4).toString("hex")}` });
  const tag = randomBytes(3).toString("hex");
  officer = (await t.ctx.staffAccounts.create({ username: `lan.${tag}`, fullName: "Nguyễn Thị Lan", role: "commune_staff", unitCode: COMMUNE })).username;
  clerk = (await t.ctx.staffAccounts.create({ username: `hoa.${tag}`, fullName: "Lê Thị Hoa", role: "post_office_staff", unitCode: "82" })).username;
  for (const u of [officer, clerk]) await t.ctx.staffAccounts.setPasswordForDemo(u, PASSWORD);
  broadcastId = (
    await t.ctx.db.broadcast.create({
      data: { communeCode: COMMUNE, title: "Lịch tiêm chủng", body: "Trạm y tế tiêm vắc-xin sởi ngày 5/12.", status: "SENT", startedAt: new Date(), sentAt: new Date(), createdBy: "api-key:x", createdByName: "Cán bộ" },
    })
  ).id;
  // Waiting for a second officer's approval: the home page lists it in a table.
  await t.ctx.db.broadcast.create({
    data: { communeCode: COMMUNE, title: "Khẩn: triều cường", body: "Di dời tài sản lên cao.", urgent: true, status: "AWAITING_APPROVAL", createdBy: "api-key:x", createdByName: "Cán bộ" },
  });
  browser = await launchChromium();
});
afterAll(async () => {
  await browser?.close();
  await t?.close();
  await database?.drop();
});

/** The header as a person reads it, and its parts a test can name. */
async function header(page: Page) {
  const h = page.locator("header.site-header");
  return {
    text: (await h.innerText()).replace(/\s+/g, " ").trim(),
    brand: await h.getByRole("link", { name: "Một cửa – Cán bộ" }).getAttribute("href"),
    signOut: await h.getByRole("button", { name: "Đăng xuất" }).count(),
  };
}

async function signedIn(username: string): Promise<Page> {
  const context = await browser.newContext({ viewport: { width: 360, height: 740 }, bypassCSP: true, locale: "vi-VN" });
  const page = await context.newPage();
  await page.goto(`${t.baseUrl}/staff/login`);
  await submitSignIn(page, username, PASSWORD);
  await page.waitForURL((url) => url.pathname === "/staff");
  return page;
}

/** Every page of the console's menu, then the extra addresses: the same header on each, none wider than the screen. */
async function sameHeaderEverywhere(page: Page, unit: string, extra: string[]): Promise<string[]> {
  const home = await header(page);
  expect(home.brand).toBe("/staff");
  expect(home.signOut).toBe(1);
  expect(home.text).toContain(unit);
  const links = await page.locator("header nav a").evaluateAll((as) => as.map((a) => (a as HTMLAnchorElement).pathname));
  const visited: string[] = [];
  for (const path of [...links, ...extra]) {
    await page.goto(`${t.baseUrl}${path}`);
    const here = await header(page);
    expect({ path, brand: here.brand, signOut: here.signOut }).toEqual({ path, brand: "/staff", signOut: 1 });
    expect(here.text, path).toBe(home.text);
    expect(await page.evaluate(() => document.documentElement.scrollWidth), path).toBeLessThanOrEqual(360);
    visited.push(path);
  }
  return visited;
}

describe("the console's header", () => {
  it("is the same on every page a commune officer opens, its own pages and error pages alike", async () => {
    const page = await signedIn(officer);
    const visited = await sameHeaderEverywhere(page, "Phường Hồng Ngự", ["/staff/broadcasts/new", `/staff/broadcasts/${broadcastId}`, `/staff/broadcasts/${broadcastId}/unreached`, "/staff/no-such-page", "/staff/bookings/BK-NOPE"]);
    expect(visited).toEqual(expect.arrayContaining(["/staff/broadcasts", "/staff/hamlets", "/staff/dossiers", "/staff/reports"]));
    await page.context().close();
  });

  it("is the same for a post office clerk, on a page of a role not theirs too", async () => {
    const page = await signedIn(clerk);
    await sameHeaderEverywhere(page, "Tỉnh Đồng Tháp", ["/staff/broadcasts", "/staff/hamlets"]);
    await page.goto(`${t.baseUrl}/staff/hamlets`);
    expect(await page.locator("h1").textContent()).toBe("Không được phép");
    await page.context().close();
  });

  it("says what is wrong in Vietnamese only, without the API's English gloss", async () => {
    const page = await signedIn(officer);
    for (const [path, says] of [
      ["/staff/dossiers/H15.NOPE-1", "Không có hồ sơ H15.NOPE-1 trong đơn vị của bạn."],
      ["/staff/reports?unit=30001&month=2026-11", "Không có đơn vị 30001 trong phạm vi của bạn."],
    ] as const) {
      await page.goto(`${t.baseUrl}${path}`);
      expect(await page.locator("h1").textContent(), path).toBe("Không tìm thấy");
      expect(await page.locator("main p").first().textContent(), path).toBe(says);
    }
    await page.context().close();
  });

  it("names each landmark of the home page once: a table's scroll region is not named like the section around it", async () => {
    const page = await signedIn(officer);
    await page.getByRole("link", { name: "Khẩn: triều cường" }).waitFor();
    await page.addScriptTag({ path: createRequire(import.meta.url).resolve("axe-core/axe.min.js") });
    const duplicates = await page.evaluate(async () => {
      const axe = (window as unknown as { axe: { run(o: object): Promise<{ violations: { nodes: { target: string[] }[] }[] }> } }).axe;
      return (await axe.run({ runOnly: ["landmark-unique"] })).violations.flatMap((v) => v.nodes.map((n) => n.target.join(" ")));
    });
    expect(duplicates).toEqual([]);
    await page.context().close();
  });

  it("prints the list of residents not reached from a button, not a javascript: link", async () => {
    const page = await signedIn(officer);
    await page.goto(`${t.baseUrl}/staff/broadcasts/${broadcastId}/unreached`);
    expect(await page.locator('a[href^="javascript:"]').count()).toBe(0);
    const print = page.getByRole("button", { name: "In danh sách" });
    await print.waitFor(); // shown by the bundled script
    await page.evaluate(() => {
      (window as unknown as { printed: number }).printed = 0;
      window.print = () => void ((window as unknown as { printed: number }).printed += 1);
    });
    await print.click();
    expect(await page.evaluate(() => (window as unknown as { printed: number }).printed)).toBe(1);
    expect(await seriousViolations(page)).toEqual([]);
    await page.context().close();
  });
});
