/**
 * Hostile questions to the web chat: very long input, bidi marks, only emojis, a word repeated,
 * SQL and HTML. Each is answered (200, or 400 for what the route refuses), never a 500, and the
 * answer is JSON text the page writes with textContent (no markup of the question's comes back as
 * markup). A request that never completes fails by its time-out.
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startTestApp, type TestApp } from "../../support/app.js";
import { randomIp } from "../../support/web-chat.js";

let t: TestApp;
beforeAll(async () => {
  t = await startTestApp();
});
afterAll(() => t.close());

/** One conversation, past its welcome (the first message of a conversation is greeted, not searched). */
let cookie: string | null = null;
const ip = randomIp();
async function ask(text: string): Promise<{ status: number; type: string | null; body: { replies?: { text: string }[]; error?: { field?: string } } }> {
  const res = await fetch(`${t.baseUrl}/api/v1/chat`, {
    method: "POST",
    headers: { "content-type": "application/json", "x-forwarded-for": ip, ...(cookie ? { cookie } : {}) },
    body: JSON.stringify({ text }),
    signal: AbortSignal.timeout(30_000),
  });
  const set = res.headers.getSetCookie().find((c) => c.startsWith("motcua_chat="));
  if (set) cookie = set.split(";")[0]!;
  return { status: res.status, type: res.headers.get("content-type"), body: (await res.json()) as never };
}

const syllables = "đăng ký khai sinh kết hôn chứng thực hộ tịch đất đai nhà ở giấy phép xây dựng thường trú tạm trú căn cước".split(" ");

