/**
 * The same bot through its real adapters: telegraf long-polling the fake Bot API, and signed Zalo
 * webhooks answered through the fake OA API.
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { FastifyInstance } from "fastify";
import type { Telegraf } from "telegraf";
import { createBot } from "../../../bots/bot.js";
import { createTelegramBot } from "../../../bots/adapters/telegram.js";
import { zaloBotHandler } from "../../../bots/adapters/zalo.js";
import { ZaloTokenManager } from "../../../src/channels/zalo/token-manager.js";
import { ZaloOaChannel } from "../../../src/channels/zalo/zalo-oa-channel.js";
import { buildHttpServer } from "../../../src/http/server.js";
import { botServices } from "../../support/app.js";
import { startNotifyStack, type NotifyStack } from "../../support/notify-stack.js";

let s: NotifyStack;
let telegram: Telegraf;
let zaloApp: FastifyInstance;
let zaloUrl = "";

beforeAll(async () => {
  s = await startNotifyStack({ worker: false });
  const engine = createBot({ redis: s.ctx.redis, services: botServices(s.ctx), logger: s.ctx.logger, prefix: s.env.QUEUE_PREFIX });
  telegram = createTelegramBot({ token: s.telegram.token, apiRoot: s.telegram.url, engine, logger: s.ctx.logger });
  void telegram.launch();
  const tokens = new ZaloTokenManager({ pool: s.ctx.pool, redis: s.ctx.redis, logger: s.ctx.logger, appId: s.zalo.appId, appSecret: s.zalo.appSecret, initialRefreshToken: s.zalo.refreshToken, oauthBase: s.zalo.url });
  zaloApp = await buildHttpServer(s.ctx, { onZaloUserMessage: zaloBotHandler({ engine, oa: new ZaloOaChannel(s.zalo.url, tokens), logger: s.ctx.logger }) });
  zaloUrl = `${await zaloApp.listen({ host: "127.0.0.1", port: 0 })}/webhooks/zalo`;
});
afterAll(async () => {
  telegram.stop("test over");
  await zaloApp.close();
  await s.close();
});

const user = { id: 424242, is_bot: false, first_name: "Lan" };
let messageId = 1;
const textUpdate = (text: string) => ({ message: { message_id: messageId++, date: Math.floor(Date.now() / 1000), chat: { id: user.id, type: "private", first_name: "Lan" }, from: user, text } });

/**
 * Sends one update and returns every message of the bot's turn. Telegraf asks for the next updates
 * (getUpdates with an offset past this one) only once its handler has finished: that request marks
 * the end of the turn.
 */
async function telegramSays(text: string | Record<string, unknown>) {
  const before = s.telegram.sent.filter((m) => m.chatId === String(user.id)).length;
  const updateId = await s.telegram.pushUpdate(typeof text === "string" ? textUpdate(text) : text);
  await s.waitFor(
    async () => s.telegram.received.some((r) => /\/getUpdates$/.test(r.path) && Number((r.body as { offset?: unknown } | null)?.offset ?? 0) > updateId),
    "the bot to finish its turn",
  );
  const mine = s.telegram.sent.filter((m) => m.chatId === String(user.id));
  expect(mine.length).toBeGreaterThan(before);
  return mine.slice(before);
}

