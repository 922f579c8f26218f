/**
 * The web chat: a page at /chat served by the service itself, talking to the same engine through
 * POST /api/v1/chat, so the bot can be tried with no account anywhere.
 *
 * The server names the conversation: a random id in a signed, HttpOnly cookie (`motcua_chat`,
 * SameSite=Lax, path /api/v1/chat) issued on the first request and on any request whose cookie
 * is missing or fails its signature. A `conversationId` in the body (older pages sent one) is
 * accepted and ignored. Requests are limited per client IP address in Redis (429 with
 * Retry-After), and the IP goes to the engine, which counts wrong look-up proofs per address.
 */
import { randomBytes } from "node:crypto";
import fastifyCookie from "@fastify/cookie";
import fastifyRateLimit from "@fastify/rate-limit";
import type { FastifyInstance, FastifyReply, FastifyRequest } from "fastify";
import type { Redis } from "ioredis";
import { z } from "zod";
import { AppError } from "../../src/errors.js";
import { parseOrThrow } from "../../src/http/errors.js";
import type { ConversationEngine } from "../engine/engine.js";
import { MAX_INPUT_LENGTH } from "../engine/engine.js";
import { botText } from "../messages/vi.js";
import { clientKey } from "../../src/http/client-address.js";
import { sendPage } from "../../src/web/pages.js";

export const CHAT_COOKIE = "motcua_chat";
const COOKIE_MAX_AGE_SECONDS = 7 * 24 * 3600;

const chatRequest = z
  .object({
    /** Ignored: the conversation is the one the server's cookie names. */
    conversationId: z.unknown().optional(),
    // Said in Vietnamese, as every refusal of this route (zod's own words are English).
    text: z.string({ message: "tin nhắn phải là chữ (text must be a string)" }).max(MAX_INPUT_LENGTH * 4, "tin nhắn quá dài").optional(),
    button: z.string({ message: "nút bấm không hợp lệ (button must be a string)" }).max(100, "nút bấm không hợp lệ (button must be at most 100 characters)").optional(),
  })
  .refine((b) => (b.text !== undefined) !== (b.button !== undefined), { message: "gửi text hoặc button (một trong hai)", path: ["text"] });

export interface WebChatOptions {
  /** Signs the conversation cookie (WEB_CHAT_SECRET). */
  secret: string;
  /** Where the per-IP request counts live. */
  redis: Redis;
  /** Redis key prefix (QUEUE_PREFIX). */
  prefix: string;
  /** Requests per client IP per minute (WEB_CHAT_RATE_LIMIT). */
  perMinute: number;
  /** Send the cookie over HTTPS only (when PUBLIC_BASE_URL is https). */
  secureCookie: boolean;
}

/** The conversation the request's cookie names, or a new one (its cookie set on the reply). */
function conversationOf(request: FastifyRequest, reply: FastifyReply, options: WebChatOptions): string {
  const raw = request.cookies[CHAT_COOKIE];
  if (raw) {
    const unsigned = fastifyCookie.unsign(raw, options.secret);
    if (unsigned.valid && unsigned.value && /^[A-Za-z0-9_-]{22,64}$/.test(unsigned.value)) return unsigned.value;
  }
  const id = `w${randomBytes(16).toString("base64url")}`;
  reply.setCookie(CHAT_COOKIE, fastifyCookie.sign(id, options.secret), { httpOnly: true, sameSite: "lax", path: "/api/v1/chat", secure: options.secureCookie, maxAge: COOKIE_MAX_AGE_SECONDS });
  return id;
}

export async function registerWebChat(app: FastifyInstance, engine: ConversationEngine, options: WebChatOptions): Promise<void> {
  await app.register(async (scope) => {
    // The HTTP server registers @fastify/cookie once for every route (the staff console's session
    // cookie too); the conversation cookie is signed here with the chat's own secret.
    if (!scope.hasPlugin("@fastify/cookie")) await scope.register(fastifyCookie);
    await scope.register(fastifyRateLimit, {
      global: false,
      redis: options.redis,
      nameSpace: `${options.prefix}:chat-rate:`,
      keyGenerator: (request) => clientKey(request.ip),
      errorResponseBuilder: (_request, context) =>
        new AppError("RATE_LIMITED", botText.webChatRateLimited(Math.ceil(context.ttl / 1000))),
    });
    // the page (web/views/web-chat.njk, its script and styles built into public/assets)
    scope.get("/chat", async (_request, reply) => sendPage(reply, "web-chat", {}));
    scope.post("/api/v1/chat", { config: { rateLimit: { max: options.perMinute, timeWindow: 60_000 } } }, async (request, reply) => {
      const body = parseOrThrow(chatRequest, request.body ?? {}, "body");
      const id = conversationOf(request, reply, options);
      const message =
        body.button !== undefined
          ? { kind: "button" as const, data: body.button }
          : body.text!.trim() === ""
            ? { kind: "unsupported" as const, what: "empty" as const }
            : { kind: "text" as const, text: body.text!.trim() };
      const replies = await engine.handle({ conversation: { channel: "WEB", id }, message, client: { ip: clientKey(request.ip) } });
      return { replies };
    });
  });
}
