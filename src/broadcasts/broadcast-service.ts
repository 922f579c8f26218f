/**
 * Announcements from commune staff: compose (a draft with its preview), send now or at a time,
 * the two-person rule for urgent ones, the notices (one per subscriber, through the notice store
 * and the existing outbox), progress, cancel, and the subscribers no channel reached.
 *
 * Lifecycle: DRAFT → (send) → AWAITING_APPROVAL (urgent) → (approve by another staff member of
 * the unit, or an admin) → SCHEDULED (a later time) or SENDING → SENT; anything before SENT may
 * be CANCELLED. Every move happens under the broadcast's row lock, so a double click, a retried
 * request or two workers make it once. The notices are created in one transaction with the
 * recipients (`start`), marked by `startedAt`: a crash before the commit leaves SENDING without
 * `startedAt`, and the worker's tick starts it again.
 *
 * Every statement runs on the pg pool (the worker renders announcements' texts and ticks without
 * Prisma); this service is the one writer of Broadcast and BroadcastHamlet, but for a hamlet merge
 * (HamletService.merge): it moves the merged hamlet's targets, and sends an urgent announcement it
 * would widen back for approval.
 */
import { randomUUID } from "node:crypto";
import type pg from "pg";
import { inTransaction } from "../db/pool.js";
import { LRUCache } from "lru-cache";
import { z } from "zod";
import { canTouchCommune, ForbiddenError, unitScope, type Principal } from "../auth/guard.js";
import { AppError, NotFoundError, ValidationError } from "../errors.js";
import type { BroadcastStatus, ChannelKind } from "../generated/prisma/enums.js";
import { broadcastNoticeText, type BroadcastTextInput } from "../notifications/messages/vi.js";
import { createNotices, viaPg, wakeRelay, type NewNotice, type NoticeStore } from "../notifications/notice-store.js";
import { channelRatePerSecond } from "../notifications/notice-sender.js";
import { countSegments, fitSms, toSmsText } from "../notifications/sms-text.js";
import type { DeliveryChannel } from "../channels/channel.js";
import { BROADCAST_STATUS_LABELS, CHANNEL_LABELS, UNREACHABLE_LABELS } from "../text/staff-vi.js";
import { CONTROL, CONTROL_ONE_LINE, INVISIBLE, LONE_SURROGATE } from "../text/characters.js";
import { estimateCost, paceByChannel, summarize, targetAll, type AudienceSummary, type BroadcastChannel, type CostEstimate, type Subscriber, type Target, type UnreachableReason } from "./targeting.js";

export interface BroadcastSettings {
  zaloPerFollowerDay: number;
  smsSegmentPrice: number;
  zaloMessagePrice: number;
  smsSegmentBudget: number;
  publicBaseUrl: string;
  /** TWILIO_MAX_PER_SECOND: with the other providers' limits, the pace notices are created in. */
  twilioPerSecond: number;
}

// ───────────────────────── Input ─────────────────────────


/** Staff-written text: NFC, \r\n → \n, trimmed, at most two line breaks in a row; no control characters. */
const staffText = (label: string, max: number, multiline: boolean) =>
  z
    .string({ message: `${label}: cần một chuỗi ký tự` })
    .refine((v) => !CONTROL.test(v) && !LONE_SURROGATE.test(v), `${label}: có ký tự điều khiển không hợp lệ`)
    .refine((v) => !INVISIBLE.test(v), `${label}: có ký tự ẩn (khoảng trắng không độ rộng, ký tự đảo chiều chữ) — hãy gõ lại đoạn văn bản`)
    .transform((v) => {
      const t = v.normalize("NFC").replace(/\r\n?/g, "\n").trim();
      return multiline ? t.replace(/[ \t]+\n/g, "\n").replace(/\n{3,}/g, "\n\n") : t.replace(/\s+/g, " ");
    })
    .pipe(z.string().min(1, `${label}: không được để trống`).max(max, `${label}: tối đa ${max} ký tự`));

const MAX_AHEAD_MS = 7 * 24 * 60 * 60 * 1000;

const scheduledAt = z
  .union([z.iso.datetime({ offset: true, message: "scheduledAt: thời điểm ISO 8601, ví dụ 2026-12-05T07:30:00+07:00" }), z.null()])
  .optional()
  .transform((v) => (v ? new Date(v) : null));

export const createBroadcastInput = z
  .object({
    communeCode: z.string().trim().regex(/^\d{5}$/, "communeCode: mã xã/phường gồm 5 chữ số"),
    hamletIds: z.array(z.uuid("hamletIds: mã ấp/khóm không hợp lệ")).max(200, "hamletIds: tối đa 200 ấp/khóm").optional().default([]),
    title: staffText("Tiêu đề", 150, false),
    body: staffText("Nội dung", 2000, true),
    urgent: z.boolean().optional().default(false),
    scheduledAt,
  })
  .strict();
export type CreateBroadcastInput = z.input<typeof createBroadcastInput>;

export const updateBroadcastInput = z
  .object({
    hamletIds: z.array(z.uuid("hamletIds: mã ấp/khóm không hợp lệ")).max(200).optional(),
    title: staffText("Tiêu đề", 150, false).optional(),
    body: staffText("Nội dung", 2000, true).optional(),
    urgent: z.boolean().optional(),
    scheduledAt,
  })
  .strict();

