/**
 * Forms 04 and 05 over real HTTP on the real PostgreSQL: the apology rule (the DELAYED notice, the
 * date moved once only — also against two submissions at once —, late marking, closed dossiers),
 * hand-overs recorded by staff (early / on time / late, Idempotency-Key) and by postal events by
 * themselves (a repeated event records nothing twice), the PDFs (read back as text), the print
 * views, the history, and every route confined to the principal's unit.
 */
import { randomBytes } from "node:crypto";
import { extractText, getDocumentProxy } from "unpdf";
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
const code = (n: number) => `H15.50.05.13-26112${n}-${tag}`;
const DAY = 86_400_000;
const at = (offsetDays: number) => new Date(Date.now() + offsetDays * DAY).toISOString();
/** yyyy-MM-dd in Vietnam, `offsetDays` from today. */
const vnDay = (offsetDays: number) => new Date(Date.now() + 7 * 3600_000 + offsetDays * DAY).toISOString().slice(0, 10);

async function ingest(e: Record<string, unknown>) {
  return t.ctx.ingest.ingest([dossierEventSchema.parse({ eventId: `df-${randomBytes(5).toString("hex")}`, occurredAt: at(-5), procedure: { code: "1.001193", name: "Đăng ký khai sinh" }, ...e })], { source: "UPSTREAM" });
}

