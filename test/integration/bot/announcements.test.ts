/**
 * The bot's announcement subscription offers the commune's hamlets (issue 9 §3): the hamlets staff
 * keep as buttons (numbers on text-only channels), "Cả xã/phường" and "Ấp/khóm khác…"; a hamlet
 * typed that the commune does not have is created flagged for staff. Telegram's deep link from
 * the commune poster (/start xa_<commune>) starts the flow for that commune; the web chat, which
 * cannot send announcements, points to the commune's public page.
 */
import { randomBytes } from "node:crypto";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createBot } from "../../../bots/bot.js";
import { toInbound } from "../../../bots/adapters/telegram.js";
import type { ConversationEngine } from "../../../bots/engine/engine.js";
import type { Reply } from "../../../bots/engine/types.js";
import { searchKey } from "../../../src/text/vietnamese.js";
import { botServices, startTestApp, type TestApp } from "../../support/app.js";
import { cloneTestDatabase } from "../../support/databases.js";
import { webChatUser } from "../../support/web-chat.js";

let database: Awaited<ReturnType<typeof cloneTestDatabase>>;
let t: TestApp;
let engine: ConversationEngine;
const TRAM_CHIM = "30001";
const hamlets: Record<string, string> = {};

beforeAll(async () => {
  database = await cloneTestDatabase();
  t = await startTestApp({ DATABASE_URL: database.url, QUEUE_PREFIX: `ba${randomBytes(4).toString("hex")}`, PUBLIC_BASE_URL: "https://motcua.example.vn" });
  engine = createBot({ redis: t.ctx.redis, services: botServices(t.ctx), logger: t.ctx.logger, prefix: `ba${randomBytes(4).toString("hex")}` });
  const add = async (communeCode: string, name: string, proposedByCitizen = false) =>
    (hamlets[name] = (await t.ctx.db.hamlet.create({ data: { communeCode, name, searchName: searchKey(name), proposedByCitizen } })).id);
  for (const name of ["Khóm 10", "Khóm 2", "Khóm 1", "Ấp Mỹ Long"]) await add(TRAM_CHIM, name);
  await add(TRAM_CHIM, "Ấp Đề Xuất", true);
  await add("29955", "Khóm Hồng Ngự");
  for (const name of ["Khóm Tân Thành", "Khóm Tân Thạnh"]) await add("29955", name);
});
afterAll(async () => {
  await t?.close();
  await database?.drop();
});

function chat(channel: "TELEGRAM" | "ZALO_OA") {
  const id = `${channel === "TELEGRAM" ? "" : "z"}${Date.now()}${randomBytes(3).readUIntBE(0, 3)}`;
  const send = (message: Parameters<ConversationEngine["handle"]>[0]["message"]) => engine.handle({ conversation: { channel, id }, message });
  return {
    id,
    say: (text: string) => send({ kind: "text", text }),
    press: (data: string) => send({ kind: "button", data }),
    subscriptions: () =>
      t.ctx.db.subscription.findMany({ where: { kind: "AREA", cancelledAt: null, identity: { channel, externalId: id } }, include: { hamlet: true }, orderBy: { createdAt: "asc" } }),
  };
}
const labels = (replies: Reply[]) => replies.flatMap((r) => (r.buttons ?? []).flat()).map((b) => b.label);
const last = (replies: Reply[]) => replies.at(-1)!;

