/**
 * The public commune pages, for residents without a chat app (no sign-in): /xa/<commune> lists
 * the commune's announcements that went out, /xa/<commune>/feed.xml is the same as Atom 1.0, and
 * /xa/<commune>/poster is a printable sheet of QR codes for subscribing (Telegram, Zalo, the page).
 * An unknown commune is a 404 page in Vietnamese.
 */
import type { FastifyInstance, FastifyReply } from "fastify";
import { z } from "zod";
import { atomFeed, type CommunePageService } from "../../public/commune-page.js";
import { sendPage } from "../../web/pages.js";

const params = z.object({ communeCode: z.string().max(20) });

export function registerPublicCommunePages(app: FastifyInstance, deps: { pages: CommunePageService }): void {
  const find = async (raw: unknown, reply: FastifyReply) => {
    const parsed = params.safeParse(raw);
    const commune = parsed.success ? await deps.pages.commune(parsed.data.communeCode) : null;
    if (!commune) {
      await sendPage(reply, "commune-not-found", { title: "Không tìm thấy xã/phường", code: parsed.success ? parsed.data.communeCode : "" }, 404);
      return null;
    }
    return commune;
  };

  app.get("/xa/:communeCode", async (request, reply) => {
    const commune = await find(request.params, reply);
    if (!commune) return reply;
    const announcements = await deps.pages.announcements(commune.code);
    return sendPage(reply, "commune", {
      title: `Thông báo của ${commune.fullName}`,
      commune,
      announcements,
      feedUrl: `/xa/${commune.code}/feed.xml`,
      posterUrl: `/xa/${commune.code}/poster`,
    });
  });

  app.get("/xa/:communeCode/feed.xml", async (request, reply) => {
    const commune = await find(request.params, reply);
    if (!commune) return reply;
    const announcements = await deps.pages.announcements(commune.code);
    return reply
      .header("content-type", "application/atom+xml; charset=utf-8")
      .header("cache-control", "public, max-age=60")
      .header("x-content-type-options", "nosniff")
      .send(atomFeed(commune, announcements, { page: deps.pages.pageUrl(commune.code), feed: deps.pages.feedUrl(commune.code) }));
  });

  app.get("/xa/:communeCode/poster", async (request, reply) => {
    const commune = await find(request.params, reply);
    if (!commune) return reply;
    const ways = await deps.pages.subscribeWays(commune);
    return sendPage(reply, "commune-poster", { title: `Nhận thông báo của ${commune.fullName}`, commune, ways, pageUrl: deps.pages.pageUrl(commune.code) });
  });
}
