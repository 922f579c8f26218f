/**
 * Fake Telegram Bot API: POST /bot<token>/<method> with JSON (or form) bodies, answers
 * {"ok":true,"result":…} or {"ok":false,"error_code":…,"description":…,"parameters":{"retry_after":…}}.
 * getUpdates long-polls (held open until an update is pushed or its timeout passes).
 */
import type { ServerResponse } from "node:http";
import { FakeServer, type Fault, type Recorded, type Reply } from "./fake-server.js";

export interface TelegramSent {
  at: number;
  method: string;
  chatId: string;
  text?: string;
  payload: Record<string, unknown>;
}

interface Waiter {
  offset: number;
  resolve: (updates: unknown[]) => void;
  timer: NodeJS.Timeout;
}

export class TelegramFake extends FakeServer {
  readonly token: string;
  readonly sent: TelegramSent[] = [];
  /** Chats that blocked the bot (403). */
  readonly blocked = new Set<string>();
  private readonly updates: { update_id: number; [k: string]: unknown }[] = [];
  private nextUpdateId = 1;
  private nextMessageId = 1000;
  private waiters: Waiter[] = [];
  webhook: { url: string; secret_token?: string } | null = null;
  readonly botInfo = { id: 777000111, is_bot: true, first_name: "Một cửa", username: "motcua_test_bot", can_join_groups: false, can_read_all_group_messages: false, supports_inline_queries: false };

  constructor(token = "123456789:AAFakeTokenForTestsOnly_abcdefghijk") {
    super();
    this.token = token;
  }

  env(): Record<string, string> {
    return { TELEGRAM_BOT_TOKEN: this.token, TELEGRAM_API_ROOT: this.url };
  }

  /** Queue an update for getUpdates (or post it to the webhook when one is set). */
  async pushUpdate(update: Record<string, unknown>): Promise<number> {
    const full = { update_id: this.nextUpdateId++, ...update };
    if (this.webhook) {
      await fetch(this.webhook.url, {
        method: "POST",
        headers: { "content-type": "application/json", ...(this.webhook.secret_token ? { "x-telegram-bot-api-secret-token": this.webhook.secret_token } : {}) },
        body: JSON.stringify(full),
      });
      return full.update_id;
    }
    this.updates.push(full);
    this.flushWaiters();
    return full.update_id;
  }

  protected faultReply(fault: Exclude<Fault, { kind: "timeout" }>): Reply {
    switch (fault.kind) {
      case "http":
        return { status: fault.status, body: fault.body ?? { ok: false, error_code: fault.status, description: "Internal Server Error" } };
      case "rate-limit":
        return { status: 429, body: { ok: false, error_code: 429, description: `Too Many Requests: retry after ${fault.retryAfter}`, parameters: { retry_after: fault.retryAfter } } };
      case "error": {
        const code = Number(fault.code);
        return { status: code, body: { ok: false, error_code: code, description: fault.message ?? (code === 403 ? "Forbidden: bot was blocked by the user" : "Bad Request") } };
      }
    }
  }

  protected override faultable(req: Recorded): boolean {
    return !/\/(getUpdates|getMe|deleteWebhook|setWebhook)$/.test(req.path);
  }

  protected async handle(req: Recorded, res: ServerResponse): Promise<Reply | null> {
    const match = req.path.split("?")[0]!.match(/^\/bot([^/]+)\/(\w+)$/);
    if (!match) return { status: 404, body: { ok: false, error_code: 404, description: "Not Found" } };
    const [, token, method] = match;
    if (token !== this.token) return { status: 401, body: { ok: false, error_code: 401, description: "Unauthorized" } };
    const p = (typeof req.body === "object" && req.body ? req.body : {}) as Record<string, unknown>;
    const ok = (result: unknown): Reply => ({ status: 200, body: { ok: true, result } });
    switch (method) {
      case "getMe":
        return ok(this.botInfo);
      case "deleteWebhook":
        this.webhook = null;
        return ok(true);
      case "setWebhook":
        this.webhook = { url: String(p.url), ...(p.secret_token ? { secret_token: String(p.secret_token) } : {}) };
        return ok(true);
      case "getUpdates":
        return this.getUpdates(p, res);
      case "sendMessage":
      case "sendPhoto":
      case "sendDocument": {
        const chatId = String(p.chat_id ?? "");
        if (!chatId) return { status: 400, body: { ok: false, error_code: 400, description: "Bad Request: chat_id is empty" } };
        if (this.blocked.has(chatId)) return { status: 403, body: { ok: false, error_code: 403, description: "Forbidden: bot was blocked by the user" } };
        if (method === "sendMessage" && (typeof p.text !== "string" || p.text.length === 0)) return { status: 400, body: { ok: false, error_code: 400, description: "Bad Request: message text is empty" } };
        if (typeof p.text === "string" && p.text.length > 4096) return { status: 400, body: { ok: false, error_code: 400, description: "Bad Request: message is too long" } };
        const messageId = this.nextMessageId++;
        this.sent.push({ at: Date.now(), method, chatId, ...(typeof p.text === "string" ? { text: p.text } : {}), payload: p });
        return ok({ message_id: messageId, date: Math.floor(Date.now() / 1000), chat: { id: Number(chatId), type: "private" }, text: p.text });
      }
      case "editMessageText":
      case "editMessageReplyMarkup": {
        this.sent.push({ at: Date.now(), method, chatId: String(p.chat_id ?? ""), ...(typeof p.text === "string" ? { text: p.text } : {}), payload: p });
        return ok({ message_id: Number(p.message_id ?? 0), date: Math.floor(Date.now() / 1000), chat: { id: Number(p.chat_id ?? 0), type: "private" }, text: p.text });
      }
      case "answerCallbackQuery":
      case "sendChatAction":
      case "setMyCommands":
        return ok(true);
      default:
        return { status: 404, body: { ok: false, error_code: 404, description: `Not Found: method ${method} is not in this fake` } };
    }
  }

  private getUpdates(p: Record<string, unknown>, res: ServerResponse): Reply | null {
    const offset = Number(p.offset ?? 0);
    this.dropConfirmed(offset);
    const ready = this.updates.filter((u) => u.update_id >= offset);
    if (ready.length) return { status: 200, body: { ok: true, result: ready } };
    const timeoutMs = Math.min(Number(p.timeout ?? 0), 50) * 1000;
    if (timeoutMs === 0) return { status: 200, body: { ok: true, result: [] } };
    const waiter: Waiter = {
      offset,
      resolve: (updates) => {
        if (!res.writableEnded && !res.destroyed) {
          res.writeHead(200, { "content-type": "application/json" });
          res.end(JSON.stringify({ ok: true, result: updates }));
        }
      },
      timer: setTimeout(() => {
        this.waiters = this.waiters.filter((w) => w !== waiter);
        waiter.resolve([]);
      }, timeoutMs),
    };
    res.on("close", () => {
      clearTimeout(waiter.timer);
      this.waiters = this.waiters.filter((w) => w !== waiter);
    });
    this.waiters.push(waiter);
    return null;
  }

  private dropConfirmed(offset: number): void {
    while (this.updates.length && this.updates[0]!.update_id < offset) this.updates.shift();
  }

  private flushWaiters(): void {
    for (const w of this.waiters.splice(0)) {
      clearTimeout(w.timer);
      w.resolve(this.updates.filter((u) => u.update_id >= w.offset));
    }
  }

  override async stop(): Promise<void> {
    for (const w of this.waiters.splice(0)) clearTimeout(w.timer);
    await super.stop();
  }
}