export const listBroadcastsQuery = z
  .object({
    communeCode: z.string().trim().regex(/^\d{5}$/, "communeCode: mã xã/phường gồm 5 chữ số").optional(),
    status: z.enum(["DRAFT", "AWAITING_APPROVAL", "SCHEDULED", "SENDING", "SENT", "CANCELLED"]).optional(),
    limit: z.coerce.number().int().min(1).max(200).default(50),
  })
  .strict();

// ───────────────────────── Output ─────────────────────────

export interface BroadcastCounts {
  /** Subscribers the announcement is for: fixed when its notices are created; before that (one announcement read alone), whom it would reach now. */
  total: number;
  queued: number;
  sent: number;
  delivered: number;
  failed: number;
  unreachable: number;
  /** A send was cut short and the provider cannot be asked (Telegram, Zalo): never resent. */
  unknown: number;
  cancelled: number;
}

type ChannelCounts = Omit<BroadcastCounts, "total" | "unreachable">;

export interface BroadcastPreview {
  texts: { telegram: string; zalo: string; sms: string };
  smsSegments: number;
  smsBudget: number;
  smsFitsBudget: boolean;
  /** The SMS had to be shortened to fit the budget (the link to the full text stays). */
  smsShortened: boolean;
  /** Normal announcements never go by SMS. */
  smsUsed: boolean;
  recipients: AudienceSummary;
  unreachableByReason: { reason: UnreachableReason; label: string; count: number }[];
  cost: CostEstimate;
}

export interface BroadcastView {
  id: string;
  communeCode: string;
  communeName: string;
  hamlets: { id: string; name: string }[];
  title: string;
  body: string;
  urgent: boolean;
  status: BroadcastStatus;
  statusLabel: string;
  scheduledAt: Date | null;
  createdAt: Date;
  createdByName: string;
  approvedByName: string | null;
  approvedAt: Date | null;
  sendRequestedAt: Date | null;
  startedAt: Date | null;
  sentAt: Date | null;
  cancelledAt: Date | null;
  cancelledByName: string | null;
  counts: BroadcastCounts;
  byChannel: Record<BroadcastChannel, ChannelCounts>;
  /** Notices that reached an end (delivered, sent, failed, unknown, cancelled) of those made. */
  progress: { done: number; of: number; percent: number };
}

export interface UnreachedSubscriber {
  channel: string;
  name: string | null;
  phone: string | null;
  reason: string;
}

export interface UnreachedByHamlet {
  hamletId: string | null;
  hamletName: string;
  subscribers: UnreachedSubscriber[];
}

const CHUNK = 5000;
/** PostgreSQL's unique_violation. */
const UNIQUE_VIOLATION = "23505";

/** "session:<id>" / "api-key:<id>": who did something, as stored on the broadcast. */
export function principalRef(p: Principal): string {
  return `${p.kind}:${p.id}`;
}

interface BroadcastRow {
  id: string;
  communeCode: string;
  title: string;
  body: string;
  urgent: boolean;
  status: BroadcastStatus;
  createdBy: string;
  createdByName: string;
  /** Who changed the draft after it was written: authors too (see `isAuthorOf`). */
  editedBy: string[];
  approvedBy: string | null;
  approvedByName: string | null;
  approvedAt: Date | null;
  scheduledAt: Date | null;
  sendRequestedBy: string | null;
  sendRequestedAt: Date | null;
  startedAt: Date | null;
  sentAt: Date | null;
  cancelledAt: Date | null;
  cancelledByName: string | null;
  recipientsTotal: number;
  unreachableTotal: number;
  createdAt: Date;
}

export class BroadcastService {
  private readonly texts = new LRUCache<string, BroadcastTextInput>({ max: 200, ttl: 10 * 60_000 });

  constructor(
    private readonly pool: pg.Pool,
    private readonly notices: NoticeStore,
    private readonly settings: BroadcastSettings,
    private readonly now: () => Date = () => new Date(),
  ) {}

  // ── Compose ──

  /** A new draft, with its preview. A repeated Idempotency-Key answers the draft it made the first time. */
  async create(principal: Principal, raw: unknown, idempotencyKey?: string | null): Promise<{ view: BroadcastView; preview: BroadcastPreview; replayed: boolean }> {
    const key = idempotencyKey?.trim() || null;
    if (key !== null && (key.length > 200 || CONTROL_ONE_LINE.test(key))) throw new ValidationError("Idempotency-Key: tối đa 200 ký tự, không có ký tự điều khiển", { field: "Idempotency-Key" });
    const by = principalRef(principal);
    const input = parse(createBroadcastInput, raw);
    if (key) {
      const existing = await this.replayOf(by, key, input);
      if (existing) return { ...(await this.detailWithPreview(principal, existing)), replayed: true };
    }
    await this.communeFor(principal, input.communeCode, "write");
    await this.checkHamlets(input.communeCode, input.hamletIds);
    this.checkSchedule(input.scheduledAt);
    const id = randomUUID();
    try {
      // One statement: the draft and its hamlets together.
      await this.pool.query(
        `WITH b AS (
           INSERT INTO "Broadcast" (id, "communeCode", title, body, urgent, "scheduledAt", "createdBy", "createdByName", "idempotencyKey", "updatedAt")
           VALUES ($1::uuid, $2, $3, $4, $5, $6::timestamptz, $7, $8, $9, now()) RETURNING id)
         INSERT INTO "BroadcastHamlet" ("broadcastId", "hamletId") SELECT b.id, h FROM b, unnest($10::uuid[]) AS h`,
        [id, input.communeCode, input.title, input.body, input.urgent, input.scheduledAt?.toISOString() ?? null, by, principal.name, key, [...new Set(input.hamletIds)]],
      );
    } catch (error) {
      // Two requests with the same key at once: the second finds the first's draft.
      if (key && (error as { code?: string }).code === UNIQUE_VIOLATION) {
        const existing = await this.replayOf(by, key, input);
        if (existing) return { ...(await this.detailWithPreview(principal, existing)), replayed: true };
      }
      throw error;
    }
    return { ...(await this.detailWithPreview(principal, id)), replayed: false };
  }

