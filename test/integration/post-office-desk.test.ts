/**
 * The post office desk (issue 10 §6) over real HTTP on a real database: the console's pages and
 * the API, confined to the unit by the guard (another province's booking is a 404; commune staff
 * read but never move; API keys by role); dispatch with a validated waybill code; failed with the
 * reason and who pays a second try; repeated moves (a double click) stored once; the slip; and
 * the results of dossiers submitted through the post, which wait on the desk once ready until the
 * clerk books their delivery.
 */
import { randomBytes } from "node:crypto";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { dossierEventSchema } from "../../src/dossiers/event-schema.js";
import { startTestApp, type TestApp } from "../support/app.js";
import { cloneTestDatabase } from "../support/databases.js";
import type { NotifyStack } from "../support/notify-stack.js";
import { staffClient } from "../support/staff-client.js";

let database: Awaited<ReturnType<typeof cloneTestDatabase>>;
let t: TestApp;
const keys: Record<string, string> = {};
const tag = String(Math.floor(Math.random() * 9000) + 1000);
const code = (n: number) => `H15.50.05.13-26113${n}-${tag}`;
const client = staffClient(() => ({ baseUrl: t.baseUrl }) as NotifyStack, "198.51.100.200");
let clerk: { session: string; csrf: string; id: string };
let officer: { session: string; csrf: string };
let hanoiCommune: string;
let seq = 0;

const COMMUNE = "29955"; // Phường Hồng Ngự, Đồng Tháp (82)
const OTHER_COMMUNE = "28249"; // Phường Đạo Thạnh, Đồng Tháp (82)

async function ingest(e: Record<string, unknown>) {
  await t.ctx.ingest.ingest([dossierEventSchema.parse({ eventId: `pd-${randomBytes(5).toString("hex")}`, occurredAt: new Date(Date.now() - 60_000 * (100 - seq++)).toISOString(), procedure: { code: "1.001193", name: "Đăng ký khai sinh" }, ...e })], { source: "UPSTREAM" });
}

/** A booking as the citizen's confirmed request leaves it, for a dossier (delivery) or not (collection). */
async function booking(communeCode: string, o: { dossierCode?: string; kind?: "RESULT_DELIVERY" | "DOSSIER_COLLECTION"; status?: "REQUESTED" | "COMPLETED"; addressLine?: string; phone?: string } = {}) {
  const dossier = o.dossierCode ? await t.ctx.db.dossier.findUniqueOrThrow({ where: { code: o.dossierCode } }) : null;
  const reference = `BD-${randomBytes(6).toString("hex").toUpperCase().replace(/[^A-Z0-9]/g, "").slice(0, 6).padEnd(6, "Q")}`;
  await t.ctx.db.deliveryBooking.create({
    data: {
      reference,
      kind: o.kind ?? (dossier ? "RESULT_DELIVERY" : "DOSSIER_COLLECTION"),
      dossierId: o.kind === "DOSSIER_COLLECTION" ? null : (dossier?.id ?? null),
      procedureCode: "1.001193",
      citizenId: dossier?.applicantId ?? null,
      recipientName: "Lê Văn Tư",
      recipientPhone: o.phone ?? "0912000111",
      communeCode,
      addressLine: o.addressLine ?? "5 đường Nguyễn Huệ",
      timeWindow: "Sáng (8:00–11:30)",
      postage: 25000,
      status: o.status ?? "REQUESTED",
    },
  });
  return reference;
}

async function call(method: "GET" | "POST", path: string, key: string | null, body?: unknown) {
  const res = await fetch(t.baseUrl + path, {
    method,
    redirect: "manual",
    headers: { ...(key ? { authorization: `Bearer ${key}` } : {}), ...(body !== undefined ? { "content-type": "application/json" } : {}) },
    ...(body !== undefined ? { body: JSON.stringify(body) } : {}),
  });
  const text = await res.text();
  let json: any = null;
  try {
    json = JSON.parse(text);
  } catch {}
  return { status: res.status, text, body: json, location: res.headers.get("location") };
}

const stored = (reference: string) => t.ctx.db.deliveryBooking.findUniqueOrThrow({ where: { reference } });
const noticesOf = (id: string) => t.ctx.db.notice.findMany({ where: { dedupeKey: { startsWith: `booking:${id}:` } } });

beforeAll(async () => {
  database = await cloneTestDatabase();
  t = await startTestApp({ DATABASE_URL: database.url, QUEUE_PREFIX: `pd${randomBytes(4).toString("hex")}` });
  hanoiCommune = (await t.ctx.db.adminUnit.findFirstOrThrow({ where: { parentCode: "01", level: "COMMUNE" } })).code;
  for (const [label, role, unit] of [
    ["post82", "POST_OFFICE_STAFF", "82"],
    ["post01", "POST_OFFICE_STAFF", "01"],
    ["commune", "COMMUNE_STAFF", COMMUNE],
    ["communeOther", "COMMUNE_STAFF", OTHER_COMMUNE],
    ["admin", "ADMIN", null],
  ] as const) {
    keys[label] = (await t.ctx.apiKeys.create({ name: label, role, unitCode: unit })).key;
  }
  keys.integration = (await t.ctx.apiKeys.create({ name: "upstream", role: "INTEGRATION" })).key;
  const c = await t.ctx.staffAccounts.create({ username: `hoa.${tag}`, fullName: "Lê Thị Hoa", role: "post_office_staff", unitCode: "82" });
  clerk = { ...(await client.signedIn(c.username, c.oneTimePassword)), id: c.id };
  const o = await t.ctx.staffAccounts.create({ username: `lan.${tag}`, fullName: "Nguyễn Thị Lan", role: "commune_staff", unitCode: COMMUNE });
  officer = await client.signedIn(o.username, o.oneTimePassword);
  // Dossiers: one with its result ready, one still being processed, one in Hà Nội.
  await ingest({ dossierCode: code(1), status: "RESULT_READY", applicant: { fullName: "Nguyễn Văn An", phone: "0912000101" }, communeCode: COMMUNE });
  await ingest({ dossierCode: code(2), status: "PROCESSING", applicant: { fullName: "Trần Thị Bình", phone: "0912000102" }, communeCode: COMMUNE });
  await ingest({ dossierCode: code(3), status: "RESULT_READY", applicant: { fullName: "Đỗ Văn Hà", phone: "0912000103" }, communeCode: hanoiCommune });
});
afterAll(async () => {
  await t?.close();
  await database?.drop();
});

