/**
 * Announcements (issue 9 §4) on the real PostgreSQL, Redis, BullMQ workers and the fake
 * providers: compose and preview, targeting, a 2,000-subscriber announcement delivered once each,
 * the idempotent send, the two-person rule, cancel half-way, quiet hours, Zalo's per-follower
 * cap, scheduling, and the guard on every route.
 */
import { randomBytes, randomUUID } from "node:crypto";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startNotifyStack, type NotifyStack } from "../support/notify-stack.js";
import { apiJson } from "../support/api-call.js";

const COMMUNE = "29955"; // Phường Hồng Ngự, Đồng Tháp (province 82)
const OTHER = "28249"; // Phường Đạo Thạnh, Đồng Tháp

type Role = "INTEGRATION" | "COMMUNE_STAFF" | "POST_OFFICE_STAFF" | "ADMIN";

async function keyFor(s: NotifyStack, name: string, role: Role, unitCode: string | null): Promise<string> {
  return (await s.ctx.apiKeys.create({ name, role, unitCode })).key;
}

const call = (s: NotifyStack, method: string, path: string, key: string | null, body?: unknown, headers: Record<string, string> = {}) => apiJson(s.baseUrl, method, path, key, body, headers);

async function hamlet(s: NotifyStack, communeCode: string, name: string): Promise<string> {
  const h = await s.ctx.db.hamlet.create({ data: { communeCode, name, searchName: `${name.toLowerCase()}-${randomBytes(3).toString("hex")}` } });
  return h.id;
}

interface SubscriberSpec {
  channel: "TELEGRAM" | "ZALO_OA";
  hamletId?: string | null;
  communeCode?: string;
  reachable?: boolean;
  optedOut?: boolean;
  lastInteractionAt?: Date;
  phone?: string | null;
  externalId?: string;
}

/** Telegram chat ids handed out in order (random ones collided now and then across thousands of subscribers). */
let nextChatId = 7_000_000_000 + Math.floor(Math.random() * 1e6) * 1000;

/** Subscribers written straight to the tables (as the bot's subscription flow leaves them); their external ids. */
async function subscribe(s: NotifyStack, specs: SubscriberSpec[]): Promise<string[]> {
  const ids: string[] = [];
  const rows = specs.map((spec) => {
    const externalId = spec.externalId ?? (spec.channel === "TELEGRAM" ? String(nextChatId++) : `z${randomBytes(8).toString("hex")}`);
    ids.push(externalId);
    return { ...spec, externalId, identityId: randomUUID(), citizenId: spec.phone ? randomUUID() : null };
  });
  const citizens = rows.filter((r) => r.citizenId);
  if (citizens.length) {
    await s.ctx.pool.query(`INSERT INTO "Citizen" (id, phone, "fullName", "updatedAt") SELECT * , now() FROM unnest($1::uuid[], $2::text[], $3::text[])`, [
      citizens.map((r) => r.citizenId),
      citizens.map((r) => r.phone),
      citizens.map(() => "Trần Thị Bình"),
    ]);
  }
  await s.ctx.pool.query(
    `INSERT INTO "ChannelIdentity" (id, channel, "externalId", "citizenId", "displayName", "consentAt", "optedOutAt", reachable, "lastInteractionAt", "updatedAt")
     SELECT t.id, t.channel::"ChannelKind", t.ext, t.citizen, 'Cư dân thử', now(), CASE WHEN t.opted THEN now() END, t.reachable, t.last, now()
       FROM unnest($1::uuid[], $2::text[], $3::text[], $4::uuid[], $5::bool[], $6::bool[], $7::timestamptz[]) AS t(id, channel, ext, citizen, opted, reachable, last)`,
    [
      rows.map((r) => r.identityId),
      rows.map((r) => r.channel),
      rows.map((r) => r.externalId),
      rows.map((r) => r.citizenId),
      rows.map((r) => r.optedOut ?? false),
      rows.map((r) => r.reachable ?? true),
      rows.map((r) => r.lastInteractionAt ?? new Date()),
    ],
  );
  await s.ctx.pool.query(
    `INSERT INTO "Subscription" (id, kind, "identityId", "citizenId", "communeCode", "hamletId")
     SELECT gen_random_uuid(), 'AREA', t.identity, t.citizen, t.commune, t.hamlet FROM unnest($1::uuid[], $2::uuid[], $3::text[], $4::uuid[]) AS t(identity, citizen, commune, hamlet)`,
    [rows.map((r) => r.identityId), rows.map((r) => r.citizenId), rows.map((r) => r.communeCode ?? COMMUNE), rows.map((r) => r.hamletId ?? null)],
  );
  return ids;
}