  /** The draft an Idempotency-Key already made; a 409 when the key was used for other content. */
  private async replayOf(by: string, key: string, input: z.output<typeof createBroadcastInput>): Promise<string | null> {
    const b = (
      await this.pool.query<{ id: string; communeCode: string; title: string; body: string; urgent: boolean; scheduledAt: Date | null; hamletIds: string[] }>(
        `SELECT b.id, b."communeCode", b.title, b.body, b.urgent, b."scheduledAt",
                ARRAY(SELECT h."hamletId"::text FROM "BroadcastHamlet" h WHERE h."broadcastId" = b.id) AS "hamletIds"
           FROM "Broadcast" b WHERE b."createdBy" = $1 AND b."idempotencyKey" = $2`,
        [by, key],
      )
    ).rows[0];
    if (!b) return null;
    const same =
      b.communeCode === input.communeCode &&
      b.title === input.title &&
      b.body === input.body &&
      b.urgent === input.urgent &&
      (b.scheduledAt?.getTime() ?? null) === (input.scheduledAt?.getTime() ?? null) &&
      [...new Set(input.hamletIds)].sort().join() === [...b.hamletIds].sort().join();
    if (!same) throw new AppError("CONFLICT", "Idempotency-Key này đã được dùng cho một thông báo có nội dung khác; thông báo mới cần khóa mới.", { field: "Idempotency-Key" });
    return b.id;
  }

  /** Changes a draft (nothing else can change). */
  async update(principal: Principal, id: string, raw: unknown): Promise<{ view: BroadcastView; preview: BroadcastPreview }> {
    const input = parse(updateBroadcastInput, raw);
    const b = await this.load(principal, id);
    if (b.status !== "DRAFT") throw new AppError("CONFLICT", `Chỉ sửa được bản nháp; thông báo này đang ở trạng thái "${BROADCAST_STATUS_LABELS[b.status]}".`);
    if (input.hamletIds) await this.checkHamlets(b.communeCode, input.hamletIds);
    if (input.scheduledAt !== undefined) this.checkSchedule(input.scheduledAt);
    await this.inTransaction(async (client) => {
      // A field left out of the request keeps its value (scheduledAt: only when the key is present, null clears it).
      const n = await client.query(
        `UPDATE "Broadcast" SET title = COALESCE($2, title), body = COALESCE($3, body), urgent = COALESCE($4, urgent),
                "scheduledAt" = CASE WHEN $5 THEN $6::timestamptz AT TIME ZONE 'UTC' ELSE "scheduledAt" END, "updatedAt" = now(),
                "editedBy" = CASE WHEN $7 = "createdBy" OR $7 = ANY("editedBy") THEN "editedBy" ELSE array_append("editedBy", $7) END
          WHERE id = $1 AND status = 'DRAFT'`,
        [
          id,
          input.title ?? null,
          input.body ?? null,
          input.urgent ?? null,
          raw !== null && typeof raw === "object" && "scheduledAt" in raw,
          input.scheduledAt?.toISOString() ?? null,
          principalRef(principal),
        ],
      );
      if (n.rowCount !== 1) throw new AppError("CONFLICT", "Thông báo vừa được gửi đi hoặc hủy; không sửa được nữa.");
      if (input.hamletIds) {
        await client.query(`DELETE FROM "BroadcastHamlet" WHERE "broadcastId" = $1`, [id]);
        await client.query(`INSERT INTO "BroadcastHamlet" ("broadcastId", "hamletId") SELECT $1, h FROM unnest($2::uuid[]) AS h`, [id, [...new Set(input.hamletIds)]]);
      }
    });
    return this.detailWithPreview(principal, id);
  }

  // ── Read ──

  async list(principal: Principal, raw: unknown): Promise<BroadcastView[]> {
    const q = parse(listBroadcastsQuery, raw);
    const scope = unitScope(principal);
    if (q.communeCode) await this.communeFor(principal, q.communeCode, "read");
    const { rows } = await this.pool.query<{ id: string }>(
      `SELECT b.id FROM "Broadcast" b JOIN "AdminUnit" c ON c.code = b."communeCode"
        WHERE ($1::text IS NULL OR b."communeCode" = $1) AND ($2::text IS NULL OR c.code = $2 OR c."parentCode" = $2)
          AND ($3::text IS NULL OR b.status::text = $3)
        ORDER BY b."createdAt" DESC, b.id DESC LIMIT $4`,
      [q.communeCode ?? null, scope, q.status ?? null, q.limit],
    );
    return Promise.all(rows.map((r) => this.view(r.id)));
  }

  /** One announcement with its progress; before its notices exist, `counts.total` and `unreachable` say whom it would reach now. */
  async get(principal: Principal, id: string): Promise<BroadcastView> {
    const b = await this.load(principal, id);
    await this.settleIfDone(id);
    const view = await this.view(id);
    if (!view.startedAt && view.status !== "CANCELLED") {
      withAudience(view, summarize(targetAll(await this.subscribers(this.pool, b), { urgent: b.urgent, now: this.now(), zaloPerFollowerDay: this.settings.zaloPerFollowerDay })));
    }
    return view;
  }