describe("the desk's pages, confined to the unit", () => {
  it("GET /staff/bookings: the unit's bookings with name, masked phone, address, hamlet, window, postage and dossier code; filters by status, kind and date; another province's never shown", async () => {
    const mine = await booking(COMMUNE, { dossierCode: code(1), phone: "0912345678" });
    const theirs = await booking(hanoiCommune, { dossierCode: code(3) });
    const otherCommune = await booking(OTHER_COMMUNE);
    expect((await call("GET", "/staff/bookings", null)).location).toMatch(/^\/staff\/login/);
    expect((await call("GET", "/staff/bookings", keys.integration!)).status).toBe(403);

    const clerkPage = await client.req("GET", "/staff/bookings", { session: clerk.session });
    expect(clerkPage.status).toBe(200);
    expect(clerkPage.text).toContain(mine);
    expect(clerkPage.text).toContain(otherCommune);
    expect(clerkPage.text).not.toContain(theirs);
    expect(clerkPage.text).toContain(code(1));
    expect(clerkPage.text).toContain("…78");
    expect(clerkPage.text).not.toContain("0912345678");
    expect(clerkPage.text).toContain("5 đường Nguyễn Huệ");
    expect(clerkPage.text).toContain("25.000 đ");
    expect(clerkPage.text).toContain('href="/staff/bookings"');
    // the day booked is picked from a calendar on a phone, not typed as "YYYY-MM-DD" on a digits-only keypad
    expect(clerkPage.text).toContain('<input type="date" id="f-from" name="from"');
    expect(clerkPage.text).toContain('<input type="date" id="f-to" name="to"');

    const hanoi = await call("GET", "/staff/bookings", keys.post01!);
    expect(hanoi.text).toContain(theirs);
    expect(hanoi.text).not.toContain(mine);

    // Commune staff read their commune's only, and get no forms.
    const commune = await client.req("GET", "/staff/bookings", { session: officer.session });
    expect(commune.status).toBe(200);
    expect(commune.text).toContain(mine);
    expect(commune.text).not.toContain(otherCommune);
    expect(commune.text).not.toContain("/staff/bookings/deliveries");

    // Filters.
    const completed = await call("GET", "/staff/bookings?status=COMPLETED", keys.post82!);
    expect(completed.text).not.toContain(mine);
    const collections = await call("GET", "/staff/bookings?kind=DOSSIER_COLLECTION", keys.post82!);
    expect(collections.text).toContain(otherCommune);
    expect(collections.text).not.toContain(mine);
    const today = new Date(Date.now() + 7 * 3_600_000).toISOString().slice(0, 10);
    expect((await call("GET", `/staff/bookings?from=${today}&to=${today}`, keys.post82!)).text).toContain(mine);
    expect((await call("GET", "/staff/bookings?to=2026-01-01", keys.post82!)).text).not.toContain(mine);
    const bad = await call("GET", "/staff/bookings?from=hom-qua", keys.post82!);
    expect(bad.status).toBe(400);
    expect(bad.text).toContain("Bộ lọc chưa hợp lệ");
    expect(bad.text).toContain("ngày dạng YYYY-MM-DD");
    // A range that ends before it starts is refused, not answered with an empty list; the end day is included whole.
    const reversed = await call("GET", "/staff/bookings?from=2026-12-05&to=2026-12-01", keys.post82!);
    expect(reversed.status).toBe(400);
    expect(reversed.text).toContain("ngày bắt đầu phải trước ngày kết thúc");
    const reversedApi = await call("GET", "/api/v1/bookings?from=2026-12-05&to=2026-12-01", keys.post82!);
    expect(reversedApi.status).toBe(400);
    expect(reversedApi.body.error.field).toBe("from");
    const sinceMidnight = encodeURIComponent(`${today}T00:00:01+07:00`);
    const sameDay = await call("GET", `/api/v1/bookings?from=${sinceMidnight}&to=${today}`, keys.post82!);
    expect(sameDay.status).toBe(200);
  });

  it("GET /staff/bookings/:reference: the booking with its actions and the full phone for the clerk; masked and without actions for commune staff; another province's is a 404", async () => {
    const reference = await booking(COMMUNE, { phone: "0987654321" });
    const page = await client.req("GET", `/staff/bookings/${reference}`, { session: clerk.session });
    expect(page.status).toBe(200);
    expect(page.text).toContain('href="tel:0987654321"');
    expect(page.text).toContain(`action="/staff/bookings/${reference}/status"`);
    expect(page.text).toContain('name="_csrf"');
    expect(page.text).toContain("Mã vận đơn");
    const read = await client.req("GET", `/staff/bookings/${reference}`, { session: officer.session });
    expect(read.status).toBe(200);
    expect(read.text).not.toContain("0987654321");
    expect(read.text).toContain("…21");
    expect(read.text).not.toContain(`action="/staff/bookings/${reference}/status"`);
    for (const key of [keys.post01!, keys.communeOther!]) {
      const other = await call("GET", `/staff/bookings/${reference}`, key);
      expect(other.status).toBe(404);
      expect(other.text).not.toContain("0987654321");
    }
    expect((await call("GET", "/staff/bookings/BD-ZZZZZZ", keys.post82!)).status).toBe(404);
    expect((await call("GET", "/staff/bookings/not-a-reference", keys.post82!)).status).toBe(404);
    expect((await call("GET", `/staff/bookings/${reference}`, keys.integration!)).status).toBe(403);
  });

  it("GET /staff/bookings/:reference/slip: the printable delivery slip — post office unit, waybill, dossier, procedure, recipient, address, window, postage, two signature boxes, a print button from the bundled script; another province's is a 404", async () => {
    const reference = await booking(COMMUNE, { dossierCode: code(1) });
    expect((await call("POST", `/api/v1/bookings/${reference}/status`, keys.post82!, { status: "DISPATCHED", waybillCode: "EL123456789VN" })).status).toBe(200);
    const slip = await client.req("GET", `/staff/bookings/${reference}/slip`, { session: clerk.session });
    expect(slip.status).toBe(200);
    for (const text of ["PHIẾU CHUYỂN PHÁT KẾT QUẢ", "BƯU ĐIỆN TỈNH ĐỒNG THÁP", "EL123456789VN", code(1), "Đăng ký khai sinh", "Lê Văn Tư", "5 đường Nguyễn Huệ", "Sáng (8:00–11:30)", "25.000 đồng", "NHÂN VIÊN BƯU ĐIỆN", "NGƯỜI NHẬN"]) {
      expect(slip.text, text).toContain(text);
    }
    expect(slip.text.match(/class="slip-box"/g)).toHaveLength(2);
    expect(slip.text).toMatch(/<button type="button" data-print hidden>/);
    expect(slip.text).not.toMatch(/<script>|onclick=|javascript:/);
    expect(slip.headers.get("content-security-policy") ?? "").toContain("default-src 'self'");
    expect((await call("GET", `/staff/bookings/${reference}/slip`, keys.post01!)).status).toBe(404);
    // Commune staff of the commune may print it too.
    expect((await client.req("GET", `/staff/bookings/${reference}/slip`, { session: officer.session })).status).toBe(200);
  });
});

