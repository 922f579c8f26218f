import { describe, expect, it } from "vitest";
import { splitText } from "../../src/text/clip.js";

describe("splitText (a message's length limit on Telegram and Zalo)", () => {
  it("leaves a short text whole", () => {
    expect(splitText("Xin chào", 10)).toEqual(["Xin chào"]);
  });
  it("cuts at line breaks, then spaces, each part within the limit, losing only the separator", () => {
    const text = ["📄 Một dòng đầu", "1. Giấy tờ thứ nhất", "2. Giấy tờ thứ hai rất dài ".repeat(3).trim(), "Theo Cổng Dịch vụ công quốc gia."].join("\n");
    const parts = splitText(text, 40);
    expect(parts.every((p) => p.length <= 40)).toBe(true);
    expect(parts.join(" ").replace(/\s+/g, " ")).toBe(text.replace(/\s+/g, " "));
    expect(parts.at(-1)).toMatch(/\nTheo Cổng Dịch vụ công quốc gia\.$/);
  });
  it("never splits a character outside the BMP", () => {
    const parts = splitText(`${"a".repeat(9)}📄b`, 10);
    expect(parts).toEqual(["a".repeat(9), "📄b"]);
  });
});