async function call(method: string, path: string, key: string | null, body?: unknown, headers: Record<string, string> = {}) {
  const res = await fetch(t.baseUrl + path, {
    method,
    redirect: "manual",
    headers: { ...(key ? { authorization: `Bearer ${key}` } : {}), ...(body !== undefined ? { "content-type": "application/json" } : {}), ...headers },
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
  return { status: res.status, body: json, text, buffer, type: res.headers.get("content-type"), location: res.headers.get("location"), disposition: res.headers.get("content-disposition") };
}

async function form(path: string, key: string, fields: Record<string, string>) {
  const res = await fetch(t.baseUrl + path, {
    method: "POST",
    redirect: "manual",
    headers: { authorization: `Bearer ${key}`, "content-type": "application/x-www-form-urlencoded" },
    body: new URLSearchParams(fields).toString(),
  });
  return { status: res.status, location: res.headers.get("location"), html: await res.text() };
}

async function pdfText(buffer: Buffer): Promise<string> {
  const pdf = await getDocumentProxy(new Uint8Array(buffer));
  return (await extractText(pdf, { mergePages: true })).text as string;
}

const enc = encodeURIComponent;

beforeAll(async () => {
  database = await cloneTestDatabase();
  t = await startTestApp({ DATABASE_URL: database.url, QUEUE_PREFIX: `df${randomBytes(4).toString("hex")}` });
  // 29955 Phường Hồng Ngự (province 82).
  for (const n of [1, 2, 3, 4, 6, 7]) {
    // (3 and 6 came in through the post: the post office has a part in them, and records their hand-overs)
    await ingest({ dossierCode: code(n), status: "RECEIVED", applicant: { fullName: `Nguyễn Văn An ${n}`, phone: `091200020${n}` }, communeCode: "29955", dueAt: at(n === 3 ? 0 : n === 6 ? -1 : 3), ...(n === 3 || n === 6 ? { channel: "POSTAL" } : {}) });
  }
  await ingest({ dossierCode: code(4), status: "RESULT_READY", occurredAt: at(-1) });
  // 28249 Phường Đạo Thạnh: another commune's.
  await ingest({ dossierCode: code(5), status: "RECEIVED", applicant: { fullName: "Võ Văn Em", phone: "0912000205" }, communeCode: "28249", dueAt: at(3) });
  for (const [label, role, unit] of [
    ["staff", "COMMUNE_STAFF", "29955"],
    ["other", "COMMUNE_STAFF", "28249"],
    ["province", "COMMUNE_STAFF", "82"],
    ["post", "POST_OFFICE_STAFF", "82"],
    ["postElsewhere", "POST_OFFICE_STAFF", "01"],
  ] as const) {
    keys[label] = (await t.ctx.apiKeys.create({ name: label === "staff" ? "Trần Thị Bình" : label, role, unitCode: unit })).key;
  }
  keys.integration = (await t.ctx.apiKeys.create({ name: "upstream", role: "INTEGRATION" })).key;
});
afterAll(async () => {
  await t?.close();
  await database?.drop();
});

const { req, signedIn } = staffClient(() => ({ baseUrl: t.baseUrl }) as NotifyStack, "203.0.113.77");

const dossierId = async (c: string) => (await t.ctx.db.dossier.findUniqueOrThrow({ where: { code: c } })).id;

describe("the apology rule (form 04)", () => {
  it("POST /api/v1/dossiers/:code/apology: issues it, the citizen gets the DELAYED notice, the date moves, the history shows it", async () => {
    const res = await call("POST", `/api/v1/dossiers/${enc(code(1))}/apology`, keys.staff!, { newDueAt: vnDay(6), reason: "  Cần xác minh thêm với Ủy ban nhân dân xã nơi cư trú trước đây.  " });
    expect(res.status, res.text).toBe(201);
    expect(res.body.apology).toMatchObject({ dossierCode: code(1), reason: "Cần xác minh thêm với Ủy ban nhân dân xã nơi cư trú trước đây.", late: false, issuedByName: "Trần Thị Bình", notices: 1 });
    const id = await dossierId(code(1));
    const dossier = await t.ctx.db.dossier.findUniqueOrThrow({ where: { id }, include: { apology: true } });
    expect(dossier.newDueAt?.toISOString()).toBe(new Date(`${vnDay(6)}T17:00:00+07:00`).toISOString());
    expect(dossier.status).toBe("DELAYED");
    expect(dossier.apology).toMatchObject({ late: false, previousDueAt: dossier.dueAt, issuedBy: expect.stringMatching(/^api-key:/) });
    // The DELAYED event is the commune's, by staff, and made the citizen's notice.
    const event = await t.ctx.db.dossierEvent.findUniqueOrThrow({ where: { id: dossier.apology!.eventId! } });
    expect(event).toMatchObject({ status: "DELAYED", origin: "unit:29955", source: "STAFF", applied: true, note: "Cần xác minh thêm với Ủy ban nhân dân xã nơi cư trú trước đây." });
    const notices = await t.ctx.db.notice.findMany({ where: { dossierId: id, type: "DELAYED" } });
    expect(notices).toHaveLength(1);
    expect(notices[0]!.eventId).toBe(event.id);

    const history = await call("GET", `/api/v1/dossiers/${enc(code(1))}`, keys.staff!);
    expect(history.body.apology).toMatchObject({ reason: "Cần xác minh thêm với Ủy ban nhân dân xã nơi cư trú trước đây.", late: false, issuedByName: "Trần Thị Bình" });
    expect(history.body.events.map((e: { status: string }) => e.status)).toContain("DELAYED");
    expect(history.body.notices.map((n: { type: string }) => n.type)).toContain("DELAYED");

    // Moved once only: a second apology is a 409 stating the rule, and nothing more is written.
    const again = await call("POST", `/api/v1/dossiers/${enc(code(1))}/apology`, keys.staff!, { newDueAt: vnDay(9), reason: "Lần nữa" });
    expect(again.status).toBe(409);
    expect(again.body.error.code).toBe("DUE_DATE_ALREADY_MOVED");
    expect(again.body.error.message).toMatch(/^Ngày hẹn chỉ được điều chỉnh một lần/);
    expect(await t.ctx.db.notice.count({ where: { dossierId: id, type: "DELAYED" } })).toBe(1);
    expect(await t.ctx.db.dossierEvent.count({ where: { dossierId: id, status: "DELAYED" } })).toBe(1);
  });

  it("two submissions at once make exactly one apology; the other is the 409", async () => {
    const results = await Promise.all(
      Array.from({ length: 6 }, (_, i) => call("POST", `/api/v1/dossiers/${enc(code(2))}/apology`, keys.staff!, { newDueAt: vnDay(7 + (i % 2)), reason: `Lý do ${i}` })),
    );
    expect(results.map((r) => r.status).sort()).toEqual([201, 409, 409, 409, 409, 409]);
    const id = await dossierId(code(2));
    expect(await t.ctx.db.apology.count({ where: { dossierId: id } })).toBe(1);
    expect(await t.ctx.db.notice.count({ where: { dossierId: id, type: "DELAYED" } })).toBe(1);
    expect(await t.ctx.db.dossierEvent.count({ where: { dossierId: id, status: "DELAYED" } })).toBe(1);
  });

  it("one issued on the due date, or after it, is accepted and marked late", async () => {
    const onTheDay = await call("POST", `/api/v1/dossiers/${enc(code(3))}/apology`, keys.staff!, { newDueAt: vnDay(4), reason: "Hệ thống cấp mã bị gián đoạn." });
    expect(onTheDay.status, onTheDay.text).toBe(201);
    expect(onTheDay.body.apology.late).toBe(true);
    const after = await call("POST", `/api/v1/dossiers/${enc(code(6))}/apology`, keys.staff!, { newDueAt: vnDay(4), reason: "Chờ ý kiến cơ quan phối hợp." });
    expect(after.status, after.text).toBe(201);
    expect(after.body.apology.late).toBe(true);
    expect((await t.ctx.db.apology.findUniqueOrThrow({ where: { dossierId: await dossierId(code(6)) } })).late).toBe(true);
  });

  it("refuses a closed dossier (409), a date moved by upstream (409), bad input (400 naming the field)", async () => {
    const closed = await call("POST", `/api/v1/dossiers/${enc(code(4))}/apology`, keys.staff!, { newDueAt: vnDay(8), reason: "Muộn" });
    expect(closed.status).toBe(409);
    expect(closed.body.error.code).toBe("DOSSIER_CLOSED");
    // Upstream moved the date already: staff cannot move it again.
    await ingest({ dossierCode: code(7), status: "DELAYED", occurredAt: at(-1), newDueAt: at(5) });
    const moved = await call("POST", `/api/v1/dossiers/${enc(code(7))}/apology`, keys.staff!, { newDueAt: vnDay(9), reason: "Lần hai" });
    expect(moved.status).toBe(409);
    expect(moved.body.error.code).toBe("DUE_DATE_ALREADY_MOVED");
    expect(moved.body.error.message).toContain("Ngày hẹn chỉ được điều chỉnh một lần");
    for (const [body, field] of [
      [{ newDueAt: vnDay(1), reason: "Trước hạn cũ" }, "newDueAt"], // not after the current due date (+3 days)
      [{ newDueAt: "9999-01-01", reason: "Xa quá" }, "newDueAt"],
      [{ newDueAt: "ngày mai", reason: "x" }, "newDueAt"],
      [{ newDueAt: vnDay(9), reason: "   " }, "reason"],
      [{ newDueAt: vnDay(9), reason: "a\u0007b" }, "reason"],
      [{ newDueAt: vnDay(9), reason: "x".repeat(1001) }, "reason"],
      [{ newDueAt: vnDay(9) }, "reason"],
      [{ newDueAt: vnDay(9), reason: "x", extra: 1 }, "body"],
    ] as const) {
      const res = await call("POST", `/api/v1/dossiers/${enc(code(5))}/apology`, keys.other!, body);
      expect(res.status, JSON.stringify(body)).toBe(400);
      expect(res.body.error.field, JSON.stringify(body)).toBe(field);
    }
    // The refusal names the current due date as staff read dates (dd/MM/yyyy), not as yyyy-MM-dd.
    const early = await call("POST", `/api/v1/dossiers/${enc(code(5))}/apology`, keys.other!, { newDueAt: vnDay(1), reason: "Trước hạn cũ" });
    expect(early.body.error.message).toMatch(/^newDueAt: Ngày hẹn mới phải sau ngày hẹn hiện tại \(\d{2}\/\d{2}\/\d{4}\)$/);
    expect(await t.ctx.db.apology.count({ where: { dossierId: await dossierId(code(5)) } })).toBe(0);
  });

  it("POST /api/v1/dossiers/:code/apology: another commune's staff and a post office clerk get 404 / 403; nothing is written", async () => {
    const res = await call("POST", `/api/v1/dossiers/${enc(code(5))}/apology`, keys.staff!, { newDueAt: vnDay(9), reason: "Không phải hồ sơ của tôi" });
    expect(res.status).toBe(404);
    expect(res.text).not.toContain("Võ Văn Em");
    expect((await call("POST", `/api/v1/dossiers/${enc(code(5))}/apology`, keys.post!, { newDueAt: vnDay(9), reason: "x" })).status).toBe(403);
    expect((await call("POST", `/api/v1/dossiers/${enc(code(5))}/apology`, keys.integration!, { newDueAt: vnDay(9), reason: "x" })).status).toBe(403);
    expect((await call("POST", `/api/v1/dossiers/${enc(code(5))}/apology`, null, { newDueAt: vnDay(9), reason: "x" })).status).toBe(401);
    expect(await t.ctx.db.apology.count({ where: { dossierId: await dossierId(code(5)) } })).toBe(0);
  });

  it("GET /api/v1/dossiers/:code/apology.pdf: form 04 as PDF with the commune, the dossier, the dates and the reason; another unit's is a 404", async () => {
    const res = await call("GET", `/api/v1/dossiers/${enc(code(1))}/apology.pdf`, keys.staff!);
    expect(res.status).toBe(200);
    expect(res.type).toBe("application/pdf");
    expect(res.disposition).toContain(`mau-04-${code(1)}.pdf`);
    expect(res.buffer.subarray(0, 5).toString()).toBe("%PDF-");
    expect(res.text).toMatch(/FontFile2/); // the TrueType font is embedded
    const text = await pdfText(res.buffer);
    for (const s of ["PHIẾU XIN LỖI VÀ HẸN LẠI NGÀY TRẢ KẾT QUẢ", "PHƯỜNG HỒNG NGỰ", code(1), "Nguyễn Văn An 1", "Đăng ký khai sinh", "Cần xác minh thêm với Ủy ban nhân dân xã nơi cư trú trước đây."]) {
      expect(text.replace(/\s+/g, " "), s).toContain(s);
    }
    const [y, m, d] = vnDay(6).split("-");
    expect(text.replace(/\s+/g, " ")).toContain(`ngày ${d} tháng ${m} năm ${y}`);
    expect((await call("GET", `/api/v1/dossiers/${enc(code(1))}/apology.pdf`, keys.other!)).status).toBe(404);
    expect((await call("GET", `/api/v1/dossiers/${enc(code(1))}/apology.pdf`, keys.province!)).status).toBe(200);
    // No apology issued: nothing to print.
    expect((await call("GET", `/api/v1/dossiers/${enc(code(5))}/apology.pdf`, keys.other!)).status).toBe(404);
  });

  it("GET /staff/dossiers/:code/apology: the print view of form 04 (print button from the bundled script, no inline script); another unit's is a 404 page", async () => {
    const res = await call("GET", `/staff/dossiers/${enc(code(1))}/apology`, keys.staff!);
    expect(res.status).toBe(200);
    expect(res.text).toContain("PHIẾU XIN LỖI VÀ HẸN LẠI NGÀY TRẢ KẾT QUẢ");
    expect(res.text).toContain("data-print");
    expect(res.text).not.toMatch(/<script(?![^>]*src=)/);
    expect(res.text).not.toContain("javascript:");
    expect(res.text).toContain("Cần xác minh thêm");
    const theirs = await call("GET", `/staff/dossiers/${enc(code(1))}/apology`, keys.other!);
    expect(theirs.status).toBe(404);
    expect(theirs.text).not.toContain("Nguyễn Văn An 1");
  });

  it("POST /staff/dossiers/:code/apology: the form on the dossier page; errors shown on the page; the rule's 409; another unit's is a 404", async () => {
    const page = await call("GET", `/staff/dossiers/${enc(code(7))}`, keys.staff!);
    expect(page.text).toContain("Ngày hẹn chỉ được điều chỉnh một lần"); // upstream moved it: no form, the rule instead
    const fresh = await call("GET", `/staff/dossiers/${enc(code(5))}`, keys.other!);
    expect(fresh.text).toContain('<label for="apology-newDueAt">');
    const bad = await form(`/staff/dossiers/${enc(code(5))}/apology`, keys.other!, { newDueAt: "", reason: "" });
    expect(bad.status).toBe(400);
    expect(bad.html).toContain("error-summary");
    expect(bad.html).toContain('href="#apology-reason"');
    // What an official with a date picker can act on, not the API's ISO 8601 format.
    expect(bad.html).toContain("Ngày hẹn mới: chọn một ngày sau ngày hẹn hiện tại, trong vòng 5 năm tới");
    expect(bad.html).not.toContain("ISO 8601");
    const past = await form(`/staff/dossiers/${enc(code(5))}/apology`, keys.other!, { newDueAt: vnDay(-30), reason: "Chờ xác minh." });
    expect(past.status).toBe(400);
    expect(past.html).toMatch(/>Ngày hẹn mới phải sau ngày hẹn hiện tại \(\d{2}\/\d{2}\/\d{4}\)</); // said once, not "Ngày hẹn mới: Ngày hẹn mới …"
    expect((await form(`/staff/dossiers/${enc(code(5))}/apology`, keys.staff!, { newDueAt: vnDay(9), reason: "x" })).status).toBe(404);
    const ok = await form(`/staff/dossiers/${enc(code(5))}/apology`, keys.other!, { newDueAt: vnDay(9), reason: "Chờ kết quả xác minh." });
    expect(ok.status).toBe(303);
    expect(ok.location).toBe(`/staff/dossiers/${enc(code(5))}?done=apology#apology`);
    const shown = await call("GET", ok.location!, keys.other!);
    expect(shown.text).toContain("Đã lập phiếu xin lỗi");
    expect(shown.text).toContain("Chờ kết quả xác minh.");
    const twice = await form(`/staff/dossiers/${enc(code(5))}/apology`, keys.other!, { newDueAt: vnDay(10), reason: "Lần hai" });
    expect(twice.status).toBe(409);
    expect(twice.html).toContain("Ngày hẹn chỉ được điều chỉnh một lần");
  });
});

describe("hand-overs (form 05)", () => {
  const handover = (over: Record<string, unknown> = {}) => ({
    fromUnit: "Bộ phận một cửa Phường Hồng Ngự",
    toUnit: "Công chức Tư pháp - Hộ tịch",
    handedBy: "Trần Thị Bình",
    receivedBy: "Lê Văn Cường",
    handedAt: at(-1),
    ...over,
  });

  it("POST /api/v1/dossiers/:code/handovers: records early / on time / late against the step's deadline or the due date; idempotent by key", async () => {
    const c = code(3); // due today (moved +4 days by its apology above)
    const early = await call("POST", `/api/v1/dossiers/${enc(c)}/handovers`, keys.staff!, handover({ stepDueAt: vnDay(1) }));
    expect(early.status, early.text).toBe(201);
    expect(early.body.handover).toMatchObject({ result: "EARLY", resultLabel: "Trước hạn", recordedBy: "staff" });
    const onTime = await call("POST", `/api/v1/dossiers/${enc(c)}/handovers`, keys.staff!, handover({ handedAt: at(0), stepDueAt: vnDay(0) }));
    expect(onTime.body.handover.result).toBe("ON_TIME");
    const late = await call("POST", `/api/v1/dossiers/${enc(c)}/handovers`, keys.post!, handover({ handedAt: at(0), stepDueAt: vnDay(-2), note: "Chậm do chờ chữ ký" }));
    expect(late.status).toBe(201);
    expect(late.body.handover).toMatchObject({ result: "LATE", resultLabel: "Quá hạn", note: "Chậm do chờ chữ ký" });
    // No step deadline: against the dossier's due date in force (the new one, 4 days ahead).
    expect((await call("POST", `/api/v1/dossiers/${enc(c)}/handovers`, keys.staff!, handover())).body.handover.result).toBe("EARLY");

    const key = `k-${randomBytes(4).toString("hex")}`;
    const handedAt = at(-1);
    const first = await call("POST", `/api/v1/dossiers/${enc(c)}/handovers`, keys.staff!, handover({ note: "lần đầu", handedAt }), { "idempotency-key": key });
    const retry = await call("POST", `/api/v1/dossiers/${enc(c)}/handovers`, keys.staff!, handover({ note: "lần đầu", handedAt }), { "idempotency-key": key });
    expect(first.status).toBe(201);
    expect(retry.status).toBe(200);
    expect(retry.body).toMatchObject({ replayed: true, handover: { id: first.body.handover.id } });
    const other = await call("POST", `/api/v1/dossiers/${enc(c)}/handovers`, keys.staff!, handover({ note: "khác", handedAt }), { "idempotency-key": key });
    expect(other.status).toBe(409);
    expect(other.body.error.field).toBe("Idempotency-Key");
    // Retried at once with one key: one hand-over.
    const key2 = `k-${randomBytes(4).toString("hex")}`;
    const burst = await Promise.all(Array.from({ length: 5 }, () => call("POST", `/api/v1/dossiers/${enc(c)}/handovers`, keys.staff!, handover({ note: "một lần", handedAt }), { "idempotency-key": key2 })));
    expect(burst.map((r) => r.status).sort()).toEqual([200, 200, 200, 200, 201]);
    expect(await t.ctx.db.handover.count({ where: { idempotencyKey: key2 } })).toBe(1);
  });

  it("refuses a hand-over in the future, before the receipt, or with a bad field (400 naming it)", async () => {
    for (const [body, field] of [
      [handover({ handedAt: at(1) }), "handedAt"],
      [handover({ handedAt: at(-30) }), "handedAt"], // received 5 days ago
      [handover({ fromUnit: "" }), "fromUnit"],
      [handover({ receivedBy: "x\u0000" }), "receivedBy"],
      [handover({ stepDueAt: "9999-12-31" }), "stepDueAt"],
      [{ ...handover(), unknown: true }, "body"],
    ] as const) {
      const res = await call("POST", `/api/v1/dossiers/${enc(code(3))}/handovers`, keys.staff!, body);
      expect(res.status, JSON.stringify(body)).toBe(400);
      expect(res.body.error.field, JSON.stringify(body)).toBe(field);
    }
  });

  it("attack: the dates of forms 04 and 05 refused over the API are said in Vietnamese (English in brackets), as every refusal but the ingest's — a time in the future, year 9999, Feb 30, before 2000", async () => {
    for (const [path, body, field, vietnamese] of [
      ["handovers", handover({ handedAt: at(1) }), "handedAt", "không được ở tương lai"],
      ["handovers", handover({ stepDueAt: "9999-12-31" }), "stepDueAt", "phải trong vòng 5 năm tới"],
      ["handovers", handover({ stepDueAt: "2026-02-30" }), "stepDueAt", "một ngày có thật"],
      ["handovers", handover({ stepDueAt: "1999-12-31" }), "stepDueAt", "không được trước năm 2000"],
      ["apology", { newDueAt: "9999-01-01", reason: "Xa quá" }, "newDueAt", "phải trong vòng 5 năm tới"],
      ["apology", { newDueAt: "2026-02-30", reason: "Không có ngày này" }, "newDueAt", "một ngày có thật"],
    ] as const) {
      const res = await call("POST", `/api/v1/dossiers/${enc(code(3))}/${path}`, keys.staff!, body);
      expect(res.status, JSON.stringify(body)).toBe(400);
      expect(res.body.error.field).toBe(field);
      const message: string = res.body.error.message;
      expect(message.startsWith(`${field}: `), message).toBe(true);
      // The Vietnamese first; the ingest's English only in the closing brackets.
      expect(message.indexOf(vietnamese), message).toBeGreaterThan(0);
      expect(message.indexOf(vietnamese), message).toBeLessThan(message.indexOf(" (must"));
      expect(message, message).toMatch(/ \(must [\x20-\x7e]*\)$/);
    }
  });

  it("POST /api/v1/dossiers/:code/handovers: another commune's staff and a post office clerk of another province get 404; integration keys 403", async () => {
    const before = await t.ctx.db.handover.count();
    expect((await call("POST", `/api/v1/dossiers/${enc(code(3))}/handovers`, keys.other!, handover())).status).toBe(404);
    expect((await call("POST", `/api/v1/dossiers/${enc(code(3))}/handovers`, keys.postElsewhere!, handover())).status).toBe(404);
    // a counter dossier of the post office's own province, with no booking or postal step: not
    // theirs (found by a staff attack pass: written on form 05 and counted in the report)
    expect((await call("POST", `/api/v1/dossiers/${enc(code(2))}/handovers`, keys.post!, handover())).status).toBe(404);
    expect(await t.ctx.db.handover.count({ where: { dossier: { code: code(2) } } })).toBe(0);
    expect((await call("POST", `/api/v1/dossiers/${enc(code(3))}/handovers`, keys.integration!, handover())).status).toBe(403);
    expect((await call("POST", `/api/v1/dossiers/${enc(code(3))}/handovers`, null, handover())).status).toBe(401);
    expect(await t.ctx.db.handover.count()).toBe(before);
  });

  it("postal events record their hand-over by themselves, once (a repeated event or batch records nothing twice)", async () => {
    const c = `H15.50.05.13-261130-${tag}`;
    const deliveredAt = at(0);
    const base = { dossierCode: c, communeCode: "29955", channel: "POSTAL", applicant: { fullName: "Phạm Thị Dung", phone: "0912000299" }, dueAt: at(2) };
    await ingest({ ...base, eventId: `pc-${tag}`, status: "POSTAL_COLLECTED", occurredAt: at(-4), note: "Bưu tá nhận hồ sơ tại nhà, số hiệu bưu gửi eb123456789vn" });
    const desk = dossierEventSchema.parse({ ...base, eventId: `pd-${tag}`, status: "POSTAL_HANDED_TO_DESK", occurredAt: at(-3) });
    const first = await t.ctx.ingest.ingest([desk], { source: "UPSTREAM" });
    expect(first.accepted).toBe(1);
    // The same event again, alone and inside a batch: duplicates, no second hand-over.
    expect((await t.ctx.ingest.ingest([desk], { source: "UPSTREAM" })).duplicates).toBe(1);
    // The desk dispatched the result's delivery with a waybill: the hand-overs of the result name it.
    const dossier = await t.ctx.db.dossier.findUniqueOrThrow({ where: { code: c } });
    await t.ctx.db.deliveryBooking.create({
      data: { reference: `BK-${tag}`, kind: "RESULT_DELIVERY", dossierId: dossier.id, recipientName: "Phạm Thị Dung", recipientPhone: "+84912000299", communeCode: "29955", addressLine: "Khóm 1", timeWindow: "Sáng", postage: 22000, status: "DISPATCHED", waybillCode: "EL555666777VN" },
    });
    const batch = await t.ctx.ingest.ingest(
      [desk, dossierEventSchema.parse({ ...base, eventId: `rp-${tag}`, status: "RESULT_HANDED_TO_POST", occurredAt: at(-1) }), dossierEventSchema.parse({ ...base, eventId: `dv-${tag}`, status: "DELIVERED", occurredAt: deliveredAt })],
      { source: "UPSTREAM" },
    );
    expect(batch).toMatchObject({ accepted: 2, duplicates: 1 });
    // Over HTTP as upstream sends it, repeated: still once.
    const http = await call("POST", "/api/v1/dossier-events", keys.integration!, { ...base, eventId: `dv-${tag}`, status: "DELIVERED", occurredAt: deliveredAt.replace("Z", "+00:00") });
    expect(http.status).toBe(202);
    const rows = await t.ctx.db.handover.findMany({ where: { dossier: { code: c } }, orderBy: { handedAt: "asc" }, include: { event: true } });
    expect(rows.map((h) => [h.event?.status, h.fromUnit, h.toUnit, h.handedBy, h.receivedBy, h.recordedByRef])).toEqual([
      ["POSTAL_COLLECTED", "Người nộp hồ sơ", "Bưu điện", "Phạm Thị Dung", "Nhân viên bưu điện", "event"],
      ["POSTAL_HANDED_TO_DESK", "Bưu điện", "Bộ phận một cửa Phường Hồng Ngự", "Nhân viên bưu điện", "Cán bộ một cửa", "event"],
      ["RESULT_HANDED_TO_POST", "Bộ phận một cửa Phường Hồng Ngự", "Bưu điện", "Cán bộ một cửa", "Nhân viên bưu điện", "event"],
      ["DELIVERED", "Bưu điện", "Người nộp hồ sơ", "Nhân viên bưu điện", "Phạm Thị Dung", "event"],
    ]);
    expect(rows.map((h) => h.postalReceipt)).toEqual(["EB123456789VN", null, "EL555666777VN", "EL555666777VN"]);
    expect(rows.map((h) => h.result)).toEqual(["EARLY", "EARLY", "EARLY", "EARLY"]);
    // A late delivery is judged late against the due date.
    const c2 = `H15.50.05.13-261129-${tag}`;
    await ingest({ dossierCode: c2, status: "RECEIVED", communeCode: "29955", channel: "POSTAL", applicant: { fullName: "Đỗ Văn Giang", phone: "0912000298" }, dueAt: at(-3), occurredAt: at(-6) });
    await ingest({ dossierCode: c2, status: "DELIVERED", occurredAt: at(-1) });
    expect((await t.ctx.db.handover.findFirstOrThrow({ where: { dossier: { code: c2 } } })).result).toBe("LATE");

    // The history shows them.
    const history = await call("GET", `/api/v1/dossiers/${enc(c)}`, keys.staff!);
    expect(history.body.handovers).toHaveLength(4);
    expect(history.body.handovers[0]).toMatchObject({ fromUnit: "Người nộp hồ sơ", toUnit: "Bưu điện", postalReceipt: "EB123456789VN", recordedBy: "event", resultLabel: "Trước hạn" });
    const page = await call("GET", `/staff/dossiers/${enc(c)}`, keys.staff!);
    expect(page.text).toContain("ghi tự động theo sự kiện bưu chính");
  });

  it("GET /api/v1/dossiers/:code/form-05.pdf: form 05 as PDF with its table of hand-overs; a post office clerk of the province may; another unit's is a 404", async () => {
    const res = await call("GET", `/api/v1/dossiers/${enc(code(3))}/form-05.pdf`, keys.post!);
    expect(res.status).toBe(200);
    expect(res.type).toBe("application/pdf");
    expect(res.buffer.subarray(0, 5).toString()).toBe("%PDF-");
    expect(res.text).toMatch(/FontFile2/);
    const text = (await pdfText(res.buffer)).replace(/\s+/g, " ");
    for (const s of ["PHIẾU KIỂM SOÁT QUÁ TRÌNH GIẢI QUYẾT HỒ SƠ", "TÊN CƠ QUAN", "THỜI GIAN GIAO, NHẬN HỒ SƠ", code(3), "Nguyễn Văn An 3", "Trước hạn", "Đúng hạn", "Quá hạn", "Người giao: Trần Thị Bình", "Người nhận: Lê Văn Cường", "Chậm do chờ chữ ký"]) {
      expect(text, s).toContain(s);
    }
    expect((await call("GET", `/api/v1/dossiers/${enc(code(3))}/form-05.pdf`, keys.other!)).status).toBe(404);
    expect((await call("GET", `/api/v1/dossiers/${enc(code(3))}/form-05.pdf`, keys.postElsewhere!)).status).toBe(404);
    expect((await call("GET", `/api/v1/dossiers/${enc(code(2))}/form-05.pdf`, keys.post!)).status).toBe(404);
    expect((await call("GET", `/api/v1/dossiers/${enc(code(3))}/form-05.pdf`, null)).status).toBe(401);
  });

  it("GET /staff/dossiers/:code/form-05: the print view of form 05; another unit's is a 404 page", async () => {
    const res = await call("GET", `/staff/dossiers/${enc(code(3))}/form-05`, keys.staff!);
    expect(res.status).toBe(200);
    expect(res.text).toContain("PHIẾU KIỂM SOÁT QUÁ TRÌNH GIẢI QUYẾT HỒ SƠ");
    expect(res.text).toContain("Quá hạn");
    expect(res.text).toContain("data-print");
    expect(res.text).not.toMatch(/<script(?![^>]*src=)/);
    expect((await call("GET", `/staff/dossiers/${enc(code(3))}/form-05`, keys.other!)).status).toBe(404);
    expect((await call("GET", `/staff/dossiers/${enc(code(3))}/form-05`, keys.postElsewhere!)).status).toBe(404);
    expect((await call("GET", `/staff/dossiers/${enc(code(2))}/form-05`, keys.post!)).status).toBe(404);
  });

  it("POST /staff/dossiers/:code/handovers: the form on the dossier page; a double submit records once; errors shown; another unit's is a 404", async () => {
    const c = code(6);
    const page = await call("GET", `/staff/dossiers/${enc(c)}`, keys.staff!);
    const idem = /name="idempotencyKey" value="([^"]+)"/.exec(page.text)?.[1];
    expect(idem).toBeTruthy();
    const fields = { fromUnit: "Bộ phận một cửa", handedBy: "Trần Thị Bình", toUnit: "Lãnh đạo UBND", receivedBy: "Nguyễn Văn Hòa", handedAt: new Date(Date.now() + 7 * 3600_000 - 3600_000).toISOString().slice(0, 16), stepDueAt: "", note: "", idempotencyKey: idem! };
    const [a, b] = await Promise.all([form(`/staff/dossiers/${enc(c)}/handovers`, keys.staff!, fields), form(`/staff/dossiers/${enc(c)}/handovers`, keys.staff!, fields)]);
    expect([a.status, b.status]).toEqual([303, 303]);
    expect(await t.ctx.db.handover.count({ where: { dossier: { code: c } } })).toBe(1);
    const shown = await call("GET", a.location!, keys.staff!);
    expect(shown.text).toContain("Đã ghi nhận việc giao nhận");
    expect(shown.text).toContain("Nguyễn Văn Hòa");
    const bad = await form(`/staff/dossiers/${enc(c)}/handovers`, keys.staff!, { ...fields, idempotencyKey: "x2", receivedBy: "", handedAt: "2001-01-01T00:00" });
    expect(bad.status).toBe(400);
    expect(bad.html).toContain('href="#handover-');
    expect((await form(`/staff/dossiers/${enc(c)}/handovers`, keys.other!, fields)).status).toBe(404);
    expect((await form(`/staff/dossiers/${enc(c)}/handovers`, keys.postElsewhere!, fields)).status).toBe(404);

    // The post office has no dossier page: it records from form 05's page, and goes back there.
    expect((await call("GET", `/staff/dossiers/${enc(c)}`, keys.post!)).status).toBe(403);
    const f05 = await call("GET", `/staff/dossiers/${enc(c)}/form-05`, keys.post!);
    expect(f05.text).toContain('name="back" value="form-05"');
    expect(f05.text).toMatch(/id="handover-fromUnit"[^>]*value="Bưu điện"/);
    const clerk = await form(`/staff/dossiers/${enc(c)}/handovers`, keys.post!, { ...fields, fromUnit: "Bưu điện", handedBy: "post", toUnit: "Bộ phận một cửa Phường Hồng Ngự", receivedBy: "Trần Thị Bình", idempotencyKey: "clerk-1", back: "form-05" });
    expect(clerk.status).toBe(303);
    expect(clerk.location).toBe(`/staff/dossiers/${enc(c)}/form-05?done=handover#handovers`);
    expect((await call("GET", clerk.location!, keys.post!)).text).toContain("Đã ghi nhận việc giao nhận");
    const clerkBad = await form(`/staff/dossiers/${enc(c)}/handovers`, keys.post!, { ...fields, receivedBy: "", idempotencyKey: "clerk-2", back: "form-05" });
    expect(clerkBad.status).toBe(400);
    expect(clerkBad.html).toContain("PHIẾU KIỂM SOÁT QUÁ TRÌNH GIẢI QUYẾT HỒ SƠ");
    expect(clerkBad.html).toContain("Người nhận: không được để trống");
    expect(await t.ctx.db.handover.count({ where: { dossier: { code: c } } })).toBe(2);
  });
});

