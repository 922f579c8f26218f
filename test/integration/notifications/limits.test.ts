import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { ZaloTokenManager } from "../../../src/channels/zalo/token-manager.js";
import { createLogger } from "../../../src/logging/logger.js";
import { startNotifyStack, type NotifyStack } from "../../support/notify-stack.js";

function hhmm(date: Date): string {
  const ict = new Date(date.getTime() + 7 * 3600_000);
  return `${String(ict.getUTCHours()).padStart(2, "0")}:${String(ict.getUTCMinutes()).padStart(2, "0")}`;
}

/** The most requests seen in any window of `ms`. */
function busiestWindow(times: number[], ms = 1000): number {
  const sorted = [...times].sort((a, b) => a - b);
  let best = 0;
  for (let i = 0, j = 0; i < sorted.length; i += 1) {
    while (sorted[i]! - sorted[j]! >= ms) j += 1;
    best = Math.max(best, i - j + 1);
  }
  return best;
}

describe("provider rate limits, across workers", () => {
  let s: NotifyStack;
  beforeAll(async () => {
    // No ZNS templates: citizens without a chat are reached by SMS.
    s = await startNotifyStack({ env: { TWILIO_MAX_PER_SECOND: "5", WORKER_CONCURRENCY: "30", ZNS_TEMPLATES: "" }, without: ["zalo"] });
    await s.startWorker(); // a second worker on the same queue and Redis
  });
  afterAll(() => s.close());

  it("Telegram never sees more than 30 messages a second overall, nor more than 1 a second per chat", async () => {
    const events = [];
    for (let i = 0; i < 75; i += 1) {
      const chat = `77${String(i).padStart(4, "0")}`;
      const phone = `+8491${String(2000000 + i).padStart(7, "0")}`;
      await s.ctx.db.citizen.create({ data: { phone, identities: { create: { channel: "TELEGRAM", externalId: chat } } } });
      events.push(s.event({ applicant: { phone: `0${phone.slice(3)}` } }));
    }
    // Three notices for one chat.
    const one = `+8491${String(2999999).padStart(7, "0")}`;
    await s.ctx.db.citizen.create({ data: { phone: one, identities: { create: { channel: "TELEGRAM", externalId: "779999" } } } });
    for (const status of ["RECEIVED", "PROCESSING", "RESULT_READY", "RETURNED"]) events.push(s.event({ applicant: { phone: `0${one.slice(3)}` }, status }));
    const res = await s.post("/api/v1/dossier-events/batch", { events });
    expect(res.status).toBe(202);
    await s.waitFor(async () => s.telegram.sent.length >= 78, "78 Telegram messages", 20_000);
    expect(busiestWindow(s.telegram.received.map((r) => r.at))).toBeLessThanOrEqual(30);
    const sameChat = s.telegram.received.filter((r) => (r.body as { chat_id?: unknown }).chat_id == "779999").map((r) => r.at);
    expect(sameChat).toHaveLength(3);
    expect(busiestWindow(sameChat)).toBe(1);
  }, 30_000);

  it("Twilio never sees more than TWILIO_MAX_PER_SECOND messages a second", async () => {
    const events = Array.from({ length: 16 }, () => s.event());
    const before = s.twilio.messages.length;
    await s.post("/api/v1/dossier-events/batch", { events });
    await s.waitFor(async () => s.twilio.messages.length >= before + 16, "16 SMS", 20_000);
    expect(busiestWindow(s.twilio.received.map((r) => r.at))).toBeLessThanOrEqual(5);
  }, 30_000);
});

describe("quiet hours", () => {
  let s: NotifyStack;
  beforeAll(async () => {
    const now = new Date();
    const window = `${hhmm(new Date(now.getTime() - 3600_000))}-${hhmm(new Date(now.getTime() + 3600_000))}`;
    s = await startNotifyStack({ env: { QUIET_HOURS: window } });
  });
  afterAll(() => s.close());

  it("holds SMS and ZNS until the window ends, sends urgent notices and Telegram at once", async () => {
    const held = s.event();
    await s.post("/api/v1/dossier-events", held);
    const notice = await s.waitFor(
      () => s.ctx.db.notice.findFirst({ where: { dossier: { code: held.dossierCode as string }, status: "DEFERRED" } }),
      "the notice to be deferred",
    );
    const waitMinutes = (notice.notBefore!.getTime() - Date.now()) / 60_000;
    expect(waitMinutes).toBeGreaterThan(55);
    expect(waitMinutes).toBeLessThanOrEqual(61);
    expect(notice.lastError).toMatch(/quiet hours/);
    expect(s.zalo.messages).toHaveLength(0);
    expect(s.twilio.messages).toHaveLength(0);

    const urgent = s.event({ status: "OUT_FOR_DELIVERY" });
    await s.post("/api/v1/dossier-events", urgent);
    await s.waitFor(async () => s.zalo.messages.length === 1, "the urgent ZNS");

    const phone = "+84913000111";
    await s.ctx.db.citizen.create({ data: { phone, identities: { create: { channel: "TELEGRAM", externalId: "7131" } } } });
    await s.post("/api/v1/dossier-events", s.event({ applicant: { phone: "0913000111" } }));
    await s.waitFor(async () => s.telegram.sent.some((m) => m.chatId === "7131"), "the Telegram message");
  });
});

