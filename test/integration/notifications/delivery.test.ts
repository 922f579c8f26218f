import { afterAll, afterEach, beforeAll, describe, expect, it } from "vitest";
import { DOSSIER_NOTICE_TYPES } from "../../../src/notifications/notice-types.js";
import { countSegments, isGsm7 } from "../../../src/notifications/sms-text.js";
import { startNotifyStack, type NotifyStack } from "../../support/notify-stack.js";

let s: NotifyStack;
beforeAll(async () => {
  s = await startNotifyStack();
});
afterAll(() => s.close());
afterEach(() => {
  s.zalo.clearFaults();
  s.telegram.clearFaults();
  s.twilio.clearFaults();
});

let phoneSeq = 0;
function newPhone(): { local: string; e164: string } {
  phoneSeq += 1;
  const digits = `09${String(31_000_000 + phoneSeq * 7919 + Math.floor(Math.random() * 1000)).padStart(8, "0")}`;
  return { local: digits, e164: `+84${digits.slice(1)}` };
}

/** A citizen known before the event, with the identities given. */
async function citizen(options: { telegram?: string; zalo?: string; zaloInteraction?: Date; preferred?: ("SMS" | "TELEGRAM" | "ZALO_OA" | "ZNS")[]; optedOut?: boolean } = {}) {
  const phone = newPhone();
  const c = await s.ctx.db.citizen.create({
    data: {
      phone: phone.e164,
      fullName: "Lê Văn Cường",
      preferredChannels: options.preferred ?? [],
      ...(options.optedOut ? { optedOutAt: new Date() } : {}),
      identities: {
        create: [
          ...(options.telegram ? [{ channel: "TELEGRAM" as const, externalId: options.telegram, consentAt: new Date() }] : []),
          ...(options.zalo ? [{ channel: "ZALO_OA" as const, externalId: options.zalo, consentAt: new Date(), lastInteractionAt: options.zaloInteraction ?? new Date() }] : []),
        ],
      },
    },
  });
  return { ...c, local: phone.local };
}

async function send(status: string, phone: string, extra: Record<string, unknown> = {}) {
  const event = s.event({ status, applicant: { fullName: "Lê Văn Cường", phone }, ...extra });
  const res = await s.post("/api/v1/dossier-events", event);
  expect(res.status).toBe(202);
  const notice = await s.waitFor(() => s.ctx.db.notice.findFirst({ where: { dossier: { code: event.dossierCode as string } } }), "the notice row");
  return { event, noticeId: notice.id };
}

async function finalNotice(noticeId: string, statuses = ["DELIVERED", "FAILED", "CANCELLED"]) {
  return s.waitFor(async () => {
    const n = await s.ctx.db.notice.findUnique({ where: { id: noticeId }, include: { attempts: { orderBy: { startedAt: "asc" } } } });
    return n && statuses.includes(n.status) ? n : null;
  }, `notice ${noticeId} to reach ${statuses.join("/")}`, 20_000);
}