describe("the address on the desk's pages", () => {
  it("names the commune once where the address typed already names it (the demo showed 'Phường Hồng Ngự, Phường Hồng Ngự')", async () => {
    const plain = await booking(COMMUNE);
    const page = await client.req("GET", `/staff/bookings/${plain}`, { session: clerk.session });
    const commune = page.text.match(/5 đường Nguyễn Huệ, ([^,<]+)/)?.[1];
    expect(commune).toBeDefined();
    const typed = await booking(COMMUNE, { addressLine: `7 đường Lê Lợi, ${commune}` });
    for (const path of [`/staff/bookings/${typed}`, `/staff/bookings/${typed}/slip`, "/staff/bookings"]) {
      const text = (await client.req("GET", path, { session: clerk.session })).text;
      expect(text, path).toContain(`7 đường Lê Lợi, ${commune}`);
      expect(text, path).not.toContain(`${commune}, ${commune}`);
    }
  });
});

describe("moving a booking from the desk", () => {
  it("POST /staff/bookings/:reference/status: the clerk dispatches with a waybill code (validated; nothing stored on a bad one), the citizen is told once, a double click is stored once; CSRF required; commune staff 403; another province 404", async () => {
    const reference = await booking(COMMUNE, { dossierCode: code(1) });
    const id = (await stored(reference)).id;
    const form = (o: Record<string, string>) => ({ _csrf: clerk.csrf, status: "DISPATCHED", ...o });

    // No CSRF token: refused, nothing stored.
    const noCsrf = await client.req("POST", `/staff/bookings/${reference}/status`, { session: clerk.session, form: { status: "CONFIRMED" } });
    expect(noCsrf.status).toBe(403);
    // Commune staff may read, never move.
    const officerMove = await client.req("POST", `/staff/bookings/${reference}/status`, { session: officer.session, form: { _csrf: officer.csrf, status: "CONFIRMED" } });
    expect(officerMove.status).toBe(403);
    // Another province's clerk: as if it did not exist.
    expect((await call("POST", `/staff/bookings/${reference}/status`, keys.post01!, { status: "CONFIRMED" })).status).toBe(404);
    expect((await stored(reference)).status).toBe("REQUESTED");

    for (const bad of ["", "EL 1234", "EL-123456789VN", "ĐƠN123456", "A".repeat(31), "AB1"]) {
      const res = await client.req("POST", `/staff/bookings/${reference}/status`, { session: clerk.session, form: form({ waybillCode: bad }) });
      expect(res.status, bad).toBe(400);
      expect(res.text, bad).toMatch(/Mã vận đơn (là bắt buộc|chỉ gồm chữ cái không dấu và chữ số)/);
      expect(res.text).toContain('href="#waybillCode"');
    }
    expect(await stored(reference)).toMatchObject({ status: "REQUESTED", waybillCode: null, dispatchedAt: null });
    expect(await noticesOf(id)).toHaveLength(0);

    const ok = await client.req("POST", `/staff/bookings/${reference}/status`, { session: clerk.session, form: form({ waybillCode: " el123456789vn " }) });
    expect(ok.status).toBe(303);
    expect(ok.headers.get("location")).toBe(`/staff/bookings/${reference}?done=DISPATCHED`);
    const after = await stored(reference);
    expect(after).toMatchObject({ status: "DISPATCHED", waybillCode: "EL123456789VN", handledById: clerk.id });
    expect(after.dispatchedAt).toBeInstanceOf(Date);
    // The double click: the same move again changes nothing and says so.
    const again = await client.req("POST", `/staff/bookings/${reference}/status`, { session: clerk.session, form: form({ waybillCode: "EL123456789VN" }) });
    expect(again.status).toBe(303);
    expect(again.headers.get("location")).toBe(`/staff/bookings/${reference}?done=repeated`);
    expect((await stored(reference)).dispatchedAt).toEqual(after.dispatchedAt);
    const notices = await noticesOf(id);
    expect(notices.map((n) => n.dedupeKey)).toEqual([`booking:${id}:DISPATCHED`]);
    expect(notices[0]!.variables).toMatchObject({ status: "DISPATCHED", waybillCode: "EL123456789VN" });
    // Another waybill for a dispatched booking is a conflict, not an overwrite.
    const other = await client.req("POST", `/staff/bookings/${reference}/status`, { session: clerk.session, form: form({ waybillCode: "EL999999999VN" }) });
    expect(other.status).toBe(409);
    expect((await stored(reference)).waybillCode).toBe("EL123456789VN");
    const shown = await client.req("GET", `/staff/bookings/${reference}?done=repeated`, { session: clerk.session });
    expect(shown.text).toContain("có thể do bấm hai lần");

    // Completed.
    const done = await client.req("POST", `/staff/bookings/${reference}/status`, { session: clerk.session, form: { _csrf: clerk.csrf, status: "COMPLETED" } });
    expect(done.status).toBe(303);
    expect((await stored(reference)).completedAt).toBeInstanceOf(Date);
    // A stale page's move: refused in words, nothing changed.
    const stale = await client.req("POST", `/staff/bookings/${reference}/status`, { session: clerk.session, form: { _csrf: clerk.csrf, status: "CANCELLED" } });
    expect(stale.status).toBe(409);
    expect(stale.text).toContain("Lịch hẹn đang ở trạng thái &quot;Đã hoàn tất&quot;, không chuyển sang &quot;Đã hủy&quot; được.");
    expect((await stored(reference)).status).toBe("COMPLETED");
  });

  it("a clerk of province 82 can neither open nor move a booking of Hà Nội: 404 on every page, nothing stored", async () => {
    const reference = await booking(hanoiCommune, { dossierCode: code(3) });
    for (const path of [`/staff/bookings/${reference}`, `/staff/bookings/${reference}/slip`]) {
      const res = await client.req("GET", path, { session: clerk.session });
      expect(res.status, path).toBe(404);
      expect(res.text).not.toContain("Đỗ Văn Hà");
    }
    const move = await client.req("POST", `/staff/bookings/${reference}/status`, { session: clerk.session, form: { _csrf: clerk.csrf, status: "DISPATCHED", waybillCode: "EL123456789VN" } });
    expect(move.status).toBe(404);
    const fail = await client.req("POST", `/staff/bookings/${reference}/status`, { session: clerk.session, form: { _csrf: clerk.csrf, status: "FAILED" } });
    expect(fail.status).toBe(404); // not a 400 that would say it exists
    const api = await client.req("POST", `/api/v1/bookings/${reference}/status`, { session: clerk.session, csrf: clerk.csrf, json: { status: "CONFIRMED" } });
    expect(api.status).toBe(404);
    expect(await stored(reference)).toMatchObject({ status: "REQUESTED", waybillCode: null, handledById: null });
    expect(await noticesOf((await stored(reference)).id)).toHaveLength(0);
  });

  it("a cancellation's note (read by the citizen) is held to the API's 500 characters without control characters in the console too: a 400 naming it, nothing stored", async () => {
    const reference = await booking(COMMUNE, { kind: "DOSSIER_COLLECTION" });
    for (const note of ["x".repeat(2000), "Hủy theo yêu cầu \u202Egnol"]) {
      const res = await client.req("POST", `/staff/bookings/${reference}/status`, { session: clerk.session, form: { _csrf: clerk.csrf, status: "CANCELLED", note } });
      expect(res.status).toBe(400);
      expect(res.text).toMatch(/ghi chú (dài quá 500 ký tự|chứa ký tự điều khiển)/);
      expect(await stored(reference)).toMatchObject({ status: "REQUESTED", note: null });
    }
    const api = await client.req("POST", `/api/v1/bookings/${reference}/status`, { session: clerk.session, csrf: clerk.csrf, json: { status: "CANCELLED", note: "Hủy\u200B" } });
    expect(api.status).toBe(400);
    expect(api.body.error.field).toBe("note");
    expect((await stored(reference)).status).toBe("REQUESTED");
  });

  it("a result delivery is not dispatched while the dossier is still being processed: a clear Vietnamese 409 page, nothing stored", async () => {
    const reference = await booking(COMMUNE, { dossierCode: code(2) });
    const res = await client.req("POST", `/staff/bookings/${reference}/status`, { session: clerk.session, form: { _csrf: clerk.csrf, status: "DISPATCHED", waybillCode: "EL123456780VN" } });
    expect(res.status).toBe(409);
    expect(res.text).toContain("chưa có kết quả");
    expect(await stored(reference)).toMatchObject({ status: "REQUESTED", waybillCode: null });
  });

  it("failed with a reason and who pays the second try: both required (nothing stored without them), recorded with the time and the clerk, the citizen told the reason and who pays", async () => {
    const reference = await booking(COMMUNE, { dossierCode: code(1) });
    const id = (await stored(reference)).id;
    const post = (o: Record<string, string>) => client.req("POST", `/staff/bookings/${reference}/status`, { session: clerk.session, form: { _csrf: clerk.csrf, status: "FAILED", ...o } });
    const noReason = await post({ retryPaidBy: "CITIZEN" });
    expect(noReason.status).toBe(400);
    expect(noReason.text).toContain("ghi lý do không giao/nhận được");
    const noPayer = await post({ failureReason: "Không có người ở nhà" });
    expect(noPayer.status).toBe(400);
    expect(noPayer.text).toContain("chọn bên trả cước lần giao lại");
    expect(noPayer.text).toContain('value="Không có người ở nhà"'); // what was typed is kept
    const badPayer = await post({ failureReason: "Không có người ở nhà", retryPaidBy: "NOBODY" });
    expect(badPayer.status).toBe(400);
    expect(await stored(reference)).toMatchObject({ status: "REQUESTED", failedAt: null, failureReason: null, retryPaidBy: null });

    const ok = await post({ failureReason: "Không có người ở nhà, gọi 3 lần không nghe máy.", retryPaidBy: "CITIZEN" });
    expect(ok.status).toBe(303);
    const after = await stored(reference);
    expect(after).toMatchObject({ status: "FAILED", failureReason: "Không có người ở nhà, gọi 3 lần không nghe máy.", retryPaidBy: "CITIZEN", handledById: clerk.id });
    expect(after.failedAt).toBeInstanceOf(Date);
    const [notice] = await noticesOf(id);
    expect((notice!.variables as { note: string }).note).toBe("Lý do: Không có người ở nhà, gọi 3 lần không nghe máy. Cước phí lần giao lại do ông/bà trả.");
    const page = await client.req("GET", `/staff/bookings/${reference}`, { session: clerk.session });
    expect(page.text).toContain("Người dân (vắng nhà");
    expect(page.text).toContain("Lê Thị Hoa");
    // The dossier's history shows the booking and what became of it, for commune staff and in the API.
    const history = await client.req("GET", `/staff/dossiers/${encodeURIComponent(code(1))}`, { session: officer.session });
    expect(history.status).toBe(200);
    expect(history.text).toContain(`<a href="/staff/bookings/${reference}">${reference}</a>`);
    expect(history.text).toContain("Không có người ở nhà, gọi 3 lần không nghe máy.");
    const api = await call("GET", `/api/v1/dossiers/${encodeURIComponent(code(1))}`, keys.commune!);
    expect(api.body.bookings.find((x: { reference: string }) => x.reference === reference)).toMatchObject({ status: "FAILED", statusLabel: "Không thành công", retryPaidBy: "CITIZEN" });
  });
});

