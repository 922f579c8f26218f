import { randomBytes } from "node:crypto";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { dossierEventSchema } from "../../../src/dossiers/event-schema.js";
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
    expect(status).toMatch(/Ngày hẹn trả kết quả: 06\/11\/2026 — đã quá hạn hẹn trả/);
    expect(status).toMatch(/• 03\/11\/2026: Cần bổ sung giấy tờ — Bổ sung bản sao giấy chứng sinh/);
    expect(status).toMatch(/Việc cần làm: Hồ sơ đang được giải quyết/);
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
