/**
 * Bookings by post from the chat, each confirmed with a one-time code sent to the phone on record:
 * a database of its own and the worker running, so the code really goes out (through the SMS
 * sandbox) and the test reads it where the demo shows it, GET /api/v1/sandbox/messages.
 */
import { randomBytes } from "node:crypto";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startWorkerRole, type WorkerRole } from "../../../src/app/worker-role.js";
import { dossierEventSchema } from "../../../src/dossiers/event-schema.js";
import { startTestApp, type TestApp } from "../../support/app.js";
import { cloneTestDatabase } from "../../support/databases.js";
import { webChatUser } from "../../support/web-chat.js";

let t: TestApp;
let worker: WorkerRole;
let dropDatabase: () => Promise<void>;
let staffKey = "";
let otherUnitKey = "";
const code = `H15.50.05.13-261121-${String(Math.floor(Math.random() * 9000) + 1000)}`;
const phone = `0914${String(Math.floor(Math.random() * 1e6)).padStart(6, "0")}`;

beforeAll(async () => {
  const database = await cloneTestDatabase();
  dropDatabase = database.drop;
  t = await startTestApp({ DATABASE_URL: database.url, QUEUE_PREFIX: `bk${randomBytes(4).toString("hex")}`, RELAY_SWEEP_MS: "300" });
  worker = await startWorkerRole(t.ctx);
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
afterAll(async () => {
  await worker.stop();
  await t.close();
  await dropDatabase();
});

function conversation() {
  const user = webChatUser(t.baseUrl);
  const post = async (body: Record<string, unknown>) => {
    const replies = await user.replies(body);
    return { text: replies.map((r) => r.text).join("\n---\n"), buttons: replies.flatMap((r) => (r.buttons ?? []).flat()) };
  };
  return { say: (text: string) => post({ text }), press: (button: string) => post({ button }) };
}

const e164 = (local: string) => `+84${local.replace(/\s/g, "").slice(1)}`;
const seen = new Set<string>();
/** The whole text of the last code message read. */
let lastCodeText = "";

/** The next one-time code the sandbox "sent" by SMS to `phone` (E.164), as the demo shows it. */
async function codeSentTo(phone: string): Promise<string> {
  const deadline = Date.now() + 10_000;
  for (;;) {
    const res = await fetch(`${t.baseUrl}/api/v1/sandbox/messages?channel=SMS&recipient=${encodeURIComponent(phone)}`);
    const { messages } = (await res.json()) as { messages: { id: string; text: string }[] };
    const fresh = messages.find((m) => !seen.has(m.id) && /Ma xac nhan/.test(m.text));
    if (fresh) {
      seen.add(fresh.id);
      lastCodeText = fresh.text;
      return fresh.text.match(/: (\d{6}) /)![1]!;
    }
    if (Date.now() > deadline) throw new Error(`no code reached ${phone}`);
    await new Promise((r) => setTimeout(r, 100)); // polling the sandbox, as a citizen's phone would
  }
}
const otherThan = (code: string) => String((Number(code) + 1) % 1_000_000).padStart(6, "0");

const api = (path: string, key: string, body?: unknown) =>
  fetch(`${t.baseUrl}${path}`, { method: body ? "POST" : "GET", headers: { authorization: `Bearer ${key}`, ...(body ? { "content-type": "application/json" } : {}) }, ...(body ? { body: JSON.stringify(body) } : {}) }).then(async (r) => ({ status: r.status, body: (await r.json()) as any }));

async function bookingsOf(dossierCode: string) {
  return t.ctx.db.deliveryBooking.findMany({ where: { dossier: { code: dossierCode } } });
}

describe("booking delivery of a result by post", () => {
  it("is not offered where the procedure needs the citizen there to receive the result, whatever the postal flag says, and the citizen is told why", async () => {
    const marriage = `H15.50.05.13-261122-${String(Math.floor(Math.random() * 9000) + 1000)}`;
    const spouse = `0915${String(Math.floor(Math.random() * 1e6)).padStart(6, "0")}`;
    await t.ctx.ingest.ingest(
      [
        dossierEventSchema.parse({
          eventId: `bk-${randomBytes(5).toString("hex")}`,
          dossierCode: marriage,
          status: "RECEIVED",
          occurredAt: "2026-11-22T08:00:00+07:00",
          procedure: { code: "1.000894", name: "Đăng ký kết hôn" },
          applicant: { fullName: "Lê Văn Tâm", phone: spouse },
          communeCode: "30235",
          dueAt: "2026-11-22T17:00:00+07:00",
        }),
      ],
      { source: "UPSTREAM" },
    );
    // the catalog's flag says the result may go by post; its data says both spouses receive the certificate in person
    expect((await t.ctx.db.procedure.findUnique({ where: { code: "1.000894" } }))?.postalReturn).toBe(true);
    const c = conversation();
    await c.say("menu");
    await c.say(marriage);
    const status = await c.say(spouse.slice(-4));
    expect(status.text).toMatch(/Hồ sơ H15/);
    expect(status.buttons.map((b) => b.data)).not.toContain(`book:${marriage}`);
    expect(status.text).toMatch(/Kết quả của thủ tục này phải nhận trực tiếp \(cả hai bên nam, nữ phải có mặt khi ký Sổ và nhận Giấy chứng nhận kết hôn\), nên Bưu điện không giao kết quả tận nhà/);
    // asked for all the same (a button from an older answer, or the words)
    const pressed = await c.press(`book:${marriage}`);
    expect(pressed.text).toMatch(/^Kết quả của thủ tục này phải nhận trực tiếp/);
    expect(await bookingsOf(marriage)).toHaveLength(0);
  });

  it("needs a verified dossier first", async () => {
    const c = conversation();
    await c.say("menu");
    expect((await c.say("cho tôi đặt giao kết quả tận nhà")).text).toMatch(/tra cứu hồ sơ trước/);
  });

  it("guides the booking to the applicant named on the dossier, confirms it with a code sent to the applicant's phone, shows it to the post office, and lets the citizen cancel until dispatch", async () => {
    const c = conversation();
    await c.say("menu");
    await c.say(code);
    const status = await c.say(phone.slice(-4));
    expect(status.buttons.map((b) => b.data)).toContain(`book:${code}`);
    const who = await c.press(`book:${code}`);
    expect(who.text).toMatch(/Bước 1\/5: ai sẽ nhận kết quả\?/);
    expect(who.buttons.map((b) => b.data)).toEqual(expect.arrayContaining(["recipient:applicant", "recipient:mandate"]));
    expect((await c.press("recipient:applicant")).text).toMatch(/Bước 2\/5/);
    // Asked again after a slip, the citizen can still leave the booking with one press.
    const badPhone = await c.say("12345");
    expect(badPhone.text).toMatch(/Số điện thoại chưa đúng/);
    expect(badPhone.buttons.map((b) => b.data)).toContain("book-abort");
    expect((await c.say(phone)).text).toMatch(/Bước 3\/5/);
    const noCommune = await c.say("xyzzy không có");
    expect(noCommune.text).toMatch(/không tìm thấy xã\/phường/);
    expect(noCommune.buttons.map((b) => b.data)).toContain("book-abort");
    const commune = await c.say("Phong Hoa");
    expect(commune.text).toMatch(/Bước 4\/5: số nhà, đường, ấp\/khóm ở Xã Phong Hoà, Đồng Tháp/);
    expect((await c.say("12 ấp Tân Lộc")).text).toMatch(/Bước 5\/5/);
    const summary = await c.press("window:Sáng (8:00–11:30)");
    expect(summary.text).toMatch(/Người nhận: người nộp hồ sơ \(theo tên trên hồ sơ\), 0914.*CCCD của người nộp hồ sơ/);
    expect(summary.text).not.toMatch(/Võ Thị Hoa/); // the name on record is not shown in the chat
    expect(summary.text).toMatch(/Cước phí: 25\.000 đồng/);
    const asked = await c.press("book-confirm");
    expect(asked.text).toMatch(new RegExp(`mã xác nhận 6 số đến số điện thoại của người nộp hồ sơ, đuôi …${phone.slice(-2)}`));
    expect(await bookingsOf(code)).toHaveLength(0); // nothing until the code
    const booked = await c.say(await codeSentTo(e164(phone)));
    // The code's own message says what it confirms: whoever asks for it cannot hide what it is for.
    expect(lastCodeText).toMatch(new RegExp(`^Ma xac nhan dat lich Buu dien: \\d{6} .* Ma nay de: giao ket qua ho so ${code.replace(/\./g, "\\.")} ve `));
    expect(booked.text).toMatch(/Đã đặt lịch\. Mã lịch hẹn: BD-[A-Z0-9]{6}.*CCCD của người nộp hồ sơ/);
    const reference = booked.text.match(/BD-[A-Z0-9]{6}/)![0];
    // The code was stored hashed, and used once.
    const stored = await t.ctx.db.oneTimeCode.findFirst({ where: { purpose: "BOOKING" }, orderBy: { createdAt: "desc" } });
    expect(stored?.usedAt).not.toBeNull();
    expect(stored?.codeHash).toMatch(/^[0-9a-f]{64}$/);

    const list = await api("/api/v1/bookings?status=REQUESTED", staffKey);
    expect(list.status).toBe(200);
    const row = list.body.bookings.find((b: { reference: string }) => b.reference === reference);
    expect(row).toMatchObject({
      dossierCode: code,
      recipientName: "Võ Thị Hoa",
      recipientIsApplicant: true,
      address: "12 ấp Tân Lộc, Xã Phong Hoà",
      timeWindow: "Sáng (8:00–11:30)",
      postage: 25000,
    });
    expect(row.handOverRule).toMatch(/Chỉ trao kết quả khi xem CCCD của người nhận có tên trên, là người nộp hồ sơ/);
    expect((await api("/api/v1/bookings", otherUnitKey)).body.bookings.some((b: { reference: string }) => b.reference === reference)).toBe(false);
    expect((await api(`/api/v1/bookings/${reference}/status`, otherUnitKey, { status: "CONFIRMED" })).status).toBe(404);
    expect((await api("/api/v1/bookings", "mck_nope")).status).toBe(401);

    // The citizen sees it and can cancel while it is not dispatched.
    const mine = await c.press("bookings");
    expect(mine.text).toMatch(new RegExp(`${reference} — giao kết quả hồ sơ .* — đã đặt, chờ Bưu điện xác nhận`));
    expect((await api(`/api/v1/bookings/${reference}/status`, staffKey, { status: "CONFIRMED" })).body.status).toBe("CONFIRMED");
    // The citizen hears about it: a notice in the outbox, in the same transaction as the move.
    const notice = await t.ctx.db.notice.findFirst({ where: { type: "BOOKING_UPDATE", dedupeKey: { contains: ":CONFIRMED" }, variables: { path: ["reference"], equals: reference } } });
    expect(notice).not.toBeNull();
    const { NoticeSender } = await import("../../../src/notifications/notice-sender.js");
    const sender = new NoticeSender({ pool: t.ctx.pool, store: t.ctx.notices, channels: new Map(), scheduler: t.ctx.queue, logger: t.ctx.logger, limiter: null, quietHours: null, smsSegmentBudget: 2, znsTemplates: {}, twilioPerSecond: 1 });
    expect(sender.render("BOOKING_UPDATE", notice!.variables as never, "TELEGRAM", "1", notice!.id).text).toBe(
      `Lịch Bưu điện giao kết quả hồ sơ ${code} (mã ${reference}, Sáng (8:00–11:30)) đã được Bưu điện xác nhận.`,
    );
    expect(sender.render("BOOKING_UPDATE", notice!.variables as never, "SMS", "+84", notice!.id).text).toMatch(/^Lich Buu dien giao ket qua ho so .* da duoc Buu dien xac nhan\.$/);
    // A result goes out only once it exists: the dossier is still being processed.
    const early = await api(`/api/v1/bookings/${reference}/status`, staffKey, { status: "DISPATCHED", waybillCode: "EB123456789VN" });
    expect(early.status).toBe(409);
    expect(early.body.error.message).toMatch(/chưa có kết quả/);
    expect((await api(`/api/v1/bookings/${reference}/status`, staffKey, { status: "COMPLETED" })).status).toBe(409);
    expect((await t.ctx.db.deliveryBooking.findUniqueOrThrow({ where: { reference } })).status).toBe("CONFIRMED");
    // A second booking for the same dossier (another chat, a double submit) gets the one already made.
    const again = await t.ctx.bookings.create(
      { kind: "RESULT_DELIVERY", dossierId: (await t.ctx.db.dossier.findUniqueOrThrow({ where: { code } })).id, recipientName: "X", recipientPhone: phone, communeCode: "30235", addressLine: "khác", timeWindow: "Chiều", postage: 25000 },
      { purpose: "BOOKING", subject: (await t.ctx.db.dossier.findUniqueOrThrow({ where: { code } })).id } as never,
    );
    expect(again).toMatchObject({ reference, alreadyBooked: true });
    expect(await bookingsOf(code)).toHaveLength(1);
    await t.ctx.ingest.ingest(
      [dossierEventSchema.parse({ eventId: `bk-ready-${randomBytes(4).toString("hex")}`, dossierCode: code, status: "RESULT_READY", occurredAt: "2026-11-25T08:00:00+07:00", communeCode: "30235" })],
      { source: "UPSTREAM" },
    );
    expect((await api(`/api/v1/bookings/${reference}/status`, staffKey, { status: "DISPATCHED" })).status).toBe(400); // waybill required
    expect((await api(`/api/v1/bookings/${reference}/status`, staffKey, { status: "DISPATCHED", waybillCode: "EB123456789VN" })).body.status).toBe("DISPATCHED");
    const dispatched = await t.ctx.db.notice.findFirst({ where: { type: "BOOKING_UPDATE", dedupeKey: { contains: ":DISPATCHED" }, variables: { path: ["reference"], equals: reference } } });
    expect(sender.render("BOOKING_UPDATE", dispatched!.variables as never, "TELEGRAM", "1", dispatched!.id).text).toMatch(/chỉ trao kết quả cho người nhận có tên trên lịch hẹn khi xem CCCD/);
    expect((await c.press(`cancel-booking:${reference}`)).text).toMatch(/không hủy được nữa/);
    expect((await api(`/api/v1/bookings/${reference}/status`, staffKey, { status: "REQUESTED" })).status).toBe(409);
  });

  it("addresses a delivery to a person with the applicant's mandate when the citizen says so, and cancels with a code too", async () => {
    // The dossier's earlier delivery failed (nobody home): a second try may be booked. (A delivered
    // result is never booked again: completing a delivery marks the dossier DELIVERED.)
    for (const b of await t.ctx.db.deliveryBooking.findMany({ where: { dossier: { code }, status: "DISPATCHED" } })) {
      expect((await api(`/api/v1/bookings/${b.reference}/status`, staffKey, { status: "FAILED", failureReason: "Không có người nhận tại nhà", retryPaidBy: "CITIZEN" })).status).toBe(200);
    }
    expect((await t.ctx.db.dossier.findUniqueOrThrow({ where: { code } })).status).toBe("DELIVERY_FAILED");
    const c = conversation();
    await c.say("menu");
    await c.say(code);
    await c.say(phone.slice(-4));
    await c.press(`book:${code}`);
    expect((await c.press("recipient:mandate")).text).toMatch(/họ và tên người được ủy quyền/);
    await c.say("Võ Văn Nam");
    await c.say("0987 111 222");
    await c.say("xã Phong Hoà");
    await c.say("Ấp Tân Lộc, gần chợ");
    const summary = await c.press("window:Giờ nào cũng được (8:00–17:00)");
    expect(summary.text).toMatch(/Người nhận: Võ Văn Nam \(được ủy quyền\), 0987111222 — bưu tá chỉ trao kết quả khi xem CCCD của người này và giấy ủy quyền/);
    expect((await c.press("book-confirm")).text).toMatch(new RegExp(`người nộp hồ sơ, đuôi …${phone.slice(-2)}`));
    const booked = await c.say(await codeSentTo(e164(phone))); // the applicant's phone, not the recipient's
    expect(booked.text).toMatch(/CCCD của người được ủy quyền và giấy ủy quyền/);
    const reference = booked.text.match(/BD-[A-Z0-9]{6}/)![0];
    const row = (await api("/api/v1/bookings", staffKey)).body.bookings.find((b: { reference: string }) => b.reference === reference);
    expect(row).toMatchObject({ recipientName: "Võ Văn Nam", recipientIsApplicant: false, recipientPhone: "0987111222" });
    expect(row.handOverRule).toMatch(/CCCD của người nhận có tên trên và giấy ủy quyền của người nộp hồ sơ/);

    const asked = await c.press(`cancel-booking:${reference}`);
    expect(asked.text).toMatch(/Để xác nhận hủy lịch.*đuôi …/);
    expect((await t.ctx.db.deliveryBooking.findUnique({ where: { reference } }))?.status).toBe("REQUESTED");
    expect((await c.say(await codeSentTo(e164(phone)))).text).toBe(`Đã hủy lịch hẹn ${reference}.`);
    const list = await api("/api/v1/bookings?status=CANCELLED", staffKey);
    expect(list.body.bookings.map((b: { reference: string }) => b.reference)).toContain(reference);
  });

  it("voids the code after 3 wrong tries: nothing is booked, and the right code no longer works", async () => {
    const c = conversation();
    await c.say(code);
    await c.say(phone.slice(-4));
    await c.press(`book:${code}`);
    await c.press("recipient:applicant");
    await c.say(phone);
    await c.say("Phong Hoà");
    await c.say("7 đường Nguyễn Huệ");
    await c.press("window:Sáng (8:00–11:30)");
    const before = (await bookingsOf(code)).length;
    await c.press("book-confirm");
    const right = await codeSentTo(e164(phone));
    expect((await c.say(otherThan(right))).text).toMatch(/chưa đúng\. Ông\/bà còn 2 lần/);
    expect((await c.say(otherThan(otherThan(right)))).text).toMatch(/còn 1 lần/);
    expect((await c.say(otherThan(otherThan(otherThan(right))))).text).toMatch(/Mã xác nhận đã hết hiệu lực/);
    expect((await c.say(right)).text).not.toMatch(/Đã đặt lịch/);
    expect(await bookingsOf(code)).toHaveLength(before);
  });

  it("stops the old attack: 4 digits guessed, delivery booked to the attacker's own name and address, fails", async () => {
    const attacker = conversation();
    await attacker.say(code);
    await attacker.say(phone.slice(-4)); // suppose the digits were guessed
    await attacker.press(`book:${code}`);
    await attacker.press("recipient:mandate");
    await attacker.say("Trần Văn Kẻ");
    await attacker.say("0933 000 111");
    await attacker.say("Phong Hoà");
    await attacker.say("99 đường Lạ");
    await attacker.press("window:Sáng (8:00–11:30)");
    const asked = await attacker.press("book-confirm");
    expect(asked.text).toMatch(new RegExp(`người nộp hồ sơ, đuôi …${phone.slice(-2)}`));
    const sent = await codeSentTo(e164(phone)); // to the citizen, who does not pass it on
    const attackerPhone = await fetch(`${t.baseUrl}/api/v1/sandbox/messages?recipient=${encodeURIComponent("+84933000111")}`).then((r) => r.json() as Promise<{ messages: unknown[] }>);
    expect(attackerPhone.messages).toHaveLength(0);
    for (const guess of ["000000", "123456", "999999"].filter((g) => g !== sent)) await attacker.say(guess);
    expect((await t.ctx.db.deliveryBooking.findMany({ where: { recipientName: "Trần Văn Kẻ" } })).length).toBe(0);
    // Nor can a second conversation use the code, even the right one.
    const other = conversation();
    expect((await other.say(sent)).text).not.toMatch(/Đã đặt lịch/);
  });

  it("books a collection of the dossier from home, with a code sent to the phone given", async () => {
    const c = conversation();
    await c.say("menu");
    const docs = await c.say("đăng ký khai sinh cần gì");
    expect(docs.buttons.map((b) => b.data)).toContain("collect:1.001193");
    expect((await c.press("collect:1.001193")).text).toMatch(/Bưu điện đến nhận hồ sơ "Đăng ký khai sinh" tại nhà\. Bước 1\/5/);
    await c.say("Đỗ Minh Khang");
    const collector = `0917${String(Math.floor(Math.random() * 1e6)).padStart(6, "0")}`;
    // Every step asks about collecting the dossier, never about receiving something.
    expect((await c.say(collector)).text).toMatch(/^Bước 3\/5: bưu tá đến lấy hồ sơ ở xã\/phường nào\?/);
    expect((await c.say("Phong Hoà")).text).toMatch(/^Bước 4\/5: bưu tá đến lấy hồ sơ ở số nhà, đường, ấp\/khóm nào của Xã Phong Hoà/);
    expect((await c.say("45 đường Lý Thường Kiệt")).text).toMatch(/^Bước 5\/5: ông\/bà muốn bưu tá đến lấy hồ sơ vào khung giờ nào\?/);
    const summary = await c.press("window:Chiều (13:30–17:00)");
    expect(summary.text).toMatch(/Bưu điện đến lấy hồ sơ: Đăng ký khai sinh/);
    expect(summary.text).toMatch(/Đến lấy tại: 45 đường Lý Thường Kiệt, Xã Phong Hoà/);
    expect(summary.text).toMatch(new RegExp(`Người nộp: Đỗ Minh Khang, ${collector}`));
    expect((await c.press("book-confirm")).text).toMatch(new RegExp(`số điện thoại ông/bà vừa nhập, đuôi …${collector.slice(-2)}`));
    const booked = await c.say(await codeSentTo(e164(collector)));
    const reference = booked.text.match(/BD-[A-Z0-9]{6}/)![0];
    expect(booked.text).toMatch(/chuẩn bị sẵn hồ sơ/);
    const list = await api("/api/v1/bookings", staffKey);
    expect(list.body.bookings.find((b: { reference: string }) => b.reference === reference)).toMatchObject({ kind: "DOSSIER_COLLECTION", dossierCode: null, recipientPhone: collector });
    expect((await c.press("bookings")).text).toMatch(new RegExp(`${reference} — nhận hồ sơ Đăng ký khai sinh`));
    // Procedures the post office cannot carry offer no collection.
    expect((await c.say("chứng thực chữ ký")).buttons.map((b) => b.data).some((d) => d.startsWith("collect:"))).toBe(false);
  });
});

describe("codes one address can make the service send", () => {
  it("stops SMS pumping: a new cookie per phone, one address, at most 10 codes an hour", async () => {
    const ip = `10.${Math.floor(Math.random() * 250)}.77.${Math.floor(Math.random() * 250) + 1}`;
    const before = await t.ctx.db.notice.count({ where: { type: "OTP" } });
    const answers: string[] = [];
    for (let i = 0; i < 4; i += 1) {
      // A fresh conversation (no cookie) for each phone, all from the one address.
      const user = webChatUser(t.baseUrl, { ip });
      const say = async (body: Record<string, unknown>) => (await user.replies(body)).map((r) => r.text).join("\n---\n");
      await say({ button: "collect:1.001193" });
      await say({ text: "Trần Văn Bơm" });
      await say({ text: `0918${String(Math.floor(Math.random() * 1e6)).padStart(6, "0")}` });
      await say({ text: "Phong Hoà" });
      await say({ text: "12 đường Số 3" });
      await say({ button: "window:Sáng (8:00–11:30)" });
      for (let k = 0; k < 4; k += 1) answers.push(await say({ button: "book-confirm" }));
    }
    const sent = answers.filter((a) => /đuôi …\d\d/.test(a)).length;
    expect(sent).toBe(10);
    expect(answers.at(-1)).not.toMatch(/đuôi/);
    expect((await t.ctx.db.notice.count({ where: { type: "OTP" } })) - before).toBe(10);
    // Another address is still served.
    const other = webChatUser(t.baseUrl);
    await other.replies({ button: "collect:1.001193" });
    for (const text of ["Lê Thị Thật", "0916123457", "Phong Hoà", "7 đường Số 9"]) await other.replies({ text });
    await other.replies({ button: "window:Sáng (8:00–11:30)" });
    expect((await other.replies({ button: "book-confirm" })).map((r) => r.text).join("\n")).toMatch(/đuôi …57/);
  });
});

describe("a booking's time window", () => {
  it("is one the bot offered: a forged window button is asked again, never stored", async () => {
    const c = conversation();
    await c.press("collect:1.001193");
    for (const text of ["Phạm Văn Giả", "0919123456", "Phong Hoà", "8 đường Số 5"]) await c.say(text);
    const forged = await c.press("window:Gọi 0900 123 456 để nhận tiền hoàn phí");
    expect(forged.text).toMatch(/khung giờ nào/);
    expect(forged.text).not.toMatch(/0900 123 456/);
    expect((await c.press("window:Sáng (8:00–11:30)")).text).toMatch(/Khung giờ( bưu tá đến lấy)?: Sáng \(8:00–11:30\)/);
  });

  it("may be typed: 'buổi chiều' is the afternoon window, 'giờ nào cũng được' any; a date or a time of its own is asked again with the buttons, never stored", async () => {
    const c = conversation();
    await c.press("collect:1.001193");
    for (const text of ["Phạm Văn Gõ", "0919123457", "Phong Hoà", "8 đường Số 5"]) await c.say(text);
    for (const typed of ["31/12/9999", "10 giờ 15"]) {
      const again = await c.say(typed);
      expect(again.text).toMatch(/^Ông\/bà vui lòng chọn khung giờ bằng một trong các nút bên dưới/);
      expect(again.buttons?.flat().map((b) => b.data)).toEqual(expect.arrayContaining(["window:Sáng (8:00–11:30)", "window:Chiều (13:30–17:00)"]));
    }
    expect((await c.say("buổi chiều nha")).text).toMatch(/Khung giờ( bưu tá đến lấy)?: Chiều \(13:30–17:00\)/);
    const other = conversation();
    await other.press("collect:1.001193");
    for (const text of ["Phạm Văn Gõ", "0919123457", "Phong Hoà", "8 đường Số 5"]) await other.say(text);
    expect((await other.say("gio nao cung dc")).text).toMatch(/Khung giờ( bưu tá đến lấy)?: Giờ nào cũng được \(8:00–17:00\)/);
  });

  it("attack: a recipient name or address typed with control characters (a BEL, an escape sequence) is asked again, never kept for the slip; line breaks in a pasted address are read as spaces", async () => {
    const c = conversation();
    await c.press("collect:1.001193");
    expect((await c.say("Phạm\u0007 Văn Chuông")).text).toMatch(/Vui lòng nhập họ tên người nhận/);
    await c.say("Phạm Văn Chuông");
    await c.say("0919123458");
    await c.say("Phong Hoà");
    expect((await c.say("8 đường\u001b[31m Số 5")).text).toMatch(/Vui lòng ghi rõ số nhà/);
    await c.say("8 đường Số 5\nẤp Tân Lộc");
    const summary = await c.press("window:Sáng (8:00–11:30)");
    expect(summary.text).toContain("Phạm Văn Chuông");
    expect(summary.text).toContain("8 đường Số 5 Ấp Tân Lộc");
    expect(summary.text).not.toMatch(/[\u0007\u001b]/);
  });

  it("attack: a forged commune button naming a province (or a code that is no unit) is refused at the commune step, never stored as the booking's commune", async () => {
    const c = conversation();
    await c.press("collect:1.001193");
    for (const text of ["Phạm Văn Tỉnh", "0919123457"]) await c.say(text);
    for (const forged of ["commune:82", "commune:01", "commune:../../x"]) {
      const answer = await c.press(forged);
      expect(answer.text, forged).toMatch(/không tìm thấy xã\/phường/);
      expect(answer.text).not.toMatch(/Bước 4\/5/);
      expect(answer.buttons.map((b) => b.data)).toContain("book-abort");
    }
    // The real commune still goes on to the address.
    expect((await c.say("Phong Hoa")).text).toMatch(/Bước 4\/5: .*Xã Phong Hoà, Đồng Tháp/);
    expect(await t.ctx.db.deliveryBooking.count({ where: { communeCode: { in: ["82", "01"] } } })).toBe(0);
  });
});