  async preview(principal: Principal, id: string): Promise<BroadcastPreview> {
    const b = await this.load(principal, id);
    return this.previewOf(b);
  }

  /** The subscribers no channel reached (or whose every channel failed), by hamlet, for the hamlet head to visit. */
  async unreached(principal: Principal, id: string): Promise<UnreachedByHamlet[]> {
    await this.load(principal, id);
    const rows = await this.pool.query<{ hamletId: string | null; hamletName: string | null; channel: string; name: string | null; phone: string | null; reason: string | null; noticeError: string | null }>(
      `SELECT r."hamletId", h.name AS "hamletName", r.channel::text AS channel,
              COALESCE(z."fullName", i."displayName") AS name, z.phone, r."unreachableReason" AS reason, n."lastError" AS "noticeError"
         FROM "BroadcastRecipient" r
         JOIN "ChannelIdentity" i ON i.id = r."identityId"
         LEFT JOIN "Citizen" z ON z.id = i."citizenId"
         LEFT JOIN "Hamlet" h ON h.id = r."hamletId"
         LEFT JOIN "Notice" n ON n.id = r."noticeId"
        WHERE r."broadcastId" = $1 AND (r."noticeId" IS NULL OR n.status = 'FAILED')
        ORDER BY h.name NULLS FIRST, name NULLS LAST, r.id`,
      [id],
    );
    const groups = new Map<string, UnreachedByHamlet>();
    for (const r of rows.rows) {
      const k = r.hamletId ?? "";
      let g = groups.get(k);
      if (!g) groups.set(k, (g = { hamletId: r.hamletId, hamletName: r.hamletName ?? "Đăng ký nhận tin cả xã/phường", subscribers: [] }));
      g.subscribers.push({
        channel: CHANNEL_LABELS[r.channel as keyof typeof CHANNEL_LABELS] ?? r.channel,
        name: r.name,
        phone: r.phone,
        reason: r.reason ? (UNREACHABLE_LABELS[r.reason as UnreachableReason] ?? r.reason) : "Gửi không thành công qua mọi kênh",
      });
    }
    return [...groups.values()];
  }

  /** Whether this principal wrote the announcement, changed its draft or sent it for approval (and so may not approve it). */
  async isAuthor(principal: Principal, id: string): Promise<boolean> {
    return this.isAuthorOf(principal, await this.load(principal, id));
  }

  /**
   * Whether this principal — the same person through any session or key of theirs — wrote the
   * announcement, changed its draft (a text a colleague rewrote before the writer sent it is the
   * colleague's too) or sent it for approval.
   */
  private async isAuthorOf(principal: Principal, b: Pick<BroadcastRow, "createdBy" | "sendRequestedBy" | "editedBy">): Promise<boolean> {
    const refs = [b.createdBy, b.sendRequestedBy, ...b.editedBy];
    return (
      refs.includes(principalRef(principal)) ||
      (principal.kind === "session" && (await this.sameStaff(principal.id, refs))) ||
      (principal.kind === "api-key" && (await this.keyOfAuthor(principal.id, refs)))
    );
  }

  // ── Send, approve, cancel ──

  /**
   * Sends a draft: an urgent one waits for approval; one for a later time waits for it; otherwise
   * its notices are created now. Repeating it changes nothing (a double click sends once).
   */
  async send(principal: Principal, id: string): Promise<BroadcastView> {
    const b = await this.load(principal, id, "write");
    let start = false;
    await this.locked(id, async (client, row) => {
      if (row.status === "CANCELLED") throw new AppError("CONFLICT", "Thông báo đã bị hủy; không gửi được nữa.");
      if (row.status !== "DRAFT") return; // already on its way: the same answer as the first time
      const now = this.now();
      const status: BroadcastStatus = row.urgent ? "AWAITING_APPROVAL" : this.isDue(row.scheduledAt, now) ? "SENDING" : "SCHEDULED";
      await client.query(`UPDATE "Broadcast" SET status = $2, "sendRequestedBy" = $3, "sendRequestedAt" = $4, "updatedAt" = now() WHERE id = $1`, [id, status, principalRef(principal), now]);
      start = status === "SENDING";
    });
    if (start) await this.start(b.id);
    return this.view(id);
  }

  /** The second person of the two-person rule for urgent announcements: staff of the unit other than its author, or an admin. */
  async approve(principal: Principal, id: string): Promise<BroadcastView> {
    await this.load(principal, id, "write");
    let start = false;
    await this.locked(id, async (client, row) => {
      if (row.status === "CANCELLED") throw new AppError("CONFLICT", "Thông báo đã bị hủy; không phê duyệt được.");
      if (row.status === "DRAFT") throw new AppError("CONFLICT", "Thông báo chưa được gửi đi để phê duyệt (bấm Gửi trước).");
      const me = principalRef(principal);
      if (row.status !== "AWAITING_APPROVAL") {
        if (row.approvedBy === me) return; // a repeated approval
        throw new AppError("CONFLICT", `Thông báo không chờ phê duyệt (trạng thái: ${BROADCAST_STATUS_LABELS[row.status]}).`);
      }
      if (await this.isAuthorOf(principal, row)) {
        throw new ForbiddenError("Người soạn, người sửa hoặc người gửi thông báo khẩn không tự phê duyệt được: cần một cán bộ khác của đơn vị (hoặc quản trị viên).");
      }
      const now = this.now();
      const status: BroadcastStatus = this.isDue(row.scheduledAt, now) ? "SENDING" : "SCHEDULED";
      await client.query(`UPDATE "Broadcast" SET status = $2, "approvedBy" = $3, "approvedByName" = $4, "approvedAt" = $5, "updatedAt" = now() WHERE id = $1`, [
        id,
        status,
        me,
        principal.name,
        now,
      ]);
      start = status === "SENDING";
    });
    if (start) await this.start(id);
    return this.view(id);
  }