describe("Telegram, through telegraf and the fake Bot API", () => {
  it("greets, answers a documents question with inline buttons, and follows a button press", async () => {
    const hello = await telegramSays("/start");
    expect(hello[0]?.text).toMatch(/^Xin chào ông\/bà!/);
    const docs = await telegramSays("dang ky ket hon can giay to gi");
    const answer = docs.at(-1)!;
    expect(docs[0]?.text).toMatch(/Đăng ký kết hôn \(mã 1\.000894\)/);
    const keyboard = (answer.payload.reply_markup as { inline_keyboard: { text: string; callback_data: string }[][] }).inline_keyboard;
    expect(keyboard.flat().map((b) => b.callback_data)).toContain("ask-fee");
    const fee = await telegramSays({ callback_query: { id: "cb1", from: user, chat_instance: "1", data: "ask-fee", message: { message_id: 1, date: 1, chat: { id: user.id, type: "private" } } } });
    expect(fee[0]?.text).toMatch(/^📄 Đăng ký kết hôn \(mã 1\.000894\)\n💰 Lệ phí:/);
  });

  it("sends an answer longer than a Telegram message in several, none of it cut off, the buttons under the last", async () => {
    // a cooperative's registration lists 31 documents: well over 4,096 characters in the web chat
    const turn = await telegramSays({ callback_query: { id: "cb-long", from: user, chat_instance: "1", data: "proc:1.005280", message: { message_id: 1, date: 1, chat: { id: user.id, type: "private" } } } });
    // (a first contact is greeted before the answer)
    const parts = turn.slice(turn.findIndex((m) => (m.text ?? "").startsWith("📄")));
    expect(parts.length).toBeGreaterThan(1);
    expect(parts.every((m) => (m.text ?? "").length <= 4096)).toBe(true);
    expect(parts[0]?.text).toMatch(/^📄 Đăng ký thành lập hợp tác xã[^\n]*\(mã 1\.005280\)\n📍 /);
    const whole = parts.map((m) => m.text).join("\n");
    expect(whole).toMatch(/\n31\. [^\n]+/);
    expect(parts.at(-1)?.text).toMatch(/Theo Cổng Dịch vụ công quốc gia, cập nhật \d{2}\/\d{4}\.\n⚠️ [^\n]+$/);
    expect(parts.slice(0, -1).every((m) => m.payload.reply_markup === undefined)).toBe(true);
    expect((parts.at(-1)!.payload.reply_markup as { inline_keyboard: { callback_data: string }[][] }).inline_keyboard.flat().map((b) => b.callback_data)).toContain("ask-fee");
  });

  it("asks for the citizen's own contact when tracking, and refuses someone else's", async () => {
    await telegramSays("tra cứu hồ sơ H15.50.05.13-261101-7777");
    const ask = s.telegram.sent.filter((m) => m.chatId === String(user.id)).at(-1)!;
    expect(ask.text).toMatch(/4 số cuối/);
    expect(JSON.stringify(ask.payload.reply_markup)).toContain("request_contact");
    const other = await telegramSays({ message: { message_id: messageId++, date: 1, chat: { id: user.id, type: "private" }, from: user, contact: { phone_number: "0912000111", first_name: "Khác", user_id: 999 } } });
    expect(other[0]?.text).toMatch(/của chính ông\/bà/);
  });

  it("accepts the citizen's own shared contact as proof", async () => {
    const { dossierEventSchema } = await import("../../../src/dossiers/event-schema.js");
    const code = "H15.50.05.13-261123-0042";
    await s.ctx.ingest.ingest(
      [dossierEventSchema.parse({ eventId: "tg-contact-1", dossierCode: code, status: "PAYMENT_REQUIRED", occurredAt: "2026-11-23T09:00:00+07:00", applicant: { phone: "0918 765 432" }, communeCode: "29955" })],
      { source: "UPSTREAM" },
    );
    await telegramSays(code);
    const own = await telegramSays({ message: { message_id: messageId++, date: 1, chat: { id: user.id, type: "private" }, from: user, contact: { phone_number: "+84918765432", first_name: "Lan", user_id: user.id } } });
    expect(own[0]?.text).toMatch(/Tình trạng: Cần nộp phí, lệ phí/);
    expect(JSON.stringify(own[0]?.payload.reply_markup)).toContain(`subscribe:${code}`);
    const ask = await telegramSays({ callback_query: { id: "cb-sub", from: user, chat_instance: "1", data: `subscribe:${code}`, message: { message_id: 1, date: 1, chat: { id: user.id, type: "private" } } } });
    // Linking this chat to the citizen needs the one-time code sent to the applicant's phone (SMS, through Twilio here).
    expect(ask[0]?.text).toMatch(/mã xác nhận 6 số đến số điện thoại của người nộp hồ sơ, đuôi …32/);
    expect(await s.ctx.db.subscription.count({ where: { kind: "DOSSIER", identity: { channel: "TELEGRAM", externalId: String(user.id) } } })).toBe(0);
    const worker = await s.startWorker();
    try {
      const sms = await s.waitFor(async () => s.twilio.messages.find((m) => m.to === "+84918765432" && /Ma xac nhan/.test(m.body)), "the code by SMS");
      expect(s.telegram.sent.some((m) => /\d{6}/.test(m.text ?? "") && m.chatId === String(user.id) && /Mã xác nhận/.test(m.text ?? ""))).toBe(false); // never to the chat
      const sub = await telegramSays(sms.body.match(/: (\d{6}) /)![1]!);
      expect(sub[0]?.text).toMatch(/Đã đăng ký\. Khi hồ sơ .* có thay đổi/);
    } finally {
      await worker.stop();
    }
    const identity = await s.ctx.db.channelIdentity.findUnique({ where: { channel_externalId: { channel: "TELEGRAM", externalId: String(user.id) } }, include: { citizen: true } });
    expect(identity?.citizen?.phone).toBe("+84918765432");
    expect(identity?.consentAt).not.toBeNull();
  });

  it("says no code went when the applicant's phone stopped our SMS and ZNS cannot carry it, counts none, and sends one once the SMS is back", async () => {
    const { dossierEventSchema } = await import("../../../src/dossiers/event-schema.js");
    const { OneTimeCodeService } = await import("../../../src/verification/one-time-codes.js");
    const code = "H15.50.05.13-261123-0043";
    const phone = "+84918765433";
    await s.ctx.ingest.ingest(
      [dossierEventSchema.parse({ eventId: "tg-stopped-1", dossierCode: code, status: "PAYMENT_REQUIRED", occurredAt: "2026-11-23T09:00:00+07:00", applicant: { phone: "0918 765 433" }, communeCode: "29955" })],
      { source: "UPSTREAM" },
    );
    await s.ctx.botServices.subscriptions.smsOptOut(phone); // "HUY" texted to the service's number (as Twilio's 21610 is recorded)
    await telegramSays(code);
    await telegramSays({ message: { message_id: messageId++, date: 1, chat: { id: user.id, type: "private" }, from: user, contact: { phone_number: phone, first_name: "Lan", user_id: user.id } } });
    const press = () => telegramSays({ callback_query: { id: `cb-${messageId++}`, from: user, chat_instance: "1", data: `subscribe:${code}`, message: { message_id: 1, date: 1, chat: { id: user.id, type: "private" } } } });
    // No OTP template for ZNS in this stack: nothing can carry the code.
    const refused = await press();
    expect(refused[0]?.text).toMatch(/chưa gửi được mã xác nhận: số điện thoại của người nộp hồ sơ, đuôi …33, đã ngừng nhận tin nhắn SMS/);
    expect(refused[0]?.text).toMatch(/"START".*CCCD/);
    expect(refused[0]?.text).not.toMatch(/đã gửi mã/);
    const citizen = (await s.ctx.db.citizen.findUnique({ where: { phone } }))!;
    expect(await s.ctx.db.oneTimeCode.count({ where: { citizenId: citizen.id } })).toBe(0); // not counted against the limits
    expect(await s.ctx.db.notice.count({ where: { citizenId: citizen.id, type: "OTP" } })).toBe(0);
    // Where ZNS has an OTP template, the code goes (by ZNS) despite the SMS stop.
    const withZns = await new OneTimeCodeService(s.ctx.db, { znsTemplateAvailable: true }).issue({ purpose: "SUBSCRIBE", subject: citizen.id, conversation: "TEST:zns", client: "TEST:zns", citizenId: citizen.id });
    expect(withZns.result).toBe("issued");
    // "BAT LAI": the SMS is back, and so is the code.
    await s.ctx.botServices.subscriptions.smsOptIn(phone);
    const sent = await press();
    // No worker runs here: the code is on its way, not yet sent, and the bot says so.
    expect(sent[0]?.text).toMatch(/đang gửi mã xác nhận 6 số đến số điện thoại của người nộp hồ sơ, đuôi …33 \(qua tin nhắn SMS\)/);
    expect(await s.ctx.db.oneTimeCode.count({ where: { citizenId: citizen.id } })).toBe(2);
  });

  it("answers a sticker politely", async () => {
    const reply = await telegramSays({ message: { message_id: messageId++, date: 1, chat: { id: user.id, type: "private" }, from: user, sticker: { file_id: "x", file_unique_id: "y", type: "regular", width: 1, height: 1, is_animated: false, is_video: false } } });
    expect(reply[0]?.text).toMatch(/gõ câu hỏi bằng chữ/);
  });
});

