/**
 * The public commune page (issue 9 §5): /xa/<commune> shows the announcements that went out (never
 * a draft, one waiting for approval or scheduled, or a cancelled one), /xa/<commune>/feed.xml is
 * the same as Atom 1.0, /xa/<commune>/poster has QR codes to subscribe; no sign-in, nothing private.
 */
import { randomBytes } from "node:crypto";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { CommunePageService } from "../../src/public/commune-page.js";
import { searchKey } from "../../src/text/vietnamese.js";
import { startTestApp, type TestApp } from "../support/app.js";
import { cloneTestDatabase } from "../support/databases.js";

let database: Awaited<ReturnType<typeof cloneTestDatabase>>;
let t: TestApp;
const TRAM_CHIM = "30001";
const ids: Record<string, string> = {};

beforeAll(async () => {
  database = await cloneTestDatabase();
  t = await startTestApp({ DATABASE_URL: database.url, QUEUE_PREFIX: `cp${randomBytes(4).toString("hex")}`, TELEGRAM_BOT_USERNAME: "@motcua_test_bot", PUBLIC_BASE_URL: "https://motcua.example.vn" });
  const hamlet = async (name: string) => t.ctx.db.hamlet.create({ data: { communeCode: TRAM_CHIM, name, searchName: searchKey(name) } });
  const k2 = await hamlet("Khóm 2");
  const a3 = await hamlet("Ấp 3");
  const subscriberIdentity = await t.ctx.db.channelIdentity.create({ data: { channel: "TELEGRAM", externalId: "777000111", displayName: "Nguyễn Thị Bí Mật" } });
  await t.ctx.db.subscription.create({ data: { kind: "AREA", identityId: subscriberIdentity.id, communeCode: TRAM_CHIM, hamletId: k2.id } });
  const base = { communeCode: TRAM_CHIM, createdBy: "api-key:test", createdByName: "Cán bộ Trần Văn Kín" };
  const at = (iso: string) => new Date(iso);
  ids.old = (await t.ctx.db.broadcast.create({ data: { ...base, title: "Họp dân khóm 2", body: "Mời bà con khóm 2 họp lúc 19 giờ.\nĐịa điểm: nhà văn hóa.", status: "SENT", startedAt: at("2026-11-20T01:00:00Z"), sentAt: at("2026-11-20T01:05:00Z"), hamlets: { create: [{ hamletId: k2.id }, { hamletId: a3.id }] } } })).id;
  ids.urgent = (await t.ctx.db.broadcast.create({ data: { ...base, title: "Cảnh báo lũ <khẩn> & sơ tán", body: "Nước lên nhanh, bà con di dời tài sản.", urgent: true, status: "SENDING", startedAt: at("2026-11-28T03:00:00Z") } })).id;
  for (const status of ["DRAFT", "AWAITING_APPROVAL", "SCHEDULED", "CANCELLED"] as const) {
    ids[status] = (await t.ctx.db.broadcast.create({ data: { ...base, title: `Chưa gửi ${status}`, body: "Không được hiện.", status } })).id;
  }
  ids.elsewhere = (await t.ctx.db.broadcast.create({ data: { ...base, communeCode: "29955", title: "Thông báo của phường khác", body: "…", status: "SENT", startedAt: at("2026-11-27T00:00:00Z") } })).id;
});
afterAll(async () => {
  await t?.close();
  await database?.drop();
});

const get = async (path: string) => {
  const res = await fetch(t.baseUrl + path);
  return { status: res.status, type: res.headers.get("content-type") ?? "", text: await res.text() };
};