describe("Vietnamese typed decomposed (NFD) in the forms", () => {
  it("the apology's reason and a hand-over's names are stored composed (NFC), as the ingest's text is (found by the attack pass)", async () => {
    const c = `H15.50.05.13-261118-${tag}`;
    await ingest({ dossierCode: c, status: "RECEIVED", applicant: { fullName: "Đỗ Thị Hằng", phone: "0912000219" }, communeCode: "29955", dueAt: at(3) });
    const reason = "Cần xác minh thêm hồ sơ gốc tại xã cũ.";
    const apology = await call("POST", `/api/v1/dossiers/${enc(c)}/apology`, keys.staff!, { newDueAt: vnDay(8), reason: reason.normalize("NFD") });
    expect(apology.status, apology.text).toBe(201);
    const id = await dossierId(c);
    expect((await t.ctx.db.apology.findUniqueOrThrow({ where: { dossierId: id } })).reason).toBe(reason.normalize("NFC"));
    const handover = await call("POST", `/api/v1/dossiers/${enc(c)}/handovers`, keys.staff!, { fromUnit: "Bộ phận một cửa".normalize("NFD"), toUnit: "Công chức tư pháp – hộ tịch".normalize("NFD"), handedBy: "Lê Văn Hùng".normalize("NFD"), receivedBy: "Phạm Thị Thủy".normalize("NFD"), handedAt: at(0), note: "Đủ hồ sơ".normalize("NFD") });
    expect(handover.status, handover.text).toBe(201);
    const stored = await t.ctx.db.handover.findFirstOrThrow({ where: { dossierId: id } });
    expect([stored.fromUnit, stored.toUnit, stored.handedBy, stored.receivedBy, stored.note]).toEqual(["Bộ phận một cửa", "Công chức tư pháp – hộ tịch", "Lê Văn Hùng", "Phạm Thị Thủy", "Đủ hồ sơ"].map((v) => v.normalize("NFC")));
  });
});

