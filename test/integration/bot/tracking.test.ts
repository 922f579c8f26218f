import { randomBytes } from "node:crypto";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { dossierEventSchema } from "../../../src/dossiers/event-schema.js";
import { dayKey } from "../../../src/calendar/working-days.js";
import { startTestApp, type TestApp } from "../../support/app.js";
import { webChatUser } from "../../support/web-chat.js";

let t: TestApp;
const code = `H15.50.05.13-261101-${String(Math.floor(Math.random() * 9000) + 1000)}`;
const phone = `0913${String(Math.floor(Math.random() * 1e6)).padStart(6, "0")}`;
const lastFour = phone.slice(-4);

beforeAll(async () => {
  t = await startTestApp();
  const events = [
    { status: "RECEIVED", occurredAt: "2026-11-01T08:30:00+07:00" },
    { status: "SUPPLEMENT_REQUIRED", occurredAt: "2026-11-03T10:00:00+07:00", note: "Bổ sung bản sao giấy chứng sinh" },
    { status: "PROCESSING", occurredAt: "2026-11-05T09:00:00+07:00" },
  ].map((e) =>
    dossierEventSchema.parse({
      eventId: `trk-${randomBytes(5).toString("hex")}`,
      dossierCode: code,
      procedure: { code: "1.001193", name: "Đăng ký khai sinh" },
      applicant: { fullName: "Phạm Thị Dung", phone },
      communeCode: "29955",
      dueAt: "2026-11-06T17:00:00+07:00",
      ...e,
    }),
  );
  await t.ctx.ingest.ingest(events, { source: "UPSTREAM" });
});
afterAll(() => t.close());

const conversation = () => webChatUser(t.baseUrl);