describe("the API takes the same fields", () => {
  it("POST /api/v1/bookings/:reference/status: FAILED needs failureReason and retryPaidBy (400 naming them), waybill codes are validated, a repeat is harmless (repeated: true, one notice) and a repeat with other details a 409; roles and units as the guard says", async () => {
    const reference = await booking(COMMUNE, { dossierCode: code(1) });
    const id = (await stored(reference)).id;
    const move = (body: unknown, key = keys.post82!) => call("POST", `/api/v1/bookings/${reference}/status`, key, body);
    for (const [key, status] of [[keys.commune!, 403], [keys.integration!, 403], [keys.post01!, 404], [null, 401]] as const) {
      expect((await move({ status: "FAILED", failureReason: "Sai địa chỉ", retryPaidBy: "CITIZEN" }, key as string)).status).toBe(status);
    }
    expect((await move({ status: "FAILED", retryPaidBy: "CITIZEN" })).body.error.field).toBe("failureReason");
    expect((await move({ status: "FAILED", failureReason: "Sai địa chỉ" })).body.error.field).toBe("retryPaidBy");
    expect((await move({ status: "FAILED", failureReason: "Sai địa chỉ", retryPaidBy: "NEIGHBOUR" })).body.error.field).toBe("retryPaidBy");
    expect((await move({ status: "DISPATCHED", waybillCode: "EL 12345" })).body.error.field).toBe("waybillCode");
    expect((await move({ status: "DISPATCHED", waybillCode: "X".repeat(31) })).status).toBe(400);
    expect((await move({ status: "CONFIRMED", unknown: 1 })).status).toBe(400);
    // The reason is read by the citizen: no hidden or reversing characters.
    for (const failureReason of ["Sai \u202eđịa chỉ", "Sai\u0007 địa chỉ"]) {
      const refused = await move({ status: "FAILED", failureReason, retryPaidBy: "CITIZEN" });
      expect(refused.status).toBe(400);
      expect(refused.body.error.field).toBe("failureReason");
    }
    expect(await stored(reference)).toMatchObject({ status: "REQUESTED" });

    // Sent decomposed (NFD), stored composed: the same reason sent composed is a repeat, not a 409.
    const failed = await move({ status: "FAILED", failureReason: "Kết quả ghi sai tên".normalize("NFD"), retryPaidBy: "AGENCY" });
    expect(failed.status, failed.text).toBe(200);
    expect(failed.body).toMatchObject({ status: "FAILED", failureReason: "Kết quả ghi sai tên", retryPaidBy: "AGENCY", repeated: false });
    expect((await stored(reference)).handledById).toBeNull(); // an API key is no staff member
    const repeat = await move({ status: "FAILED", failureReason: "Kết quả ghi sai tên", retryPaidBy: "AGENCY" });
    expect(repeat.body).toMatchObject({ status: "FAILED", repeated: true });
    expect((await move({ status: "FAILED", failureReason: "Sai địa chỉ", retryPaidBy: "CITIZEN" })).status).toBe(409);
    const notices = await noticesOf(id);
    expect(notices).toHaveLength(1);
    expect((notices[0]!.variables as { note: string }).note).toContain("Cơ quan giải quyết hồ sơ chịu cước phí lần giao lại.");

    // Lower case is taken and stored in capitals; admin reaches every unit.
    const r2 = await booking(hanoiCommune, { dossierCode: code(3) });
    const dispatched = await call("POST", `/api/v1/bookings/${r2}/status`, keys.admin!, { status: "DISPATCHED", waybillCode: "rr987654321vn" });
    expect(dispatched.body).toMatchObject({ status: "DISPATCHED", waybillCode: "RR987654321VN" });

    // GET lists the new fields.
    const list = await call("GET", "/api/v1/bookings?status=FAILED", keys.post82!);
    expect(list.body.bookings.find((b: { reference: string }) => b.reference === reference)).toMatchObject({ failureReason: "Kết quả ghi sai tên", retryPaidBy: "AGENCY" });
    expect((await call("GET", "/api/v1/bookings?kind=PARCEL", keys.post82!)).body.error.field).toBe("kind");
  });

  it("the same move sent twice at once is stored once and answered twice", async () => {
    const reference = await booking(COMMUNE, { dossierCode: code(1) });
    const id = (await stored(reference)).id;
    const both = await Promise.all([0, 1].map(() => call("POST", `/api/v1/bookings/${reference}/status`, keys.post82!, { status: "CONFIRMED" })));
    expect(both.map((r) => r.status)).toEqual([200, 200]);
    expect(both.map((r) => r.body.repeated).sort()).toEqual([false, true]);
    expect(await noticesOf(id)).toHaveLength(1);
  });
});

