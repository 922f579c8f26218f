/**
 * Wrong answers a new user found by asking as citizens do (issue 8 §3), at the search's level:
 * the kind of answer and the procedure it leads with. The web chat's side of the same questions
 * is in test/integration/bot/procedure-answers-search.test.ts.
 */
import { beforeAll, describe, expect, it } from "vitest";
import { loadCatalog } from "../../scripts/eval-search.js";
import { askCatalog, buildSearchIndex, type CatalogSearchIndex } from "../../src/catalog/search/index.js";
import type { SearchAnswer } from "../../src/catalog/search/answer.js";

let index: CatalogSearchIndex;
beforeAll(() => {
  index = buildSearchIndex(loadCatalog());
});

const ask = (q: string, limit?: number): SearchAnswer => askCatalog(index, q, limit === undefined ? {} : { limit });
const codes = (a: SearchAnswer): string[] => (a.kind === "match" || a.kind === "choices" ? a.results.map((r) => r.code) : []);

describe("answers a new user found wrong", () => {
  it("a guardian for an orphaned grandchild is the guardianship registration, not the social allowance", () => {
    for (const q of ["bà ngoại muốn đăng ký làm người giám hộ cho cháu mồ côi", "dang ky giam ho cho dua chau noi mo coi ca cha lan me"]) {
      const a = ask(q);
      expect(a.kind, q).toBe("match");
      expect(codes(a)[0], q).toBe("1.004837");
    }
    // an orphan's monthly allowance is still the allowance
    expect(codes(ask("xin trợ cấp hằng tháng cho trẻ mồ côi"))[0]).toBe("1.001776");
  });

  it("a criminal-record certificate is out of scope, with where to go, whatever it is for or however it is named", () => {
    for (const q of [
      "cho hỏi làm phiếu lý lịch tư pháp để đi xuất khẩu lao động Nhật",
      "xin giấy xác nhận không tiền án tiền sự để nộp hồ sơ xin việc, lệ phí bao nhiêu",
      "giay xac nhan khong co tien an tien su lam o dau",
      // "trích lục" is also a civil-status extract (a commune procedure): not this one
      "cần trích lục lý lịch tư pháp số 2, lệ phí bao nhiêu",
    ]) {
      const a = ask(q);
      expect(a, q).toMatchObject({ kind: "out-of-scope", topic: "Lý lịch tư pháp", whereToGo: expect.stringMatching(/^Sở Tư pháp/) });
    }
    // a commune procedure asked for, with a purpose, is still that procedure
    expect(codes(ask("xin giấy xác nhận tình trạng hôn nhân để đi lao động nước ngoài"))[0]).toBe("1.004873");
    // saying one has no record, while asking for a commune procedure, is a circumstance
    expect(codes(ask("tôi không có tiền án tiền sự, muốn xin giấy xác nhận độc thân"))[0]).toBe("1.004873");
  });

  it("a lost marriage certificate leads with its extract copy, not the registration; re-doing it offers re-registration and the copy", () => {
    for (const q of ["giấy đăng ký kết hôn của vợ chồng tôi bị mất, muốn xin cấp lại", "giấy chứng nhận kết hôn bị thất lạc, muốn xin lại"]) {
      const a = ask(q);
      expect(a.kind, q).toBe("match");
      expect(codes(a)[0], q).toBe("2.000635");
    }
    const redo = ask("làm lại giấy đăng ký kết hôn vì bị mất");
    expect(redo.kind).toBe("choices");
    expect(codes(redo)).toEqual(expect.arrayContaining(["1.004746", "2.000635"]));
    expect(codes(redo)).not.toContain("1.000894");
  });

  it("a lost original birth certificate, wanting a copy, is the extract copy, surely ahead of the birth registration", () => {
    const a = ask("bản chính giấy khai sinh bị mất, xin bản sao ở đâu", 3);
    expect(a.kind).toBe("match");
    if (a.kind !== "match") return;
    expect(a.results[0]).toMatchObject({ code: "2.000635" });
    // sure enough for the bot to show it directly (≥ 0.7, 0.2 ahead of the next)
    expect(a.results[0]!.score).toBeGreaterThanOrEqual(0.7);
    expect(a.results[0]!.score - (a.results[1]?.score ?? 0)).toBeGreaterThanOrEqual(0.2);
  });

  it("offers choices best first, whatever the limit, and the same variants at any limit", () => {
    for (const q of ["chứng thực", "làm căn cước", "làm lại giấy đăng ký kết hôn vì bị mất"]) {
      const answers = [ask(q, 3), ask(q, 5)];
      for (const a of answers) {
        expect(a.kind, q).toBe("choices");
        if (a.kind !== "choices") continue;
        const scores = a.results.map((r) => r.score);
        expect(scores, q).toEqual([...scores].sort((x, y) => y - x));
      }
      const variants = answers.map((a) => (a.kind === "choices" ? a.results.filter((r) => r.variant) : []));
      expect(variants[0]).toEqual(variants[1]);
    }
  });

  it("after the variants, keeps the search's next best other procedures within the limit (unlabelled), not the members the question ruled out", () => {
    const q = "làm lại giấy đăng ký kết hôn vì bị mất";
    const a = ask(q, 5);
    expect(a.kind).toBe("choices");
    if (a.kind !== "choices") return;
    const variants = a.results.filter((r) => r.variant);
    const others = a.results.filter((r) => !r.variant);
    expect(others.length).toBeGreaterThan(0);
    expect(a.results).toEqual([...variants, ...others]);
    expect(a.results.length).toBeLessThanOrEqual(5);
    expect(codes(a)).not.toContain("1.000894");
    // a limit the variants fill leaves no room for others
    const short = ask(q, 2);
    expect(short.kind === "choices" && short.results.every((r) => r.variant)).toBe(true);
  });
});

describe("questions a new user asked as follow-ups, with no procedure named", () => {
  it("a question of function and need words alone is an answer, not an error (it once scored 0/0 and threw)", () => {
    for (const q of ["có cần gì nữa không", "có cần mang theo gì nữa không"]) {
      expect(() => ask(q), q).not.toThrow();
      expect(ask(q).kind, q).toBe("no-match");
    }
  });
});
