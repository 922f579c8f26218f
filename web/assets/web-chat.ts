/**
 * The citizens' web chat (web/views/web-chat.njk): sends each question or button press to
 * /api/v1/chat and shows the bot's replies as text (only web addresses become links).
 */

interface Button {
  label: string;
  data: string;
}
interface Reply {
  text: string;
  buttons?: Button[][];
}
type Payload = { text: string } | { button: string };

function start(): void {
  const log = document.getElementById("log")!;
  const form = document.getElementById("f") as HTMLFormElement;
  const input = document.getElementById("q") as HTMLInputElement;

  // Addresses in the bot's answers (the commune's announcements page) become links; everything else stays text.
  const fill = (d: HTMLElement, text: string): void => {
    for (const part of text.split(/(https?:\/\/[^\s]+)/)) {
      if (/^https?:\/\//.test(part)) {
        const a = document.createElement("a");
        a.href = part;
        a.textContent = part;
        a.rel = "noopener";
        d.appendChild(a);
      } else if (part) d.appendChild(document.createTextNode(part));
    }
  };
  const add = (text: string, who: "bot" | "me", scroll = true): HTMLDivElement => {
    const d = document.createElement("div");
    d.className = `msg ${who}`;
    if (who === "bot") fill(d, text);
    else d.textContent = text;
    log.appendChild(d);
    if (scroll) d.scrollIntoView({ block: "end" });
    return d;
  };
  const render = (replies: readonly Reply[]): void => {
    let first: HTMLDivElement | null = null;
    for (const r of replies) {
      const d = add(r.text, "bot", false);
      // where the answer starts: a procedure's name ("📄 …"), or else the first reply
      if (!first || (r.text.startsWith("📄") && !(first.textContent ?? "").startsWith("📄"))) first = d;
      if (r.buttons && r.buttons.length) {
        const row = document.createElement("div");
        row.className = "buttons";
        for (const b of r.buttons.flat()) {
          const btn = document.createElement("button");
          btn.type = "button";
          btn.textContent = b.label;
          btn.addEventListener("click", () => {
            add(b.label, "me");
            void send({ button: b.data });
          });
          row.appendChild(btn);
        }
        log.appendChild(row);
      }
    }
    // An answer taller than the screen is shown from its start (the procedure's name), not its end.
    const room = window.innerHeight - form.offsetHeight;
    const below = first ? document.body.scrollHeight - (first.getBoundingClientRect().top + window.scrollY) : 0;
    if (first && below > room) first.scrollIntoView({ block: "start" });
    else window.scrollTo(0, document.body.scrollHeight);
  };
  const send = async (payload: Payload): Promise<void> => {
    try {
      // The server names the conversation in its own HttpOnly cookie, sent back with every request.
      const res = await fetch("/api/v1/chat", { method: "POST", credentials: "same-origin", headers: { "content-type": "application/json" }, body: JSON.stringify(payload) });
      const body = (await res.json()) as { replies?: Reply[]; error?: { message?: string } };
      if (!res.ok || !body.replies) {
        add(body.error?.message || "Có lỗi, vui lòng thử lại.", "bot");
        return;
      }
      render(body.replies);
    } catch {
      add("Không kết nối được máy chủ. Vui lòng thử lại.", "bot");
    }
  };
  form.addEventListener("submit", (e) => {
    e.preventDefault();
    const text = input.value.trim();
    if (!text) return;
    add(text, "me");
    input.value = "";
    void send({ text });
  });
  void send({ text: "xin chào" });
}

document.addEventListener("DOMContentLoaded", start);
