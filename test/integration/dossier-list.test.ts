/**
 * GET /api/v1/dossiers: a unit's dossiers for its staff, with filters (status, overdue, due dates,
 * received dates, submitted or returned through the post, procedure, code or applicant name),
 * confined by the guard; bad filters are a 400 naming them.
 */
import { randomBytes } from "node:crypto";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { dossierEventSchema } from "../../src/dossiers/event-schema.js";
import { startTestApp, type TestApp } from "../support/app.js";
import { cloneTestDatabase } from "../support/databases.js";

let database: Awaited<ReturnType<typeof cloneTestDatabase>>;
let t: TestApp;
const keys: Record<string, string> = {};
const tag = String(Math.floor(Math.random() * 9000) + 1000);
const code = (n: number) => `H15.50.05.13-26112${n}-${tag}`;
const day = 86_400_000;

async function ingest(e: Record<string, unknown>) {
  await t.ctx.ingest.ingest([dossierEventSchema.parse({ eventId: `dl-${randomBytes(5).toString("hex")}`, occurredAt: new Date(Date.now() - 5 * day).toISOString(), procedure: { code: "1.001193", name: "Đăng ký khai sinh" }, ...e })], { source: "UPSTREAM" });
}

async function get(path: string, key: string | null) {
  const res = await fetch(t.baseUrl + path, { headers: key ? { authorization: `Bearer ${key}` } : {} });
  return { status: res.status, body: (await res.json()) as any };
}

async function page(path: string, key: string | null) {
  const res = await fetch(t.baseUrl + path, { headers: key ? { authorization: `Bearer ${key}` } : {}, redirect: "manual" });
  return { status: res.status, html: await res.text(), location: res.headers.get("location") };
}

beforeAll(async () => {
  database = await cloneTestDatabase();
  t = await startTestApp({ DATABASE_URL: database.url, QUEUE_PREFIX: `dl${randomBytes(4).toString("hex")}` });
  const now = Date.now();
  // 29955 Phường Hồng Ngự: one overdue, one due later, one returned through the post, one submitted through the post.
  await ingest({ dossierCode: code(1), status: "RECEIVED", applicant: { fullName: "Nguyễn Văn An", phone: "0912000101" }, communeCode: "29955", dueAt: new Date(now - day).toISOString() });
  await ingest({ dossierCode: code(2), status: "PROCESSING", applicant: { fullName: "Trần Thị Bình", phone: "0912000102" }, communeCode: "29955", dueAt: new Date(now + 3 * day).toISOString() });
  await ingest({ dossierCode: code(3), status: "RESULT_HANDED_TO_POST", applicant: { fullName: "Lê Văn Cường", phone: "0912000103" }, communeCode: "29955", dueAt: new Date(now - 2 * day).toISOString() });
  await ingest({ dossierCode: code(4), status: "RECEIVED", channel: "POSTAL", procedure: { code: "1.004873", name: "Cấp Giấy xác nhận tình trạng hôn nhân" }, applicant: { fullName: "Phạm Thị Dung", phone: "0912000104" }, communeCode: "29955", dueAt: new Date(now + day).toISOString() });
  // 28249 Phường Đạo Thạnh: another unit's.
  await ingest({ dossierCode: code(5), status: "RECEIVED", applicant: { fullName: "Võ Văn Em", phone: "0912000105" }, communeCode: "28249", dueAt: new Date(now - day).toISOString() });
  for (const [label, role, unit] of [["staff", "COMMUNE_STAFF", "29955"], ["other", "COMMUNE_STAFF", "28249"], ["province", "COMMUNE_STAFF", "82"], ["post", "POST_OFFICE_STAFF", "82"], ["admin", "ADMIN", null]] as const) {
    keys[label] = (await t.ctx.apiKeys.create({ name: label, role, unitCode: unit })).key;
  }
  keys.integration = (await t.ctx.apiKeys.create({ name: "upstream", role: "INTEGRATION" })).key;
});
afterAll(async () => {
  await t?.close();
  await database?.drop();
});

const codes = (body: { dossiers: { code: string }[] }) => body.dossiers.map((d) => d.code).filter((c) => c.endsWith(tag)).sort();