describe("tracking a dossier in the chat", () => {
  it("asks for proof, then shows status, timeline, appointment, lateness and the next step", async () => {
    const c = conversation();
    await c.say("menu");
    expect(await c.say(`cho mình hỏi hồ sơ ${code.toLowerCase()} tới đâu rồi`)).toMatch(new RegExp(`4 số cuối số điện thoại của người nộp hồ sơ ${code.replace(/\./g, "\\.")}`));
    const status = await c.say(lastFour.split("").join(" "));
    expect(status).toMatch(new RegExp(`Hồ sơ ${code.replace(/\./g, "\\.")} — Đăng ký khai sinh`));
    expect(status).toMatch(/Tình trạng: Đang xử lý/);
    expect(status).toMatch(/Ngày tiếp nhận: 01\/11\/2026/);
    // Overdue in working days (weekends and holidays not counted), from the due day to today.
    const n = (await t.ctx.calendar.calendar()).workingDaysBetween("2026-11-06", dayKey(new Date()));
    expect(n).toBeGreaterThan(0);
    expect(status).toContain(`Ngày hẹn trả kết quả: 06/11/2026 — đã quá hạn ${n} ngày làm việc`);
    expect(status).toMatch(/• 03\/11\/2026: Cần bổ sung giấy tờ — Bổ sung bản sao giấy chứng sinh/);
    expect(status).toMatch(/Việc cần làm: Hồ sơ đã quá ngày hẹn mà chưa có kết quả; ông\/bà có thể liên hệ bộ phận một cửa/);
    expect(status).not.toMatch(/Phạm Thị Dung|\d{10}/); // no name, no phone number
  });

  it("takes the proof inside a sentence, or the whole phone number, and refuses a wrong number", async () => {
    const inSentence = conversation();
    await inSentence.say(code);
    expect(await inSentence.say(`4 số cuối là ${lastFour} ạ`)).toMatch(/Tình trạng: Đang xử lý/);
    const wholeNumber = conversation();
    await wholeNumber.say(code);
    expect(await wholeNumber.say(`số của tôi là ${phone.slice(0, 4)} ${phone.slice(4, 7)} ${phone.slice(7)}`)).toMatch(/Tình trạng: Đang xử lý/);
    const wrong = conversation();
    await wrong.say(code);
    const other = `0988${String((Number(phone.slice(4)) + 1) % 1e6).padStart(6, "0")}`;
    expect(await wrong.say(other)).not.toMatch(/Tình trạng/);
  });

  it("takes the proof sent with the code in one message, and no other digits beside a code for one", async () => {
    const c = conversation();
    await c.say("menu");
    expect(await c.say(`hồ sơ ${code} sđt đuôi ${lastFour} xong chưa`)).toMatch(/Tình trạng: Đang xử lý/);
    const whole = conversation();
    await whole.say("menu");
    expect(await whole.say(`${code} ${phone}`)).toMatch(/Tình trạng: Đang xử lý/);
    const year = conversation();
    await year.say("menu");
    expect(await year.say(`hồ sơ ${code} nộp năm ${lastFour === "2026" ? "2025" : "2026"}`)).toMatch(/4 số cuối/);
  });

  it("reads a code and a proof typed in full-width characters (a phone's wide keyboard, a copied PDF) as the characters they show", async () => {
    const wide = (text: string) => text.replace(/[0-9A-Za-z.-]/g, (ch) => String.fromCharCode(ch.charCodeAt(0) + 0xfee0));
    const c = conversation();
    await c.say("menu");
    expect(await c.say(wide(code))).toMatch(/4 số cuối/);
    expect(await c.say(wide(lastFour))).toMatch(/Tình trạng: Đang xử lý/);
  });

  it("accepts the code from a link", async () => {
    const c = conversation();
    await c.say("menu");
    expect(await c.say(`https://dichvucong.example.vn/tra-cuu?code=${encodeURIComponent(code)}`)).toMatch(/4 số cuối/);
  });

  it("reveals nothing on a wrong proof, and answers an unknown code the same way", async () => {
    const c = conversation();
    await c.say("menu");
    const wrong = lastFour === "0000" ? "1111" : "0000";
    await c.say(code);
    const first = await c.say(wrong);
    expect(first).toMatch(/chưa khớp/);
    expect(await c.say("H15.50.05.13-261101-0001")).toBe((await c.say(code)).replace(code, "H15.50.05.13-261101-0001")); // the same question
    await c.say("H15.50.05.13-261101-0001"); // a code that does not exist
    expect(await c.say(wrong)).toBe(first);
  });

  it("finds the code in a message with stray or broken percent escapes instead of failing the turn", async () => {
    const c = conversation();
    await c.say("menu");
    for (const text of [`100% chắc mã là ${code}`, `%E0%A4%A ${code}`, `%% ${code} %`, `https://x.example/?code=${encodeURIComponent(code)}%`]) {
      const answer = await c.say(text);
      expect(answer).toMatch(/4 số cuối/);
      expect(answer).not.toMatch(/trục trặc/);
    }
  });
});

