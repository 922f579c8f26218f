/**
 * Refusals the routes leave to zod's or Node's own words are still said in the API's shape, in
 * Vietnamese with the English in brackets (README, "The API"): found by an attacker's pass.
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startNotifyStack, type NotifyStack } from "../support/notify-stack.js";

let s: NotifyStack;
beforeAll(async () => {
  s = await startNotifyStack({ worker: false });
});
afterAll(() => s.close());

async function get(path: string) {
  const res = await fetch(s.baseUrl + path, { headers: { authorization: `Bearer ${s.key}` } });
  return { status: res.status, body: (await res.json()) as any };
}

describe("a bad query the schema gives no words of its own for", () => {
  it("huge, negative, fractional numbers and an unknown choice: 400 in Vietnamese, zod's English only in brackets", async () => {
    for (const [query, field, english] of [
      ["limit=1e308", "limit", "Too big"],
      ["limit=0", "limit", "Too small"],
      ["offset=-1", "offset", "Too small"],
      ["limit=2.5", "limit", "Invalid input"],
      ["overdue=maybe", "overdue", "Invalid option"],
    ] as const) {
      const res = await get(`/api/v1/dossiers?${query}`);
      expect(res.status, query).toBe(400);
      expect(res.body.error.field, query).toBe(field);
      const said = res.body.error.message.replace(/^[\w.]+: /, "");
      expect(said, query).toMatch(/^(Quá|Đầu vào|Tùy chọn)/);
      expect(said, query).toContain(`(${english}`);
    }
  });
});

describe("a request Node refuses before any route", () => {
  it("a 100 kB query string: 431 in the API's error shape, in Vietnamese, naming the headers", async () => {
    const res = await get(`/api/v1/dossiers?q=${"a".repeat(100_000)}`);
    expect(res.status).toBe(431);
    expect(res.body.error.code).toBe("VALIDATION_FAILED");
    expect(res.body.error.field).toBe("headers");
    expect(res.body.error.message).toMatch(/^Địa chỉ yêu cầu hoặc phần đầu .* quá dài \(Request Header Fields Too Large\)$/);
  });
});
