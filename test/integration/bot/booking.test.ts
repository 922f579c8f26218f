import { randomBytes } from "node:crypto";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { dossierEventSchema } from "../../../src/dossiers/event-schema.js";
import { startTestApp, type TestApp } from "../../support/app.js";

let t: TestApp;
let staffKey = "";
let otherUnitKey = "";
const code = `H15.50.05.13-261121-${String(Math.floor(Math.random() * 9000) + 1000)}`;
const phone = `0914${String(Math.floor(Math.random() * 1e6)).padStart(6, "0")}`;

beforeAll(async () => {
  t = await startTestApp();
  await t.ctx.ingest.ingest(
    [
      dossierEventSchema.parse({
        eventId: `bk-${randomBytes(5).toString("hex")}`,
        dossierCode: code,
        status: "RECEIVED",
        occurredAt: "2026-11-21T08:00:00+07:00",
        procedure: { code: "1.001193", name: "Đăng ký khai sinh" },
        applicant: { fullName: "Võ Thị Hoa", phone },
        communeCode: "30235",
        dueAt: "2026-12-21T17:00:00+07:00",
      }),
    ],
    { source: "UPSTREAM" },
  );
  staffKey = (await t.ctx.apiKeys.create({ name: "bưu điện Đồng Tháp", role: "POST_OFFICE_STAFF", unitCode: "82" })).key;
  otherUnitKey = (await t.ctx.apiKeys.create({ name: "bưu điện Hà Nội", role: "POST_OFFICE_STAFF", unitCode: "01" })).key;
});
afterAll(() => t.close());

function conversation() {
  const conversationId = `bk-${randomBytes(6).toString("hex")}`;
  const post = async (body: Record<string, unknown>) => {
    const res = await fetch(`${t.baseUrl}/api/v1/chat`, { method: "POST", headers: { "content-type": "application/json" }, body: JSON.stringify({ conversationId, ...body }) });
    const replies = ((await res.json()) as { replies: { text: string; buttons?: { label: string; data: string }[][] }[] }).replies;
    return { text: replies.map((r) => r.text).join("\n---\n"), buttons: replies.flatMap((r) => (r.buttons ?? []).flat()) };
  };
  return { say: (text: string) => post({ text }), press: (button: string) => post({ button }) };
}

const api = (path: string, key: string, body?: unknown) =>
  fetch(`${t.baseUrl}${path}`, { method: body ? "POST" : "GET", headers: { authorization: `Bearer ${key}`, ...(body ? { "content-type": "application/json" } : {}) }, ...(body ? { body: JSON.stringify(body) } : {}) }).then(async (r) => ({ status: r.status, body: (await r.json()) as any }));

