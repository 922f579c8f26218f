/**
 * The web chat: a page at /chat served by the service itself, talking to the same engine through
 * POST /api/v1/chat, so the bot can be tried with no account anywhere.
 */
import type { FastifyInstance } from "fastify";
import { z } from "zod";
import { parseOrThrow } from "../../src/http/errors.js";
import type { ConversationEngine } from "../engine/engine.js";
import { MAX_INPUT_LENGTH } from "../engine/engine.js";
import { webChatPage } from "./web-chat-page.js";

const chatRequest = z
  .object({
    conversationId: z.string({ message: "conversationId là bắt buộc" }).regex(/^[A-Za-z0-9_-]{8,64}$/, "8–64 ký tự chữ, số, _ hoặc -"),
    text: z.string().max(MAX_INPUT_LENGTH * 4, "tin nhắn quá dài").optional(),
    button: z.string().max(100).optional(),
  })
  .refine((b) => (b.text !== undefined) !== (b.button !== undefined), { message: "gửi text hoặc button (một trong hai)", path: ["text"] });

export function registerWebChat(app: FastifyInstance, engine: ConversationEngine): void {
  app.get("/chat", async (_request, reply) => reply.type("text/html; charset=utf-8").send(webChatPage));
  app.post("/api/v1/chat", async (request) => {
    const body = parseOrThrow(chatRequest, request.body ?? {}, "body");
    const message =
      body.button !== undefined
        ? { kind: "button" as const, data: body.button }
        : body.text!.trim() === ""
          ? { kind: "unsupported" as const, what: "other" as const }
          : { kind: "text" as const, text: body.text!.trim() };
    const replies = await engine.handle({ conversation: { channel: "WEB", id: body.conversationId }, message });
    return { replies };
  });
}
