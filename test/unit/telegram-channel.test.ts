/**
 * The Telegram channel's own Bot API client (sendMessage over node:http): what it sends, and how
 * each kind of answer is read — above all whether the message may have been sent (a cut or
 * unreadable answer) or surely was not (no connection was made).
 */
import http from "node:http";
import type { AddressInfo } from "node:net";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { ChannelError } from "../../src/channels/channel.js";
import { TelegramChannel } from "../../src/channels/telegram-channel.js";

const token = "123456:AAtokenWithAColon";
let reply: (res: http.ServerResponse) => void = () => undefined;
const seen: { url: string; body: string; type: string | undefined }[] = [];
const server = http.createServer((req, res) => {
  let body = "";
  req.on("data", (c) => (body += String(c)));
  req.on("end", () => {
    seen.push({ url: req.url ?? "", body, type: req.headers["content-type"] });
    reply(res);
  });
});
let root = "";

beforeAll(async () => {
  await new Promise<void>((r) => server.listen(0, "127.0.0.1", r));
  root = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
});
afterAll(async () => {
  server.closeAllConnections();
  await new Promise((r) => server.close(r));
});

const json = (status: number, body: unknown) => (res: http.ServerResponse) => res.writeHead(status, { "content-type": "application/json" }).end(JSON.stringify(body));
const failure = (promise: Promise<unknown>) => promise.then(() => expect.unreachable("the send succeeded"), (e: ChannelError) => e);
const message = { noticeId: "n1", recipient: "5550001", text: "Hồ sơ đã được tiếp nhận." };

describe("TelegramChannel", () => {
  it("posts sendMessage as JSON to /bot<token>/ and answers the message id, delivered", async () => {
    reply = json(200, { ok: true, result: { message_id: 4242, chat: { id: 5550001 } } });
    const channel = new TelegramChannel({ token, apiRoot: root });
    expect(await channel.send(message)).toEqual({ providerMessageId: "4242", delivered: true });
    const request = seen.at(-1)!;
    expect(request.url).toBe(`/bot${token}/sendMessage`);
    expect(request.type).toBe("application/json");
    expect(JSON.parse(request.body)).toEqual({ chat_id: "5550001", text: "Hồ sơ đã được tiếp nhận.", link_preview_options: { is_disabled: true } });
  });

  it("cuts a text over 4,096 units between characters, never inside an emoji's pair", async () => {
    reply = json(200, { ok: true, result: { message_id: 1 } });
    const channel = new TelegramChannel({ token, apiRoot: root });
    await channel.send({ ...message, text: `${"x".repeat(4095)}😀 and more` });
    const sent = JSON.parse(seen.at(-1)!.body).text as string;
    expect(sent).toBe("x".repeat(4095));
  });

  it("reads the Bot API's refusals: 403 falls back, 429 retries after retry_after; nothing was sent", async () => {
    const channel = new TelegramChannel({ token, apiRoot: `${root}/` });
    reply = json(403, { ok: false, error_code: 403, description: "Forbidden: bot was blocked by the user" });
    expect(await failure(channel.send(message))).toMatchObject({ failure: "fallback", providerCode: "403", maybeSent: false });
    reply = json(429, { ok: false, error_code: 429, description: "Too Many Requests: retry after 7", parameters: { retry_after: 7 } });
    expect(await failure(channel.send(message))).toMatchObject({ failure: "retry", retryAfterMs: 7000, maybeSent: false });
  });

  it("treats an answer that is not the Bot API's, a time-out and a cut connection as maybe sent", async () => {
    const channel = new TelegramChannel({ token, apiRoot: root, timeoutMs: 300 });
    reply = (res) => res.writeHead(502, { "content-type": "text/html" }).end("<html>Bad Gateway</html>");
    expect(await failure(channel.send(message))).toMatchObject({ failure: "retry", maybeSent: true });
    reply = () => undefined; // never answered
    expect(await failure(channel.send(message))).toMatchObject({ failure: "retry", providerCode: "ETIMEDOUT", maybeSent: true });
    reply = (res) => res.socket?.destroy();
    expect(await failure(channel.send(message))).toMatchObject({ failure: "retry", maybeSent: true });
  });

  it("reads no more than 1 MB of an answer: a longer one, even ending as the Bot API's, is maybe sent and not held in memory", async () => {
    const channel = new TelegramChannel({ token, apiRoot: root, timeoutMs: 60_000 });
    const padding = Buffer.alloc(64 * 1024, 0x20);
    // 4 MB of blanks and then a valid answer: JSON.parse would read it as sent.
    reply = (res) => {
      res.writeHead(200, { "content-type": "application/json" });
      let left = 64;
      const write = () => {
        while (left > 0 && !res.destroyed) {
          left -= 1;
          if (!res.write(padding)) return void res.once("drain", write);
        }
        if (!res.destroyed) res.end(JSON.stringify({ ok: true, result: { message_id: 99 } }));
      };
      write();
    };
    expect(await failure(channel.send(message))).toMatchObject({ failure: "retry", providerCode: "EBADANSWER", maybeSent: true });
    // A stream that never ends is cut at the bound, not read until the time-out.
    reply = (res) => {
      res.writeHead(200, { "content-type": "application/json" });
      const write = () => {
        while (!res.destroyed) if (!res.write(padding)) return void res.once("drain", write);
      };
      write();
    };
    expect(await failure(channel.send(message))).toMatchObject({ failure: "retry", providerCode: "EBADANSWER", maybeSent: true });
  }, 30_000);

  it("does not count {ok:true} without a message id (null, missing, a string, zero) as sent: maybe sent, never resent", async () => {
    const channel = new TelegramChannel({ token, apiRoot: root });
    for (const result of [{ message_id: null }, {}, null, { message_id: "77" }, { message_id: 0 }, { message_id: 1.5 }]) {
      reply = json(200, { ok: true, result });
      expect(await failure(channel.send(message))).toMatchObject({ failure: "retry", providerCode: "EBADANSWER", maybeSent: true });
    }
    // An answer that says ok and also carries an error code is not a refusal to believe.
    reply = json(200, { ok: true, result: { message_id: null }, error_code: 403, description: "Forbidden" });
    expect(await failure(channel.send(message))).toMatchObject({ providerCode: "EBADANSWER", maybeSent: true });
  });

  it("reads a 429's retry_after as a wait from 1 s to an hour, whatever the answer says", async () => {
    const channel = new TelegramChannel({ token, apiRoot: root });
    for (const [retryAfter, ms] of [[1e9, 3_600_000], [-5, 1000], ["soon", 1000], [null, 1000], [2.5, 2500]] as const) {
      reply = json(429, { ok: false, error_code: 429, description: "Too Many Requests", parameters: { retry_after: retryAfter } });
      expect(await failure(channel.send(message))).toMatchObject({ failure: "retry", retryAfterMs: ms, maybeSent: false });
    }
  });

  it("knows a refused connection never reached Telegram", async () => {
    const closed = http.createServer();
    await new Promise<void>((r) => closed.listen(0, "127.0.0.1", r));
    const port = (closed.address() as AddressInfo).port;
    await new Promise((r) => closed.close(r));
    const channel = new TelegramChannel({ token, apiRoot: `http://127.0.0.1:${port}` });
    expect(await failure(channel.send(message))).toMatchObject({ failure: "retry", providerCode: "ECONNREFUSED", maybeSent: false });
  });
});