describe("booking delivery of a result by post", () => {
  it("needs a verified dossier first", async () => {
    const c = conversation();
    await c.say("menu");
    expect((await c.say("cho tôi đặt giao kết quả tận nhà")).text).toMatch(/tra cứu hồ sơ trước/);
  });

  it("guides the booking, confirms it, shows it to the post office, and lets the citizen cancel until dispatch", async () => {
    const c = conversation();
    await c.say("menu");
    await c.say(code);
    const status = await c.say(phone.slice(-4));
    expect(status.buttons.map((b) => b.data)).toContain(`book:${code}`);
    expect((await c.press(`book:${code}`)).text).toMatch(/Bước 1\/5: họ và tên người nhận/);
    expect((await c.say("Võ Thị Hoa")).text).toMatch(/Bước 2\/5/);
    expect((await c.say("12345")).text).toMatch(/Số điện thoại chưa đúng/);
    expect((await c.say(phone)).text).toMatch(/Bước 3\/5/);
    expect((await c.say("xyzzy không có")).text).toMatch(/không tìm thấy xã\/phường/);
    const commune = await c.say("Phong Hoa");
    expect(commune.text).toMatch(/Bước 4\/5: số nhà, đường, ấp\/khóm ở Xã Phong Hoà, Đồng Tháp/);
    expect((await c.say("12 ấp Tân Lộc")).text).toMatch(/Bước 5\/5/);
    const summary = await c.press("window:Sáng (8:00–11:30)");
    expect(summary.text).toMatch(/Người nhận: Võ Thị Hoa, 0914/);
    expect(summary.text).toMatch(/Cước phí: 25\.000 đồng/);
    const booked = await c.press("book-confirm");
    const reference = booked.text.match(/BD-[A-Z0-9]{6}/)![0];

    const list = await api("/api/v1/bookings?status=REQUESTED", staffKey);
    expect(list.status).toBe(200);
    expect(list.body.bookings.find((b: { reference: string }) => b.reference === reference)).toMatchObject({
      dossierCode: code,
      recipientName: "Võ Thị Hoa",
      address: "12 ấp Tân Lộc, Xã Phong Hoà",
      timeWindow: "Sáng (8:00–11:30)",
      postage: 25000,
    });
    expect((await api("/api/v1/bookings", otherUnitKey)).body.bookings.some((b: { reference: string }) => b.reference === reference)).toBe(false);
    expect((await api(`/api/v1/bookings/${reference}/status`, otherUnitKey, { status: "CONFIRMED" })).status).toBe(404);
    expect((await api("/api/v1/bookings", "mck_nope")).status).toBe(401);

    // The citizen sees it and can cancel while it is not dispatched.
    const mine = await c.press("bookings");
    expect(mine.text).toMatch(new RegExp(`${reference} — giao kết quả hồ sơ .* — đã đặt, chờ Bưu điện xác nhận`));
    expect((await api(`/api/v1/bookings/${reference}/status`, staffKey, { status: "CONFIRMED" })).body.status).toBe("CONFIRMED");
    // The citizen hears about it: a notice in the outbox, in the same transaction as the move.
    const notice = await t.ctx.db.notice.findFirst({ where: { type: "BOOKING_UPDATE", dedupeKey: { contains: ":CONFIRMED" }, variables: { path: ["reference"], equals: reference } } });
    expect(notice).toMatchObject({ status: "QUEUED" });
    const { NoticeSender } = await import("../../../src/notifications/notice-sender.js");
    const sender = new NoticeSender({ db: t.ctx.db, store: t.ctx.notices, channels: new Map(), scheduler: t.ctx.queue, logger: t.ctx.logger, limiter: null, quietHours: null, smsSegmentBudget: 2, znsTemplates: {}, twilioPerSecond: 1 });
    expect(sender.render("BOOKING_UPDATE", notice!.variables as never, "TELEGRAM", "1", notice!.id).text).toBe(
      `Lịch Bưu điện giao kết quả hồ sơ ${code} (mã ${reference}, Sáng (8:00–11:30)) đã được Bưu điện xác nhận.`,
    );
    expect(sender.render("BOOKING_UPDATE", notice!.variables as never, "SMS", "+84", notice!.id).text).toMatch(/^Lich Buu dien giao ket qua ho so .* da duoc Buu dien xac nhan\.$/);
    expect((await api(`/api/v1/bookings/${reference}/status`, staffKey, { status: "DISPATCHED" })).status).toBe(400); // waybill required
    expect((await api(`/api/v1/bookings/${reference}/status`, staffKey, { status: "DISPATCHED", waybillCode: "EB123456789VN" })).body.status).toBe("DISPATCHED");
    expect((await c.press(`cancel-booking:${reference}`)).text).toMatch(/không hủy được nữa/);
    expect((await api(`/api/v1/bookings/${reference}/status`, staffKey, { status: "REQUESTED" })).status).toBe(409);
  });

  it("cancels a booking that is not dispatched yet", async () => {
    const c = conversation();
    await c.say("menu");
    await c.say(code);
    await c.say(phone.slice(-4));
    await c.press(`book:${code}`);
    await c.say("Võ Văn Nam");
    await c.say(phone);
    await c.say("xã Phong Hoà");
    await c.say("Ấp Tân Lộc, gần chợ");
    await c.press("window:Giờ nào cũng được (8:00–17:00)");
    const reference = (await c.press("book-confirm")).text.match(/BD-[A-Z0-9]{6}/)![0];
    expect((await c.press(`cancel-booking:${reference}`)).text).toBe(`Đã hủy lịch hẹn ${reference}.`);
    const list = await api("/api/v1/bookings?status=CANCELLED", staffKey);
    expect(list.body.bookings.map((b: { reference: string }) => b.reference)).toContain(reference);
  });

  it("books a collection of the dossier from home for a procedure that allows postal submission", async () => {
    const c = conversation();
    await c.say("menu");
    const docs = await c.say("đăng ký kết hôn cần gì");
    expect(docs.buttons.map((b) => b.data)).toContain("collect:1.000894");
    expect((await c.press("collect:1.000894")).text).toMatch(/Bưu điện đến nhận hồ sơ "Đăng ký kết hôn" tại nhà\. Bước 1\/5/);
    await c.say("Đỗ Minh Khang");
    await c.say("0917 223 344");
    await c.say("Phong Hoà");
    await c.say("45 đường Lý Thường Kiệt");
    const summary = await c.press("window:Chiều (13:30–17:00)");
    expect(summary.text).toMatch(/Bưu điện đến nhận hồ sơ: Đăng ký kết hôn/);
    expect(summary.text).toMatch(/Người nộp: Đỗ Minh Khang, 0917223344/);
    const booked = await c.press("book-confirm");
    const reference = booked.text.match(/BD-[A-Z0-9]{6}/)![0];
    expect(booked.text).toMatch(/chuẩn bị sẵn hồ sơ/);
    const list = await api("/api/v1/bookings", staffKey);
    expect(list.body.bookings.find((b: { reference: string }) => b.reference === reference)).toMatchObject({ kind: "DOSSIER_COLLECTION", dossierCode: null, recipientPhone: "0917223344" });
    expect((await c.press("bookings")).text).toMatch(new RegExp(`${reference} — nhận hồ sơ Đăng ký kết hôn`));
    // Procedures the post office cannot carry offer no collection.
    expect((await c.say("chứng thực chữ ký")).buttons.map((b) => b.data).some((d) => d.startsWith("collect:"))).toBe(false);
  });
});
