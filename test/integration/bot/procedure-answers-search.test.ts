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
    expect(texts(replies)).toMatch(/^Ông\/bà [^\n]*căn cước[^\n]*\?(\n|$)/);
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

  it("variants followed by another procedure say that the last button is another procedure, the variants labelled, the other named", async () => {
    const c = await conversation();
    const replies = await c.ask("làm lại giấy đăng ký kết hôn vì bị mất");
    expect(texts(replies)).toMatch(/^Việc đăng ký kết hôn của ông\/bà thuộc trường hợp nào\?\nNếu không thuộc các trường hợp đó, nút cuối là một thủ tục khác gần với câu hỏi của ông\/bà\./u);
    const offered = buttons(replies);
    expect(offered.map((b) => b.data).slice(0, 2).sort()).toEqual(["proc:1.004746", "proc:2.000635"]);
    expect(offered.length).toBe(3);
    expect(offered[0]!.label).toMatch(/^(Đăng ký lại kết hôn|Trích lục kết hôn)/u);
    expect(offered[2]!.data).not.toBe("proc:1.000894");
    // variants alone: the question only
    expect(texts(await (await conversation()).ask("làm căn cước cho con"))).not.toMatch(/nút cuối|nút thứ/u);
  });

  it("a question about something no commune handles says so and where to go", async () => {
    const c = await conversation();
    const replies = await c.ask("làm hộ chiếu để đi Hàn Quốc");
    expect(texts(replies)).toMatch(/^Hộ chiếu không giải quyết tại bộ phận một cửa của xã, phường nên em không có hướng dẫn thủ tục này\.\nNơi làm: Phòng Quản lý xuất nhập cảnh/);
    expect(texts(replies)).not.toMatch(/⚠️ Ông\/bà có nhắc đến người nước ngoài/);
    expect(buttons(replies).map((b) => b.data)).toEqual(["common", "menu"]);
  });

  it("a licence no commune gives, asked with 'ở đâu' after a procedure was answered, gets where to go — not that procedure's place", async () => {
    const c = await conversation();
    expect(texts(await c.ask("khai báo vũ khí thô sơ giữ làm đồ gia bảo"))).toMatch(/^📄 Khai báo vũ khí thô sơ/u);
    const replies = await c.ask("xin giấy phép lái máy bay ở đâu");
    expect(texts(replies)).toMatch(/không giải quyết tại bộ phận một cửa của xã, phường[\s\S]*Cục Hàng không Việt Nam/u);
    expect(texts(replies)).not.toMatch(/Khai báo vũ khí|Công an cấp Xã/u);
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
  it("a guardian for an orphaned grandchild gets the guardianship registration, not the social allowance", async () => {
    const c = await conversation();
    const replies = await c.ask("ông nội xin đăng ký giám hộ cho đứa cháu mồ côi cả cha lẫn mẹ");
    expect(texts(replies)).toMatch(/^📄 Đăng ký giám hộ \(mã 1\.004837\)\n📍/);
    expect(texts(replies)).toMatch(/Giấy tờ cần nộp/);
  });

  it("a criminal-record certificate, asked with what it is for and its fee, is out of scope with where to go — not a commune procedure's fee", async () => {
    for (const question of ["xin giấy không tiền án tiền sự để đi làm ở Hàn Quốc hết bao nhiêu tiền", "cho hỏi xin trích lục lý lịch tư pháp thì tốn bao nhiêu tiền"]) {
      const c = await conversation();
      const replies = await c.ask(question);
      expect(texts(replies), question).toMatch(/^Lý lịch tư pháp không giải quyết tại bộ phận một cửa của xã, phường nên em không có hướng dẫn thủ tục này\.\nNơi làm: Sở Tư pháp tỉnh, thành phố/);
      expect(texts(replies), question).not.toMatch(/📄|💰/u);
      expect(buttons(replies).map((b) => b.data)).toEqual(["common", "menu"]);
    }
  });

  it("a lost marriage certificate to be issued again gets the extract copy; re-doing it offers re-registration and the copy", async () => {
    const c = await conversation();
    const replies = await c.ask("giấy đăng ký kết hôn nhà tôi bị mất rồi, muốn xin cấp lại thì làm sao");
    const answer = texts(replies);
    expect(answer).not.toMatch(/\(mã 1\.000894\)/);
    const shown = answer.startsWith("📄 Cấp bản sao Trích lục hộ tịch");
    const offered = buttons(replies).find((b) => b.data === "proc:2.000635");
    expect(shown || (offered !== undefined && buttons(replies)[0] === offered)).toBe(true);
    // "làm lại": both ways out, as the search's question, the copy among them
    const redo = await (await conversation()).ask("muốn làm lại giấy kết hôn do bị mất");
    // the question, then (a label being cut) each way out in full, numbered as the buttons
    // (and, other procedures following the variants, that the last buttons are those)
    expect(texts(redo)).toMatch(/^Việc đăng ký kết hôn của ông\/bà thuộc trường hợp nào\?(\nNếu không thuộc các trường hợp đó, [^\n]+)?(\n\d+\. [^\n]+)*$/u);
    expect(buttons(redo).map((b) => b.data)).toEqual(expect.arrayContaining(["proc:1.004746", "proc:2.000635"]));
    expect(buttons(redo).find((b) => b.data === "proc:2.000635")!.label).toMatch(/^Trích lục kết hôn/);
  });

  it("a lost original birth certificate, wanting a copy, gets the extract copy procedure shown", async () => {
    const c = await conversation();
    const answer = texts(await c.ask("bản chính giấy khai sinh của tôi bị mất, muốn xin bản sao ở đâu"));
    expect(answer).toMatch(/^📄 Cấp bản sao Trích lục hộ tịch \(bản sao Giấy khai sinh[^\n]*\(mã 2\.000635\)\n/);
  });

  it("choices are offered best first: the buttons follow the search's scores", async () => {
    for (const q of ["chứng thực", "làm căn cước"]) {
      const api = (await (await fetch(`${t.baseUrl}/api/v1/procedures?q=${encodeURIComponent(q)}&limit=3`)).json()) as { kind: string; results: { code: string; score: number }[] };
      expect(api.kind, q).toBe("choices");
      const scores = api.results.map((r) => r.score);
      expect(scores, q).toEqual([...scores].sort((a, b) => b - a));
      const c = await conversation();
      expect(buttons(await c.ask(q)).map((b) => b.data), q).toEqual(api.results.map((r) => `proc:${r.code}`));
    }
  });
});

describe("an aspect asked with no procedure under discussion (a new user's follow-ups)", () => {
  it("asks which procedure, instead of a no-match quoting the question or a guess from the asking words", async () => {
    for (const q of ["mất bao lâu", "lệ phí bao nhiêu", "làm online được không", "tôi ở xa có gửi bưu điện được không", "có cần mang theo gì nữa không"]) {
      const c = await conversation();
      const replies = await c.ask(q);
      expect(texts(replies), q).toMatch(/^Ông\/bà hỏi cho thủ tục nào ạ\?/);
      expect(texts(replies), q).not.toMatch(/📄|chưa tìm thấy|trục trặc/u);
      expect(buttons(replies).some((b) => b.data.startsWith("proc:")), q).toBe(false);
    }
  });

  it("offers the choices on screen again, and the one chosen answers what was asked", async () => {
    const c = await conversation();
    const first = await c.ask("làm căn cước cho con");
    const offered = buttons(first).map((b) => b.data);
    expect(offered).toContain("proc:1.014061");
    const again = await c.ask("mất bao lâu");
    expect(texts(again)).toMatch(/^Ông\/bà chọn giúp em thủ tục muốn hỏi ở dưới/);
    expect(buttons(again).map((b) => b.data)).toEqual(offered);
    const answer = texts(await c.press("proc:1.014061"));
    expect(answer).toMatch(/^📄 .*\(mã 1\.014061\)\n⏱ /u);
    expect(answer).not.toMatch(/Giấy tờ cần nộp/);
  });

  it("asking for the documents again, naming nothing, gets the procedure under discussion's", async () => {
    const c = await conversation();
    await c.ask("đăng ký khai sinh");
    const again = texts(await c.ask("có cần mang theo gì nữa không"));
    expect(again).toMatch(/^📄 Đăng ký khai sinh \(mã 1\.001193\)/u);
    expect(again).toMatch(/Mang theo để xuất trình:/);
  });

  it("still answers a follow-up on the procedure under discussion, and forgets choices once another answer came", async () => {
    const c = await conversation();
    await c.ask("đăng ký khai sinh");
    expect(texts(await c.ask("mất bao lâu"))).toMatch(/^📄 Đăng ký khai sinh \(mã 1\.001193\)\n⏱ /u);
    const d = await conversation();
    await d.ask("làm căn cước cho con");
    await d.ask("qqq zzz xxy");
    const after = await d.ask("mất bao lâu");
    expect(texts(after)).toMatch(/^Ông\/bà hỏi cho thủ tục nào ạ\?/);
    expect(buttons(after).some((b) => b.data.startsWith("proc:"))).toBe(false);
  });
});