describe("dossiers submitted through the post reach the desk when their result is ready", () => {
  it("POST /staff/bookings/deliveries: a POSTAL dossier appears under \"Kết quả chờ chuyển phát\" once RESULT_READY; the clerk books its delivery (the collection's address, or one entered), once however often the form is sent; commune staff 403; another province 404", async () => {
    const collected = code(4);
    const walkIn = code(5);
    // Collected from home by the post office (a completed collection booking by the same applicant), then submitted POSTAL.
    const citizen = await t.ctx.bookings.citizenFor("+84912000104", "Phạm Thị Dung");
    const collection = await booking(COMMUNE, { kind: "DOSSIER_COLLECTION", status: "COMPLETED", addressLine: "12 ấp Tân Hội, đường số 3" });
    await t.ctx.db.deliveryBooking.update({ where: { reference: collection }, data: { citizenId: citizen, createdAt: new Date(Date.now() - 3 * 86_400_000) } });
    await ingest({ dossierCode: collected, status: "RECEIVED", channel: "POSTAL", applicant: { fullName: "Phạm Thị Dung", phone: "0912000104" }, communeCode: COMMUNE });
    await ingest({ dossierCode: walkIn, status: "PROCESSING", channel: "POSTAL", applicant: { fullName: "Võ Văn Em", phone: "0912000105" }, communeCode: COMMUNE });

    const desk = () => client.req("GET", "/staff/bookings", { session: clerk.session });
    expect((await desk()).text).not.toContain(collected);
    await ingest({ dossierCode: collected, status: "RESULT_READY" });
    await ingest({ dossierCode: walkIn, status: "RESULT_HANDED_TO_POST" });
    const shown = await desk();
    expect(shown.text).toContain("Kết quả chờ chuyển phát");
    expect(shown.text).toContain(collected);
    expect(shown.text).toContain(walkIn);
    expect(shown.text).toContain("12 ấp Tân Hội, đường số 3"); // offered as the address
    expect((await call("GET", "/staff/bookings", keys.post01!)).text).not.toContain(collected);
    expect((await client.req("GET", "/staff/bookings", { session: officer.session })).text).toContain(collected); // read only

    const before = await t.ctx.db.deliveryBooking.count();
    const officerPost = await client.req("POST", "/staff/bookings/deliveries", { session: officer.session, form: { _csrf: officer.csrf, dossierCode: collected, addressLine: "", timeWindow: "Sáng (8:00–11:30)" } });
    expect(officerPost.status).toBe(403);
    expect((await call("POST", "/staff/bookings/deliveries", keys.post01!, { dossierCode: collected, addressLine: "", timeWindow: "Sáng (8:00–11:30)" })).status).toBe(404);
    // The walk-in has no collection: an address is needed.
    const noAddress = await client.req("POST", "/staff/bookings/deliveries", { session: clerk.session, form: { _csrf: clerk.csrf, dossierCode: walkIn, addressLine: "", timeWindow: "Chiều (13:30–17:00)" } });
    expect(noAddress.status).toBe(400);
    expect(noAddress.text).toContain("nhập địa chỉ giao");
    const badWindow = await client.req("POST", "/staff/bookings/deliveries", { session: clerk.session, form: { _csrf: clerk.csrf, dossierCode: walkIn, addressLine: "7 ấp Bình Thạnh", timeWindow: "Nửa đêm" } });
    expect(badWindow.status).toBe(400);
    // Not a postal dossier: refused.
    const counter = await client.req("POST", "/staff/bookings/deliveries", { session: clerk.session, form: { _csrf: clerk.csrf, dossierCode: code(1), addressLine: "7 ấp Bình Thạnh", timeWindow: "Chiều (13:30–17:00)" } });
    expect(counter.status).toBe(409);
    expect(await t.ctx.db.deliveryBooking.count()).toBe(before);

    // Booked from the collection's address; a double click gets the same booking (the code as
    // the desk lists it, or typed in lower case: it is the same dossier).
    const form = { _csrf: clerk.csrf, dossierCode: collected, addressLine: "", timeWindow: "Sáng (8:00–11:30)" };
    const [a, b] = await Promise.all([form, { ...form, dossierCode: ` ${collected.toLowerCase()}` }].map((f) => client.req("POST", "/staff/bookings/deliveries", { session: clerk.session, form: f })));
    expect([a!.status, b!.status]).toEqual([303, 303]);
    expect(a!.headers.get("location")!.split("?")[0]).toBe(b!.headers.get("location")!.split("?")[0]);
    expect([a!.headers.get("location"), b!.headers.get("location")].map((l) => l!.split("done=")[1]).sort()).toEqual(["alreadyBooked", "created"]);
    const dossier = await t.ctx.db.dossier.findUniqueOrThrow({ where: { code: collected } });
    const made = await t.ctx.db.deliveryBooking.findMany({ where: { dossierId: dossier.id } });
    expect(made).toHaveLength(1);
    expect(made[0]).toMatchObject({ kind: "RESULT_DELIVERY", status: "REQUESTED", addressLine: "12 ấp Tân Hội, đường số 3", recipientName: "Phạm Thị Dung", recipientPhone: "0912000104", recipientIsApplicant: true, citizenId: dossier.applicantId, communeCode: COMMUNE, postage: 25000 });

    // The walk-in, with the address the clerk enters.
    const entered = await client.req("POST", "/staff/bookings/deliveries", { session: clerk.session, form: { _csrf: clerk.csrf, dossierCode: walkIn, addressLine: "7 ấp Bình Thạnh", timeWindow: "Chiều (13:30–17:00)" } });
    expect(entered.status).toBe(303);
    const after = await desk();
    expect(after.text).not.toContain(`value="${collected}"`);
    expect(after.text).not.toContain(`value="${walkIn}"`);

    // A failed delivery puts the result back on the desk for a second try.
    const ref = made[0]!.reference;
    expect((await call("POST", `/api/v1/bookings/${ref}/status`, keys.post82!, { status: "FAILED", failureReason: "Sai số nhà", retryPaidBy: "CITIZEN" })).status).toBe(200);
    const again = await desk();
    expect(again.text).toContain(`value="${collected}"`);
    expect(again.text).toContain("Sai số nhà");
  });

  it("attack: the clerk's delivery address with a control or invisible character (a right-to-left override that reverses the printed slip's address, a BEL) is refused naming the address; nothing stored", async () => {
    const dossierCode = code(6);
    await ingest({ dossierCode, status: "RECEIVED", channel: "POSTAL", applicant: { fullName: "Đỗ Thị Giang", phone: "0912000106" }, communeCode: COMMUNE });
    await ingest({ dossierCode, status: "RESULT_READY" });
    const dossier = await t.ctx.db.dossier.findUniqueOrThrow({ where: { code: dossierCode } });
    for (const addressLine of ["7 ấp Bình \u202eThạnh 12", "7 ấp Bình\u0007 Thạnh", "7 ấp\u200b Bình Thạnh"]) {
      const res = await client.req("POST", "/staff/bookings/deliveries", { session: clerk.session, form: { _csrf: clerk.csrf, dossierCode, addressLine, timeWindow: "Chiều (13:30–17:00)" } });
      expect(res.status).toBe(400);
      expect(res.text).toContain("ký tự");
      expect(res.text).toContain(`href="#address-${dossierCode}"`);
      expect(await t.ctx.db.deliveryBooking.count({ where: { dossierId: dossier.id } })).toBe(0);
    }
  });

  it("the clerk's home page counts the desk's work (results waiting for delivery, bookings by open status) for her unit; commune staff's home has no desk", async () => {
    const reference = await booking(COMMUNE, { dossierCode: code(1) });
    expect((await call("POST", `/api/v1/bookings/${reference}/status`, keys.post82!, { status: "CONFIRMED" })).status).toBe(200);
    const awaiting = (await t.ctx.bookings.awaitingDelivery("82")).length;
    const confirmed = (await t.ctx.bookings.forUnit("82", { status: "CONFIRMED" })).length;
    expect(awaiting).toBeGreaterThan(0);
    const home = await client.req("GET", "/staff", { session: clerk.session });
    expect(home.status).toBe(200);
    expect(home.text).toContain(`<b>${awaiting}</b> kết quả chờ chuyển phát`);
    expect(home.text).toContain(`<b>${confirmed}</b> lịch đã xác nhận`);
    expect(home.text).toContain('href="/staff/bookings">Mở bàn bưu điện');
    const hanoi = await call("GET", "/staff", keys.post01!);
    expect(hanoi.text).toContain(`<b>${(await t.ctx.bookings.awaitingDelivery("01")).length}</b> kết quả chờ chuyển phát`);
    expect((await client.req("GET", "/staff", { session: officer.session })).text).not.toContain("Mở bàn bưu điện");
  });
});