  /**
   * Cancels: nothing more is sent once this returns. Notices a worker holds at that moment (a
   * provider call under way) are waited for; every other notice is cancelled.
   */
  async cancel(principal: Principal, id: string): Promise<BroadcastView> {
    await this.load(principal, id, "write");
    await this.locked(id, async (client, row) => {
      if (row.status === "CANCELLED") return;
      if (row.status === "SENT") throw new AppError("CONFLICT", "Thông báo đã gửi xong; không hủy được nữa.");
      await client.query(`UPDATE "Broadcast" SET status = 'CANCELLED', "cancelledBy" = $2, "cancelledByName" = $3, "cancelledAt" = now(), "updatedAt" = now() WHERE id = $1`, [
        id,
        principalRef(principal),
        principal.name,
      ]);
    });
    // From here no claim takes this announcement's notices (the claim checks its status).
    const deadline = Date.now() + 60_000;
    await this.notices.cancelUnclaimedOfBroadcast(id);
    while ((await this.notices.claimedOfBroadcast(id)) > 0 && Date.now() < deadline) await sleep(50);
    await this.notices.cancelUnclaimedOfBroadcast(id);
    this.texts.delete(id);
    return this.view(id);
  }

  // ── The worker's side ──

  /**
   * Creates the notices of a SENDING announcement not started yet, in one transaction with its
   * recipients; false when there was nothing to do (started already, cancelled, or not due).
   */
  async start(id: string): Promise<boolean> {
    const client = await this.pool.connect();
    let ids: string[] = [];
    try {
      await client.query("BEGIN");
      const locked = await client.query<BroadcastRow>(`SELECT * FROM "Broadcast" WHERE id = $1 FOR UPDATE`, [id]);
      const row = locked.rows[0];
      if (!row || row.status !== "SENDING" || row.startedAt) {
        await client.query("ROLLBACK");
        return false;
      }
      // One fan-out at a time: a Zalo follower's announcements of the last day are counted below
      // (the daily cap), and two announcements started at once (two workers' ticks, a send beside
      // a tick) would each count without the other's notices and both send past the cap.
      await client.query(`SELECT pg_advisory_xact_lock(hashtext('broadcast-fan-out'))`);
      const subscribers = await this.subscribers(client, row);
      const now = this.now();
      const notices: NewNotice[] = [];
      const recipients: { identityId: string; hamletId: string | null; channel: string; noticeId: string | null; reason: string | null }[] = [];
      let unreachable = 0;
      const targets = targetAll(subscribers, { urgent: row.urgent, now, zaloPerFollowerDay: this.settings.zaloPerFollowerDay });
      for (const [i, s] of subscribers.entries()) {
        const t = targets[i]!;
        if (t.kind === "opted-out") continue;
        if (t.kind === "unreachable") {
          unreachable += 1;
          recipients.push({ identityId: s.identityId, hamletId: s.hamletId, channel: s.channel, noticeId: null, reason: t.reason });
          continue;
        }
        const noticeId = randomUUID();
        notices.push({
          id: noticeId,
          type: "BROADCAST",
          citizenId: s.citizenId,
          identityId: s.identityId,
          broadcastId: id,
          variables: { broadcastId: id },
          urgent: row.urgent,
          dedupeKey: `broadcast:${id}:${s.identityId}`,
          channelPlan: t.plan as ChannelKind[],
        });
        recipients.push({ identityId: s.identityId, hamletId: s.hamletId, channel: s.channel, noticeId, reason: null });
      }
      // Queued in the order the providers' limits let them go, so no channel holds up another.
      const paced = paceByChannel(notices, (n) => n.channelPlan?.[0] ?? "", (c) => channelRatePerSecond(c as DeliveryChannel, this.settings.twilioPerSecond));
      const run = viaPg(client);
      for (let i = 0; i < paced.length; i += CHUNK) ids.push(...(await createNotices(run, paced.slice(i, i + CHUNK))));
      for (let i = 0; i < recipients.length; i += CHUNK) {
        const part = recipients.slice(i, i + CHUNK);
        await client.query(
          `INSERT INTO "BroadcastRecipient" (id, "broadcastId", "identityId", "hamletId", channel, "noticeId", "unreachableReason")
           SELECT gen_random_uuid(), $1, t."identityId", t."hamletId", t.channel::"ChannelKind", t."noticeId", t.reason
             FROM unnest($2::uuid[], $3::uuid[], $4::text[], $5::uuid[], $6::text[]) AS t("identityId", "hamletId", channel, "noticeId", reason)
           ON CONFLICT ("broadcastId", "identityId") DO NOTHING`,
          [id, part.map((r) => r.identityId), part.map((r) => r.hamletId), part.map((r) => r.channel), part.map((r) => r.noticeId), part.map((r) => r.reason)],
        );
      }
      await client.query(`UPDATE "Broadcast" SET "startedAt" = now(), "recipientsTotal" = $2, "unreachableTotal" = $3, "updatedAt" = now() WHERE id = $1`, [
        id,
        recipients.length,
        unreachable,
      ]);
      await client.query("COMMIT");
    } catch (error) {
      await client.query("ROLLBACK").catch(() => undefined);
      ids = [];
      throw error;
    } finally {
      client.release();
    }
    await wakeRelay(viaPg(this.pool), ids);
    if (ids.length === 0) await this.settleIfDone(id);
    return true;
  }