/** HH:MM in Vietnam (QUIET_HOURS' format). */
function hhmm(date: Date): string {
  const ict = new Date(date.getTime() + 7 * 3600_000);
  return `${String(ict.getUTCHours()).padStart(2, "0")}:${String(ict.getUTCMinutes()).padStart(2, "0")}`;
}

const draft = (over: Record<string, unknown> = {}) => ({ communeCode: COMMUNE, title: "Tiêm chủng mở rộng", body: "Sáng thứ Bảy 7 giờ tại trạm y tế phường, mang theo sổ tiêm chủng.", ...over });

async function waitStatus(s: NotifyStack, key: string, id: string, status: string, timeoutMs = 60_000): Promise<any> {
  return s.waitFor(async () => {
    const r = await call(s, "GET", `/api/v1/broadcasts/${id}`, key);
    return r.body.status === status ? r.body : null;
  }, `broadcast ${id} ${status}`, timeoutMs);
}

describe("announcements", () => {
  let s: NotifyStack;
  let staff: string;
  let staff2: string;
  let otherUnit: string;
  let province: string;
  let post: string;
  let admin: string;
  let hamletA: string;
  let hamletB: string;

  beforeAll(async () => {
    // A loaded CI machine can take over a second to answer; a provider call cut short would be an
    // (honest) "unknown" outcome, which is not what these tests are about.
    s = await startNotifyStack({ env: { RATE_LIMITS: "off", BROADCAST_TICK_MS: "300", WORKER_CONCURRENCY: "40", PROVIDER_TIMEOUT_MS: "15000" } });
    staff = await keyFor(s, "Cán bộ Hồng Ngự", "COMMUNE_STAFF", COMMUNE);
    staff2 = await keyFor(s, "Cán bộ thứ hai", "COMMUNE_STAFF", COMMUNE);
    otherUnit = await keyFor(s, "Cán bộ Đạo Thạnh", "COMMUNE_STAFF", OTHER);
    province = await keyFor(s, "Cán bộ tỉnh", "COMMUNE_STAFF", "82");
    post = await keyFor(s, "Bưu điện", "POST_OFFICE_STAFF", "82");
    admin = await keyFor(s, "Quản trị", "ADMIN", null);
    hamletA = await hamlet(s, COMMUNE, "Khóm An Thạnh");
    hamletB = await hamlet(s, COMMUNE, "Khóm An Lộc");
  });
  afterAll(() => s.close());

  it("POST /api/v1/broadcasts: a draft with its preview — texts per channel, SMS segments and budget, recipients per channel, the unreachable, the cost", async () => {
    const h = await hamlet(s, COMMUNE, "Khóm Preview");
    await subscribe(s, [
      { channel: "TELEGRAM", hamletId: h },
      { channel: "TELEGRAM", hamletId: h, reachable: false, phone: "+84912000001" },
      { channel: "ZALO_OA", hamletId: h },
      { channel: "ZALO_OA", hamletId: h, lastInteractionAt: new Date(Date.now() - 3 * 86_400_000) },
      { channel: "ZALO_OA", hamletId: h, lastInteractionAt: new Date(Date.now() - 9 * 86_400_000) },
      { channel: "TELEGRAM", hamletId: h, optedOut: true },
      { channel: "TELEGRAM", communeCode: OTHER },
    ]);
    const res = await call(s, "POST", "/api/v1/broadcasts", staff, draft({ hamletIds: [h] }));
    expect(res.status, JSON.stringify(res.body)).toBe(201);
    expect(res.body).toMatchObject({ status: "DRAFT", communeCode: COMMUNE, hamlets: [{ id: h, name: "Khóm Preview" }] });
    const p = res.body.preview;
    expect(p.texts.telegram).toContain("Tiêm chủng mở rộng");
    expect(p.texts.telegram).toContain("Khóm Preview");
    expect(p.texts.telegram).toContain(`/xa/${COMMUNE}`);
    expect(p.texts.sms).not.toMatch(/[^\x00-\x7f]/); // no diacritics in the SMS
    expect(p.texts.sms).toContain("Tiem chung mo rong");
    expect(p.smsSegments).toBeGreaterThanOrEqual(1);
    expect(typeof p.smsFitsBudget).toBe("boolean");
    expect(p.smsUsed).toBe(false);
    // Whole-commune subscribers also get hamlet announcements: none here besides those in the hamlet,
    // unless an earlier test left some; count only what this hamlet's subscribers add.
    expect(p.recipients.optedOut).toBeGreaterThanOrEqual(1);
    expect(p.recipients.unreachableByReason.blocked).toBeGreaterThanOrEqual(1);
    expect(p.recipients.unreachableByReason["zalo-window"]).toBeGreaterThanOrEqual(1);
    expect(p.recipients.zaloOutsideWindow).toBeGreaterThanOrEqual(1);
    expect(p.cost.zalo).toBe(p.recipients.zaloOutsideWindow * s.env.ZALO_MESSAGE_PRICE_VND);
    expect(p.cost.sms).toBe(0);
    // The draft's counts agree with its preview (as GET says them), not 0 before the first notice exists.
    expect(res.body.counts.total).toBe(p.recipients.total);
    expect(res.body.counts.total).toBeGreaterThanOrEqual(1);
    expect(res.body.counts.unreachable).toBe(p.recipients.unreachable);
    expect((await call(s, "GET", `/api/v1/broadcasts/${res.body.id}`, staff)).body.counts).toEqual(res.body.counts);
    // Urgent: the blocked Telegram subscriber with a phone is reached by SMS, and that costs.
    const urgent = await call(s, "POST", "/api/v1/broadcasts", staff, draft({ hamletIds: [h], urgent: true, title: "Khẩn: nước lên" }));
    expect(urgent.body.preview.smsUsed).toBe(true);
    expect(urgent.body.preview.recipients.byChannel.SMS).toBeGreaterThanOrEqual(1);
    expect(urgent.body.preview.cost.sms).toBe(urgent.body.preview.recipients.byChannel.SMS * urgent.body.preview.smsSegments * s.env.SMS_SEGMENT_PRICE_VND);
    expect(urgent.body.preview.texts.sms).toMatch(/^\[KHAN\]/);
  });

  it("rejects bad input with a clear 400 and stores nothing; another unit's commune is 403", async () => {
    const before = await s.ctx.db.broadcast.count();
    const otherHamlet = await hamlet(s, OTHER, "Ấp Khác");
    const bad: [unknown, string][] = [
      [draft({ title: "a\u0000b" }), "title"],
      [draft({ title: "Họp\u202edân" }), "title"],
      [draft({ body: "Tiêm\u200bchủng" }), "body"],
      [draft({ body: "" }), "body"],
      [draft({ title: "x".repeat(151) }), "title"],
      [draft({ scheduledAt: "9999-12-31T00:00:00Z" }), "scheduledAt"],
      [draft({ scheduledAt: "2020-01-01T00:00:00Z" }), "scheduledAt"],
      [draft({ scheduledAt: "ngày mai" }), "scheduledAt"],
      [draft({ hamletIds: [otherHamlet] }), "hamletIds"],
      [draft({ hamletIds: ["not-a-uuid"] }), "hamletIds.0"],
      [draft({ communeCode: "99999" }), "communeCode"],
      [draft({ extra: 1 }), ""],
      ["{not json", ""],
    ];
    for (const [body, field] of bad) {
      const res = await call(s, "POST", "/api/v1/broadcasts", staff, body);
      expect(res.status, JSON.stringify(body)).toBe(400);
      if (field) expect(res.body.error.field, JSON.stringify(res.body)).toBe(field);
    }
    expect((await call(s, "POST", "/api/v1/broadcasts", otherUnit, draft())).status).toBe(403);
    expect(await s.ctx.db.broadcast.count()).toBe(before);
  });

  it("sends a 2,000-subscriber announcement across Telegram and Zalo, each subscriber once, and shows the progress to the end", async () => {
    const big = await hamlet(s, COMMUNE, "Khóm Lớn");
    const telegramIds = await subscribe(s, Array.from({ length: 1000 }, () => ({ channel: "TELEGRAM" as const, hamletId: big })));
    const zaloIds = await subscribe(s, Array.from({ length: 1000 }, () => ({ channel: "ZALO_OA" as const, hamletId: big })));
    const created = await call(s, "POST", "/api/v1/broadcasts", staff, draft({ hamletIds: [big], title: "Họp dân khóm Lớn" }));
    expect(created.body.preview.recipients.byChannel).toMatchObject({ TELEGRAM: 1000, ZALO_OA: 1000 });
    const id = created.body.id;
    // Before it is sent, the announcement says whom it would reach.
    const before = await call(s, "GET", `/api/v1/broadcasts/${id}`, staff);
    expect(before.body).toMatchObject({ status: "DRAFT", counts: { total: 2000, queued: 0, sent: 0, delivered: 0, failed: 0, unreachable: 0 } });
    const sent = await call(s, "POST", `/api/v1/broadcasts/${id}/send`, staff);
    expect(sent.status).toBe(200);
    expect(["SENDING", "SENT"]).toContain(sent.body.status);
    const done = await waitStatus(s, staff, id, "SENT", 120_000);
    expect(done.counts.total).toBe(2000);
    expect(done.counts.queued).toBe(0);
    expect(done.counts.delivered + done.counts.sent).toBe(2000);
    expect(done.byChannel.TELEGRAM.delivered + done.byChannel.TELEGRAM.sent).toBe(1000);
    const tg = new Map<string, number>();
    for (const m of s.telegram.sent) if (m.text?.includes("Họp dân khóm Lớn")) tg.set(m.chatId, (tg.get(m.chatId) ?? 0) + 1);
    expect(tg.size).toBe(1000);
    expect([...tg.values()].every((n) => n === 1)).toBe(true);
    expect(telegramIds.every((c) => tg.get(c) === 1)).toBe(true);
    const zl = new Map<string, number>();
    for (const m of s.zalo.messages) if (m.text?.includes("Họp dân khóm Lớn")) zl.set(m.userId!, (zl.get(m.userId!) ?? 0) + 1);
    expect(zl.size).toBe(1000);
    expect(zaloIds.every((u) => zl.get(u) === 1)).toBe(true);
    // The list shows it, newest first.
    const list = await call(s, "GET", "/api/v1/broadcasts?status=SENT", staff);
    expect(list.body.broadcasts.map((b: { id: string }) => b.id)).toContain(id);
  }, 180_000);

  it("POST /api/v1/broadcasts/:id/send: a double click, a retried request and a repeated Idempotency-Key send once", async () => {
    const h = await hamlet(s, COMMUNE, "Khóm Một Lần");
    const ids = await subscribe(s, Array.from({ length: 30 }, () => ({ channel: "TELEGRAM" as const, hamletId: h })));
    const key = `compose-${randomBytes(4).toString("hex")}`;
    const first = await call(s, "POST", "/api/v1/broadcasts", staff, draft({ hamletIds: [h], title: "Một lần thôi" }), { "idempotency-key": key });
    const again = await call(s, "POST", "/api/v1/broadcasts", staff, draft({ hamletIds: [h], title: "Một lần thôi" }), { "idempotency-key": key });
    expect(first.status).toBe(201);
    expect(again.body.id).toBe(first.body.id);
    expect(await s.ctx.db.broadcast.count({ where: { title: "Một lần thôi" } })).toBe(1);
    // The same key for other content is a conflict, not a silent replay.
    const reused = await call(s, "POST", "/api/v1/broadcasts", staff, draft({ hamletIds: [h], title: "Khác hẳn" }), { "idempotency-key": key });
    expect(reused.status).toBe(409);
    expect(reused.body.error.field).toBe("Idempotency-Key");
    const id = first.body.id;
    const answers = await Promise.all(Array.from({ length: 6 }, () => call(s, "POST", `/api/v1/broadcasts/${id}/send`, staff)));
    expect(answers.every((a) => a.status === 200)).toBe(true);
    await waitStatus(s, staff, id, "SENT");
    expect(await s.ctx.db.notice.count({ where: { broadcastId: id } })).toBe(30);
    const got = s.telegram.sent.filter((m) => m.text?.includes("Một lần thôi"));
    expect(got).toHaveLength(30);
    expect(new Set(got.map((m) => m.chatId))).toEqual(new Set(ids));
    // Sending a sent announcement again changes nothing.
    expect((await call(s, "POST", `/api/v1/broadcasts/${id}/send`, staff)).body.status).toBe("SENT");
    expect(s.telegram.sent.filter((m) => m.text?.includes("Một lần thôi"))).toHaveLength(30);
  });

  it("POST /api/v1/broadcasts/:id/approve: an urgent announcement waits for a second staff member of the unit; its author cannot approve it; it may use SMS", async () => {
    const h = await hamlet(s, COMMUNE, "Khóm Khẩn");
    await subscribe(s, [
      { channel: "TELEGRAM", hamletId: h },
      { channel: "TELEGRAM", hamletId: h, reachable: false, phone: "+84912345001" },
    ]);
    const created = await call(s, "POST", "/api/v1/broadcasts", staff, draft({ hamletIds: [h], urgent: true, title: "Nước lũ lên nhanh" }));
    const id = created.body.id;
    expect((await call(s, "POST", `/api/v1/broadcasts/${id}/approve`, staff2)).status).toBe(409); // not sent for approval yet
    const sent = await call(s, "POST", `/api/v1/broadcasts/${id}/send`, staff);
    expect(sent.body.status).toBe("AWAITING_APPROVAL");
    await new Promise((r) => setTimeout(r, 500));
    expect(await s.ctx.db.notice.count({ where: { broadcastId: id } })).toBe(0);
    const self = await call(s, "POST", `/api/v1/broadcasts/${id}/approve`, staff);
    expect(self.status).toBe(403);
    expect(self.body.error.message).toMatch(/không tự phê duyệt/);
    expect((await call(s, "POST", `/api/v1/broadcasts/${id}/approve`, otherUnit)).status).toBe(404);
    expect((await call(s, "POST", `/api/v1/broadcasts/${id}/approve`, post)).status).toBe(403);
    expect((await s.ctx.db.broadcast.findUniqueOrThrow({ where: { id } })).status).toBe("AWAITING_APPROVAL");
    const ok = await call(s, "POST", `/api/v1/broadcasts/${id}/approve`, staff2);
    expect(ok.status).toBe(200);
    expect(ok.body).toMatchObject({ approvedByName: "Cán bộ thứ hai" });
    const done = await waitStatus(s, staff, id, "SENT");
    expect(done.byChannel.SMS.delivered + done.byChannel.SMS.sent).toBe(1);
    expect(s.twilio.messages.some((m) => m.to === "+84912345001" && /KHAN/.test(m.body))).toBe(true);
    // An admin may approve too (another urgent one).
    const second = await call(s, "POST", "/api/v1/broadcasts", staff, draft({ hamletIds: [h], urgent: true, title: "Khẩn lần hai" }));
    await call(s, "POST", `/api/v1/broadcasts/${second.body.id}/send`, staff);
    expect((await call(s, "POST", `/api/v1/broadcasts/${second.body.id}/approve`, admin)).status).toBe(200);
  });

  it("POST /api/v1/broadcasts/:id/cancel: nothing is sent after the cancel returns", async () => {
    const slow = await startNotifyStack({ env: { RATE_LIMITS: "on", BROADCAST_TICK_MS: "300" } });
    try {
      const key = await keyFor(slow, "Cán bộ", "COMMUNE_STAFF", COMMUNE);
      const h = await hamlet(slow, COMMUNE, "Khóm Hủy");
      await subscribe(slow, Array.from({ length: 300 }, () => ({ channel: "TELEGRAM" as const, hamletId: h })));
      const created = await call(slow, "POST", "/api/v1/broadcasts", key, draft({ hamletIds: [h], title: "Sẽ bị hủy" }));
      const id = created.body.id;
      await call(slow, "POST", `/api/v1/broadcasts/${id}/send`, key);
      // Telegram's 30 a second: 300 take ten seconds. Cancel once some have gone.
      await slow.waitFor(async () => slow.telegram.sent.filter((m) => m.text?.includes("Sẽ bị hủy")).length >= 30, "30 sent", 30_000);
      const cancelled = await call(slow, "POST", `/api/v1/broadcasts/${id}/cancel`, key);
      expect(cancelled.status).toBe(200);
      expect(cancelled.body.status).toBe("CANCELLED");
      const atCancel = slow.telegram.sent.filter((m) => m.text?.includes("Sẽ bị hủy")).length;
      expect(atCancel).toBeLessThan(300);
      await new Promise((r) => setTimeout(r, 2500));
      expect(slow.telegram.sent.filter((m) => m.text?.includes("Sẽ bị hủy")).length).toBe(atCancel);
      const after = await call(slow, "GET", `/api/v1/broadcasts/${id}`, key);
      expect(after.body.counts.cancelled).toBe(300 - atCancel);
      expect(after.body.counts.queued).toBe(0);
      // Cancelling again is harmless; sending a cancelled one is refused.
      expect((await call(slow, "POST", `/api/v1/broadcasts/${id}/cancel`, key)).status).toBe(200);
      expect((await call(slow, "POST", `/api/v1/broadcasts/${id}/send`, key)).status).toBe(409);
    } finally {
      await slow.close();
    }
  });

  it("a normal announcement waits for quiet hours to end on every channel; an urgent one goes at once", async () => {
    // Quiet from an hour ago to an hour ahead (a fixed "00:00-23:59" is not quiet at 23:59).
    const now = Date.now();
    const night = await startNotifyStack({ env: { RATE_LIMITS: "off", QUIET_HOURS: `${hhmm(new Date(now - 3600_000))}-${hhmm(new Date(now + 3600_000))}`, BROADCAST_TICK_MS: "300" } });
    try {
      const key = await keyFor(night, "Cán bộ", "COMMUNE_STAFF", COMMUNE);
      const key2 = await keyFor(night, "Cán bộ 2", "COMMUNE_STAFF", COMMUNE);
      const h = await hamlet(night, COMMUNE, "Khóm Đêm");
      await subscribe(night, [{ channel: "TELEGRAM", hamletId: h }, { channel: "ZALO_OA", hamletId: h }]);
      const normal = await call(night, "POST", "/api/v1/broadcasts", key, draft({ hamletIds: [h], title: "Thông báo thường ban đêm" }));
      await call(night, "POST", `/api/v1/broadcasts/${normal.body.id}/send`, key);
      await night.waitFor(async () => (await night.ctx.db.notice.count({ where: { broadcastId: normal.body.id, status: "DEFERRED" } })) === 2, "both deferred");
      const deferred = await night.ctx.db.notice.findMany({ where: { broadcastId: normal.body.id } });
      expect(deferred.every((n) => n.notBefore && n.notBefore.getTime() > Date.now())).toBe(true);
      const urgent = await call(night, "POST", "/api/v1/broadcasts", key, draft({ hamletIds: [h], title: "Khẩn ban đêm", urgent: true }));
      await call(night, "POST", `/api/v1/broadcasts/${urgent.body.id}/send`, key);
      await call(night, "POST", `/api/v1/broadcasts/${urgent.body.id}/approve`, key2);
      await waitStatus(night, key, urgent.body.id, "SENT");
      expect(night.telegram.sent.some((m) => m.text?.includes("Khẩn ban đêm"))).toBe(true);
      expect(night.telegram.sent.some((m) => m.text?.includes("Thông báo thường ban đêm"))).toBe(false);
    } finally {
      await night.close();
    }
  });

  it("respects Zalo's cap of announcements a follower a day, and schedules one for later", async () => {
    const h = await hamlet(s, COMMUNE, "Khóm Hạn Mức");
    const [user] = await subscribe(s, [{ channel: "ZALO_OA", hamletId: h }]);
    const cap = s.env.BROADCAST_ZALO_PER_FOLLOWER_DAY;
    for (let i = 0; i < cap; i += 1) {
      const b = await call(s, "POST", "/api/v1/broadcasts", staff, draft({ hamletIds: [h], title: `Tin số ${i + 1}` }));
      await call(s, "POST", `/api/v1/broadcasts/${b.body.id}/send`, staff);
      await waitStatus(s, staff, b.body.id, "SENT");
    }
    const over = await call(s, "POST", "/api/v1/broadcasts", staff, draft({ hamletIds: [h], title: "Tin vượt hạn mức" }));
    expect(over.body.preview.recipients.unreachableByReason["zalo-daily-cap"]).toBe(1);
    // Far enough ahead that a loaded machine still asks to send before the time (a send within
    // 1 s of it starts at once, not SCHEDULED).
    const at = new Date(Date.now() + 8000).toISOString();
    await call(s, "PATCH", `/api/v1/broadcasts/${over.body.id}`, staff, { scheduledAt: at });
    const scheduled = await call(s, "POST", `/api/v1/broadcasts/${over.body.id}/send`, staff);
    expect(scheduled.body.status).toBe("SCHEDULED");
    const done = await waitStatus(s, staff, over.body.id, "SENT", 30_000);
    expect(done.counts).toMatchObject({ total: 1, unreachable: 1 });
    expect(s.zalo.messages.filter((m) => m.userId === user).length).toBe(cap);
    const unreached = await call(s, "GET", `/api/v1/broadcasts/${over.body.id}/unreached`, staff);
    expect(unreached.body.hamlets).toEqual([expect.objectContaining({ hamletId: h, hamletName: "Khóm Hạn Mức", subscribers: [expect.objectContaining({ channel: "Zalo" })] })]);
  });

  it("targets only the hamlets named and the whole-commune subscribers, each chat once (a chat subscribed to the hamlet and the commune too), never the other hamlet, the other commune or an opted-out chat; another commune's hamlet cannot be slipped in by PATCH", async () => {
    const a = await hamlet(s, COMMUNE, "Khóm Nhắm A");
    const b = await hamlet(s, COMMUNE, "Khóm Nhắm B");
    const foreign = await hamlet(s, OTHER, "Ấp Nhắm Khác");
    const [inA, both, optedOut, inB, elsewhere] = await subscribe(s, [
      { channel: "TELEGRAM", hamletId: a },
      { channel: "TELEGRAM", hamletId: a },
      { channel: "TELEGRAM", hamletId: a, optedOut: true },
      { channel: "TELEGRAM", hamletId: b },
      { channel: "TELEGRAM", communeCode: OTHER, hamletId: foreign },
    ]);
    // The second chat is also subscribed to the whole commune.
    await s.ctx.pool.query(
      `INSERT INTO "Subscription" (id, kind, "identityId", "communeCode") SELECT gen_random_uuid(), 'AREA', i.id, $2 FROM "ChannelIdentity" i WHERE i."externalId" = $1`,
      [both, COMMUNE],
    );
    const d = await call(s, "POST", "/api/v1/broadcasts", staff, draft({ hamletIds: [a], title: "Nạo vét kênh khóm A" }));
    const slipped = await call(s, "PATCH", `/api/v1/broadcasts/${d.body.id}`, staff, { hamletIds: [a, foreign] });
    expect(slipped.status).toBe(400);
    expect(slipped.body.error.field).toBe("hamletIds");
    expect((await call(s, "GET", `/api/v1/broadcasts/${d.body.id}`, staff)).body.hamlets.map((h: { id: string }) => h.id)).toEqual([a]);
    await call(s, "POST", `/api/v1/broadcasts/${d.body.id}/send`, staff);
    await waitStatus(s, staff, d.body.id, "SENT");
    const got = (chat: string) => s.telegram.sent.filter((m) => m.method === "sendMessage" && m.chatId === chat && (m.text ?? "").includes("Nạo vét kênh khóm A")).length;
    expect([inA, both, optedOut, inB, elsewhere].map((c) => got(c!))).toEqual([1, 1, 0, 0, 0]);
    const notices = await s.ctx.pool.query<{ n: number }>(`SELECT count(*)::int AS n FROM "Notice" WHERE "broadcastId" = $1`, [d.body.id]);
    const recipients = await s.ctx.pool.query<{ n: number }>(`SELECT count(*)::int AS n FROM "BroadcastRecipient" WHERE "broadcastId" = $1 AND "noticeId" IS NOT NULL`, [d.body.id]);
    expect(notices.rows[0]!.n).toBe(recipients.rows[0]!.n);
  });

  it("in a process on Vietnam's clock (TZ=Asia/Ho_Chi_Minh) an announcement scheduled in an hour waits for its hour, and the times it records are the real ones", async () => {
    const h = await hamlet(s, COMMUNE, "Khóm Giờ Việt Nam");
    await subscribe(s, [{ channel: "TELEGRAM", hamletId: h }]);
    const zone = process.env.TZ;
    process.env.TZ = "Asia/Ho_Chi_Minh";
    try {
      expect(new Date(Date.UTC(2026, 0, 1)).getTimezoneOffset()).toBe(-420);
      const b = await call(s, "POST", "/api/v1/broadcasts", staff, draft({ hamletIds: [h], scheduledAt: new Date(Date.now() + 60 * 60_000).toISOString() }));
      const sent = await call(s, "POST", `/api/v1/broadcasts/${b.body.id}/send`, staff);
      expect(sent.body.status).toBe("SCHEDULED");
      await s.ctx.broadcasts.tick();
      expect((await call(s, "GET", `/api/v1/broadcasts/${b.body.id}`, staff)).body.status).toBe("SCHEDULED");
      const row = (await s.ctx.pool.query<{ sendRequestedAt: Date }>(`SELECT "sendRequestedAt" FROM "Broadcast" WHERE id = $1`, [b.body.id])).rows[0]!;
      expect(Math.abs(row.sendRequestedAt.getTime() - Date.now())).toBeLessThan(5 * 60_000);
      await call(s, "POST", `/api/v1/broadcasts/${b.body.id}/cancel`, staff);
    } finally {
      if (zone === undefined) delete process.env.TZ;
      else process.env.TZ = zone;
    }
  });

  describe("the guard on every route: another commune's broadcast is a 404, never data", () => {
    let id: string;
    beforeAll(async () => {
      id = (await call(s, "POST", "/api/v1/broadcasts", staff, draft({ title: "Của Hồng Ngự" }))).body.id;
    });

    const callers = () => ({ none: null, integration: s.key, otherUnit, province, post, staff, admin });

    it("GET /api/v1/broadcasts: each unit sees only its own", async () => {
      const expected = { none: 401, integration: 403, otherUnit: 200, province: 200, post: 403, staff: 200, admin: 200 };
      for (const [who, key] of Object.entries(callers())) {
        const res = await call(s, "GET", "/api/v1/broadcasts", key);
        expect(res.status, who).toBe(expected[who as keyof typeof expected]);
        if (res.status === 200) expect(res.body.broadcasts.some((b: { id: string }) => b.id === id), who).toBe(who !== "otherUnit");
      }
      expect((await call(s, "GET", `/api/v1/broadcasts?communeCode=${COMMUNE}`, otherUnit)).status).toBe(403);
    });

    it("GET /api/v1/broadcasts/:id: (and GET /api/v1/broadcasts/:id/preview:, GET /api/v1/broadcasts/:id/unreached:) the unit's staff, the province, admin", async () => {
      const expected = { none: 401, integration: 403, otherUnit: 404, province: 200, post: 403, staff: 200, admin: 200 };
      for (const path of [`/api/v1/broadcasts/${id}`, `/api/v1/broadcasts/${id}/preview`, `/api/v1/broadcasts/${id}/unreached`]) {
        for (const [who, key] of Object.entries(callers())) {
          const res = await call(s, "GET", path, key);
          expect(res.status, `${who} ${path}`).toBe(expected[who as keyof typeof expected]);
          if (res.status === 404) expect(JSON.stringify(res.body)).not.toContain("Của Hồng Ngự");
        }
      }
      expect((await call(s, "GET", `/api/v1/broadcasts/${randomUUID()}`, staff)).status).toBe(404);
      expect((await call(s, "GET", `/api/v1/broadcasts/not-an-id`, staff)).status).toBe(404);
    });

    it("PATCH /api/v1/broadcasts/:id: (and POST /api/v1/broadcasts/:id/send:, POST /api/v1/broadcasts/:id/cancel:) another unit changes nothing", async () => {
      for (const [who, key] of Object.entries(callers())) {
        if (who === "staff" || who === "admin" || who === "province") continue;
        const expected = key === null ? 401 : who === "otherUnit" ? 404 : 403;
        expect((await call(s, "PATCH", `/api/v1/broadcasts/${id}`, key, { title: "Đổi" })).status, who).toBe(expected);
        expect((await call(s, "POST", `/api/v1/broadcasts/${id}/send`, key)).status, who).toBe(expected);
        expect((await call(s, "POST", `/api/v1/broadcasts/${id}/cancel`, key)).status, who).toBe(expected);
      }
      const b = await s.ctx.db.broadcast.findUniqueOrThrow({ where: { id } });
      expect(b).toMatchObject({ status: "DRAFT", title: "Của Hồng Ngự" });
      const edited = await call(s, "PATCH", `/api/v1/broadcasts/${id}`, province, { title: "Của Hồng Ngự (sửa)" });
      expect(edited.status).toBe(200);
      expect((await call(s, "POST", `/api/v1/broadcasts/${id}/cancel`, staff)).body.status).toBe("CANCELLED");
      expect((await call(s, "PATCH", `/api/v1/broadcasts/${id}`, staff, { title: "Quá muộn" })).status).toBe(409);
    });
  });
});