describe("Zalo, through signed webhooks and the fake OA API", () => {
  const zaloUser = "8100000000000000001";
  let msg = 0;
  /** Sends one message; waits until the bot's replies (sent in the background, after the 200) include `expected`. */
  async function zaloSays(text: string, expected: RegExp) {
    const before = s.zalo.messages.filter((m) => m.userId === zaloUser).length;
    const event = { app_id: s.zalo.appId, sender: { id: zaloUser }, recipient: { id: s.zalo.oaId }, event_name: "user_send_text", message: { text, msg_id: `m-${Date.now()}-${msg++}` }, timestamp: String(Date.now()) };
    const res = await s.zalo.postEvent(zaloUrl, event);
    expect(res.status).toBe(200);
    const replies = await s.waitFor(async () => {
      const mine = s.zalo.messages.filter((m) => m.userId === zaloUser).slice(before);
      return mine.some((m) => expected.test(m.text ?? "")) ? mine : null;
    }, `the bot's Zalo reply matching ${expected}`);
    return { event, replies };
  }

  it("answers through the OA API with numbered choices, and a number picks one", async () => {
    const { replies } = await zaloSays("xin chào", /1\. Giấy tờ cần chuẩn bị/);
    expect(replies.map((r) => r.text).join("\n")).toMatch(/1\. Giấy tờ cần chuẩn bị/);
    const { replies: asked } = await zaloSays("1", /Ông\/bà muốn làm thủ tục gì\?/);
    expect(asked[0]?.text).toMatch(/Ông\/bà muốn làm thủ tục gì\?/);
    const { replies: docs } = await zaloSays("chứng thực chữ ký", /Chứng thực chữ ký/);
    expect(docs[0]?.text).toMatch(/Chứng thực chữ ký/);
    expect(docs.every((m) => (m.text ?? "").length <= 2000)).toBe(true);
  });

  it("ignores a repeated delivery of the same message", async () => {
    const { event, replies } = await zaloSays("xin giấy độc thân", /tình trạng hôn nhân/i);
    const answer = replies.find((m) => /tình trạng hôn nhân/i.test(m.text ?? ""))!.text;
    const again = await s.zalo.postEvent(zaloUrl, event);
    expect(again.status).toBe(200);
    // A turn for the repeat would have started before the next message's: once the next message
    // is answered, the repeat has had its chance to be answered too.
    await zaloSays("xin chào", /1\. Giấy tờ cần chuẩn bị/);
    expect(s.zalo.messages.filter((m) => m.userId === zaloUser && m.text === answer)).toHaveLength(1);
  });
});

