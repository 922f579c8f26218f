/**
 * The bot's answer about a dossier sent by post whose result is ready. Sending by post and
 * receiving by post are chosen separately (Decision 45/2016) and the events do not say which
 * return was chosen: like the result-ready notice, the bot must not promise a home delivery that
 * may not come ("Lịch giao của tôi" then finds no booking).
 */
import { describe, expect, it } from "vitest";
import { bookingText, trackingText } from "../../bots/messages/vi.js";

const dossier = {
  code: "H15.50.05.13-261201-0002",
  status: "RESULT_READY",
  channel: "POSTAL",
  procedureName: "Đăng ký khai sinh",
  receivedAt: new Date("2026-12-01T02:00:00Z"),
  dueAt: new Date("2026-12-04T10:00:00Z"),
  newDueAt: null,
  timeline: [],
  apology: null,
  lateness: { state: "EARLY", workingDays: 1, resultAt: new Date("2026-12-03T03:00:00Z"), dueAt: new Date("2026-12-04T10:00:00Z") },
};

describe("a dossier sent by post, result ready", () => {
  it("the tracking answer tells both ways of receiving the result and promises neither", () => {
    const text = trackingText.status(dossier, { RESULT_READY: "Đã có kết quả" });
    const next = text.slice(text.indexOf("Việc cần làm:"));
    expect(next).toContain("Nếu ông/bà đã chọn nhận kết quả qua Bưu điện");
    expect(next).toContain("nếu không, mời ông/bà đến nhận tại bộ phận một cửa");
    expect(next).not.toMatch(/sẽ được Bưu điện chuyển/);
  });

  it("asking for a home delivery does not claim the citizen registered one", () => {
    expect(bookingText.alreadyPostal).not.toMatch(/đã đăng ký nhận kết quả qua Bưu điện/);
    expect(bookingText.alreadyPostal).toContain("nếu không, mời ông/bà đến nhận tại bộ phận một cửa");
  });
});
