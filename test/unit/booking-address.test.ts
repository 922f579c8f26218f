/** The address a post office desk page and slip show: the line, then the places it does not name yet. */
import { describe, expect, it } from "vitest";
import { fullAddress } from "../../src/bookings/address.js";

describe("a booking's full address", () => {
  it("adds the hamlet, commune and province the line does not name", () => {
    expect(fullAddress("12 Nguyễn Huệ", "Khóm 1", "Phường Hồng Ngự", "Tỉnh Đồng Tháp")).toBe("12 Nguyễn Huệ, Khóm 1, Phường Hồng Ngự, Tỉnh Đồng Tháp");
  });

  it("never repeats a place the line already names, typed with or without marks (a clerk found 'Phường Hồng Ngự, Phường Hồng Ngự')", () => {
    expect(fullAddress("12 Nguyễn Huệ, Khóm 1, Phường Hồng Ngự", "Khóm 1", "Phường Hồng Ngự", "Tỉnh Đồng Tháp")).toBe("12 Nguyễn Huệ, Khóm 1, Phường Hồng Ngự, Tỉnh Đồng Tháp");
    expect(fullAddress("12 nguyen hue, khom 1, phuong hong ngu", "Khóm 1", "Phường Hồng Ngự")).toBe("12 nguyen hue, khom 1, phuong hong ngu");
  });

  it("compares whole words: 'Khóm 1' is not named by 'Khóm 12'", () => {
    expect(fullAddress("5 Lê Lợi, Khóm 12", "Khóm 1", "Phường Hồng Ngự")).toBe("5 Lê Lợi, Khóm 12, Khóm 1, Phường Hồng Ngự");
    expect(fullAddress("5 Lê Lợi", null, undefined, "Phường An Bình")).toBe("5 Lê Lợi, Phường An Bình");
  });
});