describe("routing and delivery", () => {
  it("sends to Telegram where the citizen linked it, in Vietnamese, delivered at once", async () => {
    const c = await citizen({ telegram: "5550001" });
    const { event, noticeId } = await send("RECEIVED", c.local);
    const n = await finalNotice(noticeId);
    expect(n.status).toBe("DELIVERED");
    expect(n.attempts.map((a) => [a.channel, a.status])).toEqual([["TELEGRAM", "DELIVERED"]]);
    const msg = s.telegram.sent.find((m) => m.chatId === "5550001")!;
    expect(msg.text).toContain(`hồ sơ ${event.dossierCode} (Đăng ký khai sinh) đã được tiếp nhận ngày 20/11/2026`);
    expect(msg.text).toContain("Ngày hẹn trả kết quả: 25/11/2026");
    expect(msg.text).toMatch(/^Kính gửi ông\/bà Lê Văn Cường/);
  });

  it("sends ZNS by phone with the approved template, delivered by Zalo's signed receipt", async () => {
    const c = await citizen();
    const { event, noticeId } = await send("RESULT_READY", c.local);
    const n = await finalNotice(noticeId);
    expect(n.status).toBe("DELIVERED");
    expect(n.attempts.map((a) => [a.channel, a.status])).toEqual([["ZNS", "DELIVERED"]]);
    const zns = s.zalo.messages.find((m) => m.trackingId === noticeId)!;
    expect(zns.phone).toBe(c.phone!.slice(1));
    expect(zns.templateData).toMatchObject({ dossier_code: event.dossierCode, status: "Đã có kết quả", customer_name: "Lê Văn Cường" });
  });

  it("falls back Zalo OA → ZNS → SMS on 'not a follower' (-213) and a ZNS refusal (-118)", async () => {
    const c = await citizen({ zalo: "zalo-user-213" });
    s.zalo.notFollowers.add("zalo-user-213");
    s.zalo.inject({ kind: "error", code: -118, message: "Zalo account does not exist" }, { match: (r) => r.path.startsWith("/message/template") && (r.body as { phone?: string }).phone === c.phone!.slice(1) });
    const { noticeId } = await send("SUPPLEMENT_REQUIRED", c.local, { note: "Bản sao giấy chứng sinh" });
    const n = await finalNotice(noticeId);
    expect(n.status).toBe("DELIVERED");
    expect(n.attempts.map((a) => [a.channel, a.status, a.errorCode, a.outcome])).toEqual([
      ["ZALO_OA", "FAILED", "-213", "fallback"],
      ["ZNS", "FAILED", "-118", "fallback"],
      ["SMS", "DELIVERED", null, "delivered"],
    ]);
    const sms = s.twilio.messages.find((m) => m.to === c.phone)!;
    expect(sms.body).toContain("can bo sung giay to");
    expect(sms.body).toContain("Ban sao giay chung sinh");
    expect(isGsm7(sms.body)).toBe(true);
    const identity = await s.ctx.db.channelIdentity.findFirst({ where: { externalId: "zalo-user-213" } });
    expect(identity?.reachable).toBe(false);
  });

  it("falls back when the citizen is outside Zalo's 7-day window (-230) and when a bot is blocked (403)", async () => {
    const c = await citizen({ zalo: "zalo-user-230", telegram: "5550403" });
    s.zalo.outsideWindow.add("zalo-user-230");
    s.telegram.blocked.add("5550403");
    const { noticeId } = await send("PAYMENT_REQUIRED", c.local);
    const n = await finalNotice(noticeId);
    expect(n.attempts.map((a) => [a.channel, a.errorCode])).toEqual([
      ["TELEGRAM", "403"],
      ["ZALO_OA", "-230"],
      ["ZNS", null],
    ]);
    expect(n.status).toBe("DELIVERED");
  });

  it("skips Zalo OA altogether when the last interaction is older than 7 days", async () => {
    const c = await citizen({ zalo: "zalo-user-old", zaloInteraction: new Date(Date.now() - 8 * 86400_000) });
    const { noticeId } = await send("RETURNED", c.local);
    const n = await finalNotice(noticeId);
    expect(n.channelPlan).toEqual(["ZNS", "SMS"]);
  });

  it("ends FAILED with the provider's code when the last channel refuses the number (21211)", async () => {
    const c = await citizen({ preferred: ["SMS"] });
    s.zalo.inject({ kind: "error", code: -108 }, { match: (r) => (r.body as { phone?: string }).phone === c.phone!.slice(1) });
    s.twilio.inject({ kind: "error", code: 21211, message: "The 'To' number is not a valid phone number." }, { match: (r) => (r.body as { To?: string }).To === c.phone });
    const { noticeId } = await send("REFUSED", c.local, { note: "Hồ sơ không thuộc thẩm quyền" });
    const n = await finalNotice(noticeId);
    expect(n.channelPlan).toEqual(["SMS", "ZNS"]);
    expect(n.status).toBe("FAILED");
    expect(n.attempts.map((a) => [a.channel, a.errorCode])).toEqual([
      ["SMS", "21211"],
      ["ZNS", "-108"],
    ]);
    expect(n.lastError).toMatch(/-108/);
  });

  it("retries on 5xx and on 429 honouring retry_after (the provider refused: nothing was sent), then delivers", async () => {
    const c = await citizen({ telegram: "5550429" });
    s.telegram.inject({ kind: "rate-limit", retryAfter: 1 }, { match: (r) => (r.body as { chat_id?: unknown }).chat_id == "5550429" });
    s.telegram.inject({ kind: "http", status: 502 }, { match: (r) => (r.body as { chat_id?: unknown }).chat_id == "5550429" });
    const started = Date.now();
    const { noticeId } = await send("WITHDRAWN", c.local);
    const n = await finalNotice(noticeId);
    expect(n.status).toBe("DELIVERED");
    expect(n.attempts.map((a) => [a.channel, a.status, a.errorCode])).toEqual([
      ["TELEGRAM", "FAILED", "429"],
      ["TELEGRAM", "FAILED", "502"],
      ["TELEGRAM", "DELIVERED", null],
    ]);
    const tries = s.telegram.received.filter((r) => (r.body as { chat_id?: unknown }).chat_id == "5550429");
    expect(tries[1]!.at - tries[0]!.at).toBeGreaterThanOrEqual(1000); // retry_after: 1
    expect(Date.now() - started).toBeGreaterThanOrEqual(1000);
  });

  it("never sends a Telegram message again after a time-out: Telegram cannot be asked, so the outcome is recorded as unknown", async () => {
    const c = await citizen({ telegram: "5550777" });
    // Telegram takes the message, but its answer never comes back.
    s.telegram.inject({ kind: "timeout", accepted: true }, { match: (r) => (r.body as { chat_id?: unknown }).chat_id == "5550777" });
    const { noticeId, event } = await send("WITHDRAWN", c.local);
    const n = await s.waitFor(async () => {
      const row = await s.ctx.db.notice.findUnique({ where: { id: noticeId }, include: { attempts: true } });
      // Both rows as the one transaction leaves them (Prisma reads the notice and its attempts in two queries).
      return row?.status === "UNCONFIRMED" && row.attempts[0]?.outcome === "unknown" && row.checkAt === null ? row : null;
    }, "the outcome recorded as unknown");
    // The dossier's history says so, for staff of its unit (and only for them).
    const history = async (key: string) => {
      const res = await fetch(`${s.baseUrl}/api/v1/dossiers/${encodeURIComponent(event.dossierCode as string)}`, { headers: { authorization: `Bearer ${key}` } });
      return { status: res.status, body: (await res.json()) as any };
    };
    const own = await s.ctx.apiKeys.create({ name: "staff 29955", role: "COMMUNE_STAFF", unitCode: "29955" });
    const other = await s.ctx.apiKeys.create({ name: "staff 28249", role: "COMMUNE_STAFF", unitCode: "28249" });
    const shown = await history(own.key);
    expect(shown.status).toBe(200);
    expect(shown.body.notices).toHaveLength(1);
    expect(shown.body.notices[0]).toMatchObject({ type: "WITHDRAWN", status: "UNCONFIRMED", outcome: "unknown", outcomeLabel: expect.stringMatching(/^Không rõ đã đến người dân hay chưa/) });
    expect(shown.body.notices[0].attempts).toEqual([expect.objectContaining({ channel: "TELEGRAM", status: "UNCONFIRMED", outcome: "unknown", recipient: "5550777" })]);
    expect(shown.body.events.map((e: { status: string }) => e.status)).toEqual(["WITHDRAWN"]);
    expect((await history(other.key)).status).toBe(404);
    expect((await history(s.key)).status).toBe(200); // the upstream system may read what it sent
    expect(n.attempts.map((a) => [a.channel, a.status, a.outcome])).toEqual([["TELEGRAM", "UNCONFIRMED", "unknown"]]);
    expect(n.checkAt).toBeNull(); // nothing more will be done with it
    expect(n.lastError).toMatch(/outcome unknown, not sent again/);
    // A relay sweep later does not pick it up again either.
    await s.worker!.relay.sweep();
    const sends = s.telegram.received.filter((r) => r.path.endsWith("/sendMessage") && (r.body as { chat_id?: unknown }).chat_id == "5550777");
    expect(sends).toHaveLength(1);
    expect((await s.ctx.db.noticeAttempt.count({ where: { noticeId } }))).toBe(1);
  });

  it("reconciles an SMS whose call timed out after Twilio took it: found by listing the number's messages, never sent twice", async () => {
    const c = await citizen({ preferred: ["SMS"] });
    s.twilio.inject({ kind: "timeout", accepted: true }, { match: (r) => r.method === "POST" && (r.body as { To?: string }).To === c.phone });
    const { noticeId } = await send("WITHDRAWN", c.local);
    const n = await finalNotice(noticeId);
    expect(n.status).toBe("DELIVERED");
    const sms = s.twilio.messages.filter((m) => m.to === c.phone);
    expect(sms).toHaveLength(1);
    expect(n.attempts.map((a) => [a.channel, a.status, a.providerMessageId])).toEqual([["SMS", "DELIVERED", sms[0]!.sid]]);
    // Asked with the number (the SID never came back), before anything was sent again.
    expect(s.twilio.received.some((r) => r.method === "GET" && r.path.includes("/Messages.json?") && decodeURIComponent(r.path).includes(`To=${c.phone}`))).toBe(true);
  });

  it("sends an SMS again, once, when its call timed out before Twilio took it", async () => {
    const c = await citizen({ preferred: ["SMS"] });
    s.twilio.inject({ kind: "timeout" }, { match: (r) => r.method === "POST" && (r.body as { To?: string }).To === c.phone });
    const { noticeId } = await send("WITHDRAWN", c.local);
    const n = await finalNotice(noticeId);
    expect(n.status).toBe("DELIVERED");
    expect(s.twilio.messages.filter((m) => m.to === c.phone)).toHaveLength(1);
    expect(n.attempts.map((a) => [a.channel, a.status, a.outcome])).toEqual([
      ["SMS", "FAILED", "not_accepted"],
      ["SMS", "DELIVERED", "delivered"],
    ]);
  });

  it("gives up on a channel after a bounded number of tries and falls back", async () => {
    const c = await citizen({ telegram: "5550500" });
    s.telegram.inject({ kind: "http", status: 500 }, { times: Infinity, match: (r) => (r.body as { chat_id?: unknown }).chat_id == "5550500" });
    const { noticeId } = await send("STOPPED", c.local);
    const n = await finalNotice(noticeId);
    const telegramTries = n.attempts.filter((a) => a.channel === "TELEGRAM");
    expect(telegramTries).toHaveLength(4);
    expect(n.attempts.at(-1)).toMatchObject({ channel: "ZNS", status: "DELIVERED" });
  }, 30_000);

  it("refreshes an invalid Zalo token once (-216) and retries", async () => {
    // First the worker holds a valid token (a Zalo OA message sent with it), so that expiring it
    // makes the next send meet -216 rather than start without a token.
    const warm = await citizen({ zalo: "zalo-user-token-warm" });
    expect((await finalNotice((await send("RECEIVED", warm.local)).noticeId)).status).toBe("DELIVERED");
    expect(await s.ctx.db.providerToken.count()).toBe(1);
    expect(s.zalo.validAccessTokens.size).toBeGreaterThan(0);

    const c = await citizen({ zalo: "zalo-user-token" });
    s.zalo.expireAccessTokens();
    const before = s.zalo.refreshCount;
    const { noticeId } = await send("RECEIVED", c.local);
    const n = await finalNotice(noticeId);
    expect(n.status).toBe("DELIVERED");
    expect(n.attempts.map((a) => [a.channel, a.status])).toEqual([["ZALO_OA", "DELIVERED"]]);
    expect(s.zalo.refreshCount - before).toBe(1);
    // Two calls for this user: the first with the expired token (answered -216), then the retry.
    const calls = s.zalo.received.filter((r) => r.path.startsWith("/v3.0/oa/message/cs") && (r.body as { recipient?: { user_id?: string } }).recipient?.user_id === "zalo-user-token");
    expect(calls).toHaveLength(2);
    expect(calls[0]!.headers["access_token"]).not.toBe(calls[1]!.headers["access_token"]);
    const stored = await s.ctx.db.providerToken.findUnique({ where: { provider: "zalo_oa" } });
    expect(stored?.refreshToken).toBe(s.zalo.refreshToken);
  });

  it("waits for a slow Zalo OAuth answer longer than for a send: a refresh Zalo took is never abandoned, so the pair is not lost", async () => {
    // Sends time out after 1 s here (PROVIDER_TIMEOUT_MS); Zalo rotates the pair when it answers
    // the refresh, so a refresh given up at 1 s would spend the refresh token for nothing.
    const c = await citizen({ zalo: "zalo-user-slow-oauth" });
    s.zalo.expireAccessTokens();
    s.zalo.oauthDelayMs = 1_500;
    try {
      const before = s.zalo.refreshCount;
      const n = await finalNotice((await send("RECEIVED", c.local)).noticeId);
      expect(n.attempts.map((a) => [a.channel, a.status])).toEqual([["ZALO_OA", "DELIVERED"]]);
      expect(s.zalo.refreshCount - before).toBe(1);
      const stored = await s.ctx.db.providerToken.findUnique({ where: { provider: "zalo_oa" } });
      expect(stored?.refreshToken).toBe(s.zalo.refreshToken);
    } finally {
      s.zalo.oauthDelayMs = 0;
    }
  });

  it("honours opt-outs: a citizen who opted out gets nothing; an SMS STOP (21610) moves to the next channel", async () => {
    const out = await citizen({ telegram: "5550600", optedOut: true });
    const { noticeId } = await send("RECEIVED", out.local);
    const n = await finalNotice(noticeId);
    expect(n.status).toBe("CANCELLED");
    expect(n.attempts).toHaveLength(0);
    expect(s.telegram.sent.some((m) => m.chatId === "5550600")).toBe(false);

    const stop = await citizen({ preferred: ["SMS"] });
    s.twilio.optedOut.add(stop.phone!);
    const second = await send("RECEIVED", stop.local);
    const m = await finalNotice(second.noticeId);
    expect(m.attempts.map((a) => [a.channel, a.outcome])).toEqual([
      ["SMS", "opted_out"],
      ["ZNS", "delivered"],
    ]);
    const smsIdentity = await s.ctx.db.channelIdentity.findUnique({ where: { channel_externalId: { channel: "SMS", externalId: stop.phone! } } });
    expect(smsIdentity?.optedOutAt).not.toBeNull();
    // The next notice does not try SMS at all.
    const third = await send("RESULT_READY", stop.local);
    expect((await finalNotice(third.noticeId)).channelPlan).toEqual(["ZNS"]);
  });

  it("puts the citizen's preferred channel first", async () => {
    const c = await citizen({ telegram: "5550700", preferred: ["SMS"] });
    const { noticeId } = await send("RESULT_READY", c.local);
    const n = await finalNotice(noticeId);
    expect(n.channelPlan).toEqual(["SMS", "TELEGRAM", "ZNS"]);
    expect(n.attempts[0]?.channel).toBe("SMS");
  });

  it("produces a correct notice for every status, and an SMS within 2 GSM-7 segments", async () => {
    const c = await citizen({ telegram: "5550800" });
    const expectations: Record<string, RegExp> = {
      RECEIVED: /đã được tiếp nhận/,
      REFUSED: /không được tiếp nhận\. Lý do: Thiếu tờ khai\./,
      SUPPLEMENT_REQUIRED: /cần bổ sung giấy tờ\. Nội dung cần bổ sung: Thiếu tờ khai\./,
      PAYMENT_REQUIRED: /nghĩa vụ tài chính/,
      WITHDRAWN: /đã được rút/,
      STOPPED: /đã dừng xử lý/,
      DELAYED: /thành thật xin lỗi .* chưa thể trả kết quả đúng hẹn ngày 25\/11\/2026\. Lý do: Thiếu tờ khai\. Ngày hẹn trả kết quả mới: 30\/11\/2026\./,
      RESULT_READY: /đã có kết quả/,
      RETURNED: /đã được trả/,
      POSTAL_COLLECTED: /Bưu điện đã nhận/,
      POSTAL_HANDED_TO_DESK: /Bưu điện đã nộp/,
      RESULT_HANDED_TO_POST: /đã được giao cho Bưu điện/,
      OUT_FOR_DELIVERY: /bưu tá đang chuyển/,
      DELIVERED: /giao tận nơi thành công/,
      DELIVERY_FAILED: /chưa giao được/,
    };
    expect(Object.keys(expectations).sort()).toEqual([...DOSSIER_NOTICE_TYPES].sort());
    for (const [i, status] of DOSSIER_NOTICE_TYPES.entries()) {
      const { noticeId } = await send(status, c.local, { note: "Thiếu tờ khai", newDueAt: status === "DELAYED" ? "2026-11-30T17:00:00+07:00" : null, occurredAt: `2026-11-20T0${i % 10}:00:00+07:00` });
      await finalNotice(noticeId);
      const attempt = await s.ctx.db.noticeAttempt.findFirst({ where: { noticeId } });
      expect(attempt?.text, status).toMatch(expectations[status]!);
      const notice = await s.ctx.db.notice.findUnique({ where: { id: noticeId } });
      const sms = s.worker!.sender.render(status, notice!.variables as never, "SMS", c.phone!, noticeId).text;
      expect(isGsm7(sms), `${status}: ${sms}`).toBe(true);
      expect(countSegments(sms).segments, `${status}: ${sms}`).toBeLessThanOrEqual(2);
    }
  });
});

