/**
 * The working calendar over real HTTP: every staff role reads a year; only an admin adds, changes
 * or removes a day (API and console forms, CSRF-checked); bad input is a 400 and stores nothing;
 * an edit counts at once; the seed stores a year once and never brings back what an admin removed.
 */
import { randomBytes } from "node:crypto";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { CalendarService } from "../../src/calendar/calendar-service.js";
import { startTestApp, type TestApp } from "../support/app.js";
import { cloneTestDatabase } from "../support/databases.js";
import type { NotifyStack } from "../support/notify-stack.js";
import { staffClient } from "../support/staff-client.js";

let database: Awaited<ReturnType<typeof cloneTestDatabase>>;
let t: TestApp;
const keys: Record<string, string> = {};
const { req, signedIn } = staffClient(() => t as unknown as NotifyStack, "203.0.113.77");

async function call(method: string, path: string, key: string | null, body?: unknown) {
  const res = await fetch(t.baseUrl + path, {
    method,
    redirect: "manual",
    headers: { ...(key ? { authorization: `Bearer ${key}` } : {}), ...(body !== undefined ? { "content-type": "application/json" } : {}) },
    ...(body !== undefined ? { body: typeof body === "string" ? body : JSON.stringify(body) } : {}),
  });
  const text = await res.text();
  let json: any = null;
  try {
    json = text ? JSON.parse(text) : null;
  } catch {
    json = null;
  }
  return { status: res.status, body: json, text, location: res.headers.get("location") };
}

async function member(role: "commune_staff" | "admin", unitCode: string | null) {
  const username = `cal.${randomBytes(4).toString("hex")}`;
  const { oneTimePassword } = await t.ctx.staffAccounts.create({ username, fullName: role === "admin" ? "Quản Trị Viên" : "Nguyễn Thị Lan", role, unitCode });
  return signedIn(username, oneTimePassword);
}

const rows = () => t.ctx.db.calendarDay.count();

beforeAll(async () => {
  database = await cloneTestDatabase();
  t = await startTestApp({ DATABASE_URL: database.url, QUEUE_PREFIX: `cal${randomBytes(4).toString("hex")}`, RATE_LIMITS: "off" });
  for (const [label, role, unit] of [["staff", "COMMUNE_STAFF", "29955"], ["post", "POST_OFFICE_STAFF", "82"], ["admin", "ADMIN", null], ["integration", "INTEGRATION", null]] as const) {
    keys[label] = (await t.ctx.apiKeys.create({ name: label, role, unitCode: unit })).key;
  }
});
afterAll(async () => {
  await t?.close();
  await database?.drop();
});

