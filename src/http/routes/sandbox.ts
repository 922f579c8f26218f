import type { FastifyInstance } from "fastify";
import { z } from "zod";
import { toE164 } from "../../dossiers/event-schema.js";
import type { Db } from "../../db/client.js";
import { parseOrThrow } from "../errors.js";

const query = z.object({
  channel: z.enum(["TELEGRAM", "ZALO_OA", "ZNS", "SMS"], { message: "channel là TELEGRAM, ZALO_OA, ZNS hoặc SMS" }).optional(),
  recipient: z.string().trim().min(1).max(64).optional(),
  limit: z.coerce.number().int().min(1).max(500).default(50),
});

/**
 * What the sandbox "sent" in place of providers without credentials, newest first. Open on a
 * development machine; in production (NODE_ENV=production) the guard lets in only ADMIN keys
 * (action "sandbox:read").
 */
export function registerSandboxRoutes(app: FastifyInstance, db: Db): void {
  app.get("/api/v1/sandbox/messages", async (request) => {
    const q = parseOrThrow(query, request.query, "query");
    const rows = await db.sandboxMessage.findMany({
      // A phone in any common form (0912…, 84912…, +84912…) finds the messages to it (stored in E.164).
      where: { ...(q.channel ? { channel: q.channel } : {}), ...(q.recipient ? { recipient: toE164(q.recipient) ?? q.recipient } : {}) },
      orderBy: { createdAt: "desc" },
      take: q.limit,
    });
    return { messages: rows.map((m) => ({ id: m.id, channel: m.channel, recipient: m.recipient, text: m.text, template: m.payload, noticeId: m.noticeId, createdAt: m.createdAt })) };
  });
}
