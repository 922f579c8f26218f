/**
 * The console's announcement pages over real HTTP (forms posted as a browser posts them):
 * compose with errors shown and nothing stored, preview, send, approve, cancel, the unreached
 * list; each page guarded like the API (another unit's announcement is a 404, never its text).
 */
import { randomBytes } from "node:crypto";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { fromLocalInput } from "../../src/http/routes/staff-broadcast-pages.js";
import { startNotifyStack, type NotifyStack } from "../support/notify-stack.js";

const COMMUNE = "29955";
let s: NotifyStack;
let staff: string;
let staff2: string;
let other: string;
let post: string;
let hamletId: string;

async function page(method: "GET" | "POST", path: string, key: string | null, form?: Record<string, string | string[]>) {
  const body = form ? new URLSearchParams(Object.entries(form).flatMap(([k, v]) => ([] as string[]).concat(v).map((x) => [k, x] as [string, string]))).toString() : undefined;
  const res = await fetch(s.baseUrl + path, {
    method,
    redirect: "manual",
    headers: { ...(key ? { authorization: `Bearer ${key}` } : {}), ...(body ? { "content-type": "application/x-www-form-urlencoded" } : {}) },
    ...(body ? { body } : {}),
  });
  return { status: res.status, location: res.headers.get("location"), html: await res.text(), type: res.headers.get("content-type") };
}

beforeAll(async () => {
  s = await startNotifyStack({ env: { RATE_LIMITS: "off", BROADCAST_TICK_MS: "300" } });
  staff = (await s.ctx.apiKeys.create({ name: "Chị Lan", role: "COMMUNE_STAFF", unitCode: COMMUNE })).key;
  staff2 = (await s.ctx.apiKeys.create({ name: "Anh Minh", role: "COMMUNE_STAFF", unitCode: COMMUNE })).key;
  other = (await s.ctx.apiKeys.create({ name: "Đạo Thạnh", role: "COMMUNE_STAFF", unitCode: "28249" })).key;
  post = (await s.ctx.apiKeys.create({ name: "Bưu điện", role: "POST_OFFICE_STAFF", unitCode: "82" })).key;
  hamletId = (await s.ctx.db.hamlet.create({ data: { communeCode: COMMUNE, name: "Khóm Trang", searchName: `khom trang ${randomBytes(2).toString("hex")}` } })).id;
});
afterAll(() => s.close());

