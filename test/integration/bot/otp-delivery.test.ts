/**
 * A one-time code the bot says was sent must have been sent: a phone that stopped our SMS ("HUY")
 * gets its code by ZNS only, and when ZNS refuses it the citizen is told no code went (never
 * "sent", never an SMS to the stopped phone). The real worker, the fake Zalo and Twilio servers.
 */
import { randomBytes } from "node:crypto";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startWorkerRole, type WorkerRole } from "../../../src/app/worker-role.js";
import { dossierEventSchema } from "../../../src/dossiers/event-schema.js";
import { startTestApp, type TestApp } from "../../support/app.js";
import { cloneTestDatabase } from "../../support/databases.js";
import { webChatUser } from "../../support/web-chat.js";
import { TwilioFake } from "../../fakes/twilio-fake.js";
import { ZaloFake } from "../../fakes/zalo-fake.js";

let t: TestApp;
let worker: WorkerRole;
let dropDatabase: () => Promise<void>;
const zalo = new ZaloFake();
const twilio = new TwilioFake();

beforeAll(async () => {
  await Promise.all([zalo.start(), twilio.start()]);
  const database = await cloneTestDatabase();
  dropDatabase = database.drop;
  t = await startTestApp({
    DATABASE_URL: database.url,
    ...zalo.env(),
    ...twilio.env(),
    ZNS_TEMPLATES: "OTP=tplotp",
    QUEUE_PREFIX: `otp${randomBytes(4).toString("hex")}`,
    RELAY_SWEEP_MS: "300",
    QUIET_HOURS: "off",
    PROVIDER_TIMEOUT_MS: "1000",
  });
  worker = await startWorkerRole(t.ctx);
});
afterAll(async () => {
  await worker.stop();
  await t.close();
  await Promise.all([zalo.stop(), twilio.stop()]);
  await dropDatabase();
});

let n = 0;
async function dossierFor(phone: string): Promise<string> {
  n += 1;
  const code = `H15.50.05.13-261121-${String(Math.floor(Math.random() * 900) + 100)}${n}`;
  await t.ctx.ingest.ingest(
    [
      dossierEventSchema.parse({
        eventId: `otp-${randomBytes(5).toString("hex")}`,
        dossierCode: code,
        status: "RESULT_READY",
        occurredAt: "2026-11-21T08:00:00+07:00",
        procedure: { code: "1.001193", name: "Đăng ký khai sinh" },
        applicant: { fullName: "Võ Thị Hoa", phone },
        communeCode: "30235",
        dueAt: "2026-12-21T17:00:00+07:00",
      }),
    ],
    { source: "UPSTREAM" },
  );
  return code;
}

/** Looks the dossier up, books its result's delivery and presses "confirm": the bot's answer. */
async function bookUpToTheCode(code: string, phone: string) {
  const c = webChatUser(t.baseUrl);
  await c.say("menu");
  await c.say(code);
  await c.say(phone.slice(-4));
  await c.press(`book:${code}`);
  await c.press("recipient:applicant");
  await c.say(phone);
  await c.say("Phong Hoà");
  await c.say("12 ấp Tân Lộc");
  await c.press("window:Sáng (8:00–11:30)");
  return { c, asked: await c.press("book-confirm") };
}

const e164 = (local: string) => `+84${local.slice(1)}`;
const randomPhone = () => `0916${String(Math.floor(Math.random() * 1e6)).padStart(6, "0")}`;
const isZns = (req: { path: string }) => req.path.includes("/message/template");

describe("a one-time code said to be sent is sent", () => {
  it("a phone that stopped our SMS: ZNS refuses the code, so the citizen is told no code went, and no SMS goes to the stopped phone", async () => {
    const phone = randomPhone();
    const code = await dossierFor(phone);
    await t.ctx.botServices.subscriptions.smsOptOut(e164(phone)); // "HUY" texted to the service's number
    zalo.inject({ kind: "error", code: "-118", message: "Zalo account not existed" }, { times: 1, match: isZns });
    const { c, asked } = await bookUpToTheCode(code, phone);
    expect(asked).not.toMatch(/đã gửi mã/);
    expect(asked).toMatch(new RegExp(`chưa gửi được mã xác nhận đến số điện thoại của người nộp hồ sơ, đuôi …${phone.slice(-2)}`));
    expect(asked).toMatch(/Việc này chưa được thực hiện/);
    await new Promise((r) => setTimeout(r, 1000));
    expect(twilio.messages.filter((m) => m.to === e164(phone) && /Ma xac nhan/.test(m.body))).toHaveLength(0);
    // The code is void: a guess typed now books nothing.
    expect(await c.say("123456")).not.toMatch(/Đã đặt lịch/);
    expect(await t.ctx.db.deliveryBooking.count({ where: { dossier: { code } } })).toBe(0);
  });

  it("a phone whose SMS works: ZNS refuses, the code goes by SMS, and only then the bot says it was sent", async () => {
    const phone = randomPhone();
    const code = await dossierFor(phone);
    zalo.inject({ kind: "error", code: "-118", message: "Zalo account not existed" }, { times: 1, match: isZns });
    const { asked } = await bookUpToTheCode(code, phone);
    expect(asked).toMatch(new RegExp(`đã gửi mã xác nhận 6 số đến số điện thoại của người nộp hồ sơ, đuôi …${phone.slice(-2)}`));
    expect(twilio.messages.filter((m) => m.to === e164(phone) && /Ma xac nhan/.test(m.body))).toHaveLength(1);
  });

  it("a code still on its way is said to be on its way; when it then fails for good, the citizen is told so at the next message", async () => {
    const phone = randomPhone();
    const code = await dossierFor(phone);
    await t.ctx.botServices.subscriptions.smsOptOut(e164(phone));
    // Zalo busy: retried with back-off (1 s, 2 s, 4 s), then given up; SMS is stopped, so nothing carries it.
    zalo.inject({ kind: "rate-limit", retryAfter: 1 }, { times: 4, match: isZns });
    const { c, asked } = await bookUpToTheCode(code, phone);
    expect(asked).not.toMatch(/đã gửi mã/);
    expect(asked).toMatch(new RegExp(`đang gửi mã xác nhận 6 số đến số điện thoại của người nộp hồ sơ, đuôi …${phone.slice(-2)} \\(qua Zalo\\)`));
    await waitUntil(async () => (await t.ctx.db.notice.findFirst({ where: { type: "OTP", citizen: { phone: e164(phone) } } }))?.status === "FAILED", 30_000);
    const later = await c.say("123456");
    expect(later).toMatch(new RegExp(`chưa gửi được mã xác nhận đến số điện thoại của người nộp hồ sơ, đuôi …${phone.slice(-2)}`));
    expect(twilio.messages.filter((m) => m.to === e164(phone) && /Ma xac nhan/.test(m.body))).toHaveLength(0);
    expect(await t.ctx.db.deliveryBooking.count({ where: { dossier: { code } } })).toBe(0);
  }, 60_000);
});

async function waitUntil(probe: () => Promise<boolean>, timeoutMs: number) {
  const until = Date.now() + timeoutMs;
  while (!(await probe())) {
    if (Date.now() > until) throw new Error("timed out");
    await new Promise((r) => setTimeout(r, 200));
  }
}
