/**
 * The bot by SMS, every part real: signed Twilio webhooks on our HTTP server, the engine over
 * PostgreSQL and Redis, the replies sent through twilio-node to the fake Twilio, the notices
 * through the worker.
 */
import { randomBytes, randomInt } from "node:crypto";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { FastifyInstance } from "fastify";
import twilio from "twilio";
import { createBot } from "../../../bots/bot.js";
import { smsBotHandler } from "../../../bots/adapters/sms.js";
import type { Channel } from "../../../src/channels/channel.js";
import { buildHttpServer } from "../../../src/http/server.js";
import { countSegments, isGsm7 } from "../../../src/notifications/sms-text.js";
import { botServices } from "../../support/app.js";
import { startNotifyStack, type NotifyStack } from "../../support/notify-stack.js";

let s: NotifyStack;
let smsApp: FastifyInstance;
let smsUrl = "";
const PER_HOUR = 4;
const BUDGET = 3;

beforeAll(async () => {
  // No ZNS template: a dossier's notice to a phone with no chat goes by SMS.
  s = await startNotifyStack({ env: { ZNS_TEMPLATES: "" } });
  const engine = createBot({ redis: s.ctx.redis, services: botServices(s.ctx), logger: s.ctx.logger, prefix: s.env.QUEUE_PREFIX });
  const sms = s.ctx.channels.channels.get("SMS") as Channel;
  smsApp = await buildHttpServer(s.ctx, {
    onIncomingSms: smsBotHandler({ engine, sms, db: s.ctx.db, logger: s.ctx.logger, budget: BUDGET, perHour: PER_HOUR, perHourTotal: 100_000, chatUrl: `${s.env.PUBLIC_BASE_URL}/chat` }),
  });
  smsUrl = `${await smsApp.listen({ host: "127.0.0.1", port: 0 })}/webhooks/twilio/sms`;
});
afterAll(async () => {
  await smsApp.close();
  await s.close();
});

/** The URL Twilio signs: the one configured in its console, under PUBLIC_BASE_URL. */
const signedUrl = () => `${s.env.PUBLIC_BASE_URL}/webhooks/twilio/sms`;
const newPhone = () => `+8498${String(randomInt(10_000_000)).padStart(7, "0")}`;
const sid = () => `SM${randomBytes(16).toString("hex")}`;

function params(from: string, body: string, extra: Record<string, string> = {}): Record<string, string> {
  return { MessageSid: extra.MessageSid ?? sid(), AccountSid: s.twilio.accountSid, From: from, To: s.twilio.from, Body: body, NumMedia: "0", NumSegments: "1", ApiVersion: "2010-04-01", ...extra };
}

async function post(p: Record<string, string>, signature: string | null = twilio.getExpectedTwilioSignature(s.twilio.authToken, signedUrl(), p), rawBody?: string) {
  const res = await fetch(smsUrl, {
    method: "POST",
    headers: { "content-type": "application/x-www-form-urlencoded", ...(signature === null ? {} : { "x-twilio-signature": signature }) },
    body: rawBody ?? new URLSearchParams(p).toString(),
  });
  return { status: res.status, type: res.headers.get("content-type") ?? "", text: await res.text() };
}

const sentTo = (phone: string) => s.twilio.messages.filter((m) => m.to === phone);

/** Texts the bot and returns the SMS it answered with (exactly one). */
async function says(phone: string, body: string): Promise<string> {
  const before = sentTo(phone).length;
  const res = await post(params(phone, body));
  expect(res.status).toBe(200);
  expect(res.type).toContain("text/xml");
  expect(res.text).toContain("<Response></Response>");
  const after = sentTo(phone);
  expect(after.length).toBe(before + 1);
  const text = after[after.length - 1]!.body;
  expect(isGsm7(text)).toBe(true);
  expect(countSegments(text).segments).toBeLessThanOrEqual(BUDGET);
  return text;
}

async function event(phone: string, extra: Record<string, unknown> = {}) {
  const e = s.event({ applicant: { fullName: "Trần Thị Bích", phone: phone.replace(/^\+84/, "0") }, ...extra });
  expect((await s.post("/api/v1/dossier-events", e)).status).toBe(202);
  return e as { dossierCode: string };
}