  /**
   * What the worker does every few seconds: starts announcements whose time has come (and any a
   * crash left half-started), marks those whose notices are all settled as SENT, and cancels the
   * notices a cancelled one still has waiting (a cancel cut short by a crash).
   */
  async tick(): Promise<{ started: number; finished: number }> {
    const now = this.now();
    const due = await this.pool.query<{ id: string }>(
      `UPDATE "Broadcast" SET status = 'SENDING', "updatedAt" = now()
        WHERE status = 'SCHEDULED' AND ("scheduledAt" IS NULL OR "scheduledAt" <= $1) RETURNING id`,
      [now],
    );
    const pending = await this.pool.query<{ id: string }>(`SELECT id FROM "Broadcast" WHERE status = 'SENDING' AND "startedAt" IS NULL`);
    let started = 0;
    for (const { id } of new Set([...due.rows, ...pending.rows].map((r) => ({ id: r.id })))) if (await this.start(id)) started += 1;
    const sending = await this.pool.query<{ id: string }>(`SELECT id FROM "Broadcast" WHERE status = 'SENDING' AND "startedAt" IS NOT NULL`);
    let finished = 0;
    for (const { id } of sending.rows) if (await this.settleIfDone(id)) finished += 1;
    // A cancel whose process died before it cancelled the notices, or a notice handed back after it.
    await this.notices.cancelLeftoversOfCancelledBroadcasts();
    return { started, finished };
  }

  /** An announcement's text as the sender renders it (cached: one read per worker, not per notice). */
  async textFor(broadcastId: string): Promise<BroadcastTextInput | null> {
    const cached = this.texts.get(broadcastId);
    if (cached) return cached;
    const b = (
      await this.pool.query<{ title: string; body: string; urgent: boolean; communeCode: string; communeName: string; hamletNames: string[] }>(
        `SELECT b.title, b.body, b.urgent, b."communeCode", c."fullName" AS "communeName",
                ARRAY(SELECT h.name FROM "BroadcastHamlet" bh JOIN "Hamlet" h ON h.id = bh."hamletId" WHERE bh."broadcastId" = b.id) AS "hamletNames"
           FROM "Broadcast" b JOIN "AdminUnit" c ON c.code = b."communeCode" WHERE b.id = $1::uuid`,
        [broadcastId],
      )
    ).rows[0];
    if (!b) return null;
    const input: BroadcastTextInput = {
      title: b.title,
      body: b.body,
      urgent: b.urgent,
      communeName: b.communeName,
      hamletNames: b.hamletNames.sort((a, c) => a.localeCompare(c, "vi")),
      link: this.publicLink(b.communeCode),
    };
    this.texts.set(broadcastId, input);
    return input;
  }

  // ── Internals ──

  private publicLink(communeCode: string): string {
    return `${this.settings.publicBaseUrl.replace(/\/+$/, "")}/xa/${communeCode}`;
  }

  private async settleIfDone(id: string): Promise<boolean> {
    const b = (await this.pool.query<{ status: BroadcastStatus; startedAt: Date | null }>(`SELECT status, "startedAt" FROM "Broadcast" WHERE id = $1`, [id])).rows[0];
    if (!b || b.status !== "SENDING" || !b.startedAt) return false;
    if (!(await this.notices.broadcastSettled(id))) return false;
    const n = await this.pool.query(`UPDATE "Broadcast" SET status = 'SENT', "sentAt" = $2::timestamptz, "updatedAt" = now() WHERE id = $1 AND status = 'SENDING'`, [id, this.now().toISOString()]);
    return n.rowCount === 1;
  }

  private isDue(scheduledAt: Date | null, now: Date): boolean {
    return !scheduledAt || scheduledAt.getTime() <= now.getTime() + 1000;
  }

  private checkSchedule(at: Date | null): void {
    if (!at) return;
    const now = this.now().getTime();
    if (at.getTime() > now + MAX_AHEAD_MS) throw new ValidationError("scheduledAt: hẹn giờ gửi tối đa 7 ngày tới", { field: "scheduledAt" });
    if (at.getTime() < now - 60_000) throw new ValidationError("scheduledAt: thời điểm gửi đã qua; để trống để gửi ngay", { field: "scheduledAt" });
  }

  private async checkHamlets(communeCode: string, hamletIds: string[]): Promise<void> {
    const unique = [...new Set(hamletIds)];
    if (unique.length === 0) return;
    const found = (await this.pool.query<{ n: number }>(`SELECT count(*)::int AS n FROM "Hamlet" WHERE id = ANY($1::uuid[]) AND "communeCode" = $2`, [unique, communeCode])).rows[0]!.n;
    if (found !== unique.length) throw new ValidationError("hamletIds: có ấp/khóm không thuộc xã/phường này", { field: "hamletIds" });
  }

  /** The commune, when the principal may read (or write) its announcements: 404 for an unknown one, 403 for another unit's. */
  private async communeFor(principal: Principal, communeCode: string, _mode: "read" | "write"): Promise<{ code: string; parentCode: string | null }> {
    const commune = (await this.pool.query<{ code: string; parentCode: string | null; level: string }>(`SELECT code, "parentCode", level::text AS level FROM "AdminUnit" WHERE code = $1`, [communeCode])).rows[0];
    if (!commune || commune.level !== "COMMUNE") throw new ValidationError(`communeCode: không có xã/phường mã ${communeCode}`, { field: "communeCode" });
    if (!canTouchCommune(principal, commune)) throw new ForbiddenError("Xã/phường này không thuộc đơn vị của ông/bà.", { field: "communeCode" });
    return commune;
  }

