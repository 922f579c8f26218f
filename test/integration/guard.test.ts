/**
 * The guard (src/auth/guard.ts) over real HTTP: every guarded route, for every kind of caller —
 * no key, a revoked key, the integration key, commune staff of the unit and of another unit, post
 * office staff of the unit and of another province, admin — answers 401/403/2xx as it should and
 * stores nothing when it refuses. Then staff confinement to the unit (issue 7 §3) in detail.
 */
import { randomBytes } from "node:crypto";
import { readdirSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { ROUTES } from "../../src/auth/guard.js";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { Principal } from "../../src/auth/guard.js";
import { buildHttpServer } from "../../src/http/server.js";
import { startTestApp, type TestApp } from "../support/app.js";
import { startNotifyStack, type NotifyStack } from "../support/notify-stack.js";
import { apiJson } from "../support/api-call.js";

let s: NotifyStack;
const keys: Record<string, string> = {};

beforeAll(async () => {
  s = await startNotifyStack({ worker: false });
  const make = async (label: string, role: "INTEGRATION" | "COMMUNE_STAFF" | "POST_OFFICE_STAFF" | "ADMIN", unitCode?: string) => {
    keys[label] = (await s.ctx.apiKeys.create({ name: label, role, unitCode: unitCode ?? null })).key;
  };
  keys.integration = s.key;
  await make("communeOfUnit", "COMMUNE_STAFF", "28249"); // Phường Đạo Thạnh, Đồng Tháp
  await make("communeOther", "COMMUNE_STAFF", "29955"); // Phường Hồng Ngự, Đồng Tháp
  await make("provinceStaff", "COMMUNE_STAFF", "82"); // Đồng Tháp: all its communes
  await make("postOfUnit", "POST_OFFICE_STAFF", "82");
  await make("postOther", "POST_OFFICE_STAFF", "01"); // Hà Nội
  await make("admin", "ADMIN");
  await make("revoked", "COMMUNE_STAFF", "28249");
  await s.ctx.apiKeys.revoke(keys.revoked!.slice(0, 12));
});
afterAll(() => s.close());

const call = (method: "GET" | "POST", path: string, key: string | null, body?: unknown) => apiJson(s.baseUrl, method, path, key, body);
/** A staff event's time: staff record a step when they take it (an event dated back is refused). */
const justNow = () => new Date(Date.now() - 1000).toISOString();

/** An upstream dossier in a commune (posted with the integration key). */
async function upstreamDossier(communeCode: string | null): Promise<string> {
  const e = s.event(communeCode ? { communeCode } : { communeCode: undefined });
  expect((await s.post("/api/v1/dossier-events", e)).status).toBe(202);
  return e.dossierCode as string;
}

const counts = async () => ({
  events: await s.ctx.db.dossierEvent.count(),
  dossiers: await s.ctx.db.dossier.count(),
  notices: await s.ctx.db.notice.count(),
  bookings: await s.ctx.db.deliveryBooking.groupBy({ by: ["status"], _count: true }),
});

/** A booking as a citizen's confirmed request leaves it (written directly: this file tests the guard, not the booking flow). */
async function newBooking(communeCode: string): Promise<string> {
  const reference = `BD-${Math.random().toString(36).slice(2, 8).toUpperCase().replace(/[^A-Z0-9]/g, "X").padEnd(6, "X")}`;
  await s.ctx.db.deliveryBooking.create({
    data: {
      reference,
      kind: "DOSSIER_COLLECTION",
      recipientName: "Lê Văn Tư",
      recipientPhone: "0912000111",
      communeCode,
      addressLine: "5 đường Nguyễn Huệ",
      timeWindow: "Sáng (8:00–11:30)",
      postage: 25000,
    },
  });
  return reference;
}

type Caller = "none" | "revoked" | "integration" | "communeOfUnit" | "communeOther" | "postOfUnit" | "postOther" | "admin";
const CALLERS: Caller[] = ["none", "revoked", "integration", "communeOfUnit", "communeOther", "postOfUnit", "postOther", "admin"];
const keyOf = (c: Caller) => (c === "none" ? null : keys[c]!);

describe("the guard, per route and per caller", () => {
  it("POST /api/v1/dossier-events: (and POST /api/v1/dossier-events/batch:) 401 without a valid key, 403 for a role or a unit that may not, 202 otherwise; nothing stored on a refusal", async () => {
    const expected: Record<Caller, number> = { none: 401, revoked: 401, integration: 202, communeOfUnit: 202, communeOther: 403, postOfUnit: 403, postOther: 403, admin: 202 };
    const code = await upstreamDossier("28249");
    let step = 0;
    for (const batch of [false, true]) {
      for (const caller of CALLERS) {
        step += 1;
        const e = s.event({ dossierCode: code, status: "PROCESSING", occurredAt: new Date(Date.now() - (60 - step) * 1000).toISOString(), communeCode: undefined });
        const before = await counts();
        const res = batch ? await call("POST", "/api/v1/dossier-events/batch", keyOf(caller), { events: [e] }) : await call("POST", "/api/v1/dossier-events", keyOf(caller), e);
        expect(res.status, `${caller} ${batch ? "batch" : "single"}: ${JSON.stringify(res.body)}`).toBe(expected[caller]);
        if (res.status !== 202) {
          expect(res.body.error.code).toBe(res.status === 401 ? "UNAUTHORIZED" : "FORBIDDEN");
          expect(await counts(), caller).toEqual(before);
        } else {
          expect(res.body.accepted).toBe(1);
        }
      }
    }
  });

  it("GET /api/v1/bookings: each caller sees only its unit's bookings; integration keys none at all", async () => {
    const reference = await newBooking("28249");
    const expected: Record<Caller, [number, boolean?]> = {
      none: [401],
      revoked: [401],
      integration: [403],
      communeOfUnit: [200, true],
      communeOther: [200, false],
      postOfUnit: [200, true],
      postOther: [200, false],
      admin: [200, true],
    };
    for (const caller of CALLERS) {
      const res = await call("GET", "/api/v1/bookings", keyOf(caller));
      expect(res.status, caller).toBe(expected[caller][0]);
      if (res.status === 200) expect(res.body.bookings.some((b: { reference: string }) => b.reference === reference), caller).toBe(expected[caller][1]);
    }
  });

  it("POST /api/v1/bookings/:reference/status: only post office staff of the unit (and admin) move a booking; others change nothing", async () => {
    const expected: Record<Caller, number> = { none: 401, revoked: 401, integration: 403, communeOfUnit: 403, communeOther: 403, postOfUnit: 200, postOther: 404, admin: 200 };
    for (const caller of CALLERS) {
      const reference = await newBooking("28249");
      const res = await call("POST", `/api/v1/bookings/${reference}/status`, keyOf(caller), { status: "CONFIRMED" });
      expect(res.status, `${caller}: ${JSON.stringify(res.body)}`).toBe(expected[caller]);
      const stored = await s.ctx.db.deliveryBooking.findUniqueOrThrow({ where: { reference } });
      expect(stored.status, caller).toBe(res.status === 200 ? "CONFIRMED" : "REQUESTED");
      if (res.status !== 200) expect(await s.ctx.db.notice.count({ where: { dedupeKey: `booking:${stored.id}:CONFIRMED` } })).toBe(0);
    }
  });

  it("GET /api/v1/dossiers/:code: the dossier's history for staff of its unit and integration keys; another unit's staff are told it does not exist", async () => {
    const code = await upstreamDossier("28249");
    const expected: Record<Caller, number> = { none: 401, revoked: 401, integration: 200, communeOfUnit: 200, communeOther: 404, postOfUnit: 403, postOther: 403, admin: 200 };
    for (const caller of CALLERS) {
      const res = await call("GET", `/api/v1/dossiers/${code}`, keyOf(caller));
      expect(res.status, `${caller}: ${JSON.stringify(res.body)}`).toBe(expected[caller]);
      if (res.status === 200) expect(res.body).toMatchObject({ code, commune: { code: "28249" } });
    }
    // An unknown code and another unit's code get the same answer.
    const unknown = await call("GET", `/api/v1/dossiers/H15.50.05.13-261121-99999`, keyOf("communeOther"));
    expect(unknown.status).toBe(404);
  });

  it("has a test for every guarded route (an it() whose title names the route followed by a colon, in some test file)", () => {
    const dir = fileURLToPath(new URL("..", import.meta.url));
    const sources = readdirSync(dir, { recursive: true, encoding: "utf8" })
      .filter((f) => f.endsWith(".test.ts"))
      .map((f) => readFileSync(join(dir, f), "utf8"))
      .join("\n");
    const titles = [...sources.matchAll(/\bit\("([^"]*)"/g)].map((m) => m[1]!);
    const untested = Object.keys(ROUTES).filter((route) => !titles.some((title) => title.includes(`${route}:`)));
    expect(untested).toEqual([]);
  });

  it("GET /api/v1/sandbox/messages: open on a development machine with no provider, ADMIN only in production or once any provider is configured", async () => {
    const adminOnly: Record<Caller, number> = { none: 401, revoked: 401, integration: 403, communeOfUnit: 403, communeOther: 403, postOfUnit: 403, postOther: 403, admin: 200 };
    // This stack has every provider configured (fakes): some messages reach real people, so the sandbox is not open.
    for (const caller of CALLERS) expect((await call("GET", "/api/v1/sandbox/messages", keyOf(caller))).status, caller).toBe(adminOnly[caller]);
    let prod: TestApp | null = null;
    let dev: TestApp | null = null;
    try {
      dev = await startTestApp({ DATABASE_URL: s.databaseUrl, QUEUE_PREFIX: `g${randomBytes(4).toString("hex")}` });
      for (const caller of CALLERS) {
        const key = keyOf(caller);
        expect((await fetch(`${dev.baseUrl}/api/v1/sandbox/messages`, { headers: key ? { authorization: `Bearer ${key}` } : {} })).status, `dev ${caller}`).toBe(200);
      }
      prod = await startTestApp({ NODE_ENV: "production", WEB_CHAT_SECRET: randomBytes(32).toString("hex"), DATABASE_URL: s.databaseUrl, QUEUE_PREFIX: `g${randomBytes(4).toString("hex")}` });
      const expected: Record<Caller, number> = { none: 401, revoked: 401, integration: 403, communeOfUnit: 403, communeOther: 403, postOfUnit: 403, postOther: 403, admin: 200 };
      for (const caller of CALLERS) {
        const key = keyOf(caller);
        const res = await fetch(`${prod.baseUrl}/api/v1/sandbox/messages`, { headers: key ? { authorization: `Bearer ${key}` } : {} });
        expect(res.status, caller).toBe(expected[caller]);
      }
      // HEAD runs the GET route's handler: guarded alike.
      expect((await fetch(`${prod.baseUrl}/api/v1/sandbox/messages`, { method: "HEAD" })).status).toBe(401);
      expect((await fetch(`${prod.baseUrl}/api/v1/sandbox/messages`, { method: "HEAD", headers: { authorization: `Bearer ${keys.integration}` } })).status).toBe(403);
    } finally {
      await prod?.close();
      await dev?.close();
    }
  });
});

describe("staff confined to their unit (dossier events)", () => {
  const staff = (body: unknown, key = keys.communeOfUnit!) => call("POST", "/api/v1/dossier-events", key, body);

  it("refuses an event for a dossier of another commune (no communeCode given): 403, nothing stored, the citizen told nothing", async () => {
    const code = await upstreamDossier("29955");
    const before = await counts();
    const res = await staff(s.event({ dossierCode: code, status: "REFUSED", occurredAt: justNow(), communeCode: undefined, note: "Hồ sơ giả mạo" }));
    expect(res.status).toBe(403);
    expect(res.body.error).toMatchObject({ code: "FORBIDDEN", field: "dossierCode" });
    expect(res.body.error.message).not.toContain("29955"); // the other unit's commune is not named
    expect(await counts()).toEqual(before);
    expect(await s.ctx.db.dossier.findUniqueOrThrow({ where: { code } })).toMatchObject({ status: "RECEIVED", communeCode: "29955" });
  });

  it("refuses a staff event dated ahead of now, so upstream's next events still apply", async () => {
    const code = await upstreamDossier("28249");
    const before = await counts();
    const ahead = new Date(Date.now() + 4 * 60_000).toISOString();
    const res = await staff(s.event({ dossierCode: code, status: "PROCESSING", occurredAt: ahead, communeCode: undefined }));
    expect(res.status).toBe(400);
    expect(res.body.error.field).toBe("occurredAt");
    expect(await counts()).toEqual(before);
    // Upstream may still be a few minutes ahead (clock skew), as before.
    expect((await s.post("/api/v1/dossier-events", s.event({ dossierCode: code, status: "PROCESSING", occurredAt: ahead, communeCode: undefined }))).status).toBe(202);
  });

  it("attack: staff cannot date their step back to hide a late dossier — a result recorded after the due date, dated before it, is taken but counts from when it arrived: late", async () => {
    // Upstream's dossier: received 20/11, due 25/11 at 17:00; by now (December) it is overdue.
    const code = await upstreamDossier("28249");
    const sent = Date.now();
    const backdated = s.event({ dossierCode: code, status: "RETURNED", occurredAt: "2026-11-24T10:00:00+07:00", communeCode: undefined });
    const res = await staff(backdated);
    expect(res.status).toBe(202);
    const dossier = await call("GET", `/api/v1/dossiers/${encodeURIComponent(code)}`, keys.communeOfUnit!);
    expect(dossier.body.lateness.state).toBe("LATE");
    const stored = await s.ctx.db.dossierEvent.findFirstOrThrow({ where: { eventId: String(backdated.eventId), source: "STAFF" } });
    expect(stored.occurredAt.getTime()).toBeGreaterThanOrEqual(sent - 1000);
    expect((stored.payload as { occurredAt: string }).occurredAt).toBe("2026-11-24T03:00:00.000Z"); // the time it named is kept
    expect((await s.ctx.db.dossier.findUniqueOrThrow({ where: { code } })).statusAt.getTime()).toBe(stored.occurredAt.getTime());
    // Sent again later (a retry after no answer), it is still the harmless duplicate it was.
    expect((await staff(backdated)).body).toMatchObject({ duplicates: 1, accepted: 0 });
    expect(await s.ctx.db.dossierEvent.count({ where: { eventId: String(backdated.eventId), source: "STAFF" } })).toBe(1);
  });

  it("refuses to move another commune's dossier into its own commune", async () => {
    const code = await upstreamDossier("29955");
    const before = await counts();
    const res = await staff(s.event({ dossierCode: code, status: "PROCESSING", occurredAt: justNow(), communeCode: "28249" }));
    expect(res.status).toBe(403);
    expect(await counts()).toEqual(before);
    expect((await s.ctx.db.dossier.findUniqueOrThrow({ where: { code } })).communeCode).toBe("29955");
  });

  it("never moves its own dossier to a commune outside the unit, but may within it (a province key)", async () => {
    const code = await upstreamDossier("28249");
    const out = await staff(s.event({ dossierCode: code, status: "PROCESSING", occurredAt: justNow(), communeCode: "29955" }));
    expect(out.status).toBe(403);
    expect(out.body.error.field).toBe("communeCode");
    expect((await s.ctx.db.dossier.findUniqueOrThrow({ where: { code } })).communeCode).toBe("28249");
    const within = await staff(s.event({ dossierCode: code, status: "PROCESSING", occurredAt: justNow(), communeCode: "29955" }), keys.provinceStaff);
    expect(within.status).toBe(202);
    expect((await s.ctx.db.dossier.findUniqueOrThrow({ where: { code } })).communeCode).toBe("29955");
  });

  it("never creates a dossier: the code is upstream's, so staff cannot take it first and draw its notices to a phone of their choosing", async () => {
    const before = await counts();
    for (const override of [{ communeCode: undefined }, { communeCode: "00004" }, { communeCode: "28249" }]) {
      const res = await staff(s.event(override));
      expect(res.status, JSON.stringify(override)).toBe(403);
      expect(res.body.error.field).toBe("dossierCode");
    }
    expect(await counts()).toEqual(before);
    // Squatting: staff of 28249 take a code upstream will send for 29955, with their own phone.
    const code = s.event().dossierCode as string;
    const squat = await staff(s.event({ dossierCode: code, communeCode: "28249", applicant: { fullName: "Kẻ Gian", phone: "0987654321" } }));
    expect(squat.status).toBe(403);
    expect(await counts()).toEqual(before);
    const real = await s.post("/api/v1/dossier-events", s.event({ dossierCode: code, occurredAt: new Date(Date.now() - 1000).toISOString(), applicant: { fullName: "Nguyễn Thị Thật", phone: "0912000778" } }));
    expect(real.body).toMatchObject({ accepted: 1, applied: true });
    const dossier = await s.ctx.db.dossier.findUniqueOrThrow({ where: { code }, include: { applicant: true } });
    expect([dossier.communeCode, dossier.applicant.phone, dossier.applicant.fullName]).toEqual(["29955", "+84912000778", "Nguyễn Thị Thật"]);
  });

  it("an integration key confined to a unit creates a dossier only when it names a commune of the unit", async () => {
    const scoped = (await s.ctx.apiKeys.create({ name: "hệ thống xã", role: "INTEGRATION", unitCode: "28249" })).key;
    const before = await counts();
    expect((await staff(s.event({ communeCode: undefined }), scoped)).body.error.field).toBe("communeCode");
    expect((await staff(s.event({ communeCode: "00004" }), scoped)).status).toBe(403);
    expect(await counts()).toEqual(before);
    const inside = s.event({ communeCode: "28249" });
    expect((await staff(inside, scoped)).status).toBe(202);
    expect((await s.ctx.db.dossier.findUniqueOrThrow({ where: { code: inside.dossierCode as string } })).communeCode).toBe("28249");
  });

  it("a code first taken by a unit's own system with a phone of its choosing follows upstream's applicant once upstream speaks", async () => {
    const scoped = (await s.ctx.apiKeys.create({ name: "hệ thống xã (chiếm mã)", role: "INTEGRATION", unitCode: "28249" })).key;
    const taken = s.event({ communeCode: "28249", status: "RECEIVED", occurredAt: "2026-11-20T08:00:00+07:00", applicant: { fullName: "Kẻ Chiếm Mã", phone: "0987654321" } });
    expect((await staff(taken, scoped)).status).toBe(202);
    // Upstream's real events for that code: another commune, the citizen's own phone.
    const real = s.event({ dossierCode: taken.dossierCode, status: "RESULT_READY", occurredAt: "2026-11-21T09:00:00+07:00", communeCode: "29955", applicant: { fullName: "Võ Thị Hạnh", phone: "0912777666" } });
    expect((await s.post("/api/v1/dossier-events", real)).body).toMatchObject({ accepted: 1, applied: true, notices: 1 });
    const dossier = await s.ctx.db.dossier.findUniqueOrThrow({ where: { code: taken.dossierCode as string }, include: { applicant: true } });
    expect(dossier.applicant.phone).toBe("+84912777666");
    expect(dossier.communeCode).toBe("29955");
    // The result's notice goes to the citizen upstream names, not to the phone the code was taken with.
    const notice = await s.ctx.db.notice.findFirstOrThrow({ where: { dossierId: dossier.id, type: "RESULT_READY" }, include: { citizen: true } });
    expect(notice.citizen!.phone).toBe("+84912777666");
    // The look-up proof is the citizen's: the taker's 4 digits no longer open it.
    const client = { channel: "WEB" as const, key: "203.0.113.9" };
    expect((await s.ctx.lookup.verify(taken.dossierCode as string, { kind: "digits", digits: "4321" }, client)).result).toBe("no-match");
    expect((await s.ctx.lookup.verify(taken.dossierCode as string, { kind: "digits", digits: "7666" }, client)).result).toBe("verified");
  });

  it("an integration key confined to a unit moves no due date, channel or applicant phone of a dossier on record (upstream's word), and another unit's key touches nothing of it", async () => {
    const scoped = (await s.ctx.apiKeys.create({ name: "hệ thống xã (dời hạn)", role: "INTEGRATION", unitCode: "28249" })).key;
    const otherUnit = (await s.ctx.apiKeys.create({ name: "hệ thống phường Hồng Ngự", role: "INTEGRATION", unitCode: "29955" })).key;
    const code = await upstreamDossier("28249");
    const stored = await s.ctx.db.dossier.findUniqueOrThrow({ where: { code }, include: { applicant: true } });
    const next = (overrides: Record<string, unknown>) => s.event({ dossierCode: code, status: "PROCESSING", occurredAt: justNow(), communeCode: undefined, applicant: { phone: stored.applicant.phone }, ...overrides });
    const before = await counts();
    const refusals = [
      [next({ dueAt: "2026-12-31T17:00:00+07:00" }), "dueAt"], // a late dossier made on time, no apology
      [next({ status: "DELAYED", newDueAt: "2027-01-15T17:00:00+07:00", note: "Chờ xác minh" }), "newDueAt"],
      [next({ channel: "POSTAL" }), "channel"],
      [next({ applicant: { fullName: "Kẻ Nhận Thay", phone: "0987000111" } }), "applicant.phone"], // the notices and codes to another phone
    ] as const;
    for (const [event, field] of refusals) {
      const res = await staff(event, scoped);
      expect(res.status, field).toBe(403);
      expect(res.body.error).toMatchObject({ code: "FORBIDDEN", field });
      expect(res.body.error.message).toMatch(/^[\w.]+: hệ thống của đơn vị \(khóa tích hợp gắn với một đơn vị\) không đổi /);
    }
    expect(await counts()).toEqual(before);
    const after = await s.ctx.db.dossier.findUniqueOrThrow({ where: { code }, include: { applicant: true } });
    expect([after.dueAt, after.newDueAt, after.channel, after.applicant.phone, after.status]).toEqual([stored.dueAt, stored.newDueAt, stored.channel, stored.applicant.phone, stored.status]);
    // Its own steps, with the dossier's own dates and phone, go in.
    expect((await staff(next({}), scoped)).body).toMatchObject({ accepted: 1, applied: true });
    // Another unit's key: nothing of this dossier, read or written.
    expect((await staff(next({ eventId: `evt-${randomBytes(6).toString("hex")}` }), otherUnit)).status).toBe(403);
    expect((await call("GET", `/api/v1/dossiers/${code}`, otherUnit)).status).toBe(404);
    // Upstream still moves the date.
    expect((await s.post("/api/v1/dossier-events", next({ dueAt: "2026-12-31T17:00:00+07:00" }))).body).toMatchObject({ accepted: 1, applied: true });
  });

  it("names no applicant: a staff event renames no one (the citizen is shared with other units' dossiers)", async () => {
    const phone = "0912888999";
    const theirs = await s.post("/api/v1/dossier-events", s.event({ communeCode: "29955", applicant: { fullName: "Hoàng Văn Giang", phone } }));
    const ours = s.event({ communeCode: "28249", applicant: { fullName: "Hoàng Văn Giang", phone } });
    expect((await s.post("/api/v1/dossier-events", ours)).status).toBe(202);
    expect(theirs.status).toBe(202);
    const res = await staff(s.event({ dossierCode: ours.dossierCode, status: "PROCESSING", occurredAt: new Date(Date.now() - 1000).toISOString(), communeCode: undefined, applicant: { fullName: "Tên Bị Đổi", phone } }));
    expect(res.body).toMatchObject({ accepted: 1, applied: true });
    expect((await s.ctx.db.citizen.findUniqueOrThrow({ where: { phone: "+84912888999" } })).fullName).toBe("Hoàng Văn Giang");
  });

  it("an integration key confined to a unit renames no citizen already on record (shared with other units' dossiers), by a new dossier or an event of its own", async () => {
    const scoped = (await s.ctx.apiKeys.create({ name: "hệ thống xã (đổi tên)", role: "INTEGRATION", unitCode: "28249" })).key;
    const phone = "0912555444";
    const theirs = s.event({ communeCode: "29955", applicant: { fullName: "Đặng Thị Hoa", phone } });
    expect((await s.post("/api/v1/dossier-events", theirs)).status).toBe(202);
    // A dossier of its own unit naming that citizen's phone, with another name.
    const ours = s.event({ communeCode: "28249", applicant: { fullName: "Tên Bị Đổi", phone } });
    expect((await staff(ours, scoped)).body).toMatchObject({ accepted: 1, applied: true });
    const next = s.event({ dossierCode: ours.dossierCode, status: "PROCESSING", occurredAt: new Date(Date.now() - 1000).toISOString(), communeCode: undefined, applicant: { fullName: "Tên Bị Đổi Lần Hai", phone } });
    expect((await staff(next, scoped)).body).toMatchObject({ accepted: 1, applied: true });
    const citizen = await s.ctx.db.citizen.findUniqueOrThrow({ where: { phone: "+84912555444" } });
    expect(citizen.fullName).toBe("Đặng Thị Hoa");
    // The other unit's dossier still shows its applicant as upstream named her.
    const other = await call("GET", `/api/v1/dossiers/${theirs.dossierCode as string}`, keys.communeOther!);
    expect(other.body.applicant?.fullName ?? other.body.dossier?.applicant?.fullName).toBe("Đặng Thị Hoa");
    // A citizen it brings in itself is named as it says.
    const fresh = s.event({ communeCode: "28249", applicant: { fullName: "Lý Văn Mới", phone: "0912555443" } });
    expect((await staff(fresh, scoped)).status).toBe(202);
    expect((await s.ctx.db.citizen.findUniqueOrThrow({ where: { phone: "+84912555443" } })).fullName).toBe("Lý Văn Mới");
  });

  it("refuses a dossier whose commune is unknown (none stored) to any staff key", async () => {
    const code = await upstreamDossier(null);
    const res = await staff(s.event({ dossierCode: code, status: "PROCESSING", occurredAt: justNow(), communeCode: "28249" }), keys.provinceStaff);
    expect(res.status).toBe(403);
    expect((await s.ctx.db.dossier.findUniqueOrThrow({ where: { code } })).communeCode).toBeNull();
  });

  it("refuses a whole batch when one event is outside the unit, storing nothing", async () => {
    const other = await upstreamDossier("29955");
    const mine1 = await upstreamDossier("28249");
    const mine2 = await upstreamDossier("28249");
    const before = await counts();
    const res = await call("POST", "/api/v1/dossier-events/batch", keys.communeOfUnit!, {
      events: [s.event({ dossierCode: mine1, status: "PROCESSING", occurredAt: justNow(), communeCode: "28249" }), s.event({ dossierCode: mine2, status: "PROCESSING", occurredAt: justNow(), communeCode: "28249" }), s.event({ dossierCode: other, status: "RESULT_READY", occurredAt: justNow(), communeCode: undefined })],
    });
    expect(res.status).toBe(403);
    expect(res.body.error.field).toBe("events[2].dossierCode");
    expect(await counts()).toEqual(before);
  });

  it("never moves a due date, changes how the dossier came in, nor writes the apology's or the post office's statuses (found by the attack pass): 403 naming the field, nothing stored", async () => {
    // An overdue dossier of the unit: received 3 days ago, due yesterday.
    const upstream = s.event({ communeCode: "28249", occurredAt: new Date(Date.now() - 3 * 86_400_000).toISOString(), dueAt: new Date(Date.now() - 86_400_000).toISOString() });
    expect((await s.post("/api/v1/dossier-events", upstream)).status).toBe(202);
    const code = upstream.dossierCode as string;
    const stored = await s.ctx.db.dossier.findUniqueOrThrow({ where: { code } });
    const before = await counts();
    const recent = new Date(Date.now() - 60_000).toISOString();
    const attempts: [Record<string, unknown>, string][] = [
      // The appointment pushed out, so the dossier no longer reads as late (list, watch, monthly report).
      [{ status: "PROCESSING", dueAt: "2027-01-10" }, "dueAt"],
      [{ status: "PROCESSING", newDueAt: "2027-01-10" }, "newDueAt"],
      // Counted as received through the post in the monthly report (the pilot's figure), and put on the post office's desk.
      [{ status: "PROCESSING", channel: "POSTAL" }, "channel"],
      // A new date without the apology's letter (form 04), and as often as one likes.
      [{ status: "DELAYED", newDueAt: "2027-01-20", note: "Chậm do thiếu cán bộ" }, "status"],
      // The post office's own steps (its desk's moves write them), with their form 05 hand-overs.
      [{ status: "DELIVERED" }, "status"],
      [{ status: "OUT_FOR_DELIVERY" }, "status"],
      [{ status: "POSTAL_COLLECTED" }, "status"],
    ];
    for (const [fields, field] of attempts) {
      const res = await staff({ eventId: `st-${randomBytes(4).toString("hex")}`, dossierCode: code, occurredAt: recent, ...fields });
      expect(res.status, JSON.stringify(fields)).toBe(403);
      expect(res.body.error).toMatchObject({ code: "FORBIDDEN", field });
      const batch = await call("POST", "/api/v1/dossier-events/batch", keys.communeOfUnit!, { events: [{ eventId: `st-${randomBytes(4).toString("hex")}`, dossierCode: code, occurredAt: recent, status: "PROCESSING" }, { eventId: `st-${randomBytes(4).toString("hex")}`, dossierCode: code, occurredAt: recent, ...fields }] });
      expect(batch.status, JSON.stringify(fields)).toBe(403);
      expect(batch.body.error.field).toBe(`events[1].${field}`);
    }
    expect(await counts()).toEqual(before);
    expect(await s.ctx.db.handover.count({ where: { dossierId: stored.id } })).toBe(0);
    expect(await s.ctx.db.dossier.findUniqueOrThrow({ where: { code } })).toMatchObject({ status: "RECEIVED", dueAt: stored.dueAt, newDueAt: null, channel: "COUNTER" });
    // The dates and channel as they stand may be repeated (an event that names them unchanged), and the statuses of the console's form pass.
    const ok = await staff({ eventId: `st-${randomBytes(4).toString("hex")}`, dossierCode: code, occurredAt: recent, status: "PROCESSING", dueAt: stored.dueAt!.toISOString(), channel: "COUNTER" });
    expect(ok.body).toMatchObject({ accepted: 1, applied: true });
    // The apology is still the way to a new date, once.
    const apology = await call("POST", `/api/v1/dossiers/${encodeURIComponent(code)}/apology`, keys.communeOfUnit!, { newDueAt: new Date(Date.now() + 5 * 86_400_000).toISOString().slice(0, 10), reason: "Cần xác minh thêm." });
    expect(apology.status, JSON.stringify(apology.body)).toBe(201);
  });
});

describe("event ids are unique per source", () => {
  it("a staff key cannot shadow an upstream event id: both are kept, each with its notice", async () => {
    const eventId = `igate-${randomBytes(5).toString("hex")}`;
    const mine = s.event({ eventId, dossierCode: await upstreamDossier("28249"), communeCode: "28249", occurredAt: justNow() });
    const byStaff = await call("POST", "/api/v1/dossier-events", keys.communeOfUnit!, mine);
    expect(byStaff.body).toMatchObject({ accepted: 1, duplicates: 0 });
    // Upstream sends its own event with that id later: applied, not dropped as a duplicate.
    const upstream = s.event({ eventId, communeCode: "29955" });
    const res = await s.post("/api/v1/dossier-events", upstream);
    expect(res.status).toBe(202);
    expect(res.body).toMatchObject({ accepted: 1, duplicates: 0, notices: 1 });
    const rows = await s.ctx.db.dossierEvent.findMany({ where: { eventId }, orderBy: { receivedAt: "asc" } });
    expect(rows.map((r) => [r.origin, r.source])).toEqual([
      ["unit:28249", "STAFF"],
      ["upstream", "UPSTREAM"],
    ]);
    expect(await s.ctx.db.notice.count({ where: { event: { eventId } } })).toBe(2);
  });

  it("upstream first, then staff of two units with the same id: each is its own event", async () => {
    const eventId = `igate-${randomBytes(5).toString("hex")}`;
    expect((await s.post("/api/v1/dossier-events", s.event({ eventId }))).body.accepted).toBe(1);
    expect((await call("POST", "/api/v1/dossier-events", keys.communeOfUnit!, s.event({ eventId, dossierCode: await upstreamDossier("28249"), communeCode: "28249", occurredAt: justNow() }))).body.accepted).toBe(1);
    expect((await call("POST", "/api/v1/dossier-events", keys.communeOther!, s.event({ eventId, dossierCode: await upstreamDossier("29955"), communeCode: "29955", occurredAt: justNow() }))).body.accepted).toBe(1);
    expect(await s.ctx.db.dossierEvent.count({ where: { eventId } })).toBe(3);
  });

  it("an integration key confined to a unit can neither shadow an id upstream sends later nor probe upstream's ids", async () => {
    const scoped = (await s.ctx.apiKeys.create({ name: "hệ thống xã Đạo Thạnh", role: "INTEGRATION", unitCode: "28249" })).key;
    const eventId = `igate-${randomBytes(5).toString("hex")}`;
    expect((await call("POST", "/api/v1/dossier-events", scoped, s.event({ eventId, communeCode: "28249" }))).body).toMatchObject({ accepted: 1 });
    // Upstream's own event with that id, for a dossier of another commune, is applied, not a 409.
    const upstream = await s.post("/api/v1/dossier-events", s.event({ eventId, communeCode: "29955" }));
    expect(upstream.status).toBe(202);
    expect(upstream.body).toMatchObject({ accepted: 1, duplicates: 0, notices: 1 });
    const rows = await s.ctx.db.dossierEvent.findMany({ where: { eventId }, orderBy: { receivedAt: "asc" } });
    expect(rows.map((r) => [r.origin, r.source])).toEqual([
      ["upstream:28249", "UPSTREAM"],
      ["upstream", "UPSTREAM"],
    ]);
    // An id upstream has used (for another unit) is news to the scoped key: no 409 that would tell it so.
    const probeId = `igate-${randomBytes(5).toString("hex")}`;
    expect((await s.post("/api/v1/dossier-events", s.event({ eventId: probeId, communeCode: "29955" }))).status).toBe(202);
    expect((await call("POST", "/api/v1/dossier-events", scoped, s.event({ eventId: probeId, communeCode: "28249" }))).status).toBe(202);
  });

  it("keys of one unit share its namespace: a repeat through another key of the unit is a duplicate", async () => {
    const second = (await s.ctx.apiKeys.create({ name: "Đạo Thạnh 2", role: "COMMUNE_STAFF", unitCode: "28249" })).key;
    const e = s.event({ dossierCode: await upstreamDossier("28249"), communeCode: "28249", occurredAt: justNow() });
    expect((await call("POST", "/api/v1/dossier-events", keys.communeOfUnit!, e)).body.accepted).toBe(1);
    expect((await call("POST", "/api/v1/dossier-events", second, e)).body).toMatchObject({ accepted: 0, duplicates: 1 });
  });
});

describe("a signed-in staff member (another authenticator) is judged by the same guard", () => {
  it("reaches its unit's bookings and is refused outside its unit, like a key of the same role and unit", async () => {
    const lan: Principal = { kind: "session", id: "staff-lan", name: "Chị Lan", role: "COMMUNE_STAFF", unitCode: "28249" };
    const app = await buildHttpServer(s.ctx, { authenticators: [async (request) => (request.headers["x-test-session"] === "lan" ? lan : null)] });
    try {
      const base = await app.listen({ host: "127.0.0.1", port: 0 });
      const reference = await newBooking("28249");
      const list = await fetch(`${base}/api/v1/bookings`, { headers: { "x-test-session": "lan" } });
      expect(list.status).toBe(200);
      expect(((await list.json()) as { bookings: { reference: string }[] }).bookings.map((b) => b.reference)).toContain(reference);
      expect((await fetch(`${base}/api/v1/bookings`)).status).toBe(401);
      const move = await fetch(`${base}/api/v1/bookings/${reference}/status`, { method: "POST", headers: { "x-test-session": "lan", "content-type": "application/json" }, body: JSON.stringify({ status: "CONFIRMED" }) });
      expect(move.status).toBe(403);
      const other = await upstreamDossier("29955");
      const before = await counts();
      const post = await fetch(`${base}/api/v1/dossier-events`, {
        method: "POST",
        headers: { "x-test-session": "lan", "content-type": "application/json" },
        body: JSON.stringify(s.event({ dossierCode: other, status: "REFUSED", occurredAt: justNow(), communeCode: undefined })),
      });
      expect(post.status).toBe(403);
      expect(await counts()).toEqual(before);
    } finally {
      await app.close();
    }
  });
});