describe("attack: one move, two clerks", () => {
  it("a delivery completed by a province clerk and completed again by a commune clerk (a double click on two desks, a retry after a crash) writes the dossier's DELIVERED event and form 05's hand-over once", async () => {
    const communeClerk = (await t.ctx.apiKeys.create({ name: "Bưu điện Hồng Ngự", role: "POST_OFFICE_STAFF", unitCode: COMMUNE })).key;
    const dossierCode = code(7);
    await ingest({ dossierCode, status: "RECEIVED", channel: "POSTAL", applicant: { fullName: "Phan Văn Khải", phone: "0912000107" }, communeCode: COMMUNE });
    await ingest({ dossierCode, status: "RESULT_READY" });
    const dossier = await t.ctx.db.dossier.findUniqueOrThrow({ where: { code: dossierCode } });
    const reference = await booking(COMMUNE, { dossierCode });
    expect((await call("POST", `/api/v1/bookings/${reference}/status`, keys.post82!, { status: "CONFIRMED" })).status).toBe(200);
    expect((await call("POST", `/api/v1/bookings/${reference}/status`, keys.post82!, { status: "DISPATCHED", waybillCode: "EL123456789VN" })).status).toBe(200);
    expect((await call("POST", `/api/v1/bookings/${reference}/status`, communeClerk, { status: "DISPATCHED", waybillCode: "EL123456789VN" })).body.repeated).toBe(true);
    expect((await call("POST", `/api/v1/bookings/${reference}/status`, keys.post82!, { status: "COMPLETED" })).status).toBe(200);
    const again = await call("POST", `/api/v1/bookings/${reference}/status`, communeClerk, { status: "COMPLETED" });
    expect(again.status).toBe(200);
    expect(again.body.repeated).toBe(true);
    const events = await t.ctx.db.dossierEvent.findMany({ where: { dossierId: dossier.id, status: { in: ["OUT_FOR_DELIVERY", "DELIVERED"] } } });
    expect(events.map((e) => e.status).sort()).toEqual(["DELIVERED", "OUT_FOR_DELIVERY"]);
    expect(await t.ctx.db.handover.count({ where: { dossierId: dossier.id, fromUnit: { contains: "Bưu điện" } } })).toBe(1);
  });
});

