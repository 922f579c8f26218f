/**
 * The bot's texts a new user found wrong in the web chat: what no commune handles said "not done
 * at the commune" beside a commune office to go to, and spoke to the citizen as "bạn".
 */
import { readFileSync } from "node:fs";
import { describe, expect, it, onTestFinished, vi } from "vitest";
import { aspectsAsked } from "../../bots/features/documents.js";
import { botText } from "../../bots/messages/vi.js";
import { feeText } from "../../src/catalog/provenance.js";
import { Utterance } from "../../bots/intents/match.js";
import { COMPOUNDS, INTENTS } from "../../bots/intents/vocabulary.js";

const topics = JSON.parse(readFileSync(new URL("../../src/catalog/search/data/out-of-scope.json", import.meta.url), "utf8")) as { topics?: { topic: string; whereToGo: string }[] } | { topic: string; whereToGo: string }[];
const list = Array.isArray(topics) ? topics : (topics.topics ?? []);

describe("what no commune handles", () => {
  it("says the one-stop desk does not handle it, never that the commune does nothing of it", () => {
    const military = list.find((t) => /quân sự/i.test(t.topic));
    expect(military).toBeDefined();
    const text = botText.outOfScope(military!.topic, military!.whereToGo);
    expect(text).toMatch(/không giải quyết tại bộ phận một cửa của xã, phường/);
    expect(text).not.toMatch(/không làm tại xã/);
  });

  it("speaks to the citizen as ông/bà, where the data says bạn", () => {
    expect(list.some((t) => /\bbạn\b/u.test(t.whereToGo))).toBe(true);
    for (const t of list) expect(botText.outOfScope(t.topic, t.whereToGo), t.topic).not.toMatch(/\bbạn\b/iu);
    expect(botText.outOfScope("Thuế", "Cơ quan thuế quản lý nơi bạn cư trú.")).toMatch(/nơi ông\/bà cư trú/);
  });
});

describe("button labels", () => {
  it("cut a long name with one ellipsis character, as the rest of the bot writes it", () => {
    const button = botText.procedureButtonRows([{ code: "1", name: "Cấp giấy phép nuôi trồng thủy sản trong phạm vi bảo vệ công trình thủy lợi do UBND cấp xã quản lý" }])[0]![0]!;
    expect(button.label).toMatch(/…$/);
    expect(button.label).not.toMatch(/\.\.\./);
    expect(button.label.length).toBeLessThanOrEqual(60);
  });
});

describe("the fee asked about", () => {
  it("is not read in words holding its syllable typed without marks (gia đình, gia hạn, phi nông nghiệp, lần đầu tiên)", () => {
    for (const q of ["ba em mat roi thi gia dinh co duoc ho tro gi khong", "gia han tam tru", "dat phi nong nghiep", "tien do ho so", "cap can cuoc lan dau tien", "tham gia bao hiem"])
      expect(aspectsAsked(q), q).not.toContain("fee");
  });

  it("is still read where it is asked, marked or not", () => {
    for (const q of ["gia dinh toi tach ho het bao nhieu tien", "phi bao nhieu", "lệ phí bao nhiêu", "giá bao nhiêu", "hộ gia đình có mất phí không"]) expect(aspectsAsked(q), q).toContain("fee");
  });
});

describe("the paper household book", () => {
  it("a lost one is answered with its abolition, as a question whether it is needed is", () => {
    for (const q of ["tôi bị mất sổ hộ khẩu giấy thì làm sao", "so ho khau bi that lac", "xin cap lai so ho khau"]) {
      const u = new Utterance(q, COMPOUNDS);
      expect(u.is(INTENTS.householdBook) && u.is(INTENTS.asksIfNeeded), q).toBe(true);
    }
  });
});

