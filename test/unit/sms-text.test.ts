import { describe, expect, it } from "vitest";
import { countSegments, fitSms, isGsm7, toSmsText } from "../../src/notifications/sms-text.js";

describe("SMS text without diacritics", () => {
  it("strips every mark, including stacked ones, and maps đ/Đ", () => {
    expect(toSmsText("Đăng ký khai sinh")).toBe("Dang ky khai sinh");
    expect(toSmsText("Nguyễn Thị Ánh Tuyết – đã nhận")).toBe("Nguyen Thi Anh Tuyet - da nhan");
    expect(toSmsText("ệ ỗ ữ ặ ờ ự ỹ")).toBe("e o u a o u y");
    // Decomposed input (macOS, some keyboards) gives the same result.
    expect(toSmsText("Hồ sơ đã có kết quả".normalize("NFD"))).toBe("Ho so da co ket qua");
  });

  it("replaces typographic characters and drops what would force UCS-2", () => {
    expect(toSmsText("“Hồ sơ” … ✅")).toBe('"Ho so" ...');
    expect(isGsm7(toSmsText("Thủ tục hành chính 🙂 ‘nhanh’"))).toBe(true);
  });
});

describe("segment counting", () => {
  it("counts GSM-7 exactly: 160 in one part, 153 per part after", () => {
    expect(countSegments("a".repeat(160))).toEqual({ encoding: "GSM-7", units: 160, segments: 1 });
    expect(countSegments("a".repeat(161))).toEqual({ encoding: "GSM-7", units: 161, segments: 2 });
    expect(countSegments("a".repeat(306))).toEqual({ encoding: "GSM-7", units: 306, segments: 2 });
    expect(countSegments("a".repeat(307)).segments).toBe(3);
  });

  it("counts extension characters as two septets", () => {
    expect(countSegments("[]".repeat(40))).toEqual({ encoding: "GSM-7", units: 160, segments: 1 });
    expect(countSegments(`${"a".repeat(159)}€`).segments).toBe(2);
  });

  it("switches to UCS-2 for any Vietnamese letter with a mark: 70 / 67", () => {
    expect(countSegments("ă".repeat(70))).toEqual({ encoding: "UCS-2", units: 70, segments: 1 });
    expect(countSegments("ă".repeat(71)).segments).toBe(2);
    expect(countSegments("ă".repeat(134)).segments).toBe(2);
    expect(countSegments("ă".repeat(135)).segments).toBe(3);
  });
});

describe("fitting an SMS to its budget", () => {
  const head = "Ho so H15.50.05.13-261008-0975 can bo sung giay to.";
  const tail = "Thoi han tinh lai tu khi nhan du ho so.";

  it("keeps everything when it fits", () => {
    expect(fitSms({ head, middle: "Ban sao CCCD", tail }, 2)).toBe(`${head} Ban sao CCCD ${tail}`);
  });

  it("shortens only the note, at a word boundary, never the code or the fixed text", () => {
    const note = "Bản sao có chứng thực giấy chứng sinh của bệnh viện, ".repeat(12);
    for (const budget of [1, 2, 3]) {
      const sms = fitSms({ head, middle: note, tail }, budget);
      expect(countSegments(sms).segments).toBeLessThanOrEqual(budget);
      expect(countSegments(sms).encoding).toBe("GSM-7");
      expect(sms.startsWith(head)).toBe(true);
      expect(sms.endsWith(tail)).toBe(true);
      expect(sms).toMatch(/\w\.\.\. Thoi han/);
    }
  });
});
