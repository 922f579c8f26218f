/**
 * The console's Telegram page, /staff/telegram: a signed-in member links their own Telegram chat
 * to get the overdue watch's morning digest — a one-time code (shown once, valid 15 minutes) to
 * send to the bot, or a deep link that sends it — and unlinks it. Only with a session (a key
 * speaks for no one's chat); CSRF-checked like every console form.
 */
import type { FastifyInstance, FastifyReply, FastifyRequest } from "fastify";
import { z } from "zod";
import { AppError, RateLimitedError } from "../../errors.js";
import { LINK_CODE_MINUTES, type TelegramLinkService } from "../../staff/telegram-link.js";
import { STAFF_TELEGRAM_LABELS } from "../../text/staff-vi.js";
import { sendConsolePage } from "../../web/console.js";
import { requirePrincipal } from "../auth.js";

const pageQuery = z.object({ ok: z.enum(["unlinked"]).optional() }).catch({});

function member(request: FastifyRequest): string {
  const principal = requirePrincipal(request);
  if (!request.staffSession || principal.kind !== "session") {
    throw new AppError("FORBIDDEN", "Chỉ cán bộ đã đăng nhập mới liên kết được Telegram của mình (a signed-in session is needed).");
  }
  return principal.id;
}

export function registerStaffTelegramPages(app: FastifyInstance, deps: { links: TelegramLinkService; botUsername: string | null }): void {
  const page = async (request: FastifyRequest, reply: FastifyReply, vars: Record<string, unknown> = {}, status = 200) => {
    const status_ = await deps.links.status(member(request));
    return sendConsolePage(
      request,
      reply,
      "staff/telegram",
      { current: "telegram", title: "Nhận nhắc việc qua Telegram", link: status_, botUsername: deps.botUsername, minutes: LINK_CODE_MINUTES, ...vars },
      status,
    );
  };

  app.get("/staff/telegram", async (request, reply) => {
    const query = pageQuery.parse(request.query ?? {});
    return page(request, reply, { unlinked: query.ok === "unlinked" });
  });

  app.post("/staff/telegram/code", async (request, reply) => {
    const id = member(request);
    try {
      const { code, expiresAt } = await deps.links.createCode(id);
      reply.header("cache-control", "no-store");
      return page(request, reply, {
        code,
        expiresAt,
        deepLink: deps.botUsername ? `https://t.me/${encodeURIComponent(deps.botUsername)}?start=staff_${code}` : null,
      });
    } catch (error) {
      if (error instanceof RateLimitedError) {
        reply.header("retry-after", String(error.retryAfterSeconds));
        return page(request, reply, { errors: [{ field: null, message: STAFF_TELEGRAM_LABELS.codeRateLimited(Math.ceil(error.retryAfterSeconds / 60)) }] }, 429);
      }
      throw error;
    }
  });

  app.post("/staff/telegram/unlink", async (request, reply) => {
    await deps.links.unlink(member(request));
    return reply.redirect("/staff/telegram?ok=unlinked", 303);
  });
}