describe("hostile questions to the web chat", () => {
  it("answers each with text, never a 500", async () => {
    expect((await ask("menu")).status).toBe(200);
    const questions: Record<string, string> = {
      "500 characters of one word": "khai ".repeat(100),
      "500 characters of every syllable": Array.from({ length: 500 }, (_, i) => syllables[(i * 7) % syllables.length]).join(" ").slice(0, 500),
      "a word repeated to 2,000 characters": "sinh ".repeat(400),
      "bidi marks around a question": "\u202Eđăng ký khai sinh\u202C \u200F\u200E\u061C\u2066cần gì\u2069",
      "only bidi marks": "\u202E\u202C\u200F\u200E\u2066\u2069",
      "only emojis": "😀🙏🏻👨‍👩‍👧‍👦🇻🇳".repeat(10),
      "500 characters of emoji": "😀".repeat(250),
      "emoji across the echo's cut": `x${"😀".repeat(100)}`,
      "combining marks piled on one letter": `a${"\u0301\u0323\u0303".repeat(160)}`,
      "zero-width characters inside words": "đ\u200Bă\u200Bn\u200Bg k\u200Dý k\u2060hai s\uFEFFinh",
      "SQL": `'; DROP TABLE "Dossier"; -- khai sinh' OR '1'='1`,
      "SQL in a dossier code": `tra cứu hồ sơ H15.50.05.13-261120-0001' OR 1=1 --`,
      "HTML": `<script>alert(1)</script><img src=x onerror=alert(2)> khai sinh`,
      "a link with a script": "javascript:alert(1) https://evil.example/<b>x</b> đăng ký kết hôn",
      "regex metacharacters": "(((((((((((a+)+)+)+)+)+)+)+)+)+)+$ .*.*.*.*.*.*.*.*.*.*!",
      "percent and braces": "%s %d ${1+1} {{7*7}} #{7*7} __proto__ constructor prototype",
      "line breaks and tabs": "khai\n\n\n\tsinh\r\n\u2028\u2029cho con",
    };
    for (const [what, text] of Object.entries(questions)) {
      const res = await ask(text);
      expect(res.status, what).toBe(200);
      expect(res.type, what).toMatch(/^application\/json/);
      expect(res.body.replies?.length, what).toBeGreaterThan(0);
      for (const r of res.body.replies!) {
        expect(typeof r.text, what).toBe("string");
        // A question echoed cut short is cut between characters, not inside an emoji's pair.
        expect(/\p{Surrogate}/u.test(r.text), `${what}: a lone surrogate in ${JSON.stringify(r.text.slice(0, 120))}`).toBe(false);
      }
    }
  });

  it("reads a question through the invisible characters a copy and paste brings (zero-width, bidi marks, soft hyphen); one of nothing else is empty", async () => {
    const answer = (await ask("đ\u200Bă\u200Bn\u200Bg k\u200Dý k\u2060hai s\uFEFFinh\u00AD \u200Fnhé")).body.replies!.map((r) => r.text).join("\n");
    expect(answer).toMatch(/Đăng ký khai sinh \(mã 1\.001193\)/);
    const search = await fetch(`${t.baseUrl}/api/v1/procedures?q=${encodeURIComponent("đ\u200Bă\u200Bng k\u00ADý khai s\u2060inh")}`, { signal: AbortSignal.timeout(30_000) });
    expect(((await search.json()) as { results: { code: string }[] }).results[0]?.code).toBe("1.001193");
    expect((await ask("\u202E\u202C\u200F\u200E\u2066\u2069\u200B")).body.replies!.map((r) => r.text).join("\n")).toMatch(/^Tin nhắn trống/);
  });

  it("reads full-width and other compatibility characters as the letters and digits they show, in the chat and the search API", async () => {
    const answer = (await ask("ＤＡＮＧ ＫＹ ＫＨＡＩ ＳＩＮＨ can gi")).body.replies!.map((r) => r.text).join("\n");
    expect(answer).toMatch(/Đăng ký khai sinh \(mã 1\.001193\)/);
    const search = await fetch(`${t.baseUrl}/api/v1/procedures?q=${encodeURIComponent("ｄａｎｇ ｋｙ ｋｈａｉ ｓｉｎｈ")}`, { signal: AbortSignal.timeout(30_000) });
    expect(((await search.json()) as { results: { code: string }[] }).results[0]?.code).toBe("1.001193");
  });

  it("refuses a question over 4,000 characters (10,000 words) with 400 naming the text, and answers one over 1,000 with 'too long'", async () => {
    const huge = await ask("thủ tục ".repeat(10_000));
    expect(huge.status).toBe(400);
    expect(huge.body.error?.field).toBe("text");
    const long = await ask("a".repeat(1001));
    expect(long.status).toBe(200);
    expect(long.body.replies!.map((r) => r.text).join("\n")).toMatch(/dài/);
  });

  it("says what it refuses in the body in Vietnamese (a button over 100 characters, a text or button that is not a string)", async () => {
    const send = async (body: unknown) => {
      const res = await fetch(`${t.baseUrl}/api/v1/chat`, { method: "POST", headers: { "content-type": "application/json", "x-forwarded-for": ip, ...(cookie ? { cookie } : {}) }, body: JSON.stringify(body) });
      return { status: res.status, body: (await res.json()) as { error?: { field?: string; message?: string } } };
    };
    const cases: [unknown, string][] = [
      [{ button: "x".repeat(101) }, "button"],
      [{ button: 42 }, "button"],
      [{ text: ["khai sinh"] }, "text"],
      [{ text: "thủ tục ".repeat(10_000) }, "text"],
    ];
    for (const [body, field] of cases) {
      const res = await send(body);
      expect(res.status, JSON.stringify(body).slice(0, 60)).toBe(400);
      expect(res.body.error?.field).toBe(field);
      // Vietnamese first (English, if any, only in brackets): zod's own English would read "Too big: …", "Invalid input: …"
      const message = res.body.error!.message!.replace(/^[a-z]+: /, "").replace(/\([^)]*\)/g, "");
      expect(message, res.body.error!.message).toMatch(/[àáảãạăâđêôơưạ-ỹ]/i);
      expect(message).not.toMatch(/Too big|Invalid input|expected/);
    }
  });
});