describe("announcements over Telegram", () => {
  const cb = (data: string) => ({ callback_query: { id: `cb-${data}`, from: user, chat_instance: "1", data, message: { message_id: 1, date: 1, chat: { id: user.id, type: "private" } } } });

  it("subscribes to a commune and one of its hamlets, lists, cancels, and STOP opts out of everything", async () => {
    expect((await telegramSays(cb("area")))[0]?.text).toMatch(/xã\/phường nào/);
    expect((await telegramSays("tram chim"))[0]?.text).toMatch(/ấp\/khóm nào của Xã Tràm Chim/);
    expect((await telegramSays("Khóm 2"))[0]?.text).toMatch(/Đã đăng ký nhận thông báo của Khóm 2, Xã Tràm Chim/);
    const identity = await s.ctx.db.channelIdentity.findUnique({ where: { channel_externalId: { channel: "TELEGRAM", externalId: String(user.id) } } });
    const subs = await s.ctx.db.subscription.findMany({ where: { identityId: identity!.id, kind: "AREA", cancelledAt: null }, include: { hamlet: true } });
    expect(subs).toHaveLength(1);
    expect(subs[0]).toMatchObject({ kind: "AREA", communeCode: "30001" });
    expect(subs[0]?.hamlet?.name).toBe("Khóm 2");

    await telegramSays(cb("area"));
    await telegramSays("Tràm Chim");
    await telegramSays(cb("area-whole"));
    const listed = await telegramSays("thông báo đã đăng ký");
    expect(listed[0]?.text).toMatch(/• Khóm 2, .*Tràm Chim\n• .*Tràm Chim/);
    const cancelData = (listed[0]?.payload.reply_markup as { inline_keyboard: { callback_data: string }[][] }).inline_keyboard[0]![0]!.callback_data;
    expect((await telegramSays(cb(cancelData)))[0]?.text).toMatch(/^Đã hủy nhận thông báo của Khóm 2/);

    expect((await telegramSays("HUY"))[0]?.text).toMatch(/Đã ngừng gửi mọi thông báo/);
    const after = await s.ctx.db.channelIdentity.findUnique({ where: { id: identity!.id } });
    expect(after?.optedOutAt).not.toBeNull();
    expect(await s.ctx.db.subscription.count({ where: { identityId: identity!.id, cancelledAt: null } })).toBe(0);
  });
});