describe("a fee of 0 in the portal export's words", () => {
  it("is said as free, or as who sets the amount, never 'Phí: 0 VNĐ' under 'Lệ phí'", () => {
    expect(feeText("Phí: 0 VNĐ")).toBe("Miễn phí");
    expect(feeText("Phí: 0 VNĐ (Không có.)")).toBe("Miễn phí (Không có.)");
    const set = feeText("Phí: 0 VNĐ (Theo quy định tại các văn bản hướng dẫn Luật Phí và lệ phí thuộc thẩm quyền quyết định của Hội đồng nhân dân tỉnh. Đồng)");
    expect(set).toMatch(/^Mức lệ phí do Hội đồng nhân dân cấp tỉnh quyết định; Cổng Dịch vụ công quốc gia không nêu số tiền/);
    expect(feeText("70.000 đồng/Giấy chứng nhận")).toBe("70.000 đồng/Giấy chứng nhận");
  });

  it("stays free where the note only confirms no fee is charged, or concerns only a copy asked for", () => {
    const coop = "Miễn phí (Không thu lệ phí đăng ký đối với tổ hợp tác theo quy định tại khoản 2 Điều 22 Luật Hợp tác xã 2023.)";
    expect(feeText(coop)).toBe(coop);
    const copy = "Trực tuyến: Miễn phí (Phí cấp bản sao Trích lục (nếu có yêu cầu) thực hiện theo quy định tại Thông tư số 281/2016/TT-BTC.); Trực tiếp: Miễn phí";
    expect(feeText(copy)).toBe(copy);
    // a note that also says a council sets an amount is not free
    expect(feeText("Miễn phí (- Mức lệ phí (nếu có) theo quyết định của Hội đồng nhân dân cấp tỉnh. - Không thu lệ phí đăng ký đối với tổ hợp tác.)")).toMatch(/^Mức lệ phí do Hội đồng nhân dân cấp tỉnh quyết định; /);
  });

  it("writes an amount grouped with English commas as Vietnamese reads it ('70,000' is seventy to a Vietnamese reader)", () => {
    expect(feeText("70,000 VNĐ (70.000 đồng/Giấy chứng nhận)")).toBe("70.000 đồng (70.000 đồng/Giấy chứng nhận)");
    expect(feeText("4,500,000 Việt Nam Đồng (Lệ phí)")).toBe("4.500.000 đồng (Lệ phí)");
    expect(feeText("Lệ phí 1,5 triệu; 2,000VND")).toBe("Lệ phí 1,5 triệu; 2.000 đồng");
  });
});

