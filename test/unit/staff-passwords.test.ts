/** The pure parts of staff sign-in: the new-password policy, one-time passwords, the `next` path after signing in, failure labels. */
import { describe, expect, it } from "vitest";
import { generateOneTimePassword, passwordProblems, safeNextPath } from "../../src/auth/passwords.js";
import { failureReasonLabel } from "../../src/staff/console-service.js";

describe("the new-password policy", () => {
  const ctx = { username: "lan.nguyen", current: "k7mq-x2rt-p9wd" };
  it("accepts a long, personal password", () => {
    expect(passwordProblems("Cây-đa-đầu-làng-2026", ctx)).toEqual([]);
    expect(passwordProblems("bốn từ ghép lại thành câu", ctx)).toEqual([]);
  });
  it("needs at least 10 characters (counted as characters, not bytes)", () => {
    expect(passwordProblems("ngắn-9-kt", ctx).join(" ")).toMatch(/ít nhất 10/);
    expect(passwordProblems("đường-đi-x", ctx)).toEqual([]); // 10 characters, more bytes
  });
  it("refuses the username (any case, or barely padded) and the current password", () => {
    expect(passwordProblems("LAN.NGUYEN", { username: "lan.nguyen" }).join(" ")).toMatch(/tên đăng nhập/);
    expect(passwordProblems("lan.nguyen12", { username: "lan.nguyen" }).join(" ")).toMatch(/tên đăng nhập/);
    expect(passwordProblems("k7mq-x2rt-p9wd", ctx).join(" ")).toMatch(/khác mật khẩu hiện tại/);
  });
  it("refuses repeated characters, common passwords and surrounding spaces", () => {
    expect(passwordProblems("aaaaaaaaaaaa", ctx).join(" ")).toMatch(/dễ đoán/);
    expect(passwordProblems("abababababab", ctx).join(" ")).toMatch(/dễ đoán/);
    expect(passwordProblems("1234567890", ctx).join(" ")).toMatch(/phổ biến/);
    expect(passwordProblems("MatKhau@123", ctx).join(" ")).toMatch(/phổ biến/);
  });
  it("refuses a common word padded with digits or punctuation, or spelled with symbols", () => {
    for (const p of ["password12", "Password2026", "Motcua@2026", "p@ssw0rd!!", "Admin@12345", "qwerty2026!", "Xinchao@123"]) {
      expect(passwordProblems(p, ctx).join(" "), p).toMatch(/phổ biến/);
    }
    // A common word inside a longer phrase of one's own is not refused for it.
    expect(passwordProblems("password-cua-chi-Lan", ctx)).toEqual([]);
    expect(passwordProblems("2026-motcua-dong-thap", ctx)).toEqual([]);
    expect(passwordProblems(" khoảng trắng đầu", ctx).join(" ")).toMatch(/khoảng trắng/);
  });
  it("bounds the length", () => {
    expect(passwordProblems("x".repeat(150) + "y".repeat(60), ctx).join(" ")).toMatch(/dài quá 200/);
  });
});

describe("one-time passwords", () => {
  it("are three groups of four unambiguous characters, different every time", () => {
    const seen = new Set(Array.from({ length: 200 }, generateOneTimePassword));
    expect(seen.size).toBe(200);
    for (const p of seen) expect(p).toMatch(/^[a-hjkmnp-z2-9]{4}-[a-hjkmnp-z2-9]{4}-[a-hjkmnp-z2-9]{4}$/);
  });
});

describe("where to go after signing in", () => {
  it("keeps local paths with their query", () => {
    expect(safeNextPath("/staff/broadcasts/abc?tab=2")).toBe("/staff/broadcasts/abc?tab=2");
    expect(safeNextPath("/staff/hamlets")).toBe("/staff/hamlets");
  });
  it("never leaves the site", () => {
    for (const evil of ["//evil.example", "///evil.example", "/\\evil.example", "https://evil.example/staff", "javascript:alert(1)", "evil.example", "/\tevil", "\\\\evil.example"]) {
      expect(safeNextPath(evil), evil).toBe("/staff");
    }
  });
  it("never leaves the site through dot segments that resolve to //host (/..//evil, /.//evil, /%2e%2e//evil)", () => {
    for (const evil of ["/..//evil.example", "/.//evil.example", "/staff/../..//evil.example", "/%2e%2e//evil.example/x", "/a/..//evil.example"]) {
      const next = safeNextPath(evil);
      expect(next.startsWith("//"), `${evil} → ${next}`).toBe(false);
      expect(new URL(next, "https://motcua.example").host, evil).toBe("motcua.example");
    }
  });
  it("falls back for nothing, non-strings, the sign-in page itself and very long values", () => {
    expect(safeNextPath(undefined)).toBe("/staff");
    expect(safeNextPath(["/staff/x"])).toBe("/staff");
    expect(safeNextPath("")).toBe("/staff");
    expect(safeNextPath("/staff/login?next=/staff")).toBe("/staff");
    expect(safeNextPath(`/${"a".repeat(3000)}`)).toBe("/staff");
    expect(safeNextPath("/x", "")).toBe("/x");
  });
});

describe("why a notice failed, for staff", () => {
  it("reads the sender's reasons in Vietnamese, with a general one for the rest", () => {
    expect(failureReasonLabel("no channel reaches this citizen (no linked chat, no valid phone)")).toMatch(/Không có kênh nào/);
    expect(failureReasonLabel("the notice has no recipient")).toBe("Không có người nhận");
    expect(failureReasonLabel(null)).toBe("Không gửi được qua kênh nào");
    expect(failureReasonLabel("HTTP 500 from provider")).toBe("Không gửi được qua kênh nào");
  });
});