describe("the working calendar API", () => {
  it("GET /api/v1/calendar: every staff role reads the seeded year (Tết 2026 confirmed, the rest computed and unconfirmed); no key 401; a bad year 400", async () => {
    for (const who of ["staff", "post", "integration", "admin"]) {
      const res = await call("GET", "/api/v1/calendar?year=2026", keys[who]!);
      expect(res.status, who).toBe(200);
      expect(res.body.year).toBe(2026);
      expect(res.body.seeded).toBe(true);
    }
    const y = (await call("GET", "/api/v1/calendar?year=2026", keys.staff!)).body;
    expect(y.days.map((d: { date: string }) => d.date)).toEqual([
      "2026-01-01", "2026-02-16", "2026-02-17", "2026-02-18", "2026-02-19", "2026-02-20", "2026-04-26", "2026-04-27", "2026-04-30", "2026-05-01", "2026-09-01", "2026-09-02",
    ]);
    expect(y.days.find((d: { date: string }) => d.date === "2026-02-17")).toMatchObject({ kind: "HOLIDAY", name: "Tết Nguyên đán (mùng 1)", confirmed: true, updatedBy: "seed" });
    expect(y.days.find((d: { date: string }) => d.date === "2026-09-01")).toMatchObject({ confirmed: false, source: expect.stringMatching(/chưa xác nhận/) });
    expect(y.days.find((d: { date: string }) => d.date === "2026-04-27")).toMatchObject({ confirmed: false, name: expect.stringMatching(/^Nghỉ bù Giỗ Tổ Hùng Vương/) });
    expect((await call("GET", "/api/v1/calendar?year=2027", keys.staff!)).body.days.find((d: { date: string }) => d.date === "2027-02-06")).toMatchObject({ confirmed: false });
    expect((await call("GET", "/api/v1/calendar?year=2026", null)).status).toBe(401);
    for (const bad of ["9999", "1999", "20x6", "2026.5", "0x7e8", "2.026e3", "+2026", " 2026"]) {
      const res = await call("GET", `/api/v1/calendar?year=${bad}`, keys.staff!);
      expect(res.status, bad).toBe(400);
      expect(res.body.error).toMatchObject({ code: "VALIDATION_FAILED", field: "year" });
    }
    expect((await call("GET", "/api/v1/calendar?year=2026&x=1", keys.staff!)).status).toBe(400);
  });

  it("PUT /api/v1/calendar/:date: only an admin writes (commune, post office and integration keys 403); a new day 201, a change 200, counted at once", async () => {
    const body = { kind: "HOLIDAY", name: "Nghỉ thêm dịp Quốc khánh", source: "Thông báo thử nghiệm", confirmed: true };
    const before = await rows();
    for (const who of ["staff", "post", "integration"]) expect((await call("PUT", "/api/v1/calendar/2026-09-04", keys[who]!, body)).status, who).toBe(403);
    expect((await call("PUT", "/api/v1/calendar/2026-09-04", null, body)).status).toBe(401);
    expect(await rows()).toBe(before);
    expect((await t.ctx.calendar.calendar()).isWorkingDay("2026-09-04")).toBe(true); // loads (and caches) the calendar
    const created = await call("PUT", "/api/v1/calendar/2026-09-04", keys.admin!, body);
    expect(created.status, created.text).toBe(201);
    expect(created.body).toMatchObject({ date: "2026-09-04", kind: "HOLIDAY", name: "Nghỉ thêm dịp Quốc khánh", source: "Thông báo thử nghiệm", confirmed: true, updatedBy: expect.stringMatching(/^api-key:/) });
    expect((await t.ctx.calendar.calendar()).isWorkingDay("2026-09-04")).toBe(false); // the cache was dropped
    const changed = await call("PUT", "/api/v1/calendar/2026-09-04", keys.admin!, { kind: "HOLIDAY", name: "Nghỉ thêm" });
    expect(changed.status).toBe(200);
    expect(changed.body).toMatchObject({ name: "Nghỉ thêm", confirmed: false, source: "Do quản trị viên admin nhập" });
    // A Saturday worked in exchange.
    expect((await call("PUT", "/api/v1/calendar/2026-09-12", keys.admin!, { kind: "WORKING_WEEKEND", name: "Làm bù cho 04/09" })).status).toBe(201);
    expect((await t.ctx.calendar.calendar()).isWorkingDay("2026-09-12")).toBe(true);
  });

  it("PUT /api/v1/calendar/:date refuses bad dates, year 9999, NUL bytes, names too long, unknown fields, a weekday as a worked weekend — and stores nothing", async () => {
    const before = await t.ctx.db.calendarDay.findMany({ orderBy: { date: "asc" } });
    const good = { kind: "HOLIDAY", name: "Ngày nghỉ" };
    const cases: [string, unknown, string][] = [
      ["2026-02-30", good, "date"],
      ["9999-01-01", good, "date"],
      ["2026-1-5", good, "date"],
      ["hôm-nay", good, "date"],
      ["2026-10-05", { ...good, name: "a".repeat(201) }, "name"],
      ["2026-10-05", { ...good, name: "   " }, "name"],
      ["2026-10-05", { ...good, name: "Tab\tinside" }, "name"],
      ["2026-10-05", { ...good, kind: "WEEKEND" }, "kind"],
      ["2026-10-05", { ...good, confirmed: "yes" }, "confirmed"],
      ["2026-10-05", { ...good, source: "x".repeat(501) }, "source"],
      ["2026-10-05", { ...good, extra: 1 }, "body"],
      ["2026-10-05", { kind: "WORKING_WEEKEND", name: "Thứ Hai làm bù?" }, "kind"],
    ];
    for (const [date, body, field] of cases) {
      const res = await call("PUT", `/api/v1/calendar/${encodeURIComponent(date)}`, keys.admin!, body);
      expect(res.status, `${date} ${JSON.stringify(body)}`).toBe(400);
      expect(res.body.error.code).toBe("VALIDATION_FAILED");
      if (field !== "body") expect(res.body.error.field, `${date} ${JSON.stringify(body)}`).toBe(field);
    }
    const nul = await call("PUT", "/api/v1/calendar/2026-10-05", keys.admin!, '{"kind":"HOLIDAY","name":"Ng\\u0000hỉ"}');
    expect(nul.status).toBe(400);
    // A right-to-left override or a zero-width space would print the name reversed or split on form 05's calendar.
    for (const hidden of ["\u202e", "\u200b", "\ufeff"]) {
      const res = await call("PUT", "/api/v1/calendar/2026-10-05", keys.admin!, { kind: "HOLIDAY", name: `Nghỉ${hidden} bù` });
      expect(res.status, JSON.stringify(hidden)).toBe(400);
      expect(res.body.error.field).toBe("name");
      expect(res.body.error.message).toContain("ký tự ẩn");
    }
    expect(await t.ctx.db.calendarDay.findMany({ orderBy: { date: "asc" } })).toEqual(before);
  });

  it("DELETE /api/v1/calendar/:date: only an admin; 404 for a day not in the calendar; the seed never brings a removed day back", async () => {
    for (const who of ["staff", "post", "integration"]) expect((await call("DELETE", "/api/v1/calendar/2026-09-01", keys[who]!)).status, who).toBe(403);
    expect((await call("DELETE", "/api/v1/calendar/2026-13-01", keys.admin!)).status).toBe(400);
    expect((await call("DELETE", "/api/v1/calendar/2026-10-06", keys.admin!)).status).toBe(404);
    // The government chose 3/9 rather than 1/9: the admin removes the guess and enters the day.
    expect((await call("DELETE", "/api/v1/calendar/2026-09-01", keys.admin!)).status).toBe(204);
    expect((await call("PUT", "/api/v1/calendar/2026-09-03", keys.admin!, { kind: "HOLIDAY", name: "Quốc khánh (ngày liền kề)", confirmed: true })).status).toBe(201);
    expect((await t.ctx.calendar.calendar()).isWorkingDay("2026-09-01")).toBe(true);
    const report = await new CalendarService(t.ctx.pool).seed();
    expect(report).toEqual({ seededYears: [], inserted: 0, skippedYears: [2026, 2027] });
    const days = (await call("GET", "/api/v1/calendar?year=2026", keys.staff!)).body.days.map((d: { date: string }) => d.date);
    expect(days).not.toContain("2026-09-01");
    expect(days).toContain("2026-09-03");
  });

  it("the seed stores a new year once, keeping a day an admin entered first", async () => {
    expect((await call("PUT", "/api/v1/calendar/2028-01-01", keys.admin!, { kind: "HOLIDAY", name: "Tết Dương lịch 2028 (nhập tay)", confirmed: true })).status).toBe(201);
    const first = await t.ctx.calendar.seed([2028]);
    expect(first.seededYears).toEqual([2028]);
    const y2028 = (await call("GET", "/api/v1/calendar?year=2028", keys.staff!)).body;
    expect(y2028.seeded).toBe(true);
    expect(y2028.days.find((d: { date: string }) => d.date === "2028-01-01")).toMatchObject({ name: "Tết Dương lịch 2028 (nhập tay)", confirmed: true });
    expect(y2028.days.find((d: { date: string }) => d.date === "2028-01-26")).toMatchObject({ name: "Tết Nguyên đán (mùng 1)", confirmed: false });
    expect(first.inserted).toBe(y2028.days.length - 1);
    expect(await t.ctx.calendar.seed([2028])).toEqual({ seededYears: [], inserted: 0, skippedYears: [2028] });
  });
});