describe("a reduction of a fee for a time", () => {
  // 1.014064's fee as the national portal gives it.
  const reissue =
    "70,000 Việt Nam Đồng (- Cấp lại thẻ căn cước đối với các trường hợp quy định tại khoản 2 Điều 24 Luật Căn cước: 70.000 đồng/thẻ căn cước. Kể từ ngày 01/01/2025 đến hết ngày 31/12/2025, mức thu lệ phí khi công dân nộp hồ sơ cấp đổi, cấp lại thẻ căn cước theo hình thức trực tuyển bằng 50% mức thu lệ phí quy định. - Kể từ ngày 01/7/2025 đến hết ngày 31/12/2026 mức thu lệ phí cấp đổi, cấp lại thẻ căn cước bằng 50% mức thu nêu trên theo quy định tại Thông tư số 64/2025/TT-BTC ngày 30/6/2025 của Bộ Tài chính.)";
  const at = (iso: string) => new Date(iso);

  it("is said right after the amount while it is in force, on Vietnam's calendar", () => {
    expect(feeText(reissue, at("2026-12-02T03:00:00Z"))).toMatch(/^70\.000 đồng \(đến hết ngày 31\/12\/2026 chỉ thu 50%: 35\.000 đồng\) \(- Cấp lại thẻ căn cước/);
    // 31/12/2026 23:30 in Vietnam is still the last day; 1/1/2027 00:30 there is not.
    expect(feeText(reissue, at("2026-12-31T16:30:00Z"))).toContain("chỉ thu 50%: 35.000 đồng");
    expect(feeText(reissue, at("2026-12-31T17:30:00Z"))).toMatch(/^70\.000 đồng \(- Cấp lại/);
  });

  it("says when only filing online is reduced, and says nothing of a reduction not yet or no longer in force", () => {
    expect(feeText(reissue, at("2025-03-01T03:00:00Z"))).toMatch(/^70\.000 đồng \(nộp trực tuyến đến hết ngày 31\/12\/2025 chỉ thu 50%: 35\.000 đồng\) \(/);
    expect(feeText(reissue, at("2024-06-01T03:00:00Z"))).toMatch(/^70\.000 đồng \(- Cấp lại/);
    expect(feeText("50.000 đồng (lệ phí cấp thẻ)", at("2026-12-02T03:00:00Z"))).toBe("50.000 đồng (lệ phí cấp thẻ)");
  });

  it("reaches the summary under the procedure's name", () => {
    vi.useFakeTimers({ toFake: ["Date"], now: at("2026-12-02T03:00:00Z") });
    onTestFinished(() => void vi.useRealTimers());
    const line = botText
      .documents({ code: "1.014064", name: "Cấp lại thẻ căn cước", fee: reissue, agency: "Công an cấp xã", processingTime: "7 ngày làm việc", documents: [], toShow: [], postal: null } as never)
      .split("\n")
      .find((l) => l.startsWith("⏱"));
    expect(line).toContain("💰 Lệ phí: 70.000 đồng (đến hết ngày 31/12/2026 chỉ thu 50%: 35.000 đồng)…");
  });
});

describe("asked how to hand a dossier in", () => {
  const view = (over: Record<string, unknown>) =>
    ({ code: "1.000002", name: "Thủ tục mẫu", fee: null, agency: "UBND cấp xã", processingTime: "05 ngày làm việc", documents: [], toShow: [], notes: [], postalSubmission: true, postalReturn: true, confidence: "MEDIUM", reviewStatus: "NEEDS_REVIEW", origin: "PORTAL", dataAsOf: "2026-06", correctedAt: null, updatedAt: new Date(0), ...over }) as never;

  it("says the data does not tell whether it can be done online, rather than 'Nộp trực tiếp' alone", () => {
    const answer = botText.aspects(view({}), ["postal"]);
    expect(answer).toContain("📮 Nộp trực tiếp; có thể gửi hồ sơ và nhận kết quả qua Bưu điện.\n💻 Nộp trực tuyến: thông tin của thủ tục chưa nêu");
    expect(botText.presenceLines(view({}))).toContain(botText.onlineUnknown);
  });

  it("says the portal's per-channel times once where they agree, and still reads from them that it may be done online", () => {
    const answer = botText.aspects(view({ processingTime: "Trực tuyến: 3 Ngày làm việc / 1 Giờ; Trực tiếp: 1 Giờ / 3 Ngày làm việc" }), ["time", "postal"]);
    expect(answer).toContain("⏱ Thời hạn giải quyết: 1 giờ hoặc 3 ngày làm việc, tùy trường hợp\n📮 Nộp trực tiếp hoặc trực tuyến");
    expect(botText.aspects(view({ processingTime: "Trực tuyến: 3 Ngày; Trực tiếp: 5 Ngày" }), ["time"])).toContain("⏱ Thời hạn giải quyết: Trực tuyến: 3 ngày; Trực tiếp: 5 ngày\n");
    // text that is not the portal's units and cases is left as written
    expect(botText.aspects(view({ processingTime: "Trong ngày làm việc; từ 01/7/2025 là 02 Ngày" }), ["time"])).toContain("⏱ Thời hạn giải quyết: Trong ngày làm việc; từ 01/7/2025 là 02 ngày\n");
  });

  it("says nothing more where the data names the online way", () => {
    const answer = botText.aspects(view({ processingTime: "Trực tuyến: 20 Ngày; Trực tiếp: 20 Ngày" }), ["postal"]);
    expect(answer).toContain("📮 Nộp trực tiếp hoặc trực tuyến");
    expect(answer).not.toContain("💻");
  });
});

describe("a list of papers the length of a booklet", () => {
  const long = "Bản vẽ thiết kế xây dựng trong hồ sơ thiết kế triển khai sau thiết kế cơ sở, kèm theo kết quả thẩm định của cơ quan chuyên môn về xây dựng và ý kiến của cơ quan phòng cháy, chữa cháy ".repeat(4).trim();
  const view = (papers: number, text = long) =>
    ({
      code: "1.000003", name: "Cấp giấy phép mẫu", fee: null, agency: "UBND cấp xã", processingTime: "15 ngày", toShow: [], notes: [], postalSubmission: true, postalReturn: true, confidence: "MEDIUM", reviewStatus: "NEEDS_REVIEW", origin: "PORTAL", dataAsOf: "2026-06", correctedAt: null, updatedAt: new Date(0),
      sources: ["Luật Xây dựng 2014", "https://dichvucong.gov.vn/thu-tuc-hanh-chinh/mau"],
      documents: Array.from({ length: papers }, (_, i) => ({ position: i + 1, name: `Giấy tờ ${i + 1}: ${text}`, formNumber: null, originals: 1, copies: 0, note: `Trường hợp ${i + 1}: ${text}` })),
    }) as never;

  it("has each paper's name and note cut to their openings, every paper still listed, and says where the whole list is", () => {
    const answer = botText.documents(view(30));
    expect(answer.length).toBeLessThan(botText.documentsAnswer(view(30), undefined, null).length / 2);
    for (let i = 1; i <= 30; i++) expect(answer).toMatch(new RegExp(`\\n${i}\\. Giấy tờ ${i}: Bản vẽ [^\\n]+…`));
    expect(answer).toContain("✂️ Danh sách giấy tờ dài nên phần mô tả đã được rút gọn cho dễ đọc trên điện thoại (dấu \"…\"). Bản đầy đủ: https://dichvucong.gov.vn/thu-tuc-hanh-chinh/mau");
    expect(answer).toMatch(/Theo Cổng Dịch vụ công quốc gia, cập nhật 06\/2026\.\n⚠️/);
  });

  it("leaves a list that fits whole", () => {
    const short = long.slice(0, 400);
    const answer = botText.documents(view(3, short));
    expect(answer).toContain(`3. Giấy tờ 3: ${short} — 1 bản chính\n   Trường hợp 3: ${short}\n`);
    expect(answer).not.toContain("✂️");
  });
});

describe("a cut button label", () => {
  it("never ends in a comma before its ellipsis", () => {
    const button = botText.procedureButtonRows([{ code: "1", name: "Chứng thực văn bản phân chia di sản mà di sản là động sản, quyền sử dụng đất, nhà ở" }])[0]![0]!;
    expect(button.label).toMatch(/sản…$/u);
    expect(button.label).not.toMatch(/[,\s]…$/u);
  });
});

describe("the question put with choices", () => {
  const prompt = "Bạn cần thẻ căn cước trong trường hợp nào?";
  it("says nothing of other procedures when only variants are offered", () => {
    expect(botText.choicesPrompt(prompt, [{ variant: "Lần đầu" }, { variant: "Cấp đổi" }])).toBe("Ông/bà cần thẻ căn cước trong trường hợp nào?");
  });
  it("names the last buttons when other procedures follow the variants", () => {
    expect(botText.choicesPrompt(prompt, [{ variant: "Lần đầu" }, { variant: "Cấp đổi" }, {}, {}])).toMatch(/\nNếu không thuộc các trường hợp đó, các nút cuối là những thủ tục khác gần với câu hỏi của ông\/bà\.$/u);
    expect(botText.choicesPrompt(prompt, [{ variant: "Lần đầu" }, { variant: "Cấp đổi" }, {}])).toMatch(/, nút cuối là một thủ tục khác gần/u);
  });
  it("names by its place another procedure offered among the variants (the search's best other, third)", () => {
    expect(botText.choicesPrompt(prompt, [{ variant: "Lần đầu" }, { variant: "Cấp đổi" }, {}, { variant: "Cấp lại" }])).toMatch(/, nút thứ 3 là một thủ tục khác gần/u);
    expect(botText.choicesPrompt(prompt, [{ variant: "Lần đầu" }, { variant: "Cấp đổi" }, {}, { variant: "Cấp lại" }, {}])).toMatch(/, nút thứ 3 và nút cuối là những thủ tục khác gần/u);
  });
});
