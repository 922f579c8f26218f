/**
 * What the public commune page (/xa/<commune>), its Atom feed and its poster show: the commune
 * and the announcements that have gone out (SENDING or SENT — never a draft, one waiting for
 * approval or scheduled, or a cancelled one), newest first, with the hamlets each was for. Nothing
 * about subscribers or staff is read here.
 */
import QRCode from "qrcode";
import type { Db } from "../db/client.js";
import { xmlChars } from "../text/characters.js";

export interface PublicCommune {
  code: string;
  name: string;
  fullName: string;
  provinceName: string | null;
  updatedAt: Date;
}

export interface PublicAnnouncement {
  id: string;
  title: string;
  body: string;
  urgent: boolean;
  /** When it went out (sent, or started sending). */
  publishedAt: Date;
  updatedAt: Date;
  /** The hamlets it was for, by name; empty: the whole commune. */
  hamlets: string[];
}

export interface SubscribeWay {
  channel: "telegram" | "zalo" | "web";
  /** "Telegram", "Zalo", "Trang web". */
  label: string;
  url: string | null;
  /** The QR code as an SVG data: URL (null when the channel is not configured). */
  qr: string | null;
  /** How to subscribe there, in words. */
  how: string;
}

export const PUBLIC_PAGE_LIMIT = 50;

export class CommunePageService {
  constructor(
    private readonly db: Db,
    private readonly links: { publicBaseUrl: string; telegramBotUsername?: string | undefined; zaloOaId?: string | undefined },
  ) {}

  /** The commune, or null when there is no commune of that code. */
  async commune(code: string): Promise<PublicCommune | null> {
    if (!/^\d{1,10}$/.test(code)) return null;
    const unit = await this.db.adminUnit.findUnique({ where: { code }, include: { parent: { select: { name: true } } } });
    if (!unit || unit.level !== "COMMUNE") return null;
    return { code: unit.code, name: unit.name, fullName: unit.fullName, provinceName: unit.parent?.name ?? null, updatedAt: unit.updatedAt };
  }

  /** The commune's announcements that went out, newest first. */
  async announcements(communeCode: string, limit = PUBLIC_PAGE_LIMIT): Promise<PublicAnnouncement[]> {
    const rows = await this.db.broadcast.findMany({
      where: { communeCode, status: { in: ["SENDING", "SENT"] } },
      select: {
        id: true,
        title: true,
        body: true,
        urgent: true,
        sentAt: true,
        startedAt: true,
        createdAt: true,
        updatedAt: true,
        hamlets: { select: { hamlet: { select: { name: true } } } },
      },
      orderBy: [{ startedAt: { sort: "desc", nulls: "last" } }, { createdAt: "desc" }],
      take: limit,
    });
    const collator = new Intl.Collator("vi", { numeric: true });
    return rows.map((r) => ({
      id: r.id,
      title: r.title,
      body: r.body,
      urgent: r.urgent,
      publishedAt: r.startedAt ?? r.sentAt ?? r.createdAt,
      updatedAt: r.updatedAt,
      hamlets: r.hamlets.map((h) => h.hamlet.name).sort(collator.compare),
    }));
  }

  pageUrl(communeCode: string): string {
    return `${this.links.publicBaseUrl}/xa/${encodeURIComponent(communeCode)}`;
  }

  feedUrl(communeCode: string): string {
    return `${this.pageUrl(communeCode)}/feed.xml`;
  }