describe("the console's calendar page", () => {
  it("GET /staff/calendar: commune staff see the year's days, confirmed or not, without the form; an admin gets the form", async () => {
    const staff = await member("commune_staff", "29955");
    const page = await req("GET", "/staff/calendar?year=2026", { session: staff.session });
    expect(page.status).toBe(200);
    expect(page.text).toContain("Lịch làm việc năm 2026");
    expect(page.text).toContain("Tết Nguyên đán (mùng 1)");
    expect(page.text).toContain("Chưa xác nhận");
    expect(page.text).toContain("Đã xác nhận");
    expect(page.text).toContain('href="/staff/calendar" aria-current="page"');
    expect(page.text).not.toContain('id="day-form"');
    const admin = await member("admin", null);
    const adminPage = await req("GET", "/staff/calendar?edit=2026-04-27", { session: admin.session });
    expect(adminPage.status).toBe(200);
    expect(adminPage.text).toContain('id="day-form"');
    expect(adminPage.text).toMatch(/id="day-date" name="date" value="2026-04-27"/);
    expect((await req("GET", "/staff/calendar?year=9999", { session: staff.session })).status).toBe(400);
  });

  it("POST /staff/calendar: an admin adds a day with the form (CSRF checked); errors shown and nothing stored; commune staff 403", async () => {
    const admin = await member("admin", null);
    const staff = await member("commune_staff", "29955");
    const form = { date: "2027-09-06", kind: "HOLIDAY", name: "Nghỉ thêm 2027", source: "", confirmed: "1" };
    expect((await req("POST", "/staff/calendar", { session: staff.session, csrf: staff.csrf, form })).status).toBe(403);
    expect((await req("POST", "/staff/calendar", { session: admin.session, form })).status).toBe(403); // no CSRF token
    const before = await rows();
    const bad = await req("POST", "/staff/calendar", { session: admin.session, csrf: admin.csrf, form: { ...form, date: "2027-02-29", name: "" } });
    expect(bad.status).toBe(400);
    expect(bad.text).toContain("error-summary");
    expect(bad.text).toContain('href="#day-date"');
    expect(bad.text).toContain('href="#day-name"');
    expect(await rows()).toBe(before);
    const ok = await req("POST", "/staff/calendar", { session: admin.session, csrf: admin.csrf, form: { ...form, _csrf: admin.csrf } });
    expect(ok.status).toBe(303);
    expect(ok.headers.get("location")).toBe("/staff/calendar?year=2027&ok=saved");
    expect(await t.ctx.db.calendarDay.findUnique({ where: { date: new Date("2027-09-06T00:00:00Z") } })).toMatchObject({ name: "Nghỉ thêm 2027", confirmed: true, source: "Do quản trị viên Quản Trị Viên nhập" });
  });

  it("POST /staff/calendar/:date/delete: an admin removes a day; commune staff 403", async () => {
    const admin = await member("admin", null);
    const staff = await member("commune_staff", "29955");
    expect((await req("POST", "/staff/calendar/2027-09-06/delete", { session: staff.session, csrf: staff.csrf, form: { _csrf: staff.csrf } })).status).toBe(403);
    const done = await req("POST", "/staff/calendar/2027-09-06/delete", { session: admin.session, csrf: admin.csrf, form: { _csrf: admin.csrf } });
    expect(done.status).toBe(303);
    expect(await t.ctx.db.calendarDay.findUnique({ where: { date: new Date("2027-09-06T00:00:00Z") } })).toBeNull();
    expect((await req("POST", "/staff/calendar/2027-09-06/delete", { session: admin.session, csrf: admin.csrf, form: { _csrf: admin.csrf } })).status).toBe(404);
  });
});