describe("attack: a move cut short", () => {
  it("the dossier's event failing after the booking moved (a process killed between the two) leaves neither: the booking, its notice and the dossier's status are one write, and the retry makes all three once", async () => {
    const dossierCode = code(8);
    await ingest({ dossierCode, status: "RECEIVED", channel: "POSTAL", applicant: { fullName: "Võ Thị Mai", phone: "0912000108" }, communeCode: COMMUNE });
    await ingest({ dossierCode, status: "RESULT_READY" });
    const dossier = await t.ctx.db.dossier.findUniqueOrThrow({ where: { code: dossierCode } });
    const reference = await booking(COMMUNE, { dossierCode });
    const row = await stored(reference);
    expect((await call("POST", `/api/v1/bookings/${reference}/status`, keys.post82!, { status: "CONFIRMED" })).status).toBe(200);
    // The dossier's event cannot be written (as if the process died right before it).
    const fn = `attack_refuse_${randomBytes(4).toString("hex")}`;
    await t.ctx.pool.query(`CREATE FUNCTION ${fn}() RETURNS trigger LANGUAGE plpgsql AS $$ BEGIN IF NEW."dossierId" = '${dossier.id}' THEN RAISE EXCEPTION 'cut'; END IF; RETURN NEW; END $$`);
    await t.ctx.pool.query(`CREATE TRIGGER ${fn} BEFORE INSERT ON "DossierEvent" FOR EACH ROW EXECUTE FUNCTION ${fn}()`);
    try {
      const cut = await call("POST", `/api/v1/bookings/${reference}/status`, keys.post82!, { status: "DISPATCHED", waybillCode: "EL987654321VN" });
      expect(cut.status).toBe(500);
    } finally {
      await t.ctx.pool.query(`DROP TRIGGER ${fn} ON "DossierEvent"`);
      await t.ctx.pool.query(`DROP FUNCTION ${fn}()`);
    }
    expect((await stored(reference)).status).toBe("CONFIRMED");
    expect((await t.ctx.db.dossier.findUniqueOrThrow({ where: { code: dossierCode } })).status).toBe("RESULT_READY");
    expect((await noticesOf(row.id)).map((n) => n.dedupeKey).sort()).toEqual([`booking:${row.id}:CONFIRMED`]);
    // The clerk tries again: all three, once.
    expect((await call("POST", `/api/v1/bookings/${reference}/status`, keys.post82!, { status: "DISPATCHED", waybillCode: "EL987654321VN" })).status).toBe(200);
    expect((await t.ctx.db.dossier.findUniqueOrThrow({ where: { code: dossierCode } })).status).toBe("OUT_FOR_DELIVERY");
    expect(await t.ctx.db.dossierEvent.count({ where: { dossierId: dossier.id, status: "OUT_FOR_DELIVERY" } })).toBe(1);
    expect((await noticesOf(row.id)).map((n) => n.dedupeKey).sort()).toEqual([`booking:${row.id}:CONFIRMED`, `booking:${row.id}:DISPATCHED`]);
  });
});