  /** How to subscribe to the commune: Telegram and Zalo when configured (with QR codes), and the page itself. */
  async subscribeWays(commune: PublicCommune): Promise<SubscribeWay[]> {
    const qr = async (url: string) => `data:image/svg+xml;base64,${Buffer.from(await QRCode.toString(url, { type: "svg", margin: 2, errorCorrectionLevel: "M" })).toString("base64")}`;
    const ways: SubscribeWay[] = [];
    const { telegramBotUsername, zaloOaId } = this.links;
    if (telegramBotUsername) {
      const url = `https://t.me/${telegramBotUsername}?start=xa_${commune.code}`;
      ways.push({ channel: "telegram", label: "Telegram", url, qr: await qr(url), how: `Quét mã bằng điện thoại, mở Telegram và bấm “Bắt đầu” (Start), rồi chọn ấp/khóm của mình.` });
    } else {
      ways.push({ channel: "telegram", label: "Telegram", url: null, qr: null, how: `Chưa có mã QR cho Telegram. Tìm trợ lý Một cửa trên Telegram, nhắn “đăng ký thông báo” rồi gõ tên “${commune.name}”.` });
    }
    if (zaloOaId) {
      const url = `https://zalo.me/${zaloOaId}`;
      ways.push({ channel: "zalo", label: "Zalo", url, qr: await qr(url), how: `Quét mã bằng Zalo, bấm “Quan tâm”, rồi nhắn “đăng ký thông báo” và gõ tên “${commune.name}”.` });
    } else {
      ways.push({ channel: "zalo", label: "Zalo", url: null, qr: null, how: `Chưa có mã QR cho Zalo. Tìm Official Account Một cửa trên Zalo, bấm “Quan tâm”, nhắn “đăng ký thông báo” rồi gõ tên “${commune.name}”.` });
    }
    const page = this.pageUrl(commune.code);
    ways.push({ channel: "web", label: "Trang web", url: page, qr: await qr(page), how: `Quét mã để xem các thông báo của ${commune.fullName} trên trang web, không cần đăng ký.` });
    return ways;
  }
}

/** XML text: the five characters escaped, and characters XML 1.0 cannot hold dropped. */
export function xmlText(value: string): string {
  return xmlChars(value)
    .replace(/&/g, "&amp;")
    .replace(/</g, "&lt;")
    .replace(/>/g, "&gt;")
    .replace(/"/g, "&quot;")
    .replace(/'/g, "&apos;");
}

/** The commune's announcements as an Atom 1.0 feed (RFC 4287). */
export function atomFeed(commune: PublicCommune, items: PublicAnnouncement[], urls: { page: string; feed: string }): string {
  const updated = items.reduce((latest, i) => (i.updatedAt > latest ? i.updatedAt : latest), items.length ? items[0]!.updatedAt : commune.updatedAt);
  const entries = items.map((i) => {
    const where = i.hamlets.length ? i.hamlets.join(", ") : "Toàn xã/phường";
    const title = `${i.urgent ? "[Khẩn] " : ""}${i.title}`;
    return [
      "  <entry>",
      `    <id>urn:uuid:${i.id}</id>`,
      `    <title type="text">${xmlText(title)}</title>`,
      `    <link rel="alternate" type="text/html" href="${xmlText(`${urls.page}#tb-${i.id}`)}"/>`,
      `    <published>${i.publishedAt.toISOString()}</published>`,
      `    <updated>${(i.updatedAt > i.publishedAt ? i.updatedAt : i.publishedAt).toISOString()}</updated>`,
      ...(i.urgent ? ['    <category term="khan" label="Khẩn"/>'] : []),
      `    <content type="text">${xmlText(`${i.body}\n\nNơi nhận: ${where}`)}</content>`,
      "  </entry>",
    ].join("\n");
  });
  return [
    '<?xml version="1.0" encoding="utf-8"?>',
    '<feed xmlns="http://www.w3.org/2005/Atom" xml:lang="vi">',
    `  <id>${xmlText(urls.page)}</id>`,
    `  <title type="text">${xmlText(`Thông báo của ${commune.fullName}${commune.provinceName ? `, ${commune.provinceName}` : ""}`)}</title>`,
    `  <updated>${updated.toISOString()}</updated>`,
    `  <author><name>${xmlText(`UBND ${commune.fullName}`)}</name></author>`,
    `  <link rel="self" type="application/atom+xml" href="${xmlText(urls.feed)}"/>`,
    `  <link rel="alternate" type="text/html" href="${xmlText(urls.page)}"/>`,
    ...entries,
    "</feed>",
    "",
  ].join("\n");
}
