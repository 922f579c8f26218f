/**
 * Issue 8 §3 answers that need the search to find the right procedure (its choices and variants):
 * the bot's final answer, over the web chat.
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startTestApp, type TestApp } from "../../support/app.js";
import { chatConversation, replyButtons as buttons, replyTexts as texts } from "../../support/web-chat.js";

let t: TestApp;
beforeAll(async () => {
  t = await startTestApp();
});
afterAll(() => t.close());

const conversation = () => chatConversation(t.baseUrl);

describe("procedure answers that need the search's variants (issue 8 §3)", () => {
  it("a marriage with a foreigner gets the foreign-element procedure, shown or offered as a choice — not the domestic one", async () => {
    const c = await conversation();
    const replies = await c.ask("đăng kí kêt hôn vs người nước ngoài");
    const answer = texts(replies);
    expect(answer).not.toMatch(/^📄 Đăng ký kết hôn \(mã 1\.000894\)/);
    const shown = /^📄 Thủ tục đăng ký kết hôn có yếu tố nước ngoài \(mã 2\.000806\)/.test(answer);
    const choice = buttons(replies).find((b) => b.data === "proc:2.000806");
    expect(shown || choice !== undefined).toBe(true);
    if (choice) expect(texts(await c.press(choice.data))).toMatch(/^📄 Thủ tục đăng ký kết hôn có yếu tố nước ngoài \(mã 2\.000806\)/);
  });

  it("variants the search cannot choose between are its question, in the bot's voice, with one button per variant", async () => {
    const c = await conversation();
    const replies = await c.ask("làm căn cước cho con");
    // the search's question ("Bạn cần thẻ căn cước trong trường hợp nào?") said with "ông/bà"
    expect(texts(replies)).toMatch(/^Ông\/bà [^\n]*căn cước[^\n]*\?$/);
    expect(texts(replies)).not.toMatch(/\b[Bb]ạn\b/u);
    const offered = buttons(replies);
    expect(offered.length).toBeGreaterThanOrEqual(2);
    expect(offered.every((b) => b.data.startsWith("proc:"))).toBe(true);
    expect(new Set(offered.map((b) => b.label)).size).toBe(offered.length);
    expect(offered.map((b) => b.data)).toContain("proc:1.014061");
    // the labels are the variants ("Lần đầu, …"), not the procedures' names; a press shows the procedure
    expect(offered.map((b) => b.label)).not.toContain("Cấp thẻ căn cước cho người từ đủ 14 tuổi trở lên");
    expect(texts(await c.press("proc:1.014061"))).toMatch(/^📄 Cấp thẻ căn cước cho người từ đủ 14 tuổi trở lên \(mã 1\.014061\)/);
  });

  it("a question about something no commune handles says so and where to go", async () => {
    const c = await conversation();
    const replies = await c.ask("làm hộ chiếu để đi Hàn Quốc");
    expect(texts(replies)).toMatch(/^Hộ chiếu không làm tại xã, phường nên em không có hướng dẫn thủ tục này\.\nNơi làm: Phòng Quản lý xuất nhập cảnh/);
    expect(texts(replies)).not.toMatch(/⚠️ Ông\/bà có nhắc đến người nước ngoài/);
    expect(buttons(replies).map((b) => b.data)).toEqual(["common", "menu"]);
  });

  it("a lost marriage certificate gets its re-issue (re-registration or an extract copy), not the registration", async () => {
    const c = await conversation();
    const replies = await c.ask("làm lại giấy kết hôn bị mất");
    const answer = texts(replies);
    expect(answer).not.toMatch(/^📄 Đăng ký kết hôn \(mã 1\.000894\)/);
    const shown = /^📄 [^\n]*\(mã (1\.004746|2\.000513|2\.000635)\)/.test(answer);
    const offered = buttons(replies).some((b) => ["proc:1.004746", "proc:2.000513", "proc:2.000635"].includes(b.data));
    expect(shown || offered).toBe(true);
  });
});