describe("tracking a late dossier", () => {
  const tail = () => String(Math.floor(Math.random() * 9000) + 1000);
  /** A dossier of 29955 with these events (each with the same first due date, 24/04/2026 at 17:00). */
  async function dossier(events: Record<string, unknown>[]) {
    const dossierCode = `H15.50.05.13-260420-${tail()}`;
    const ph = `0914${String(Math.floor(Math.random() * 1e6)).padStart(6, "0")}`;
    await t.ctx.ingest.ingest(
      events.map((e) =>
        dossierEventSchema.parse({
          eventId: `late-${randomBytes(5).toString("hex")}`,
          dossierCode,
          procedure: { code: "1.001193", name: "Đăng ký khai sinh" },
          applicant: { fullName: "Hồ Văn Tài", phone: ph },
          communeCode: "29955",
          dueAt: "2026-04-24T17:00:00+07:00",
          ...e,
        }),
      ),
      { source: "UPSTREAM" },
    );
    const c = conversation();
    await c.say("menu");
    await c.say(dossierCode);
    return c.say(ph.slice(-4));
  }

  it("says a result returned after its due date came late, in working days (Giỗ Tổ's compensatory day, 30/4 and 1/5 not counted)", async () => {
    const status = await dossier([
      { status: "RECEIVED", occurredAt: "2026-04-20T08:00:00+07:00" },
      { status: "RESULT_READY", occurredAt: "2026-05-05T09:00:00+07:00" },
      { status: "RETURNED", occurredAt: "2026-05-06T10:00:00+07:00" },
    ]);
    expect(status).toMatch(/Tình trạng: Đã trả kết quả/);
    expect(status).toContain("Kết quả có ngày 05/05/2026, trễ hạn 4 ngày làm việc so với ngày hẹn 24/04/2026.");
    expect(status).not.toMatch(/xin lỗi/);
    expect(status).not.toMatch(/quá hạn/); // it has its result: late, not overdue
  });

  it("gives upstream's new date and reason, and judges the result against the new date", async () => {
    const status = await dossier([
      { status: "RECEIVED", occurredAt: "2026-04-20T08:00:00+07:00" },
      { status: "DELAYED", occurredAt: "2026-04-23T15:00:00+07:00", newDueAt: "2026-05-04T17:00:00+07:00", note: "Chờ xác minh thông tin hộ tịch tại nơi cư trú trước đây." },
      { status: "RESULT_READY", occurredAt: "2026-05-06T09:00:00+07:00" },
    ]);
    expect(status).toContain("Ngày hẹn trả kết quả: 04/05/2026 (đã hẹn lại)");
    expect(status).toContain("Cơ quan giải quyết đã xin lỗi và hẹn lại ngày trả kết quả là 04/05/2026 (ngày hẹn cũ 24/04/2026). Lý do: Chờ xác minh thông tin hộ tịch tại nơi cư trú trước đây.");
    expect(status).toContain("Kết quả có ngày 06/05/2026, trễ hạn 2 ngày làm việc so với ngày hẹn 04/05/2026.");
  });

  it("gives the commune's apology (form 04) with its reason and new date, and says when even the new date has passed", async () => {
    const dossierCode = `H15.50.05.13-260420-${tail()}`;
    const ph = `0915${String(Math.floor(Math.random() * 1e6)).padStart(6, "0")}`;
    await t.ctx.ingest.ingest(
      [dossierEventSchema.parse({ eventId: `late-${randomBytes(5).toString("hex")}`, dossierCode, status: "PROCESSING", occurredAt: "2026-04-20T08:00:00+07:00", applicant: { fullName: "Đỗ Thị Hoa", phone: ph }, communeCode: "29955", dueAt: "2026-04-24T17:00:00+07:00" })],
      { source: "UPSTREAM" },
    );
    await t.ctx.apologies.issue(
      { kind: "api-key", id: randomBytes(8).toString("hex"), name: "Cán bộ Lan", role: "COMMUNE_STAFF", unitCode: "29955" },
      dossierCode,
      { newDueAt: "2026-05-08T17:00:00+07:00", reason: "Hệ thống cơ sở dữ liệu hộ tịch gián đoạn" },
      { now: new Date("2026-04-22T10:00:00+07:00") },
    );
    const c = conversation();
    await c.say("menu");
    await c.say(dossierCode);
    const status = await c.say(ph.slice(-4));
    const n = (await t.ctx.calendar.calendar()).workingDaysBetween("2026-05-08", dayKey(new Date()));
    expect(status).toContain(`Ngày hẹn trả kết quả: 08/05/2026 (đã hẹn lại) — đã quá hạn ${n} ngày làm việc`);
    expect(status).toContain("Cơ quan giải quyết đã xin lỗi và hẹn lại ngày trả kết quả là 08/05/2026 (ngày hẹn cũ 24/04/2026). Lý do: Hệ thống cơ sở dữ liệu hộ tịch gián đoạn.");
    expect(status).toMatch(/Việc cần làm: Hồ sơ đã quá ngày hẹn mà chưa có kết quả/);
    expect(status).not.toMatch(/chờ đến ngày hẹn mới/);
    expect(status).not.toMatch(/Hồ Văn Tài|Đỗ Thị Hoa|Cán bộ Lan/);
  });
});