describe("public commune page", () => {
  it("lists the commune's sent announcements, newest first, with hamlets, times and the urgent tag; nothing unsent or private", async () => {
    const page = await get(`/xa/${TRAM_CHIM}`);
    expect(page.status).toBe(200);
    expect(page.type).toBe("text/html; charset=utf-8");
    expect(page.text).toContain("<h1>Thông báo của Xã Tràm Chim</h1>");
    const urgentAt = page.text.indexOf("Cảnh báo lũ &lt;khẩn&gt; &amp; sơ tán");
    const oldAt = page.text.indexOf("Họp dân khóm 2");
    expect(urgentAt).toBeGreaterThan(0);
    expect(oldAt).toBeGreaterThan(urgentAt); // newest first
    expect(page.text).toMatch(/<span class="tag urgent">Khẩn<\/span> Cảnh báo lũ/);
    expect(page.text).toMatch(/Nơi nhận: Ấp 3, Khóm 2/);
    expect(page.text).toMatch(/Nơi nhận: Toàn xã\/phường/);
    expect(page.text).toContain('<time datetime="2026-11-28T03:00:00.000Z">10:00 28/11/2026</time>');
    expect(page.text).toContain(`href="/xa/${TRAM_CHIM}/feed.xml"`);
    for (const hidden of ["Chưa gửi", "phường khác", "Cán bộ Trần Văn Kín", "api-key", "Bí Mật", "777000111"]) expect(page.text).not.toContain(hidden);
  });

  it("is a Vietnamese 404 page for an unknown commune, a province, or garbage", async () => {
    for (const code of ["99999", "82", "abc<script>", "x".repeat(150)]) {
      const res = await get(`/xa/${encodeURIComponent(code)}`);
      expect(res.status, code).toBe(404);
      expect(res.type).toMatch(/^text\/html/);
      expect(res.text).toContain("Không tìm thấy xã/phường");
      expect(res.text).not.toContain("<script>");
    }
    expect((await get("/xa/%00")).status).toBe(400); // a NUL never reaches the page
    expect((await get("/xa/99999/feed.xml")).status).toBe(404);
    expect((await get("/xa/99999/poster")).status).toBe(404);
  });

  it("serves an Atom 1.0 feed of the same announcements", async () => {
    const feed = await get(`/xa/${TRAM_CHIM}/feed.xml`);
    expect(feed.status).toBe(200);
    expect(feed.type).toBe("application/atom+xml; charset=utf-8");
    const xml = feed.text;
    expect(xml.startsWith('<?xml version="1.0" encoding="utf-8"?>\n<feed xmlns="http://www.w3.org/2005/Atom"')).toBe(true);
    expect(xml).toContain(`<id>https://motcua.example.vn/xa/${TRAM_CHIM}</id>`);
    expect(xml).toContain(`<link rel="self" type="application/atom+xml" href="https://motcua.example.vn/xa/${TRAM_CHIM}/feed.xml"/>`);
    const feedUpdated = /<feed[^>]*>[\s\S]*?<updated>([^<]+)<\/updated>/.exec(xml)![1]!;
    expect(Number.isNaN(Date.parse(feedUpdated))).toBe(false);
    const entries = [...xml.matchAll(/<entry>([\s\S]*?)<\/entry>/g)].map((m) => m[1]!);
    expect(entries).toHaveLength(2);
    const field = (entry: string, tag: string) => new RegExp(`<${tag}[^>]*>([^<]*)</${tag}>`).exec(entry)?.[1];
    expect(field(entries[0]!, "id")).toBe(`urn:uuid:${ids.urgent}`);
    expect(field(entries[0]!, "title")).toBe("[Khẩn] Cảnh báo lũ &lt;khẩn&gt; &amp; sơ tán");
    expect(entries[0]).toContain('<title type="text">');
    expect(field(entries[0]!, "published")).toBe("2026-11-28T03:00:00.000Z");
    expect(Date.parse(field(entries[0]!, "updated")!)).toBeGreaterThanOrEqual(Date.parse("2026-11-28T03:00:00Z"));
    expect(entries[0]).toMatch(/<content type="text">Nước lên nhanh, bà con di dời tài sản\.\n\nNơi nhận: Toàn xã\/phường<\/content>/);
    expect(field(entries[1]!, "id")).toBe(`urn:uuid:${ids.old}`);
    expect(entries[1]).toMatch(/Nơi nhận: Ấp 3, Khóm 2<\/content>/);
    expect(xml).not.toContain("Chưa gửi");
    expect(xml).not.toContain("Cán bộ Trần Văn Kín");
    // Every element opened is closed (a well-formedness check without an XML parser; the browser test parses it for real).
    const opened = [...xml.matchAll(/<([a-z]+)[\s>]/g)].map((m) => m[1]).filter((tag) => !/\/>/.test(tag!));
    for (const tag of new Set(opened)) {
      const open = (xml.match(new RegExp(`<${tag}[\\s>]`, "g")) ?? []).length - (xml.match(new RegExp(`<${tag}[^>]*/>`, "g")) ?? []).length;
      expect((xml.match(new RegExp(`</${tag}>`, "g")) ?? []).length, tag).toBe(open);
    }
  });

  it("prints a poster with QR codes for the configured channels, and words for the others", async () => {
    const poster = await get(`/xa/${TRAM_CHIM}/poster`);
    expect(poster.status).toBe(200);
    const images = [...poster.text.matchAll(/<img src="data:image\/svg\+xml;base64,([A-Za-z0-9+/=]+)" alt="([^"]+)"/g)];
    expect(images.map((m) => m[2])).toEqual([
      `Mã QR: Telegram – https://t.me/motcua_test_bot?start=xa_${TRAM_CHIM}`,
      `Mã QR: Trang web – https://motcua.example.vn/xa/${TRAM_CHIM}`,
    ]);
    for (const [, b64] of images) expect(Buffer.from(b64!, "base64").toString()).toMatch(/^<svg xmlns="http:\/\/www.w3.org\/2000\/svg"[\s\S]*<path[^>]* d="M/);
    expect(poster.text).toContain("Chưa có mã QR cho Zalo");
    expect(poster.text).not.toMatch(/src="https?:/); // nothing fetched from elsewhere
    expect(poster.text).toContain("data-print");
  });

  it("offers Zalo's QR code when the OA id is configured, and none for Telegram without a bot username", async () => {
    const pages = new CommunePageService(t.ctx.db, { publicBaseUrl: "https://x.example", zaloOaId: "1234567890123" });
    const commune = (await pages.commune(TRAM_CHIM))!;
    const ways = await pages.subscribeWays(commune);
    expect(ways.map((w) => [w.channel, w.url, w.qr !== null])).toEqual([
      ["telegram", null, false],
      ["zalo", "https://zalo.me/1234567890123", true],
      ["web", `https://x.example/xa/${TRAM_CHIM}`, true],
    ]);
    expect(ways[0]!.how).toMatch(/nhắn “đăng ký thông báo”/);
  });
});