describe("the announcement pages", () => {
  it("GET /staff/broadcasts/new: (and POST /staff/broadcasts:) a form with labels; errors listed and nothing stored; a good one leads to the preview", async () => {
    const form = await page("GET", "/staff/broadcasts/new", staff);
    expect(form.status).toBe(200);
    expect(form.type).toMatch(/text\/html/);
    expect(form.html).toContain('<label for="title">');
    expect(form.html).toContain("Khóm Trang");
    // Signed out: a console page sends the browser to sign in (never a JSON 401).
    expect(await page("GET", "/staff/broadcasts/new", null)).toMatchObject({ status: 303, location: `/staff/login?next=${encodeURIComponent("/staff/broadcasts/new")}` });
    expect((await page("GET", "/staff/broadcasts/new", post)).status).toBe(403);

    const before = await s.ctx.db.broadcast.count();
    const bad = await page("POST", "/staff/broadcasts", staff, { communeCode: COMMUNE, title: "", body: "Nội dung", target: "hamlets", urgent: "0", when: "later", scheduledAt: "" });
    expect(bad.status).toBe(400);
    expect(bad.html).toContain("error-summary");
    expect(bad.html).toContain("Chọn ít nhất một ấp/khóm");
    expect(bad.html).toContain("Nhập ngày giờ gửi");
    const empty = await page("POST", "/staff/broadcasts", staff, { communeCode: COMMUNE, title: "", body: "Nội dung", target: "all", urgent: "0", when: "now" });
    expect(empty.status).toBe(400);
    expect(empty.html).toContain("Tiêu đề: không được để trống");
    expect(await s.ctx.db.broadcast.count()).toBe(before);
    expect((await page("POST", "/staff/broadcasts", other, { communeCode: COMMUNE, title: "x", body: "y" })).status).toBe(400);

    const ok = await page("POST", "/staff/broadcasts", staff, { communeCode: COMMUNE, title: "Họp tổ dân phố", body: "Tối thứ Sáu 19 giờ.", target: "hamlets", hamletIds: [hamletId], urgent: "0", when: "now" });
    expect(ok.status).toBe(303);
    expect(ok.location).toMatch(/^\/staff\/broadcasts\/[0-9a-f-]{36}$/);
    const preview = await page("GET", ok.location!, staff);
    expect(preview.html).toContain("Xem trước");
    expect(preview.html).toContain("Họp tổ dân phố");
    expect(preview.html).toContain("Hop to dan pho"); // the SMS, without diacritics
    expect(preview.html).toContain("Gửi ngay");
  });

  it("GET /staff/broadcasts/:id/edit: (and POST /staff/broadcasts/:id/edit:) a draft is changed from its preview; another unit cannot; a sent one cannot", async () => {
    const made = await page("POST", "/staff/broadcasts", staff, { communeCode: COMMUNE, title: "Bản đầu", body: "Nội dung đầu", target: "all", urgent: "0", when: "later", scheduledAt: "2030-01-01T07:30" });
    expect(made.status).toBe(400); // more than 7 days ahead
    expect(made.html).toContain("tối đa 7 ngày");
    const d = await page("POST", "/staff/broadcasts", staff, { communeCode: COMMUNE, title: "Bản đầu", body: "Nội dung đầu", target: "all", urgent: "0", when: "now" });
    const form = await page("GET", `${d.location}/edit`, staff);
    expect(form.status).toBe(200);
    expect(form.html).toContain('value="Bản đầu"');
    expect((await page("GET", `${d.location}/edit`, other)).status).toBe(404);
    expect((await page("POST", `${d.location}/edit`, other, { title: "Chiếm", body: "x" })).status).toBe(404);
    const saved = await page("POST", `${d.location}/edit`, staff, { communeCode: COMMUNE, title: "Bản sửa", body: "Nội dung sửa", target: "hamlets", hamletIds: hamletId, urgent: "0", when: "now" });
    expect(saved.status).toBe(303);
    expect(saved.location).toBe(d.location);
    const b = await s.ctx.db.broadcast.findUniqueOrThrow({ where: { id: d.location!.split("/").pop()! }, include: { hamlets: true } });
    expect(b).toMatchObject({ title: "Bản sửa", body: "Nội dung sửa" });
    expect(b.hamlets.map((h) => h.hamletId)).toEqual([hamletId]);
    await page("POST", `${d.location}/cancel`, staff);
    expect((await page("GET", `${d.location}/edit`, staff)).status).toBe(303);
  });

  it("GET /staff/broadcasts: (and GET /staff/broadcasts/:id:) the unit's own; another unit's is a 404 without its text", async () => {
    const b = await s.ctx.broadcasts.create({ kind: "api-key", id: "x", name: "Chị Lan", role: "COMMUNE_STAFF", unitCode: COMMUNE }, { communeCode: COMMUNE, title: "Chỉ Hồng Ngự thấy", body: "Nội dung riêng" });
    const mine = await page("GET", "/staff/broadcasts", staff);
    expect(mine.html).toContain("Chỉ Hồng Ngự thấy");
    const theirs = await page("GET", "/staff/broadcasts", other);
    expect(theirs.status).toBe(200);
    expect(theirs.html).not.toContain("Chỉ Hồng Ngự thấy");
    const direct = await page("GET", `/staff/broadcasts/${b.view.id}`, other);
    expect(direct.status).toBe(404);
    expect(direct.html).not.toContain("Nội dung riêng");
    expect(await page("GET", `/staff/broadcasts/${b.view.id}`, null)).toMatchObject({ status: 303, location: `/staff/login?next=${encodeURIComponent(`/staff/broadcasts/${b.view.id}`)}` });
    expect((await page("GET", `/staff/broadcasts/${b.view.id}`, post)).status).toBe(403);
  });

  it("POST /staff/broadcasts/:id/send: (and POST /staff/broadcasts/:id/approve:, POST /staff/broadcasts/:id/cancel:, GET /staff/broadcasts/:id/unreached:) urgent waits for a second officer, then goes; the progress and the unreached list show", async () => {
    await s.ctx.pool.query(`INSERT INTO "ChannelIdentity" (id, channel, "externalId", "displayName", reachable, "lastInteractionAt", "updatedAt") VALUES (gen_random_uuid(), 'TELEGRAM', '8800000001', 'Bà Tư', false, now(), now())`);
    await s.ctx.pool.query(`INSERT INTO "Subscription" (id, kind, "identityId", "communeCode", "hamletId") SELECT gen_random_uuid(), 'AREA', id, $1, $2 FROM "ChannelIdentity" WHERE "externalId" = '8800000001'`, [COMMUNE, hamletId]);
    const created = await page("POST", "/staff/broadcasts", staff, { communeCode: COMMUNE, title: "Khẩn: sạt lở bờ sông", body: "Di dời ngay.", target: "hamlets", hamletIds: hamletId, urgent: "1", when: "now" });
    const path = created.location!;
    expect((await page("POST", `${path}/send`, other)).status).toBe(404);
    const sent = await page("POST", `${path}/send`, staff);
    expect(sent.status).toBe(303);
    expect(sent.location).toBe(`${path}?msg=awaiting`);
    const waiting = await page("GET", sent.location!, staff);
    expect(waiting.html).toContain("cần một cán bộ khác của đơn vị phê duyệt");
    expect(waiting.html).not.toContain("Phê duyệt và gửi"); // the author is not offered the button
    expect((await page("POST", `${path}/approve`, staff)).status).toBe(403);
    const forOther = await page("GET", path, staff2);
    expect(forOther.html).toContain("Phê duyệt và gửi");
    const approved = await page("POST", `${path}/approve`, staff2);
    expect(approved.status).toBe(303);
    const id = path.split("/").pop()!;
    await s.waitFor(async () => (await s.ctx.db.broadcast.findUniqueOrThrow({ where: { id } })).status === "SENT", "sent");
    const done = await page("GET", path, staff);
    expect(done.html).toContain("Tiến độ gửi");
    expect(done.html).toContain('data-poll="/api/v1/broadcasts/');
    const unreached = await page("GET", `${path}/unreached`, staff);
    expect(unreached.status).toBe(200);
    expect(unreached.html).toContain("Khóm Trang");
    expect(unreached.html).toContain("Bà Tư");
    expect(unreached.html).toContain("Đã chặn bot Telegram");
    expect((await page("GET", `${path}/unreached`, other)).status).toBe(404);
    // A draft cancelled from its page.
    const d = await page("POST", "/staff/broadcasts", staff, { communeCode: COMMUNE, title: "Bản nháp bỏ", body: "x", target: "all", urgent: "0", when: "now" });
    expect((await page("POST", `${d.location}/cancel`, post)).status).toBe(403);
    const c = await page("POST", `${d.location}/cancel`, staff);
    expect(c.location).toBe(`${d.location}?msg=cancelled`);
    expect((await page("GET", c.location!, staff)).html).toContain("Đã hủy");
  });

  it("reads a time typed in Vietnam's time", () => {
    expect(fromLocalInput("2026-12-05T07:30")).toBe("2026-12-05T07:30:00+07:00");
    expect(fromLocalInput("")).toBeNull();
    expect(fromLocalInput("05/12/2026")).toBe("invalid");
  });
});
