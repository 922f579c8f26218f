import { assetUrl, FAVICON } from "../../src/web/pages.js";

let page: string | undefined;
/** The web chat page: plain HTML and a little JavaScript, no build step (its icon is the pages' one, built with them). */
export function webChatPage(): string {
  page ??= html(assetUrl(FAVICON));
  return page;
}

const html = (icon: string) => `<!doctype html>
<html lang="vi">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>Trợ lý thủ tục một cửa</title>
<link rel="icon" type="image/svg+xml" href="${icon}">
<style>
  :root { --blue: #0b5cab; --bg: #f4f6f9; }
  * { box-sizing: border-box; }
  body { margin: 0; font: 16px/1.45 system-ui, "Segoe UI", Roboto, Arial, sans-serif; background: var(--bg); color: #1d2733; }
  header { background: var(--blue); color: #fff; padding: 12px 16px; font-weight: 600; }
  header h1 { font-size: inherit; margin: 0; }
  header small { display: block; font-weight: 400; opacity: .85; }
  #log { max-width: 760px; margin: 0 auto; padding: 16px 12px 120px; }
  .msg { white-space: pre-wrap; padding: 10px 12px; border-radius: 12px; margin: 8px 0; max-width: 88%; }
  .bot { background: #fff; border: 1px solid #dde3ea; }
  .me { background: var(--blue); color: #fff; margin-left: auto; }
  .bot a { color: var(--blue); word-break: break-all; }
  .buttons { display: flex; flex-wrap: wrap; gap: 6px; margin: -2px 0 10px; }
  .buttons button { border: 1px solid var(--blue); color: var(--blue); background: #fff; border-radius: 16px; padding: 6px 12px; font: inherit; cursor: pointer; }
  .buttons button:hover { background: #e8f0fb; }
  form { position: fixed; bottom: 0; left: 0; right: 0; background: #fff; border-top: 1px solid #dde3ea; padding: 10px; display: flex; gap: 8px; justify-content: center; }
  input { flex: 1; max-width: 640px; font: inherit; padding: 10px 12px; border: 1px solid #b8c3cf; border-radius: 20px; }
  form button { font: inherit; padding: 10px 18px; border: 0; border-radius: 20px; background: var(--blue); color: #fff; cursor: pointer; }
</style>
</head>
<body>
<header><h1>Trợ lý thủ tục hành chính một cửa</h1><small>Hỏi giấy tờ cần chuẩn bị, lệ phí, thời hạn, nơi nộp</small></header>
<main id="log" aria-live="polite"></main>
<form id="f" autocomplete="off" aria-label="Gửi câu hỏi">
  <input id="q" name="q" maxlength="500" placeholder="Nhập câu hỏi, ví dụ: làm giấy khai sinh cho con cần gì" aria-label="Câu hỏi">
  <button type="submit">Gửi</button>
</form>
<script>
(() => {
  const log = document.getElementById("log");
  const input = document.getElementById("q");
  // Addresses in the bot's answers (the commune's announcements page) become links; everything else stays text.
  const fill = (d, text) => {
    for (const part of text.split(/(https?:\\/\\/[^\\s]+)/)) {
      if (/^https?:\\/\\//.test(part)) { const a = document.createElement("a"); a.href = part; a.textContent = part; a.rel = "noopener"; d.appendChild(a); }
      else if (part) d.appendChild(document.createTextNode(part));
    }
  };
  const add = (text, who, scroll = true) => { const d = document.createElement("div"); d.className = "msg " + who; if (who === "bot") fill(d, text); else d.textContent = text; log.appendChild(d); if (scroll) d.scrollIntoView({ block: "end" }); return d; };
  const render = (replies) => {
    let first = null;
    for (const r of replies) {
      const d = add(r.text, "bot", false);
      // where the answer starts: a procedure's name ("📄 …"), or else the first reply
      if (!first || (r.text.startsWith("📄") && !first.textContent.startsWith("📄"))) first = d;
      if (r.buttons && r.buttons.length) {
        const row = document.createElement("div"); row.className = "buttons";
        for (const b of r.buttons.flat()) {
          const btn = document.createElement("button"); btn.type = "button"; btn.textContent = b.label;
          btn.addEventListener("click", () => { add(b.label, "me"); send({ button: b.data }); });
          row.appendChild(btn);
        }
        log.appendChild(row);
      }
    }
    // An answer taller than the screen is shown from its start (the procedure's name), not its end.
    const room = window.innerHeight - document.getElementById("f").offsetHeight;
    const below = first ? document.body.scrollHeight - (first.getBoundingClientRect().top + window.scrollY) : 0;
    if (first && below > room) first.scrollIntoView({ block: "start" });
    else window.scrollTo(0, document.body.scrollHeight);
  };
  const send = async (payload) => {
    try {
      // The server names the conversation in its own HttpOnly cookie, sent back with every request.
      const res = await fetch("/api/v1/chat", { method: "POST", credentials: "same-origin", headers: { "content-type": "application/json" }, body: JSON.stringify(payload) });
      const body = await res.json();
      if (!res.ok) return add((body.error && body.error.message) || "Có lỗi, vui lòng thử lại.", "bot");
      render(body.replies);
    } catch { add("Không kết nối được máy chủ. Vui lòng thử lại.", "bot"); }
  };
  document.getElementById("f").addEventListener("submit", (e) => {
    e.preventDefault();
    const text = input.value.trim(); if (!text) return;
    add(text, "me"); input.value = ""; send({ text });
  });
  send({ text: "xin chào" });
})();
</script>
</body>
</html>`;
