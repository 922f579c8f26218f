import { describe, expect, it } from "vitest";
import {
  canonicalSyllable,
  hasDiacritics,
  isVietnameseSyllable,
  normalizeInput,
  searchKey,
  stripDiacritics,
  syllables,
  toneSignature,
} from "../../src/text/vietnamese.js";

describe("normalizeInput", () => {
  it("turns decomposed (NFD) input into NFC and collapses whitespace", () => {
    const nfd = "  Đăng   ký\tkhai sinh ".normalize("NFD");
    expect(nfd).not.toBe(nfd.normalize("NFC"));
    expect(normalizeInput(nfd)).toBe("Đăng ký khai sinh".normalize("NFC"));
  });
});

describe("stripDiacritics / searchKey", () => {
  it("removes every mark, including stacked ones, and maps đ/Đ", () => {
    expect(stripDiacritics("Nguyễn Thị Phượng, Đồng Tháp, ệ")).toBe("Nguyen Thi Phuong, Dong Thap, e");
    expect(stripDiacritics("đường Đồng")).toBe("duong Dong");
  });

  it("makes old and new tone placement agree", () => {
    expect(searchKey("Hoà Long")).toBe(searchKey("Hòa Long"));
    expect(searchKey("thuý")).toBe(searchKey("thúy"));
    expect(searchKey("Phong Hoà")).toBe("phong hoa");
  });

  it("gives the same key for NFC and NFD input", () => {
    const text = "Xác nhận tình trạng hôn nhân";
    expect(searchKey(text.normalize("NFD"))).toBe(searchKey(text.normalize("NFC")));
    expect(syllables(text.normalize("NFD"))).toEqual(["xac", "nhan", "tinh", "trang", "hon", "nhan"]);
  });

  it("turns punctuation into separators", () => {
    expect(syllables("Đăng ký khai-sinh!")).toEqual(["dang", "ky", "khai", "sinh"]);
    expect(syllables("  ")).toEqual([]);
  });
});

describe("hasDiacritics", () => {
  it("tells marked from unmarked text", () => {
    expect(hasDiacritics("khai sinh")).toBe(false);
    expect(hasDiacritics("khai sính")).toBe(true);
    expect(hasDiacritics("đi")).toBe(true);
    expect(hasDiacritics("ĐI".normalize("NFD"))).toBe(true);
  });
});

describe("toneSignature", () => {
  it("does not depend on where the tone mark sits", () => {
    expect(toneSignature("hoà")).toBe(toneSignature("hòa"));
    expect(toneSignature("Thuý")).toBe(toneSignature("thúy"));
    expect(toneSignature("hoà".normalize("NFD"))).toBe(toneSignature("hòa"));
  });

  it("keeps words apart that differ only by their marks", () => {
    expect(toneSignature("chó")).not.toBe(toneSignature("cho"));
    expect(toneSignature("từ")).not.toBe(toneSignature("tử"));
    expect(toneSignature("đi")).not.toBe(toneSignature("di"));
    expect(toneSignature("cho")).toBe("cho");
  });
});

describe("canonicalSyllable", () => {
  it("unifies i/y spellings after a consonant", () => {
    expect(canonicalSyllable("ky")).toBe(canonicalSyllable("ki"));
    expect(canonicalSyllable("ly")).toBe("li");
    expect(canonicalSyllable("quy")).toBe("qui");
  });

  it("leaves the uy rhyme and other words alone", () => {
    expect(canonicalSyllable("huy")).toBe("huy");
    expect(canonicalSyllable("thuy")).toBe("thuy");
    expect(canonicalSyllable("y")).toBe("y");
    expect(canonicalSyllable("khai")).toBe("khai");
  });
});

describe("isVietnameseSyllable", () => {
  it("accepts possible syllables", () => {
    for (const s of ["khai", "sinh", "nghieng", "quy", "gi", "gia", "uong", "thuong", "truong", "a"]) {
      expect(isVietnameseSyllable(s), s).toBe(true);
    }
  });

  it("rejects run-together words, typing remnants and foreign words", () => {
    for (const s of ["khaisinh", "sinhf", "kys", "kahi", "passport", "ct07", ""]) {
      expect(isVietnameseSyllable(s), s).toBe(false);
    }
  });
});