describe("delivery receipts", () => {
  it("moves an SMS to DELIVERED on Twilio's signed callback; a duplicate changes nothing; a bad signature gets 403", async () => {
    const c = await citizen({ preferred: ["SMS"] });
    const { noticeId } = await send("RECEIVED", c.local);
    const n = await finalNotice(noticeId);
    expect(n.status).toBe("DELIVERED");
    const attempt = n.attempts.find((a) => a.channel === "SMS")!;
    const message = s.twilio.messages.find((m) => m.sid === attempt.providerMessageId)!;
    expect(message.statusCallback).toBe(`${s.baseUrl}/webhooks/twilio/status?notice=${noticeId}`);
    const snapshot = await s.ctx.db.noticeAttempt.findUnique({ where: { id: attempt.id } });

    const again = await s.twilio.postStatus(message.statusCallback!, { MessageSid: message.sid, MessageStatus: "delivered", To: c.phone!, AccountSid: s.twilio.accountSid });
    expect(again.status).toBe(204);
    const late = await s.twilio.postStatus(message.statusCallback!, { MessageSid: message.sid, MessageStatus: "sent", To: c.phone!, AccountSid: s.twilio.accountSid });
    expect(late.status).toBe(204);
    const forged = await s.twilio.postStatus(message.statusCallback!, { MessageSid: message.sid, MessageStatus: "failed", ErrorCode: "30008" }, "wrong-token");
    expect(forged.status).toBe(403);
    expect(await s.ctx.db.noticeAttempt.findUnique({ where: { id: attempt.id } })).toEqual(snapshot);
    expect((await s.ctx.db.notice.findUnique({ where: { id: noticeId } }))?.status).toBe("DELIVERED");
  });

  it("falls back to the next channel when the carrier reports the SMS undelivered", async () => {
    const c = await citizen({ preferred: ["SMS"] });
    s.twilio.undeliverable.add(c.phone!);
    const { noticeId } = await send("RESULT_READY", c.local);
    const n = await finalNotice(noticeId);
    expect(n.attempts.map((a) => [a.channel, a.status, a.errorCode])).toEqual([
      ["SMS", "FAILED", "30003"],
      ["ZNS", "DELIVERED", null],
    ]);
  });

  it("refuses a Zalo event with a bad signature, and a repeated Zalo receipt changes nothing", async () => {
    const forged = await fetch(`${s.baseUrl}/webhooks/zalo`, {
      method: "POST",
      headers: { "content-type": "application/json", "x-zevent-signature": "mac=00" },
      body: JSON.stringify({ app_id: s.zalo.appId, event_name: "user_received_message", timestamp: "1", message: { msg_id: "x" } }),
    });
    expect(forged.status).toBe(403);
    const c = await citizen();
    const { noticeId } = await send("RECEIVED", c.local);
    const n = await finalNotice(noticeId);
    const zns = s.zalo.messages.find((m) => m.trackingId === noticeId)!;
    const receipt = { sender: { id: s.zalo.oaId }, recipient: { id: zns.phone }, event_name: "user_received_message", message: { msg_id: zns.msgId, tracking_id: noticeId, delivery_time: "1" }, app_id: s.zalo.appId, timestamp: String(Date.now()) };
    const res = await s.zalo.postEvent(`${s.baseUrl}/webhooks/zalo`, receipt);
    expect(res.status).toBe(200);
    const after = await s.ctx.db.notice.findUnique({ where: { id: noticeId }, include: { attempts: true } });
    expect(after?.attempts).toEqual(n.attempts);
  });
});