  /** The broadcast, when the principal's unit holds its commune; otherwise "not found" (never another unit's data). */
  private async load(principal: Principal, id: string, _mode: "read" | "write" = "read"): Promise<BroadcastRow> {
    if (!z.uuid().safeParse(id).success) throw new NotFoundError("Không tìm thấy thông báo.");
    const b = (
      await this.pool.query<BroadcastRow & { communeParentCode: string | null }>(
        `SELECT b.*, c."parentCode" AS "communeParentCode" FROM "Broadcast" b JOIN "AdminUnit" c ON c.code = b."communeCode" WHERE b.id = $1`,
        [id],
      )
    ).rows[0];
    if (!b || !canTouchCommune(principal, { code: b.communeCode, parentCode: b.communeParentCode })) throw new NotFoundError("Không tìm thấy thông báo.");
    return b;
  }

  private async locked(id: string, fn: (client: pg.PoolClient, row: BroadcastRow) => Promise<void>): Promise<void> {
    await this.inTransaction(async (client) => {
      const row = (await client.query<BroadcastRow>(`SELECT * FROM "Broadcast" WHERE id = $1 FOR UPDATE`, [id])).rows[0];
      if (!row) throw new NotFoundError("Không tìm thấy thông báo.");
      await fn(client, row);
    });
  }

  /** Runs fn in one transaction on a client of its own: committed when fn returns, rolled back when it throws. */
  private inTransaction(fn: (client: pg.PoolClient) => Promise<void>): Promise<void> {
    return inTransaction(this.pool, fn);
  }

  /** Whether a staff user is the one behind one of these principal refs (their session, or an API key of theirs). */
  private async sameStaff(staffUserId: string, refs: (string | null)[]): Promise<boolean> {
    const keyIds = refs.filter((r): r is string => !!r && r.startsWith("api-key:")).map((r) => r.slice("api-key:".length));
    if (keyIds.length === 0) return false;
    const { rows } = await this.pool.query(`SELECT 1 FROM "ApiKey" WHERE id::text = ANY($1::text[]) AND "staffUserId" = $2::uuid LIMIT 1`, [keyIds, staffUserId]);
    return rows.length > 0;
  }

  /** Whether an API key belongs to the staff user behind one of these principal refs (their session, or another key of theirs). */
  private async keyOfAuthor(keyId: string, refs: (string | null)[]): Promise<boolean> {
    const owner = (await this.pool.query<{ staffUserId: string | null }>(`SELECT "staffUserId" FROM "ApiKey" WHERE id::text = $1`, [keyId])).rows[0]?.staffUserId;
    if (!owner) return false;
    const users = refs.filter((r): r is string => !!r && r.startsWith("session:")).map((r) => r.slice("session:".length));
    if (users.includes(owner)) return true;
    return this.sameStaff(owner, refs);
  }

  private async subscribers(client: pg.Pool | pg.PoolClient, b: { id: string; communeCode: string }): Promise<Subscriber[]> {
    const hamlets = (await client.query<{ hamletId: string }>(`SELECT "hamletId" FROM "BroadcastHamlet" WHERE "broadcastId" = $1`, [b.id])).rows.map((r) => r.hamletId);
    const since = new Date(this.now().getTime() - 24 * 60 * 60 * 1000);
    const rows = await client.query<Subscriber>(
      `SELECT DISTINCT ON (i.id) i.id AS "identityId", i.channel::text AS channel, i."citizenId", s."hamletId",
              i."optedOutAt" IS NOT NULL AS "identityOptedOut", COALESCE(z."optedOutAt" IS NOT NULL, false) AS "citizenOptedOut",
              i.reachable, i."lastInteractionAt", z.phone,
              COALESCE(EXISTS (SELECT 1 FROM "ChannelIdentity" x WHERE x.channel = 'SMS' AND x."externalId" = z.phone AND x."optedOutAt" IS NOT NULL), false) AS "smsOptedOut",
              CASE WHEN i.channel = 'ZALO_OA'
                   THEN (SELECT count(*)::int FROM "Notice" n
                          WHERE n."identityId" = i.id AND n.type = 'BROADCAST' AND n."createdAt" > $3 AND n.status <> 'CANCELLED' AND n."broadcastId" <> $4)
                   ELSE 0 END AS "broadcastsLastDay"
         FROM "Subscription" s
         JOIN "ChannelIdentity" i ON i.id = s."identityId"
         LEFT JOIN "Citizen" z ON z.id = i."citizenId"
        WHERE s.kind = 'AREA' AND s."cancelledAt" IS NULL AND s."communeCode" = $1
          AND (cardinality($2::uuid[]) = 0 OR s."hamletId" IS NULL OR s."hamletId" = ANY($2::uuid[]))
        ORDER BY i.id, (s."hamletId" IS NULL), s."createdAt"`,
      [b.communeCode, hamlets, since, b.id],
    );
    return rows.rows;
  }

