import { describe, expect, it } from "vitest";
import { smsInbound, smsReplyText } from "../../bots/adapters/sms.js";
import { countSegments, fitSms, isGsm7 } from "../../src/notifications/sms-text.js";

const chatUrl = "https://motcua.example.vn/chat";

describe("the bot's replies by SMS", () => {
  it("says a short reply whole, without diacritics, its choices numbered as the engine reads a number back", () => {
    const text = smsReplyText(
      [{ text: "Hồ sơ đã được tiếp nhận.", buttons: [[{ label: "📱 Chia sẻ số điện thoại", data: "share-contact" }], [{ label: "🏠 Nhận kết quả tại nhà", data: "book:X" }, { label: "Menu", data: "menu" }]] }],
      { budget: 3, chatUrl },
    );
    expect(text).toBe("Ho so da duoc tiep nhan. Tra loi 1: Nhan ket qua tai nha, 2: Menu");
  });

  it("cuts a long answer within the budget, keeps the choices and says where to read it whole", () => {
    const long = Array.from({ length: 60 }, (_, i) => `Giấy tờ số ${i + 1}: bản sao có chứng thực`).join("\n");
    for (const budget of [1, 2, 3]) {
      const text = smsReplyText([{ text: long, buttons: [[{ label: "Lệ phí", data: "fee" }]] }], { budget, chatUrl });
      expect(isGsm7(text)).toBe(true);
      expect(countSegments(text).segments).toBeLessThanOrEqual(budget);
      expect(text).toContain(`xem day du tai ${chatUrl}`);
      expect(text.endsWith("Tra loi 1: Le phi")).toBe(true);
      expect(text).toContain("Giay to so 1: ban sao");
    }
  });

  it("says where to read the whole only when something was cut", () => {
    expect(fitSms({ head: "", middle: "Ngắn gọn.", cut: "(rút gọn)" }, 1)).toBe("Ngan gon.");
    expect(fitSms({ head: "", middle: "dài ".repeat(100), cut: "(rút gọn)" }, 1)).toMatch(/\.\.\. \(rut gon\)$/);
  });

  it("takes an SMS's words, or says what came without any", () => {
    expect(smsInbound({ body: "  HUY ", numMedia: 0 })).toEqual({ kind: "text", text: "HUY" });
    expect(smsInbound({ body: "", numMedia: 0 })).toEqual({ kind: "unsupported", what: "empty" });
    expect(smsInbound({ body: " ", numMedia: 1, mediaType: "image/jpeg" })).toEqual({ kind: "unsupported", what: "image" });
    expect(smsInbound({ body: "", numMedia: 1, mediaType: "audio/amr" })).toEqual({ kind: "unsupported", what: "audio" });
    expect(smsInbound({ body: "", numMedia: 2 })).toEqual({ kind: "unsupported", what: "file" });
  });
});
