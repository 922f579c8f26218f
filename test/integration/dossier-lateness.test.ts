/**
 * Lateness in working days in the dossier API and the console: a dossier with a result is early,
 * on time or late against its due date (the new one after an apology); one without is overdue
 * (with how many working days), due within one working day, or pending. Computed, never stored.
 */
import { randomBytes } from "node:crypto";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { dossierEventSchema } from "../../src/dossiers/event-schema.js";
import { dayKey, shiftDay, startOfDay } from "../../src/calendar/working-days.js";
import { startTestApp, type TestApp } from "../support/app.js";

let t: TestApp;
let key: string;
const tag = String(Math.floor(Math.random() * 9000) + 1000);
const code = (n: number) => `H15.50.05.13-26042${n}-${tag}`;
const at17 = (day: string) => new Date(startOfDay(day).getTime() + 17 * 3600_000).toISOString();

async function ingest(dossierCode: string, dueAt: string, events: Record<string, unknown>[]) {
  await t.ctx.ingest.ingest(
    events.map((e) =>
      dossierEventSchema.parse({ eventId: `lt-${randomBytes(5).toString("hex")}`, dossierCode, procedure: { code: "1.001193", name: "Đăng ký khai sinh" }, applicant: { fullName: "Trương Văn Lâm", phone: "0916000111" }, communeCode: "29955", dueAt, ...e }),
    ),
    { source: "UPSTREAM" },
  );
}

async function get(path: string) {
  const res = await fetch(t.baseUrl + path, { headers: { authorization: `Bearer ${key}` } });
  return { status: res.status, body: (await res.json()) as any };
}

let today: string;
let tomorrowish: string;
let later: string;

beforeAll(async () => {
  t = await startTestApp();
  key = (await t.ctx.apiKeys.create({ name: "lateness", role: "COMMUNE_STAFF", unitCode: "29955" })).key;
  const calendar = await t.ctx.calendar.calendar();
  today = dayKey(new Date());
  // The first day n working days ahead of today (today may be a weekend or a holiday).
  const ahead = (n: number) => {
    let d = today;
    while (calendar.workingDaysBetween(today, d) < n) d = shiftDay(d, 1);
    return d;
  };
  tomorrowish = ahead(1);
  later = ahead(5);
  // 1: result on 05/05, due 24/04 (Friday): late by 28, 29/04 and 4, 5/05 (27/04 compensatory, 30/4, 1/5 holidays).
  await ingest(code(1), "2026-04-24T17:00:00+07:00", [
    { status: "RECEIVED", occurredAt: "2026-04-20T08:00:00+07:00" },
    { status: "RESULT_READY", occurredAt: "2026-05-05T09:00:00+07:00" },
    { status: "RETURNED", occurredAt: "2026-05-06T10:00:00+07:00" },
  ]);
  // 2: moved to 08/05 by upstream's DELAYED; result on 06/05: early by 7 and 8/05.
  await ingest(code(2), "2026-04-24T17:00:00+07:00", [
    { status: "RECEIVED", occurredAt: "2026-04-20T08:00:00+07:00" },
    { status: "DELAYED", occurredAt: "2026-04-23T08:00:00+07:00", newDueAt: "2026-05-08T17:00:00+07:00", note: "Chờ xác minh" },
    { status: "RESULT_READY", occurredAt: "2026-05-06T09:00:00+07:00" },
  ]);
  // 3: result on the due day.
  await ingest(code(3), "2026-04-24T17:00:00+07:00", [{ status: "RECEIVED", occurredAt: "2026-04-20T08:00:00+07:00" }, { status: "RESULT_READY", occurredAt: "2026-04-24T10:00:00+07:00" }]);
  // 4: no result, due 20/11/2026.
  await ingest(code(4), "2026-11-20T17:00:00+07:00", [{ status: "PROCESSING", occurredAt: "2026-11-16T08:00:00+07:00" }]);
  // 5: no result, due the next working day; 6: in five working days.
  await ingest(code(5), at17(tomorrowish), [{ status: "RECEIVED", occurredAt: new Date(Date.now() - 3600_000).toISOString() }]);
  await ingest(code(6), at17(later), [{ status: "RECEIVED", occurredAt: new Date(Date.now() - 3600_000).toISOString() }]);
  // 7: refused.
  await ingest(code(7), "2026-04-24T17:00:00+07:00", [{ status: "REFUSED", occurredAt: "2026-04-21T08:00:00+07:00" }]);
});
afterAll(() => t?.close());

