import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startTestApp, type TestApp } from "../../support/app.js";
import { randomIp, webChatUser } from "../../support/web-chat.js";

let t: TestApp;
beforeAll(async () => {
  t = await startTestApp();
});
afterAll(() => t.close());

interface Reply {
  text: string;
  buttons?: { label: string; data: string }[][];
}

function conversation() {
  const user = webChatUser(t.baseUrl);
  return {
    say: async (text: string) => (await user.post({ text })).body.replies,
    press: async (button: string) => (await user.post({ button })).body.replies,
    post: user.post,
    user,
  };
}

const texts = (replies: Reply[]) => replies.map((r) => r.text).join("\n---\n");
const buttons = (replies: Reply[]) => replies.flatMap((r) => (r.buttons ?? []).flat());

describe("the citizens' bot over the web chat", () => {
  it("serves the chat page", async () => {
    const res = await fetch(`${t.baseUrl}/chat`);
    expect(res.status).toBe(200);
    expect(res.headers.get("content-type")).toMatch(/text\/html/);
    const html = await res.text();
    expect(html).toContain("Trợ lý thủ tục hành chính một cửa");
    // its script and styles are built assets of its own (web/assets/web-chat.*), nothing inline: the
    // page's policy allows scripts and styles from the service alone
    expect(res.headers.get("content-security-policy")).toMatch(/script-src 'self'/);
    expect(html).not.toMatch(/<script>|<style>/);
    for (const [file, type] of [["web-chat.js", /javascript/], ["web-chat.css", /text\/css/]] as const) {
      const href = html.match(new RegExp(`"(/assets/${file.replace(".", "\\.")}\\?v=[0-9a-f]{10})"`))?.[1];
      expect(href, file).toBeDefined();
      const asset = await fetch(`${t.baseUrl}${href}`);
      expect(asset.status, file).toBe(200);
      expect(asset.headers.get("content-type")).toMatch(type);
    }
  });

  it("gives the web chat, the staff console and the commune pages an icon of their own, served from the built assets (no CDN)", async () => {
    const pages = ["/chat", "/staff/login", "/xa/29955"];
    for (const page of pages) {
      const html = await (await fetch(`${t.baseUrl}${page}`)).text();
      const href = html.match(/<link rel="icon" type="image\/svg\+xml" href="([^"]+)">/)?.[1];
      expect(href, page).toMatch(/^\/assets\/favicon\.svg\?v=[0-9a-f]{10}$/);
      const icon = await fetch(`${t.baseUrl}${href}`);
      expect(icon.status, page).toBe(200);
      expect(icon.headers.get("content-type")).toMatch(/^image\/svg\+xml/);
      expect(await icon.text()).toMatch(/^<svg /);
    }
    // a browser asking the old way is sent to it
    const old = await fetch(`${t.baseUrl}/favicon.ico`, { redirect: "manual" });
    expect(old.status).toBe(301);
    expect(old.headers.get("location")).toMatch(/^\/assets\/favicon\.svg\?v=/);
  });

  it("answers an empty message by asking for a question, not as if a file had been sent", async () => {
    const c = conversation();
    await c.say("xin chào");
    const replies = await c.say("   ");
    expect(texts(replies)).toMatch(/^Tin nhắn trống/);
    expect(texts(replies)).not.toMatch(/tệp đính kèm/);
  });

  it("greets on first contact and shows the menu", async () => {
    const c = conversation();
    const replies = await c.say("Xin chào");
    expect(texts(replies)).toMatch(/^Xin chào ông\/bà!/);
    expect(buttons(replies).map((b) => b.label)).toContain("Giấy tờ cần chuẩn bị");
  });

  it("answers which documents a procedure needs, then follow-ups on the same procedure", async () => {
    const c = conversation();
    await c.say("menu");
    const docs = await c.say("làm giấy khai sinh cho con cần những gì");
    const answer = texts(docs);
    expect(answer).toMatch(/Đăng ký khai sinh \(mã 1\.001193\)/);
    expect(answer).toMatch(/1\. Tờ khai đăng ký khai sinh — 1 bản chính/);
    expect(answer).toMatch(/Mang theo để xuất trình:/);
    expect(answer).toMatch(/Lệ phí: Miễn lệ phí khi đăng ký đúng hạn/);
    expect(answer).toMatch(/có thể gửi hồ sơ và nhận kết quả qua Bưu điện/);

    expect(texts(await c.say("còn lệ phí bao nhiêu?"))).toMatch(/^📄 Đăng ký khai sinh \(mã 1\.001193\)\n💰 Lệ phí: Miễn lệ phí/);
    expect(texts(await c.say("mấy ngày thì có kết quả"))).toMatch(/^📄 Đăng ký khai sinh \(mã 1\.001193\)\n⏱ Thời hạn giải quyết: Trong ngày làm việc/);
    expect(texts(await c.say("nop o dau vay"))).toMatch(/^📄 Đăng ký khai sinh \(mã 1\.001193\)\n📍 Nơi nộp: UBND cấp xã/);
    expect(texts(await c.press("ask-postal"))).toMatch(/Bưu điện/);
    // A new question moves the conversation on.
    expect(texts(await c.say("xin giay doc than"))).toMatch(/Cấp Giấy xác nhận tình trạng hôn nhân \(mã 1\.004873\)/);
    expect(texts(await c.say("lệ phí?"))).toMatch(/^📄 Cấp Giấy xác nhận tình trạng hôn nhân \(mã 1\.004873\)\n💰 Lệ phí:/);
  });

  it("flags procedures whose facts are still being checked", async () => {
    const c = conversation();
    await c.say("menu");
    expect(texts(await c.say("trợ cấp hưu trí xã hội cho người già không có lương hưu"))).toMatch(/đang được cán bộ xác minh lại/);
  });

  it("offers close matches as buttons, and a press shows the chosen one", async () => {
    const c = conversation();
    await c.say("menu");
    const replies = await c.press("common");
    const choices = buttons(replies).filter((b) => b.data.startsWith("proc:"));
    expect(choices.length).toBeGreaterThanOrEqual(4);
    const chosen = choices.find((b) => b.data === "proc:2.000815")!;
    expect(texts(await c.press(chosen.data))).toMatch(/Chứng thực bản sao từ bản chính/);
  });

  it("says honestly when nothing fits, never answering a passport question with birth registration", async () => {
    const c = conversation();
    await c.say("menu");
    const replies = await c.say("làm hộ chiếu để đi Hàn Quốc");
    // out of scope: said so, with where to go instead
    expect(texts(replies)).toMatch(/chưa tìm thấy thủ tục cấp xã nào khớp|không giải quyết tại bộ phận một cửa của xã/);
    expect(texts(replies)).not.toMatch(/khai sinh \(mã/);
    expect(buttons(replies).length).toBeGreaterThan(0); // never a dead end
  });

  it("names, in its no-match text, only things that are indeed not done at the commune", async () => {
    const c = conversation();
    await c.say("menu");
    const none = texts(await c.say("qqq zzz xxy"));
    const named = none.match(/Một số việc như (.+) không làm tại xã/)?.[1];
    expect(named).toBeDefined();
    for (const thing of named!.split(", ")) expect(texts(await c.say(thing)), thing).toMatch(/không giải quyết tại bộ phận một cửa của xã, phường/);
  });

  it("reads a citizen's long story (over 500 characters) to the procedure it is about", async () => {
    const c = conversation();
    const story =
      "Chào anh chị, em tên là Lan, năm nay hai mươi sáu tuổi, quê ở huyện Cao Lãnh. Mấy năm trước em lên Bình Dương làm công nhân, rồi quen anh Minh làm chung xưởng. " +
      "Tụi em tính chuyện lâu dài nên tháng sau về quê làm đám cưới, hai bên gia đình đã đồng ý và coi ngày rồi. Ba má em dặn phải ra ủy ban xã làm giấy tờ cho đàng hoàng " +
      "thì sau này con cái mới khai sinh được. Em thì thường trú ở quê, còn anh Minh thường trú ở Long An. Em muốn hỏi tụi em đăng ký kết hôn cần chuẩn bị những giấy tờ gì, " +
      "nộp ở xã bên em hay xã bên anh ấy, có tốn tiền không và mất bao lâu thì có giấy. Em cảm ơn nhiều.";
    expect(story.length).toBeGreaterThan(500);
    // (not sure enough to answer outright: the procedures it is closest to, best first, as buttons)
    const replies = await c.say(story);
    expect(texts(replies)).toContain("Ông/bà muốn hỏi thủ tục nào?");
    expect(buttons(replies)[0]?.label).toMatch(/^Đăng ký kết hôn/);
  });

  it("handles what it cannot read, oversized input and floods politely", async () => {
    const c = conversation();
    await c.say("menu");
    expect(texts(await c.say("   "))).toMatch(/^Tin nhắn trống. Ông\/bà vui lòng gõ câu hỏi/);
    expect(texts(await c.say("a".repeat(1200)))).toMatch(/dài quá 1000 ký tự/);
    let last: Reply[] = [];
    for (let i = 0; i < 35; i += 1) last = await c.say("khai sinh");
    expect(texts(last)).toMatch(/gửi nhiều tin quá nhanh/);
  });

  it("answers thanks and goodbyes politely instead of searching the catalog for them", async () => {
    const c = conversation();
    await c.say("chào em");
    expect(texts(await c.say("Cảm ơn em nhiều nhé!"))).toMatch(/^Dạ, không có gì ạ/);
    expect(texts(await c.say("vâng ạ"))).toMatch(/^Dạ\. Ông\/bà cần hỏi thêm gì/);
    expect(texts(await c.say("tạm biệt"))).toMatch(/Chúc ông\/bà một ngày tốt lành/);
    expect(texts(await c.say("cam on"))).not.toMatch(/chưa tìm thấy thủ tục/);
  });

  it("asks for the dossier code when a citizen asks where their dossier is without one", async () => {
    const c = conversation();
    for (const question of ["hồ sơ của tôi đến đâu rồi", "tôi nộp hồ sơ khai sinh tuần trước giờ xong chưa", "ho so ket hon cua em co ket qua chua a"]) {
      const replies = texts(await c.say(question));
      expect(replies).toMatch(/gửi mã hồ sơ in trên Giấy tiếp nhận/);
      expect(replies).not.toMatch(/Giấy tờ cần nộp/);
    }
    // A question about the procedure itself still gets the procedure.
    expect(texts(await c.say("hồ sơ đăng ký kết hôn gồm những gì"))).toMatch(/Đăng ký kết hôn[\s\S]*Giấy tờ cần nộp/);
  });

  it("answers whether someone else may go, and that the household book is no longer needed", async () => {
    const c = conversation();
    // "làm hồ sơ" is not "làm hộ" (doing it for someone).
    const single = texts(await c.say("xin giấy xác nhận độc thân để làm hồ sơ vay vốn"));
    expect(single).toMatch(/Cấp Giấy xác nhận tình trạng hôn nhân \(mã 1\.004873\)\n📍 Nơi nộp[\s\S]*\n\nGiấy tờ cần nộp/);
    expect(single).not.toMatch(/Nhờ người khác/);
    await c.say("đăng ký kết hôn");
    const marriage = texts(await c.say("nhờ người khác đi nộp được không"));
    expect(marriage).toMatch(/^📄 Đăng ký kết hôn \(mã 1\.000894\)\n👥 Nhờ người khác làm thay:/);
    expect(marriage).toMatch(/Cả hai bên nam, nữ phải có mặt/);
    expect(texts(await c.say("có cần mang sổ hộ khẩu không"))).toMatch(/Từ ngày 01\/01\/2023, sổ hộ khẩu và sổ tạm trú bằng giấy không còn được sử dụng/);
    await c.say("khai sinh cho con");
    expect(texts(await c.say("ông bà nộp hộ được không"))).toMatch(/^📄 Đăng ký khai sinh \(mã 1\.001193\)\n👥 Nhờ người khác làm thay:\n• Cần văn bản ủy quyền/);
    // Registering a household is still the residence procedure.
    const household = await c.say("làm sổ hộ khẩu cho con");
    // the procedure itself, or among the close matches the search offers (with the joint under-6 one)
    expect([texts(household), ...buttons(household).map((b) => b.label)].join("\n")).toMatch(/Đăng ký thường trú/);
    expect(texts(household)).not.toMatch(/sổ hộ khẩu và sổ tạm trú bằng giấy không còn/);
  });

  it("refuses a malformed request", async () => {
    const none = await fetch(`${t.baseUrl}/api/v1/chat`, { method: "POST", headers: { "content-type": "application/json", "x-forwarded-for": randomIp() }, body: JSON.stringify({}) });
    expect(none.status).toBe(400);
    const both = await conversation().post({ text: "a", button: "menu" });
    expect(both.status).toBe(400);
  });

  it("names the conversation itself, in a signed HttpOnly cookie: a conversationId in the body chooses nothing", async () => {
    const ip = randomIp();
    const raw = (body: unknown, cookie?: string) =>
      fetch(`${t.baseUrl}/api/v1/chat`, { method: "POST", headers: { "content-type": "application/json", "x-forwarded-for": ip, ...(cookie ? { cookie } : {}) }, body: JSON.stringify(body) });
    const first = await raw({ conversationId: "victim-conversation-1", text: "H15.50.05.13-261101-0042" });
    const set = first.headers.getSetCookie().find((c) => c.startsWith("motcua_chat="))!;
    expect(set).toMatch(/HttpOnly/i);
    expect(set).toMatch(/SameSite=Lax/i);
    expect(set).toMatch(/Path=\/api\/v1\/chat/);
    expect(texts(((await first.json()) as { replies: Reply[] }).replies)).toMatch(/4 số cuối/);
    // The same body id without the cookie: another conversation (it is not waiting for a proof).
    const second = await raw({ conversationId: "victim-conversation-1", text: "1234" });
    expect(second.headers.getSetCookie().find((c) => c.startsWith("motcua_chat="))).not.toBe(set);
    expect(texts(((await second.json()) as { replies: Reply[] }).replies)).not.toMatch(/chưa khớp/);
    // With the cookie: the same conversation.
    const cookie = set.split(";")[0]!;
    const third = await raw({ text: "1234" }, cookie);
    expect(texts(((await third.json()) as { replies: Reply[] }).replies)).toMatch(/chưa khớp/);
    expect(third.headers.getSetCookie()).toEqual([]);
    // A forged cookie (an id of one's choosing, or a tampered signature) is replaced by a new conversation.
    const value = decodeURIComponent(cookie.slice("motcua_chat=".length));
    const forgedId = `motcua_chat=${encodeURIComponent(`victim-conversation-1.${value.split(".").at(-1)}`)}`;
    for (const forged of [forgedId, "motcua_chat=victim-conversation-1", `${cookie.slice(0, -2)}xx`]) {
      const res = await raw({ text: "1234" }, forged);
      expect(res.headers.getSetCookie().find((c) => c.startsWith("motcua_chat="))).toBeDefined();
      expect(texts(((await res.json()) as { replies: Reply[] }).replies)).not.toMatch(/chưa khớp/);
    }
  });
});