describe("a unit's dossiers", () => {
  it("GET /api/v1/dossiers: staff see their unit's only; a province its communes'; post office staff none (403); no key 401", async () => {
    expect((await get("/api/v1/dossiers", null)).status).toBe(401);
    expect((await get("/api/v1/dossiers", keys.post!)).status).toBe(403);
    const mine = await get("/api/v1/dossiers?limit=200", keys.staff!);
    expect(mine.status).toBe(200);
    expect(codes(mine.body)).toEqual([code(1), code(2), code(3), code(4)]);
    expect(codes((await get("/api/v1/dossiers?limit=200", keys.other!)).body)).toEqual([code(5)]);
    expect(codes((await get("/api/v1/dossiers?limit=200", keys.province!)).body)).toEqual([code(1), code(2), code(3), code(4), code(5)]);
    expect(codes((await get(`/api/v1/dossiers?q=${tag}&limit=200`, keys.admin!)).body)).toHaveLength(5);
    // Another unit's commune named in the filter gives nothing of it.
    expect(codes((await get("/api/v1/dossiers?communeCode=28249", keys.staff!)).body)).toEqual([]);
    // The list masks the phone.
    const one = mine.body.dossiers.find((d: { code: string }) => d.code === code(1));
    expect(one).toMatchObject({ status: "RECEIVED", applicant: { fullName: "Nguyễn Văn An", phone: "…01" }, overdue: true, commune: { code: "29955" } });
  });

  it("filters: overdue, status, submitted or returned through the post, procedure, due dates, code or name", async () => {
    const q = async (query: string) => codes((await get(`/api/v1/dossiers?${query}&limit=200`, keys.staff!)).body);
    expect(await q("overdue=true")).toEqual([code(1)]); // code(3)'s result is with the post: not overdue
    expect(await q("overdue=false")).toEqual([code(2), code(3), code(4)]);
    expect(await q("status=received,processing")).toEqual([code(1), code(2), code(4)]);
    expect(await q("channel=POSTAL")).toEqual([code(4)]);
    expect(await q("returnedByPost=true")).toEqual([code(3)]);
    expect(await q("procedureCode=1.004873")).toEqual([code(4)]);
    expect(await q(`dueBefore=${encodeURIComponent(new Date(Date.now() + 2 * 86_400_000).toISOString())}`)).toEqual([code(1), code(3), code(4)]);
    expect(await q(`dueAfter=${encodeURIComponent(new Date().toISOString())}`)).toEqual([code(2), code(4)]);
    expect(await q("q=tr%E1%BA%A7n%20th%E1%BB%8B")).toEqual([code(2)]); // "trần thị", any case
    expect(await q(`q=26112${3}-${tag}`)).toEqual([code(3)]);
  });

  it("attack: q is text, not a LIKE pattern: '%' or '_' finds only a code or name that holds it, not every dossier", async () => {
    const q = async (query: string) => codes((await get(`/api/v1/dossiers?${query}&limit=200`, keys.staff!)).body);
    expect(await q("q=%25%25")).toEqual([]);
    expect(await q("q=__")).toEqual([]);
    expect(await q(`q=26112_-${tag}`)).toEqual([]); // "_" is not "any one character"
    expect(await q("q=%5C%5C")).toEqual([]); // a backslash is a backslash
    expect(await q(`q=26112${3}-${tag}`)).toEqual([code(3)]);
  });

  it("refuses a bad filter with a 400 naming it", async () => {
    for (const [query, field] of [
      ["status=LOST", "status"],
      ["status=PROCESSING,LOST", "status"],
      ["overdue=yes", "overdue"],
      ["dueBefore=9999-99-99", "dueBefore"],
      ["receivedFrom=9999-12-31", "receivedFrom"],
      ["receivedFrom=%2B275760-09-13", "receivedFrom"],
      ["receivedTo=h%C3%B4m-qua", "receivedTo"],
      ["limit=100000", "limit"],
      ["channel=FAX", "channel"],
      ["q=a", "q"],
      ["unknown=1", "query"],
    ]) {
      const res = await get(`/api/v1/dossiers?${query}`, keys.staff!);
      expect(res.status, query).toBe(400);
      expect(res.body.error.field, query).toBe(field);
      // In Vietnamese, never zod's English default.
      expect(res.body.error.message, query).not.toMatch(/Invalid input/);
      // named once: "dueBefore: thời điểm …", never "dueBefore: dueBefore: …"
      expect(res.body.error.message, query).toMatch(new RegExp(`^${field}: (?!${field}:)`));
    }
  });

  it("GET /staff/dossiers: (and GET /staff/dossiers/:code:) the console's list with its filter form, and a dossier's history; another unit's is a 404 page", async () => {
    const signedOut = await page("/staff/dossiers", null);
    expect(signedOut.status).toBe(303);
    expect(signedOut.location).toMatch(/^\/staff\/login/);
    expect((await page("/staff/dossiers", keys.post!)).status).toBe(403);
    const list = await page("/staff/dossiers?overdue=true", keys.staff!);
    expect(list.status).toBe(200);
    expect(list.html).toContain(code(1));
    expect(list.html).not.toContain(code(2));
    expect(list.html).toContain("Quá hạn");
    expect(list.html).toContain('<label for="f-q">');
    // a date picker on a phone: a text field with a numeric keypad has no "-" to type "2026-12-05" with
    expect(list.html).toContain('<input type="date" id="f-dueBefore" name="dueBefore"');
    const bad = await page("/staff/dossiers?dueBefore=ngay-mai", keys.staff!);
    expect(bad.status).toBe(400);
    expect(bad.html).toContain("Bộ lọc chưa hợp lệ");
    // named by the form's label, not by the query's English field name
    expect(bad.html).toContain("Hạn trả trước ngày: thời điểm");
    expect(bad.html).not.toContain("dueBefore:");
    // a parameter the form does not have is the filter as a whole, in Vietnamese, not the first field's label
    const unknown = await page("/staff/dossiers?foo=1", keys.staff!);
    expect(unknown.status).toBe(400);
    expect(unknown.html).toContain("Bộ lọc: ");
    expect(unknown.html).not.toContain("Mã hồ sơ hoặc tên người nộp: ");
    const far = await page("/staff/dossiers?offset=999999999", keys.staff!);
    expect(far.status).toBe(400);
    expect(far.html).toMatch(/Trang: [^<(]*[\u00C0-\u1EF9]/u);
    const one = await page(`/staff/dossiers/${encodeURIComponent(code(1))}`, keys.staff!);
    expect(one.status).toBe(200);
    expect(one.html).toContain("Nguyễn Văn An");
    expect(one.html).toContain("Diễn biến");
    const theirs = await page(`/staff/dossiers/${encodeURIComponent(code(5))}`, keys.staff!);
    expect(theirs.status).toBe(404);
    expect(theirs.html).not.toContain("Võ Văn Em");
  });
});
