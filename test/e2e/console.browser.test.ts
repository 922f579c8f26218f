/**
 * The staff console in a real headless Chromium (Debian's chromium, playwright-core), on the real
 * PostgreSQL, Redis and BullMQ workers with the fake Telegram and Zalo: an officer signs in with
 * the one-time password and chooses her own, adds a hamlet, composes an announcement, previews it,
 * sends it and watches the live progress reach the end; then an urgent one waits until a second
 * officer, in a browser of his own, approves it. axe-core checks every page on the way.
 */
import { randomBytes, randomUUID } from "node:crypto";
import { type Browser, type BrowserContext, type Page } from "playwright-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { launchChromium, seriousViolations, submitSignIn } from "../support/browser.js";
import { startNotifyStack, type NotifyStack } from "../support/notify-stack.js";

const COMMUNE = "29955"; // Phường Hồng Ngự
const NEW_PASSWORD = "Sen-hong-nguyen-2026";
let s: NotifyStack;
let browser: Browser;
let lan: { username: string; oneTimePassword: string };
let minh: { username: string; password: string };

beforeAll(async () => {
  s = await startNotifyStack({ env: { RATE_LIMITS: "off", BROADCAST_TICK_MS: "300", PROVIDER_TIMEOUT_MS: "15000" } });
  const tag = randomBytes(3).toString("hex");
  lan = await s.ctx.staffAccounts.create({ username: `lan.${tag}`, fullName: "Nguyễn Thị Lan", role: "commune_staff", unitCode: COMMUNE });
  const m = await s.ctx.staffAccounts.create({ username: `minh.${tag}`, fullName: "Trần Văn Minh", role: "commune_staff", unitCode: COMMUNE });
  minh = { username: m.username, password: "Minh-phe-duyet-2026" };
  await s.ctx.staffAccounts.setPasswordForDemo(minh.username, minh.password);
  browser = await launchChromium();
});
afterAll(async () => {
  await browser?.close();
  await s?.close();
});

/** A browser of its own (cookies apart), on a phone's screen; bypassCSP only so the test can inject axe-core. */
const phone = (): Promise<BrowserContext> => browser.newContext({ viewport: { width: 390, height: 844 }, bypassCSP: true, locale: "vi-VN" });


async function signIn(page: Page, username: string, password: string): Promise<void> {
  await page.goto(`${s.baseUrl}/staff`);
  await page.waitForURL(/\/staff\/login/);
  await submitSignIn(page, username, password);
}

/** Residents who subscribed in the bot to this hamlet (as the bot's flow leaves them). */
async function residents(hamletId: string, telegram: number, zalo: number): Promise<void> {
  const rows = [...Array.from({ length: telegram }, () => ["TELEGRAM", String(6_000_000_000 + Math.floor(Math.random() * 1e9))]), ...Array.from({ length: zalo }, () => ["ZALO_OA", `z${randomBytes(6).toString("hex")}`])];
  const ids = rows.map(() => randomUUID());
  await s.ctx.pool.query(
    `INSERT INTO "ChannelIdentity" (id, channel, "externalId", "displayName", "consentAt", reachable, "lastInteractionAt", "updatedAt")
     SELECT t.id, t.channel::"ChannelKind", t.ext, 'Cư dân', now(), true, now(), now() FROM unnest($1::uuid[], $2::text[], $3::text[]) AS t(id, channel, ext)`,
    [ids, rows.map((r) => r[0]), rows.map((r) => r[1])],
  );
  await s.ctx.pool.query(`INSERT INTO "Subscription" (id, kind, "identityId", "communeCode", "hamletId") SELECT gen_random_uuid(), 'AREA', i, $2, $3 FROM unnest($1::uuid[]) AS i`, [ids, COMMUNE, hamletId]);
}