describe("Telegram in webhook mode", () => {
  it("takes updates on /webhooks/telegram only with the secret token", async () => {
    const { registerTelegramWebhook } = await import("../../../bots/adapters/telegram.js");
    const engine = createBot({ redis: s.ctx.redis, services: botServices(s.ctx), logger: s.ctx.logger, prefix: `${s.env.QUEUE_PREFIX}wh` });
    const bot = createTelegramBot({ token: s.telegram.token, apiRoot: s.telegram.url, engine, logger: s.ctx.logger });
    const app = await buildHttpServer(s.ctx, { extraRoutes: (a) => registerTelegramWebhook(a, { bot, secret: "s3cret-token", publicBaseUrl: "http://unused.example", db: s.ctx.db, register: false }) });
    const base = await app.listen({ host: "127.0.0.1", port: 0 });
    try {
      const update = { update_id: 99001, message: { message_id: 1, date: 1, chat: { id: 555777, type: "private" }, from: { id: 555777, is_bot: false, first_name: "W" }, text: "xin chào" } };
      const forged = await fetch(`${base}/webhooks/telegram`, { method: "POST", headers: { "content-type": "application/json", "x-telegram-bot-api-secret-token": "wrong" }, body: JSON.stringify(update) });
      expect(forged.status).toBe(403);
      expect(s.telegram.sent.some((m) => m.chatId === "555777")).toBe(false);
      const ok = await fetch(`${base}/webhooks/telegram`, { method: "POST", headers: { "content-type": "application/json", "x-telegram-bot-api-secret-token": "s3cret-token" }, body: JSON.stringify(update) });
      expect(ok.status).toBe(200);
      expect(s.telegram.sent.find((m) => m.chatId === "555777")?.text).toMatch(/^Xin chào ông\/bà!/);
      // Telegram delivers an update again when its answer was slow or lost; someone may replay one:
      // a wrong look-up proof sent once is counted once, and answered once.
      const code = `H15.50.05.13-261130-9${String(Math.floor(Math.random() * 1e5)).padStart(5, "0")}`;
      const post = (u: unknown) => fetch(`${base}/webhooks/telegram`, { method: "POST", headers: { "content-type": "application/json", "x-telegram-bot-api-secret-token": "s3cret-token" }, body: JSON.stringify(u) });
      const turn = (id: number, text: string) => ({ update_id: id, message: { message_id: id, date: 1, chat: { id: 555778, type: "private" }, from: { id: 555778, is_bot: false, first_name: "W" }, text } });
      expect((await post(turn(99002, code))).status).toBe(200);
      for (let i = 0; i < 3; i += 1) expect((await post(turn(99003, "1234"))).status).toBe(200);
      expect(s.telegram.sent.filter((m) => m.chatId === "555778" && /chưa khớp/.test(m.text ?? ""))).toHaveLength(1);
      expect((await s.ctx.db.lookupFailure.findUnique({ where: { scope_key: { scope: "DOSSIER", key: code } } }))?.count).toBe(1);
    } finally {
      await app.close();
    }
  });
});
