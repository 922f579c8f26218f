import { describe, expect, it } from "vitest";
import { Utterance } from "../../bots/intents/match.js";
import { COMPOUNDS, INTENTS } from "../../bots/intents/vocabulary.js";

const says = (text: string, names: string[] = []) => {
  const u = new Utterance(text, COMPOUNDS);
  u.addNameWords(names);
  return u;
};

describe("bot intents on accent-aware tokens", () => {
  it("tells doing it for someone ('làm hộ') from a dossier ('làm hồ sơ') and a household ('hộ khẩu'), marked or not", () => {
    for (const text of ["ông bà nộp hộ được không", "nop ho duoc khong", "nhờ mẹ đi nộp được không", "làm thay được không"]) expect(says(text).is(INTENTS.proxy), text).toBe(true);
    for (const text of ["xin giấy xác nhận độc thân để làm hồ sơ vay vốn", "lam ho so vay von", "nộp hồ sơ ở đâu", "làm hộ khẩu cho con", "lam ho khau", "đi làm hộ chiếu", "làm hộ kinh doanh"])
      expect(says(text).is(INTENTS.proxy), text).toBe(false);
  });

  it("takes a tone mark as meaning: 'hồ' is not 'hộ', while a missing tone mark ('kêt') is a slip", () => {
    expect(says("làm hồ").is(INTENTS.proxy)).toBe(false);
    expect(says("làm hộ").is(INTENTS.proxy)).toBe(true);
    expect(says("đăng kí kêt hôn vs người nước ngoài").is(INTENTS.foreign)).toBe(true);
    expect(says("đăng ký kết hôn với chồng Hàn Quốc").is(INTENTS.foreign)).toBe(true);
    expect(says("vo nguoi trung quoc").is(INTENTS.foreign)).toBe(true);
    expect(says("đăng ký kết hôn với anh Đức").is(INTENTS.foreign)).toBe(false);
    expect(says("đăng ký kết hôn").is(INTENTS.foreign)).toBe(false);
  });

  it("never counts a word of the procedure's own name as a question about it", () => {
    const burial = ["Hỗ trợ chi phí mai táng cho đối tượng bảo trợ xã hội", "mai táng phí", "hỗ trợ mai táng"];
    expect(says("hỗ trợ mai táng phí", burial).is(INTENTS.fee)).toBe(false);
    expect(says("hỗ trợ mai táng phí bao nhiêu tiền", burial).is(INTENTS.fee)).toBe(true);
    const copy = ["Chứng thực bản sao từ bản chính giấy tờ, văn bản", "chứng thực bản sao"];
    const q = says("chứng thực bản sao mất bao lâu, bao nhiêu tiền", copy);
    expect([q.is(INTENTS.time), q.is(INTENTS.fee), q.is(INTENTS.docs)]).toEqual([true, true, false]);
    expect(says("mất bao nhiêu ngày").is(INTENTS.fee)).toBe(false);
    expect(says("mất bao nhiêu ngày").is(INTENTS.time)).toBe(true);
  });

  it("in a message typed with marks, an unmarked word is taken as written ('bao' is not 'bảo')", () => {
    expect([...says("còn lệ phí bao nhiêu?").nameWords(["Phê duyệt đối tượng được hỗ trợ phí bảo hiểm nông nghiệp"])]).toEqual([]);
    expect([...says("con le phi bao hiem").nameWords(["Phê duyệt đối tượng được hỗ trợ phí bảo hiểm nông nghiệp"])]).toEqual([2, 3, 4]);
    expect([...says("đăng ký tạm trú nộp online được không").nameWords(["Đăng ký tạm trú"])]).toEqual([0, 1, 2, 3]);
  });

  it("matches whole-message intents with their politeness words, and nothing longer", () => {
    expect(says("Cảm ơn em nhiều nhé!").is(INTENTS.thanks)).toBe(true);
    expect(says("da vang cam on").is(INTENTS.thanks)).toBe(true);
    expect(says("cảm ơn, cho hỏi làm khai sinh cần gì").is(INTENTS.thanks)).toBe(false);
    // closing the questions, before the thanks or after them
    expect(says("thôi không hỏi nữa, cảm ơn").is(INTENTS.thanks)).toBe(true);
    expect(says("ok cảm ơn em, hiểu rồi").is(INTENTS.thanks)).toBe(true);
    expect(says("thoi khong hoi nua").is(INTENTS.ack)).toBe(true);
    expect(says("/start").is(INTENTS.greeting)).toBe(true);
    expect(says("chào em").is(INTENTS.greeting)).toBe(true);
    // a greeting addressed to the bot itself is a greeting, not a question the catalog fails to find
    expect(says("chào bot").is(INTENTS.greeting)).toBe(true);
    expect(says("Xin chào bot").is(INTENTS.greeting)).toBe(true);
    // asking who answers is met with the greeting, which says what the assistant is, not a no-match
    expect(says("ban la ai vay").is(INTENTS.greeting)).toBe(true);
    expect(says("Em tên gì thế?").is(INTENTS.greeting)).toBe(true);
    expect(says("chủ tịch xã là ai").is(INTENTS.greeting)).toBe(false);
    expect(says("HUỶ").is(INTENTS.stop)).toBe(true);
    expect(says("/lienket 1234 5678").after(INTENTS.staffLink)?.map((t) => t.key)).toEqual(["1234", "5678"]);
    expect(says("liên kết zalo").after(INTENTS.staffLink)?.map((t) => t.key)).toEqual(["zalo"]);
    expect(says("cho tôi liên kết 1234").after(INTENTS.staffLink)).toBeNull();
  });

  it("finds a dossier question by its words in order, not a procedure question", () => {
    expect(says("tôi nộp hồ sơ khai sinh tuần trước giờ xong chưa").is(INTENTS.tracking)).toBe(true);
    expect(says("tra cứu hồ sơ").is(INTENTS.tracking)).toBe(true);
    expect(says("xong chưa hồ sơ").is(INTENTS.tracking)).toBe(false);
    expect(says("có cần mang sổ hộ khẩu không").is(INTENTS.householdBook)).toBe(true);
  });
});