describe("hamlets offered in the subscription flow", () => {
  it("offers the commune's confirmed hamlets by name (in natural order), the whole commune and another hamlet; a press subscribes to it", async () => {
    const c = chat("TELEGRAM");
    await c.press("area");
    const offer = await c.say("Tràm Chim");
    expect(last(offer).text).toMatch(/^Ông\/bà ở ấp\/khóm nào của Xã Tràm Chim\? Chọn ấp\/khóm/);
    expect(labels(offer)).toEqual(["Ấp Mỹ Long", "Khóm 1", "Khóm 2", "Khóm 10", "Cả xã/phường", "Ấp/khóm khác…"]);
    expect(labels(offer)).not.toContain("Ấp Đề Xuất"); // a citizen's proposal is offered only once staff confirm it
    const khom2 = last(offer).buttons!.flat().find((b) => b.label === "Khóm 2")!;
    expect(khom2.data).toBe(`area-hamlet:${hamlets["Khóm 2"]}`);
    expect(khom2.data.length).toBeLessThanOrEqual(64); // Telegram's callback_data limit
    expect(last(await c.press(khom2.data)).text).toMatch(/^Đã đăng ký nhận thông báo của Khóm 2, Xã Tràm Chim/);
    const subs = await c.subscriptions();
    expect(subs.map((s) => [s.communeCode, s.hamletId])).toEqual([[TRAM_CHIM, hamlets["Khóm 2"]]]);
  });

  it("creates a hamlet typed after 'Ấp/khóm khác…' flagged as proposed by a citizen; an existing name typed without marks is that hamlet", async () => {
    const c = chat("TELEGRAM");
    await c.press("area");
    await c.say("tram chim");
    expect(last(await c.press("area-other")).text).toMatch(/gõ tên ấp\/khóm của mình ở Xã Tràm Chim/);
    expect(last(await c.say("ấp   bờ  đắp")).text).toMatch(/^Đã đăng ký nhận thông báo của ấp bờ đắp, Xã Tràm Chim/);
    const created = await t.ctx.db.hamlet.findFirstOrThrow({ where: { communeCode: TRAM_CHIM, searchName: "ap bo dap" } });
    expect(created).toMatchObject({ name: "ấp bờ đắp", proposedByCitizen: true });

    await c.press("area");
    await c.say("tram chim");
    const before = await t.ctx.db.hamlet.count({ where: { communeCode: TRAM_CHIM } });
    expect(last(await c.say("ap my long")).text).toMatch(/^Đã đăng ký nhận thông báo của Ấp Mỹ Long, Xã Tràm Chim/);
    expect(await t.ctx.db.hamlet.count({ where: { communeCode: TRAM_CHIM } })).toBe(before);
    expect((await t.ctx.db.hamlet.findUniqueOrThrow({ where: { id: hamlets["Ấp Mỹ Long"]! } })).proposedByCitizen).toBe(false);
    expect((await c.subscriptions()).map((s) => s.hamlet?.name)).toEqual(["ấp bờ đắp", "Ấp Mỹ Long"]);
  });

  it("on Zalo, a number picks the hamlet offered", async () => {
    const c = chat("ZALO_OA");
    await c.say("đăng ký nhận thông báo của xã");
    const offer = await c.say("Tràm Chim");
    expect(labels(offer)[1]).toBe("Khóm 1");
    expect(last(await c.say("2")).text).toMatch(/^Đã đăng ký nhận thông báo của Khóm 1, Xã Tràm Chim/);
    expect((await c.subscriptions()).map((s) => s.hamletId)).toEqual([hamlets["Khóm 1"]]);
  });

  it("refuses a hamlet button of another commune and offers the list again", async () => {
    const c = chat("TELEGRAM");
    await c.press("area");
    await c.say("Tràm Chim");
    const again = await c.press(`area-hamlet:${hamlets["Khóm Hồng Ngự"]}`);
    expect(last(again).text).toMatch(/không còn trong danh sách/);
    expect(labels(again)).toContain("Khóm 1");
    expect(await c.subscriptions()).toEqual([]);
  });

  it("a hamlet button pressed after the conversation forgot the offer still subscribes to that hamlet", async () => {
    const c = chat("TELEGRAM");
    expect(last(await c.press(`area-hamlet:${hamlets["Khóm 10"]}`)).text).toMatch(/^Đã đăng ký nhận thông báo của Khóm 10, Xã Tràm Chim/);
    expect((await c.subscriptions()).map((s) => [s.communeCode, s.hamletId])).toEqual([[TRAM_CHIM, hamlets["Khóm 10"]]]);
  });

  it("does not take a hamlet name with control characters; invisible ones are taken out before it is read", async () => {
    const c = chat("TELEGRAM");
    await c.press("area");
    await c.say("Tràm Chim");
    const before = await t.ctx.db.hamlet.count({ where: { communeCode: TRAM_CHIM } });
    for (const name of ["Ấp\u0007 9", "!!"]) expect(labels(await c.say(name))).toContain("Cả xã/phường");
    expect(await t.ctx.db.hamlet.count({ where: { communeCode: TRAM_CHIM } })).toBe(before);
    expect(await c.subscriptions()).toEqual([]);
    // invisible format characters (a bidi override) are taken out of every message at the engine's
    // entry: what is left is an ordinary name, and nothing stored carries the override
    await c.say("Ấp\u202e 9");
    const names = (await t.ctx.db.hamlet.findMany({ where: { communeCode: TRAM_CHIM }, select: { name: true } })).map((h) => h.name);
    expect(names.some((n) => /[\u200b-\u200f\u202a-\u202e\u2060-\u2064\ufeff]/u.test(n))).toBe(false);
    expect(names).toContain("Ấp 9");
  });

  it("takes at most 3 new hamlet names from one chat until staff confirm them, even after it unsubscribes: no chat fills a commune's list with names of its own", async () => {
    const c = chat("TELEGRAM");
    const propose = async (name: string) => {
      await c.press("area");
      await c.say("Tràm Chim");
      return c.say(name);
    };
    const tag = randomBytes(2).toString("hex");
    for (let i = 1; i <= 3; i += 1) expect(last(await propose(`Ấp Rác ${tag} ${i}`)).text).toMatch(/^Đã đăng ký nhận thông báo/);
    const first = (await c.subscriptions())[0]!;
    await c.press(`unsub:${first.id}`);
    const before = await t.ctx.db.hamlet.count({ where: { communeCode: TRAM_CHIM } });
    const refused = await propose(`Ấp Rác ${tag} 4`);
    expect(last(refused).text).toMatch(/đã đề xuất nhiều ấp\/khóm mới/);
    expect(labels(refused)).toContain("Cả xã/phường");
    expect(await t.ctx.db.hamlet.count({ where: { communeCode: TRAM_CHIM } })).toBe(before);
    // A hamlet the commune has is still taken, by name; another chat may still propose one.
    expect(last(await propose("Khóm 1")).text).toMatch(/^Đã đăng ký nhận thông báo của Khóm 1/);
    const other = chat("TELEGRAM");
    await other.press("area");
    await other.say("Tràm Chim");
    expect(last(await other.say(`Ấp Rác ${tag} 4`)).text).toMatch(/^Đã đăng ký nhận thông báo/);
  });

  it("a name typed without marks that two hamlets share (Tân Thành, Tân Thạnh) is asked about, not guessed; typed with its marks it is that hamlet", async () => {
    const c = chat("TELEGRAM");
    await c.press("area-start:29955");
    await c.press("area-other");
    const before = await t.ctx.db.hamlet.count({ where: { communeCode: "29955" } });
    const ask = await c.say("khom tan thanh");
    expect(last(ask).text).toMatch(/^Phường Hồng Ngự có mấy ấp\/khóm tên gần giống nhau/);
    expect(labels(ask)).toEqual(["Khóm Tân Thành", "Khóm Tân Thạnh", "Cả xã/phường", "Ấp/khóm khác…"]);
    expect(await c.subscriptions()).toEqual([]);
    expect(await t.ctx.db.hamlet.count({ where: { communeCode: "29955" } })).toBe(before);
    const thanh = last(ask).buttons!.flat().find((b) => b.label === "Khóm Tân Thạnh")!;
    expect(last(await c.press(thanh.data)).text).toMatch(/^Đã đăng ký nhận thông báo của Khóm Tân Thạnh, Phường Hồng Ngự/);

    const d = chat("TELEGRAM");
    await d.press("area-start:29955");
    await d.press("area-other");
    expect(last(await d.say("khóm tân thành")).text).toMatch(/^Đã đăng ký nhận thông báo của Khóm Tân Thành, Phường Hồng Ngự/);
    expect((await d.subscriptions()).map((s) => s.hamletId)).toEqual([hamlets["Khóm Tân Thành"]]);
    expect(await t.ctx.db.hamlet.count({ where: { communeCode: "29955" } })).toBe(before);
  });

  it("a commune without hamlets asks for the name, as before", async () => {
    const c = chat("TELEGRAM");
    await c.press("area");
    const ask = await c.say("Đạo Thạnh");
    expect(last(ask).text).toMatch(/Gõ tên ấp\/khóm để nhận cả thông báo riêng của ấp, hoặc bấm "Cả xã\/phường"/);
    expect(labels(ask)).toEqual(["Cả xã/phường"]);
  });
});