describe("lateness in working days", () => {
  it("GET /api/v1/dossiers: each dossier says early, on time or late with a result; overdue, due soon or pending without (added fields; the old ones stay)", async () => {
    const res = await get(`/api/v1/dossiers?q=${tag}&limit=200`);
    expect(res.status).toBe(200);
    const by = Object.fromEntries(res.body.dossiers.map((d: { code: string }) => [d.code, d]));
    expect(by[code(1)]).toMatchObject({ dueAt: "2026-04-24T10:00:00.000Z", newDueAt: null, overdue: false });
    expect(by[code(1)].lateness).toEqual({ state: "LATE", label: "Trễ hạn 4 ngày làm việc", workingDays: 4, dueAt: "2026-04-24T10:00:00.000Z", moved: false, resultAt: "2026-05-05T02:00:00.000Z" });
    expect(by[code(2)].lateness).toMatchObject({ state: "EARLY", workingDays: 2, moved: true, dueAt: "2026-05-08T10:00:00.000Z", label: "Trước hạn 2 ngày làm việc (theo ngày hẹn lại)" });
    expect(by[code(3)].lateness).toMatchObject({ state: "ON_TIME", workingDays: 0, label: "Đúng hạn" });
    const overdueDays = (await t.ctx.calendar.calendar()).workingDaysBetween("2026-11-20", today);
    expect(by[code(4)]).toMatchObject({ overdue: true, lateness: { state: "OVERDUE", workingDays: overdueDays, resultAt: null } });
    expect(by[code(5)].lateness).toMatchObject({ state: "DUE_SOON", workingDays: 1, label: "Đến hạn ngày làm việc tới" });
    expect(by[code(6)].lateness).toMatchObject({ state: "PENDING", workingDays: 5, label: "Còn 5 ngày làm việc" });
    expect(by[code(7)].lateness).toMatchObject({ state: "CLOSED", workingDays: null });
  });

  it("counts overdue working days from the due day to a given day, skipping weekends and holidays", async () => {
    const principal = { kind: "api-key" as const, id: "x", name: "x", role: "COMMUNE_STAFF" as const, unitCode: "29955" };
    const page = await t.ctx.history.list(principal, { q: tag, limit: 50, offset: 0 }, new Date("2026-11-24T10:00:00+07:00"));
    const d4 = page.dossiers.find((d) => d.code === code(4))!;
    expect(d4.lateness).toMatchObject({ state: "OVERDUE", workingDays: 2, label: "Quá hạn 2 ngày làm việc" }); // Monday 23 and Tuesday 24/11
    const sameEvening = await t.ctx.history.list(principal, { q: code(4), limit: 50, offset: 0 }, new Date("2026-11-20T18:00:00+07:00"));
    expect(sameEvening.dossiers[0]!.lateness).toMatchObject({ state: "OVERDUE", workingDays: 0, label: "Quá hạn (chưa tròn 1 ngày làm việc)" });
    const before = await t.ctx.history.list(principal, { q: code(4), limit: 50, offset: 0 }, new Date("2026-11-19T09:00:00+07:00"));
    expect(before.dossiers[0]!.lateness).toMatchObject({ state: "DUE_SOON", workingDays: 1 });
  });

  it("GET /api/v1/dossiers/:code and the console's pages show it", async () => {
    const one = await get(`/api/v1/dossiers/${code(1)}`);
    expect(one.status).toBe(200);
    expect(one.body.lateness).toMatchObject({ state: "LATE", workingDays: 4, label: "Trễ hạn 4 ngày làm việc" });
    expect(one.body.events.length).toBe(3);
    const page = await fetch(`${t.baseUrl}/staff/dossiers/${code(1)}`, { headers: { authorization: `Bearer ${key}` } });
    const html = await page.text();
    expect(page.status).toBe(200);
    expect(html).toContain('<span class="tag bad">Trễ hạn 4 ngày làm việc</span>');
    const list = await (await fetch(`${t.baseUrl}/staff/dossiers?q=${tag}`, { headers: { authorization: `Bearer ${key}` } })).text();
    expect(list).toContain('<span class="tag ok">Trước hạn 2 ngày làm việc (theo ngày hẹn lại)</span>');
    expect(list).toContain('<span class="tag warn">Đến hạn ngày làm việc tới</span>');
  });
});