describe("a request Fastify itself refuses", () => {
  it("is answered in Vietnamese, Fastify's own words in brackets (the chat page shows the message)", async () => {
    const post = (body: string, type = "application/json") => fetch(`${t.baseUrl}/api/v1/chat`, { method: "POST", headers: { "content-type": type }, body });
    const unreadable = await post("text=xin", "text/csv");
    expect(unreadable.status).toBe(415);
    expect(((await unreadable.json()) as { error: { code: string; message: string } }).error).toMatchObject({ code: "VALIDATION_FAILED", message: expect.stringMatching(/^Kiểu nội dung không được hỗ trợ; hãy gửi application\/json \(.+\)$/) });
    const huge = await post(JSON.stringify({ text: "a".repeat(6 * 1024 * 1024) }));
    expect(huge.status).toBe(413);
    expect(((await huge.json()) as { error: { message: string } }).error.message).toMatch(/^Nội dung gửi lên quá lớn \(.+\)$/);
  });
});

describe("the web chat's rate limit", () => {
  let limited: TestApp;
  beforeAll(async () => {
    limited = await startTestApp({ WEB_CHAT_RATE_LIMIT: "5" });
  });
  afterAll(() => limited.close());

  it("answers 429 with Retry-After past the limit for one address, and serves other addresses", async () => {
    const user = webChatUser(limited.baseUrl);
    for (let i = 0; i < 5; i += 1) expect((await user.post({ text: "xin chào" })).status).toBe(200);
    const refused = await user.post({ text: "xin chào" });
    expect(refused.status).toBe(429);
    expect(Number(refused.headers.get("retry-after"))).toBeGreaterThan(0);
    expect(refused.body.error?.code).toBe("RATE_LIMITED");
    // the page shows it in the chat: the citizen's language only, no English tail
    expect(refused.body.error?.message).toMatch(/^Ông\/bà gửi quá nhiều tin trong một phút\. Vui lòng thử lại sau \d+ giây\.$/);
    // A new cookie does not help; another address is served.
    expect((await webChatUser(limited.baseUrl, { ip: user.ip }).post({ text: "xin chào" })).status).toBe(429);
    expect((await webChatUser(limited.baseUrl).post({ text: "xin chào" })).status).toBe(200);
  });
});

describe("behind a proxy (TRUST_PROXY=true)", () => {
  let proxied: TestApp;
  beforeAll(async () => {
    proxied = await startTestApp({ TRUST_PROXY: "true", WEB_CHAT_RATE_LIMIT: "3" });
  });
  afterAll(() => proxied.close());

  it("counts the address the proxy saw, not a first X-Forwarded-For entry the client wrote", async () => {
    // The proxy appends the peer it saw (10.9.9.9); the client wrote a new address before it each time.
    const send = (i: number) =>
      fetch(`${proxied.baseUrl}/api/v1/chat`, {
        method: "POST",
        headers: { "content-type": "application/json", "x-forwarded-for": `198.51.100.${i}, 10.9.9.9` },
        body: JSON.stringify({ text: "xin chào" }),
      });
    const statuses: number[] = [];
    for (let i = 1; i <= 5; i += 1) statuses.push((await send(i)).status);
    expect(statuses).toEqual([200, 200, 200, 429, 429]);
  });
});