describe("the poster's Telegram deep link", () => {
  const update = (text: string) => ({ update_id: 1, message: { message_id: 1, date: 1, chat: { id: 1, type: "private" }, from: { id: 1, is_bot: false, first_name: "A" }, text } }) as never;

  it("turns /start xa_<commune> into the start of that commune's subscription, leaving a plain /start alone", () => {
    expect(toInbound(update(`/start xa_${TRAM_CHIM}`))).toEqual({ kind: "button", data: `area-start:${TRAM_CHIM}` });
    expect(toInbound(update(`/start@motcua_bot xa_${TRAM_CHIM}`))).toEqual({ kind: "button", data: `area-start:${TRAM_CHIM}` });
    expect(toInbound(update("/start"))).toEqual({ kind: "text", text: "/start" });
    expect(toInbound(update("/start xa_'; drop"))).toEqual({ kind: "text", text: "/start xa_'; drop" });
  });

  it("offers the commune's hamlets straight away, even in the middle of a booking", async () => {
    const c = chat("TELEGRAM");
    expect(last(await c.press("collect:1.001193")).text).toMatch(/Bưu điện đến nhận hồ sơ "Đăng ký khai sinh" tại nhà\. Bước 1\/5/);
    const replies = await c.press(`area-start:${TRAM_CHIM}`);
    expect(last(replies).text).toMatch(/ấp\/khóm nào của Xã Tràm Chim/);
    expect(labels(replies)).toContain("Khóm 2");
    // The booking gave way: the next text is the hamlet, not the booking's next answer.
    expect(last(await c.say("Khóm 10")).text).toMatch(/^Đã đăng ký nhận thông báo của Khóm 10, Xã Tràm Chim/);
    expect((await c.subscriptions()).map((s) => [s.communeCode, s.hamletId])).toEqual([[TRAM_CHIM, hamlets["Khóm 10"]]]);
  });

  it("asks for the commune when the link names none that exists", async () => {
    const c = chat("TELEGRAM");
    expect(last(await c.press("area-start:99999")).text).toMatch(/xã\/phường nào/);
    expect(last(await c.say("Tràm Chim")).text).toMatch(/ấp\/khóm nào của Xã Tràm Chim/);
  });
});