  private async previewOf(b: BroadcastRow): Promise<BroadcastPreview> {
    const text = await this.textFor(b.id);
    if (!text) throw new NotFoundError("Không tìm thấy thông báo.");
    // A draft's text may have changed since it was cached.
    const fresh: BroadcastTextInput = { ...text, title: b.title, body: b.body, urgent: b.urgent };
    const t = broadcastNoticeText(fresh);
    const budget = this.settings.smsSegmentBudget;
    const sms = fitSms(t.sms, budget);
    const full = toSmsText([t.sms.head, t.sms.middle ?? "", t.sms.tail ?? ""].filter(Boolean).join(" "));
    const smsSegments = countSegments(sms).segments;
    const subscribers = await this.subscribers(this.pool, b);
    const now = this.now();
    const targets: Target[] = targetAll(subscribers, { urgent: b.urgent, now, zaloPerFollowerDay: this.settings.zaloPerFollowerDay });
    const recipients = summarize(targets);
    return {
      texts: { telegram: t.chat, zalo: t.zalo ?? t.chat, sms },
      smsSegments,
      smsBudget: budget,
      smsFitsBudget: countSegments(full).segments <= budget,
      smsShortened: sms !== full,
      smsUsed: b.urgent,
      recipients,
      unreachableByReason: (Object.entries(recipients.unreachableByReason) as [UnreachableReason, number][])
        .filter(([, n]) => n > 0)
        .map(([reason, count]) => ({ reason, label: UNREACHABLE_LABELS[reason], count })),
      cost: estimateCost(recipients, smsSegments, { smsSegmentPrice: this.settings.smsSegmentPrice, zaloMessagePrice: this.settings.zaloMessagePrice }),
    };
  }

  private async detailWithPreview(principal: Principal, id: string): Promise<{ view: BroadcastView; preview: BroadcastPreview }> {
    const b = await this.load(principal, id);
    this.texts.delete(id);
    const [view, preview] = [await this.view(id), await this.previewOf(b)];
    // A draft has no notices yet: its counts say whom it would reach now, as GET does.
    if (!view.startedAt && view.status !== "CANCELLED") withAudience(view, preview.recipients);
    return { view, preview };
  }

  private async view(id: string): Promise<BroadcastView> {
    const b = (
      await this.pool.query<BroadcastRow & { communeName: string; hamlets: { id: string; name: string }[] }>(
        `SELECT b.*, c."fullName" AS "communeName",
                COALESCE((SELECT json_agg(json_build_object('id', h.id, 'name', h.name)) FROM "BroadcastHamlet" bh JOIN "Hamlet" h ON h.id = bh."hamletId" WHERE bh."broadcastId" = b.id), '[]'::json) AS hamlets
           FROM "Broadcast" b JOIN "AdminUnit" c ON c.code = b."communeCode" WHERE b.id = $1`,
        [id],
      )
    ).rows[0];
    if (!b) throw new NotFoundError("Không tìm thấy thông báo.");
    const progress = b.startedAt ? await this.notices.broadcastProgress(id) : [];
    const blank = (): ChannelCounts => ({ queued: 0, sent: 0, delivered: 0, failed: 0, unknown: 0, cancelled: 0 });
    const byChannel: Record<BroadcastChannel, ChannelCounts> = { TELEGRAM: blank(), ZALO_OA: blank(), SMS: blank() };
    const counts: BroadcastCounts = { total: b.recipientsTotal, queued: 0, sent: 0, delivered: 0, failed: 0, unreachable: b.unreachableTotal, unknown: 0, cancelled: 0 };
    for (const p of progress) {
      const bucket: keyof ChannelCounts =
        p.status === "DELIVERED" ? "delivered" : p.status === "SENT" ? "sent" : p.status === "FAILED" ? "failed" : p.status === "CANCELLED" ? "cancelled" : p.status === "UNCONFIRMED" ? "unknown" : "queued";
      counts[bucket] += p.n;
      const ch = p.channel as BroadcastChannel | null;
      if (ch && ch in byChannel) byChannel[ch][bucket] += p.n;
    }
    return {
      id: b.id,
      communeCode: b.communeCode,
      communeName: b.communeName,
      hamlets: b.hamlets.sort((x, y) => x.name.localeCompare(y.name, "vi")),
      title: b.title,
      body: b.body,
      urgent: b.urgent,
      status: b.status,
      statusLabel: BROADCAST_STATUS_LABELS[b.status],
      scheduledAt: b.scheduledAt,
      createdAt: b.createdAt,
      createdByName: b.createdByName,
      approvedByName: b.approvedByName,
      approvedAt: b.approvedAt,
      sendRequestedAt: b.sendRequestedAt,
      startedAt: b.startedAt,
      sentAt: b.sentAt,
      cancelledAt: b.cancelledAt,
      cancelledByName: b.cancelledByName,
      counts,
      byChannel,
      progress: progressOf(counts),
    };
  }
}

function progressOf(c: BroadcastCounts): { done: number; of: number; percent: number } {
  const of = c.total - c.unreachable;
  const done = c.delivered + c.sent + c.failed + c.unknown + c.cancelled;
  return { done, of, percent: of > 0 ? Math.floor((done * 100) / of) : 100 };
}

function parse<S extends z.ZodType>(schema: S, input: unknown): z.output<S> {
  const result = schema.safeParse(input ?? {});
  if (result.success) return result.data;
  const issues = result.error.issues.map((i) => ({ field: i.path.map(String).join(".") || "body", message: i.message }));
  const first = issues[0]!;
  throw new ValidationError(first.message.includes(":") ? first.message : `${first.field}: ${first.message}`, { field: first.field, issues });
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/** Before an announcement's notices exist, its counts are whom it would reach now. */
function withAudience(view: BroadcastView, audience: AudienceSummary): void {
  view.counts.total = audience.total;
  view.counts.unreachable = audience.unreachable;
  view.progress = progressOf(view.counts);
}