async function settledNotices(dossierCode: string, count: number) {
  return s.waitFor(async () => {
    const rows = await s.ctx.db.notice.findMany({ where: { dossier: { code: dossierCode } }, include: { attempts: true }, orderBy: { createdAt: "asc" } });
    return rows.length >= count && rows.every((n) => ["DELIVERED", "SENT", "FAILED", "CANCELLED"].includes(n.status)) ? rows : null;
  }, `${count} notice(s) of ${dossierCode} settled`, 20_000);
}

describe("the bot by SMS (POST /webhooks/twilio/sms)", () => {
  it("answers a question by SMS, without diacritics, within the budget, its choices numbered and picked by number", async () => {
    const phone = newPhone();
    const answer = await says(phone, "lam giay khai sinh can gi");
    expect(answer).toMatch(/khai sinh/i);
    expect(answer).not.toMatch(/[àáảãạăâđèéêìíòóôơùúưỳý]/i);
    expect(answer).toMatch(/Tra loi 1: /);
    // "1" presses the first choice the SMS listed
    const first = /Tra loi 1: ([^,]+)/.exec(answer)![1]!.trim();
    const picked = await says(phone, "1");
    expect(picked).not.toBe(answer);
    expect(picked.length).toBeGreaterThan(20);
    expect(first.length).toBeGreaterThan(0);
    // recorded as a reply of this phone, with the segments billed
    const rows = await s.ctx.db.smsReply.findMany({ where: { phone } });
    expect(rows.map((r) => r.kind)).toEqual(["REPLY", "REPLY"]);
    expect(rows.every((r) => r.segments >= 1 && r.providerMessageId?.startsWith("SM"))).toBe(true);
  });

  it("lets a number pick only a choice the SMS listed (the engine had more: a 7th, never shown, is not pressed)", async () => {
    const phone = newPhone();
    const answer = await says(phone, "khai sinh"); // 7 choices in the engine: the procedure's follow-ups, "Menu" last
    expect(answer).toMatch(/, 6: [^,]+$/);
    expect(answer).not.toMatch(/ 7: /);
    const seventh = await says(phone, "7");
    expect(seventh).not.toMatch(/Giay to can chuan bi/); // the menu, the 7th choice the SMS did not show
    expect(seventh).not.toMatch(/Tra cuu ho so/);
  });

  it("cuts a long answer honestly, saying where to read it whole", async () => {
    const phone = newPhone();
    const answer = await says(phone, "dang ky ket hon can giay to gi");
    if (countSegments(answer).units > 300) expect(answer).toContain("/chat");
    const long = await says(phone, "thu tuc dang ky khai tu can nhung giay to gi, nop o dau, mat bao lau, le phi bao nhieu");
    expect(countSegments(long).segments).toBeLessThanOrEqual(BUDGET);
  });

  it("answers 'which papers' with the papers themselves, before the summary an SMS would cut; what else was asked comes first", async () => {
    const phone = newPhone();
    const answer = await says(phone, "lam giay khai sinh cho con can gi");
    expect(answer).toMatch(/^Dang ky khai sinh \(ma 1\.001193\)/);
    expect(answer).toMatch(/Giay to can nop:\n1\. \S+/);
    expect(answer).toMatch(/\n2\. \S+/);
    const withTime = await says(phone, "dang ky khai tu can giay to gi, mat bao lau");
    expect(withTime.indexOf("Thoi han")).toBeGreaterThan(0);
    expect(withTime.indexOf("Thoi han")).toBeLessThan(withTime.indexOf("Giay to can nop:"));
  });

  it("refuses an unsigned or wrongly signed message (403) and stores nothing", async () => {
    const phone = newPhone();
    const p = params(phone, "HUY");
    expect((await post(p, null)).status).toBe(403);
    expect((await post(p, twilio.getExpectedTwilioSignature("another-token", signedUrl(), p))).status).toBe(403);
    expect((await post(p, twilio.getExpectedTwilioSignature(s.twilio.authToken, smsUrl, p))).status).toBe(403); // signed for another URL
    expect((await post({ ...p, Body: "ho so cua toi" }, twilio.getExpectedTwilioSignature(s.twilio.authToken, signedUrl(), p))).status).toBe(403); // body changed
    expect(await s.ctx.db.processedWebhook.count({ where: { source: "twilio-sms", externalId: p.MessageSid! } })).toBe(0);
    expect(await s.ctx.db.channelIdentity.count({ where: { channel: "SMS", externalId: phone } })).toBe(0);
    expect(sentTo(phone)).toHaveLength(0);
  });

  it("answers a MessageSid Twilio delivers again only once", async () => {
    const phone = newPhone();
    const p = params(phone, "menu");
    const results = await Promise.all([post(p), post(p), post(p)]);
    expect(results.map((r) => r.status)).toEqual([200, 200, 200]);
    expect((await post(p)).status).toBe(200);
    expect(sentTo(phone)).toHaveLength(1);
  });

  it("HUY by SMS stops the SMS notices to that phone (also one texted before any dossier), BAT LAI brings them back", async () => {
    const phone = newPhone();
    const first = await event(phone);
    const [n1] = await settledNotices(first.dossierCode, 1);
    expect(n1!.attempts.map((a) => a.channel)).toEqual(["SMS"]);
    expect(sentTo(phone)).toHaveLength(1);

    const stopped = await says(phone, "HUY");
    expect(stopped).toMatch(/Da ngung gui thong bao .* qua SMS/);
    expect(stopped).toMatch(/BAT LAI/);
    const next = await event(phone, { dossierCode: first.dossierCode, status: "SUPPLEMENT_REQUIRED", note: "Thiếu tờ khai." });
    const after = await settledNotices(next.dossierCode, 2);
    expect(after[1]!.attempts).toHaveLength(0);
    expect(after[1]!.status).not.toBe("DELIVERED");
    expect(sentTo(phone)).toHaveLength(2); // the notice, the answer to HUY

    // A phone that texts HUY before the service knows it: its first dossier's notice is not sent by SMS either.
    const early = newPhone();
    await says(early, "huy");
    const firstOfEarly = await event(early);
    const [e1] = await settledNotices(firstOfEarly.dossierCode, 1);
    expect(e1!.attempts).toHaveLength(0);
    expect(sentTo(early)).toHaveLength(1);

    expect(await says(phone, "BAT LAI")).toMatch(/Da bat lai thong bao qua SMS/);
    const third = await event(phone, { dossierCode: first.dossierCode, status: "RESULT_READY" });
    const all = await settledNotices(third.dossierCode, 3);
    expect(all[2]!.attempts.map((a) => a.channel)).toEqual(["SMS"]);
  });

  it("answers at most SMS_REPLIES_PER_HOUR messages of a phone, then one last message, then nothing (a HUY still counts)", async () => {
    const phone = newPhone();
    for (let i = 0; i < PER_HOUR; i++) await says(phone, "menu");
    const last = await says(phone, "menu");
    expect(last).toMatch(/tam ngung tra loi qua SMS/);
    await post(params(phone, "menu"));
    await post(params(phone, "HUY"));
    expect(sentTo(phone)).toHaveLength(PER_HOUR + 1);
    const kinds = (await s.ctx.db.smsReply.findMany({ where: { phone }, orderBy: { createdAt: "asc" } })).map((r) => r.kind);
    expect(kinds).toEqual([...Array(PER_HOUR).fill("REPLY"), "LIMIT"]);
    const identity = await s.ctx.db.channelIdentity.findUnique({ where: { channel_externalId: { channel: "SMS", externalId: phone } } });
    expect(identity?.optedOutAt).not.toBeNull();

    // The oldest reply leaves the hour: the next message is answered again, and no second last message goes.
    const oldest = (await s.ctx.db.smsReply.findFirst({ where: { phone }, orderBy: { createdAt: "asc" } }))!;
    await s.ctx.db.smsReply.update({ where: { id: oldest.id }, data: { createdAt: new Date(Date.now() - 61 * 60_000) } });
    expect(await says(phone, "menu")).not.toMatch(/tam ngung/);
    await post(params(phone, "menu"));
    expect(sentTo(phone)).toHaveLength(PER_HOUR + 2);
  });

  it("answers at most SMS_REPLIES_PER_HOUR_TOTAL messages an hour over every phone: a sender rotating numbers gets nothing past it, and the log says so", async () => {
    const warnings: string[] = [];
    const logger = Object.create(s.ctx.logger) as typeof s.ctx.logger;
    logger.warn = ((_obj: unknown, msg?: string) => void warnings.push(msg ?? "")) as typeof logger.warn;
    const engine = createBot({ redis: s.ctx.redis, services: botServices(s.ctx), logger: s.ctx.logger, prefix: s.env.QUEUE_PREFIX });
    const sms = s.ctx.channels.channels.get("SMS") as Channel;
    const already = await s.ctx.db.smsReply.count({ where: { createdAt: { gt: new Date(Date.now() - 3600_000) } } });
    const app = await buildHttpServer(s.ctx, {
      onIncomingSms: smsBotHandler({ engine, sms, db: s.ctx.db, logger, budget: BUDGET, perHour: PER_HOUR, perHourTotal: already + 3, chatUrl: `${s.env.PUBLIC_BASE_URL}/chat` }),
    });
    try {
      const url = `${await app.listen({ host: "127.0.0.1", port: 0 })}/webhooks/twilio/sms`;
      const phones = Array.from({ length: 6 }, newPhone);
      for (const phone of phones) {
        const p = params(phone, "menu");
        const res = await fetch(url, { method: "POST", headers: { "content-type": "application/x-www-form-urlencoded", "x-twilio-signature": twilio.getExpectedTwilioSignature(s.twilio.authToken, signedUrl(), p) }, body: new URLSearchParams(p).toString() });
        expect(res.status).toBe(200);
      }
      // Each phone is far under its own limit, but only 3 replies fit the hour's budget: the others get nothing, not even a last message.
      expect(phones.map((p) => sentTo(p).length)).toEqual([1, 1, 1, 0, 0, 0]);
      expect(await s.ctx.db.smsReply.count({ where: { phone: { in: phones } } })).toBe(3);
      expect(warnings).toHaveLength(1); // once a minute, not once a message
      expect(warnings[0]).toMatch(/SMS_REPLIES_PER_HOUR_TOTAL is spent/);
    } finally {
      await app.close();
    }
  });

  it("tells where a dossier is after the proof, counting wrong proofs against the phone", async () => {
    const applicant = newPhone();
    const e = await event(applicant);
    const asker = newPhone();
    const ask = await says(asker, `ho so ${e.dossierCode} cua toi den dau roi`);
    expect(ask).toMatch(/4 so cuoi/i);
    const wrong = await says(asker, applicant.slice(-4) === "0000" ? "1111" : "0000");
    expect(wrong).not.toContain("Da tiep nhan");
    const failures = await s.ctx.db.lookupFailure.findMany({ where: { key: { contains: asker } } });
    expect(failures.length).toBeGreaterThan(0);
    await says(asker, e.dossierCode);
    const status = await says(asker, applicant.slice(-4));
    expect(status).toContain(e.dossierCode);
    // no subscribing an SMS conversation: the notices already go to the phone on record
    expect(status).not.toMatch(/Nhan thong bao/);
  });

  it("takes hostile or odd messages: NUL, too long, empty, a picture without words", async () => {
    const phone = newPhone();
    const nul = params(phone, "HUY\u0000");
    expect((await post(nul)).status).toBe(400);
    expect(await s.ctx.db.processedWebhook.count({ where: { source: "twilio-sms", externalId: nul.MessageSid! } })).toBe(0);
    expect(await s.ctx.db.channelIdentity.count({ where: { channel: "SMS", externalId: phone } })).toBe(0);

    expect((await post(params(phone, "a".repeat(1601)))).status).toBe(400);
    expect((await post(params(phone, "😀".repeat(1601)))).status).toBe(400);
    expect(sentTo(phone)).toHaveLength(0);
    expect(await says(phone, "😀".repeat(1600))).toMatch(/dai qua 1000 ky tu/); // 1,600 characters, 3,200 UTF-16 units: an SMS may hold it
    expect(await says(phone, "khai sinh ".repeat(110))).toMatch(/dai qua 1000 ky tu/);
    expect(await says(phone, "   ")).toMatch(/Tin nhan trong/);
    const mms = params(phone, "", { NumMedia: "1", MediaContentType0: "image/jpeg", MediaUrl0: "https://api.twilio.com/2010-04-01/Accounts/AC/Messages/MM/Media/ME1" });
    expect((await post(mms)).status).toBe(200);
    expect(sentTo(phone).at(-1)!.body).toMatch(/hinh anh/);
    // A number outside Vietnam is taken but not answered (an SMS abroad costs more; "SMS pumping").
    const abroad = "+447700900123";
    expect((await post(params(abroad, "lam giay khai sinh can gi"))).status).toBe(200);
    expect(sentTo(abroad)).toHaveLength(0);
    expect(await s.ctx.db.smsReply.count({ where: { phone: abroad } })).toBe(0);
    // A sender that is no phone number is refused: it is no conversation.
    expect((await post(params("VIETTEL", "hi"))).status).toBe(400);
  });
});
