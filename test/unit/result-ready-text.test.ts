/**
 * The "result ready" notice of a dossier sent by post. Sending by post and receiving by post are
 * chosen separately (Decision 45/2016) and the event does not say which return was chosen, so the
 * notice must not promise a home delivery that may not come.
 */
import { describe, expect, it } from "vitest";
import { noticeText } from "../../src/notifications/messages/vi.js";

const base = { dossierCode: "H15.50.05.13-261201-0001", procedureName: "Đăng ký khai sinh", communeName: "Phường Mỹ Trà", submissionChannel: "POSTAL" as const };

describe("result ready, dossier sent by post", () => {
  it("without a note from the agency, tells both ways of receiving it, and promises neither", () => {
    const t = noticeText("RESULT_READY", { ...base, note: null });
    expect(t.chat).toContain("đã có kết quả");
    expect(t.chat).toContain("Nếu ông/bà đã chọn nhận kết quả qua Bưu điện");
    expect(t.chat).toContain("mời ông/bà đến nhận tại Trung tâm Phục vụ hành chính công xã Phường Mỹ Trà");
    expect(t.chat).not.toMatch(/Kết quả sẽ được Bưu điện chuyển phát/);
    const sms = [t.sms.head, t.sms.middle, t.sms.tail].filter(Boolean).join(" ");
    expect(sms).toMatch(/^Ho so H15\.50\.05\.13-261201-0001 da co ket qua\. Neu da chon nhan qua Buu dien/);
    expect(sms).toContain("neu khong, moi ong/ba den nhan");
  });

  it("with the agency's note (collect at the desk), says what the note says and nothing about a delivery", () => {
    const note = "Mời ông/bà đến nhận kết quả tại Trung tâm Phục vụ hành chính công xã.";
    const t = noticeText("RESULT_READY", { ...base, note });
    expect(t.chat).toContain(note);
    expect(t.chat).not.toMatch(/chuyển phát|bưu tá/i);
    expect(t.sms.head).toBe("Ho so H15.50.05.13-261201-0001 da co ket qua.");
    expect(t.sms.middle).toBe(note);
  });
});