describe("the console's forms with a signed-in session", () => {
  it("need the session's CSRF token: without it nothing is written (403); with it the apology and the hand-over are the member's", async () => {
    const c = `H15.50.05.13-261128-${tag}`;
    await ingest({ dossierCode: c, status: "RECEIVED", applicant: { fullName: "Huỳnh Văn Khoa", phone: "0912000288" }, communeCode: "29955", dueAt: at(4) });
    const made = await t.ctx.staffAccounts.create({ username: `thu.${randomBytes(3).toString("hex")}`, fullName: "Nguyễn Thị Thu", role: "commune_staff", unitCode: "29955" });
    const member = await signedIn(made.username, made.oneTimePassword);
    const apology = { newDueAt: vnDay(8), reason: "Chờ hồ sơ gốc từ nơi cư trú cũ." };
    const forged = await req("POST", `/staff/dossiers/${enc(c)}/apology`, { session: member.session, form: apology });
    expect(forged.status).toBe(403);
    const forgedHandover = await req("POST", `/staff/dossiers/${enc(c)}/handovers`, { session: member.session, form: { fromUnit: "A", toUnit: "B", handedBy: "C", receivedBy: "D", handedAt: new Date(Date.now() + 7 * 3600_000).toISOString().slice(0, 16) } });
    expect(forgedHandover.status).toBe(403);
    const id = await dossierId(c);
    expect(await t.ctx.db.apology.count({ where: { dossierId: id } })).toBe(0);
    expect(await t.ctx.db.handover.count({ where: { dossierId: id } })).toBe(0);
    const ok = await req("POST", `/staff/dossiers/${enc(c)}/apology`, { session: member.session, form: { ...apology, _csrf: member.csrf } });
    expect(ok.status, ok.text).toBe(303);
    expect(await t.ctx.db.apology.findUniqueOrThrow({ where: { dossierId: id } })).toMatchObject({ issuedByName: "Nguyễn Thị Thu", issuedBy: `session:${made.id}` });
    const h = await req("POST", `/staff/dossiers/${enc(c)}/handovers`, { session: member.session, form: { _csrf: member.csrf, fromUnit: "Bộ phận một cửa", toUnit: "Lãnh đạo", handedBy: "Nguyễn Thị Thu", receivedBy: "Ông Tư", handedAt: new Date(Date.now() + 7 * 3600_000).toISOString().slice(0, 16), idempotencyKey: "form-1" } });
    expect(h.status, h.text).toBe(303);
    expect(await t.ctx.db.handover.findFirstOrThrow({ where: { dossierId: id } })).toMatchObject({ recordedById: made.id, recordedByRef: `session:${made.id}`, result: "EARLY" });
  });
});