describe("no delivery receipt in time", () => {
  let s: NotifyStack;
  beforeAll(async () => {
    s = await startNotifyStack({ env: { RECEIPT_DEADLINE_MS: "800" } });
  });
  afterAll(() => s.close());

  it("falls back to the next channel when no receipt arrives before the deadline", async () => {
    s.zalo.receiptsTo = null; // ZNS accepts, but no receipt ever comes…
    s.zalo.znsDelivers = false; // …and asked at the deadline, Zalo says "sent, not delivered"
    const e = s.event();
    await s.post("/api/v1/dossier-events", e);
    const n = await s.waitFor(async () => {
      const row = await s.ctx.db.notice.findFirst({ where: { dossier: { code: e.dossierCode as string } }, include: { attempts: { orderBy: { startedAt: "asc" } } } });
      return row?.status === "DELIVERED" ? row : null;
    }, "the SMS fallback");
    expect(n.attempts.map((a) => [a.channel, a.status, a.outcome])).toEqual([
      ["ZNS", "SENT", "no_receipt"],
      ["SMS", "DELIVERED", "delivered"],
    ]);
    // Zalo was asked by the message's id before anything else was sent.
    const msgId = n.attempts[0]!.providerMessageId!;
    expect(s.zalo.received.some((r) => r.method === "GET" && r.path === `/message/status?message_id=${msgId}`)).toBe(true);
  });

  it("asks ZNS at the deadline and takes its 'delivered' when the receipt was lost: nothing sent twice", async () => {
    s.zalo.receiptsTo = null; // the receipt is lost…
    s.zalo.znsDelivers = true; // …but the phone got it
    const e = s.event();
    await s.post("/api/v1/dossier-events", e);
    const n = await s.waitFor(async () => {
      const row = await s.ctx.db.notice.findFirst({ where: { dossier: { code: e.dossierCode as string } }, include: { attempts: true } });
      return row?.status === "DELIVERED" ? row : null;
    }, "the ZNS status poll");
    expect(n.attempts.map((a) => [a.channel, a.status])).toEqual([["ZNS", "DELIVERED"]]);
    expect(s.twilio.messages.filter((m) => m.body.includes(e.dossierCode as string))).toHaveLength(0);
  });
});

describe("Zalo token refresh under concurrency", () => {
  let s: NotifyStack;
  beforeAll(async () => {
    s = await startNotifyStack({ worker: false });
  });
  afterAll(() => s.close());

  it("refreshes once when many callers in several processes ask at the same time, and persists the new pair first", async () => {
    s.zalo.oauthDelayMs = 150;
    const manager = () =>
      new ZaloTokenManager({
        pool: s.ctx.pool,
        redis: s.ctx.redis,
        logger: createLogger({ level: "silent" }),
        appId: s.zalo.appId,
        appSecret: s.zalo.appSecret,
        initialRefreshToken: s.zalo.refreshToken,
        oauthBase: s.zalo.url,
        lockKey: `${s.env.QUEUE_PREFIX}:lock:zalo-token-refresh`,
      });
    const workers = [manager(), manager(), manager()];
    const tokens = await Promise.all(workers.flatMap((w) => [w.accessToken(), w.accessToken(), w.accessToken()]));
    expect(s.zalo.refreshCount).toBe(1);
    expect(new Set(tokens).size).toBe(1);
    const stored = await s.ctx.db.providerToken.findUnique({ where: { provider: "zalo_oa" } });
    expect(stored).toMatchObject({ accessToken: tokens[0], refreshToken: s.zalo.refreshToken });
    expect(stored!.expiresAt.getTime() - Date.now()).toBeGreaterThan(24.9 * 3600_000);

    // The token is rejected: every caller that saw it fail asks for a refresh; only one happens.
    s.zalo.expireAccessTokens();
    const stale = tokens[0]!;
    const fresh = await Promise.all(workers.map((w) => w.refresh(stale)));
    expect(s.zalo.refreshCount).toBe(2);
    expect(new Set(fresh).size).toBe(1);
    expect(s.zalo.validAccessTokens.has(fresh[0]!)).toBe(true);
  });
});