describe("the staff console in a browser", () => {
  it("signs in, adds a hamlet, composes, previews, sends, and watches the progress reach the end", async () => {
    const ctx = await phone();
    const page = await ctx.newPage();
    await signIn(page, lan.username, lan.oneTimePassword);
    // The one-time password: she must choose her own first.
    await page.waitForURL(/\/staff\/password/);
    expect(await seriousViolations(page)).toEqual([]);
    await page.locator("#currentPassword").fill(lan.oneTimePassword);
    await page.locator("#newPassword").fill(NEW_PASSWORD);
    await page.getByLabel("Nhập lại mật khẩu mới").fill(NEW_PASSWORD);
    await page.getByRole("button", { name: /Đổi mật khẩu/ }).click();
    await page.waitForURL((url) => url.pathname === "/staff");
    expect(await seriousViolations(page)).toEqual([]);
    const cookie = (await ctx.cookies()).find((c) => c.name === "motcua_staff");
    expect(cookie).toMatchObject({ httpOnly: true, sameSite: "Lax" });

    // A hamlet of her commune, added from the console.
    await page.getByRole("link", { name: "Ấp/khóm" }).first().click();
    await page.getByLabel("Tên ấp/khóm").fill("Khóm Sen Hồng");
    await page.getByRole("button", { name: "Thêm", exact: true }).click();
    await page.getByText("Đã thêm ấp/khóm.").waitFor();
    const hamlet = await s.ctx.db.hamlet.findFirstOrThrow({ where: { communeCode: COMMUNE, name: "Khóm Sen Hồng" } });
    await residents(hamlet.id, 40, 40);

    // Compose: a mistake first (no title), shown in the summary; nothing stored.
    await page.getByRole("link", { name: "Thông báo" }).first().click();
    await page.getByRole("link", { name: "Soạn thông báo mới" }).click();
    expect(await seriousViolations(page)).toEqual([]);
    await page.getByLabel(/^Nội dung/).fill("Tối thứ Sáu 19 giờ họp dân tại nhà văn hóa khóm. Bàn việc làm đường.");
    await page.getByRole("button", { name: "Xem trước" }).click();
    await page.locator(".error-summary").getByText(/Tiêu đề/).waitFor();
    expect(await s.ctx.db.broadcast.count({ where: { body: { contains: "Bàn việc làm đường" } } })).toBe(0);
    expect(await seriousViolations(page)).toEqual([]);
    await page.getByLabel(/^Tiêu đề/).fill("Họp dân khóm Sen Hồng");
    await page.getByLabel("Chỉ các ấp/khóm chọn dưới đây").check();
    await page.getByLabel(/Khóm Sen Hồng/).check();
    await page.getByRole("button", { name: "Xem trước" }).click();

    // The preview: texts, recipients per channel, the SMS without diacritics, nothing sent yet.
    await page.getByRole("heading", { name: "Xem trước" }).waitFor();
    const stats = await page.locator(".grid").textContent();
    expect(stats).toMatch(/80\s*người sẽ nhận/);
    expect(stats).toMatch(/40\s*qua Telegram/);
    expect(stats).toMatch(/40\s*qua Zalo/);
    expect(await page.locator("pre.preview").nth(1).textContent()).toContain("Hop dan khom Sen Hong");
    expect(s.telegram.sent.filter((m) => m.text?.includes("Họp dân khóm Sen Hồng"))).toHaveLength(0);
    expect(await seriousViolations(page)).toEqual([]);

    // Send, and watch: the page refreshes its own figures until everything is out.
    await page.getByRole("button", { name: "Gửi ngay" }).click();
    await page.getByText("Đã bắt đầu gửi thông báo.").waitFor();
    await expect.poll(async () => page.locator("#progress [data-field='statusLabel']").textContent(), { timeout: 60_000, interval: 500 }).toBe("Đã gửi xong");
    expect(await page.locator("#progress [data-field='progress.percent']").textContent()).toBe("100");
    expect(await page.locator("#progress-bar").evaluate((el: HTMLProgressElement) => [el.value, el.max])).toEqual([80, 80]);
    // The status under the title follows, and "Dừng gửi" goes: nothing is left to stop.
    await expect.poll(async () => page.locator("#status").textContent(), { timeout: 10_000, interval: 200 }).toBe("Đã gửi xong");
    expect(await page.getByRole("button", { name: "Dừng gửi" }).isVisible()).toBe(false);
    expect(await seriousViolations(page)).toEqual([]);
    const tg = s.telegram.sent.filter((m) => m.text?.includes("Họp dân khóm Sen Hồng"));
    const zl = s.zalo.messages.filter((m) => m.text?.includes("Họp dân khóm Sen Hồng"));
    expect([tg.length, new Set(tg.map((m) => m.chatId)).size, zl.length, new Set(zl.map((m) => m.userId)).size]).toEqual([40, 40, 40, 40]);
    await ctx.close();
  }, 120_000);

  it("an urgent announcement waits for a second officer, who approves it in his own browser", async () => {
    const lanCtx = await phone();
    const page = await lanCtx.newPage();
    await signIn(page, lan.username, NEW_PASSWORD);
    await page.waitForURL((url) => url.pathname === "/staff");
    await page.goto(`${s.baseUrl}/staff/broadcasts/new`);
    // On a phone, each choice's box keeps its size and its words stay one block beside it (the
    // urgent choice's bold clause was a column of its own and squeezed the radio buttons to 13 px)
    const choices = await page.locator(".choice").evaluateAll((labels) =>
      labels.map((l) => ({ text: l.textContent!.trim().slice(0, 20), box: l.querySelector("input")!.getBoundingClientRect().width, items: l.children.length })),
    );
    expect(choices.length).toBeGreaterThan(4);
    for (const c of choices) expect(c, c.text).toMatchObject({ box: 20 });
    for (const c of choices.filter((c) => c.items > 1)) expect(c.items, c.text).toBe(2);
    await page.getByLabel(/^Tiêu đề/).fill("Khẩn: triều cường tối nay");
    await page.getByLabel(/^Nội dung/).fill("Nước dâng cao từ 18 giờ. Kê cao đồ đạc, không cho trẻ em ra bờ sông.");
    await page.getByLabel(/Khẩn \(thiên tai/).check();
    await page.getByRole("button", { name: "Xem trước" }).click();
    await page.getByRole("button", { name: "Gửi để phê duyệt" }).click();
    await page.getByText(/cần một cán bộ khác của đơn vị phê duyệt/).first().waitFor();
    expect(await page.getByRole("button", { name: "Phê duyệt và gửi" }).count()).toBe(0); // never her own
    const id = new URL(page.url()).pathname.split("/").pop()!;
    expect(await s.ctx.db.notice.count({ where: { broadcastId: id } })).toBe(0);

    const minhCtx = await phone();
    const other = await minhCtx.newPage();
    await signIn(other, minh.username, minh.password);
    await other.waitForURL((url) => url.pathname === "/staff");
    // His first page shows what needs attention: the announcement waiting for approval.
    await other.getByRole("link", { name: "Khẩn: triều cường tối nay" }).click();
    expect(await seriousViolations(other)).toEqual([]);
    await other.getByRole("button", { name: "Phê duyệt và gửi" }).click();
    await other.getByText(/Đã (phê duyệt|bắt đầu gửi)/).first().waitFor();
    await expect.poll(async () => (await s.ctx.db.broadcast.findUniqueOrThrow({ where: { id } })).status, { timeout: 30_000 }).toBe("SENT");
    const b = await s.ctx.db.broadcast.findUniqueOrThrow({ where: { id } });
    expect(b).toMatchObject({ createdByName: "Nguyễn Thị Lan", approvedByName: "Trần Văn Minh" });
    expect(s.telegram.sent.filter((m) => m.text?.includes("Khẩn: triều cường tối nay")).length).toBeGreaterThan(0);
    await lanCtx.close();
    await minhCtx.close();
  }, 120_000);

  it("lists the unit's dossiers and opens one's history, accessibly", async () => {
    const e = s.event({ applicant: { fullName: "Đỗ Thị Hạnh", phone: "0912777001" } });
    expect((await s.post("/api/v1/dossier-events", e)).status).toBe(202);
    const ctx = await phone();
    const page = await ctx.newPage();
    await signIn(page, minh.username, minh.password);
    await page.waitForURL((url) => url.pathname === "/staff");
    await page.getByRole("link", { name: "Hồ sơ" }).first().click();
    await page.getByLabel("Mã hồ sơ hoặc tên người nộp").fill("Đỗ Thị Hạnh");
    await page.getByRole("button", { name: "Lọc" }).click();
    await page.getByRole("link", { name: e.dossierCode as string }).waitFor();
    expect(await seriousViolations(page)).toEqual([]);
    await page.getByRole("link", { name: e.dossierCode as string }).click();
    await page.getByRole("heading", { name: `Hồ sơ ${e.dossierCode as string}` }).waitFor();
    expect(await page.locator("#events-title + .table-wrap").textContent()).toContain("Đã tiếp nhận");
    expect(await seriousViolations(page)).toEqual([]);
    await ctx.close();
  });
});