describe("announcements in the web chat", () => {
  it("points to the commune's public page instead of a dead end", async () => {
    const user = webChatUser(t.baseUrl);
    const ask = (await user.post({ text: "đăng ký nhận thông báo của xã" })).body.replies;
    expect(ask.at(-1)!.text).toMatch(/xã\/phường nào/);
    const answer = (await user.post({ text: "Tràm Chim" })).body.replies.at(-1)!;
    expect(answer.text).toContain(`Thông báo của Xã Tràm Chim được đăng công khai tại: https://motcua.example.vn/xa/${TRAM_CHIM}`);
    expect(answer.text).toMatch(/Zalo OA hoặc Telegram/);
    const viaButton = (await user.post({ button: `area-commune:${TRAM_CHIM}` })).body.replies.at(-1)!;
    expect(viaButton.text).toContain(`https://motcua.example.vn/xa/${TRAM_CHIM}`);
    // the commune's announcements asked for by name alone, with or without marks, lead to the same page
    for (const text of ["thông báo của xã", "thong bao cua xa", "xem thông báo phường"]) {
      const other = webChatUser(t.baseUrl);
      expect((await other.post({ text })).body.replies.at(-1)!.text, text).toMatch(/xã\/phường nào/);
      expect((await other.post({ text: "Tràm Chim" })).body.replies.at(-1)!.text, text).toContain(`https://motcua.example.vn/xa/${TRAM_CHIM}`);
    }
    // Nothing was subscribed for a web chat.
    expect(await t.ctx.db.subscription.count({ where: { identity: { channel: "WEB" } } })).toBe(0);
  });
});
