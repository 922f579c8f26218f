/**
 * The one owner of notices and their attempts (the model: notifications_dao.py in GOV.UK Notify):
 * every write of a "Notice" or "NoticeAttempt" row is a statement of this file, and each moves a
 * status only along the transitions in the tables below — the statements take their "from"
 * states from the tables, so a move the tables do not allow matches no row.
 *
 * - creation, in the caller's transaction (the notice is the outbox row of its cause);
 * - the sender's read, claim and attempt (together when the provider's limit allows the call at
 *   once), and result (batched across concurrent jobs);
 * - retry, deferral, fallback to the next channel (one rule, `moveOn`), finish;
 * - receipts (attempt and notice in one transaction);
 * - unconfirmed sends (a worker died or a call timed out mid-send) and their reconciliation;
 * - the relay's release of dead claims and its reads of what is due.
 */
import { randomUUID } from "node:crypto";
import pg from "pg";
import { inTransaction } from "../db/pool.js";
import type { AttemptStatus, ChannelKind, NoticeStatus } from "../generated/prisma/enums.js";
import { MicroBatcher, refusedForItsData } from "../db/micro-batcher.js";
import type { DeliveryChannel } from "../channels/channel.js";

export const NOTICE_CHANNEL = "motcua_notices";

/** Runs one SQL statement in the caller's transaction (a pg client or a Prisma transaction). */
export type SqlRunner = <R = Record<string, unknown>>(sql: string, params: unknown[]) => Promise<R[]>;

export function viaPg(client: { query: (sql: string, params: unknown[]) => Promise<{ rows: unknown[] }> }): SqlRunner {
  return async <R,>(sql: string, params: unknown[]) => (await client.query(sql, params)).rows as R[];
}

export function viaPrisma(tx: { $queryRawUnsafe: (sql: string, ...params: unknown[]) => Promise<unknown> }): SqlRunner {
  return async <R,>(sql: string, params: unknown[]) => (await tx.$queryRawUnsafe(sql, ...params)) as R[];
}

export interface NewNotice {
  id?: string;
  type: string;
  /** The citizen (null for a chat that is not linked to one: an announcement to a subscriber). */
  citizenId: string | null;
  /** The one chat it goes to (announcements): the sender tries no other identity. */
  identityId?: string | null;
  broadcastId?: string | null;
  dossierId?: string | null;
  eventId?: string | null;
  variables: unknown;
  urgent: boolean;
  /** Unique per cause: a second notice with the same key is not written. */
  dedupeKey: string;
  /** Fixed channels (e.g. the phone on record only); empty or absent = the sender plans them. */
  channelPlan?: ChannelKind[];
}

/** Writes new notices (QUEUED); a dedupe key already used writes nothing. The ids written. */
export async function createNotices(run: SqlRunner, notices: NewNotice[]): Promise<string[]> {
  if (notices.length === 0) return [];
  const rows = await run<{ id: string }>(NOTICE_INSERT, [JSON.stringify(noticeRows(notices))]);
  return rows.map((r) => r.id);
}

/**
 * The statement `createNotices` runs, its rows one JSON parameter (jsonb_to_recordset), not one
 * array literal per column. The ingest writes its notices with the same statement inside
 * `dossier_ingest_write` (its latest definition: prisma/migrations/20261202000500_ingest_write_sets): a change to one is
 * made to both.
 */
export const NOTICE_INSERT = `INSERT INTO "Notice" (id, type, "citizenId", "dossierId", "eventId", variables, urgent, "dedupeKey", "channelPlan", "identityId", "broadcastId", "updatedAt")
     SELECT t.id, t.type, t."citizenId", t."dossierId", t."eventId", t.variables, t.urgent, t."dedupeKey",
            COALESCE(string_to_array(NULLIF(t.plan, ''), ',')::"ChannelKind"[], '{}'), t."identityId", t."broadcastId", now()
       FROM jsonb_to_recordset($1::jsonb)
            AS t(id uuid, type text, "citizenId" uuid, "dossierId" uuid, "eventId" uuid, variables jsonb, urgent bool, "dedupeKey" text, plan text, "identityId" uuid, "broadcastId" uuid)
     ON CONFLICT ("dedupeKey") DO NOTHING RETURNING id`;

/** The notices as the rows of `NOTICE_INSERT` (and of `dossier_ingest_write`'s notices). */
export function noticeRows(notices: NewNotice[]) {
  return notices.map((n) => ({
    id: n.id ?? randomUUID(),
    type: n.type,
    citizenId: n.citizenId,
    dossierId: n.dossierId ?? null,
    eventId: n.eventId ?? null,
    variables: n.variables ?? null,
    urgent: n.urgent,
    dedupeKey: n.dedupeKey,
    plan: (n.channelPlan ?? []).join(","),
    identityId: n.identityId ?? null,
    broadcastId: n.broadcastId ?? null,
  }));
}

/**
 * Wakes the relay for notices already committed (call it after COMMIT: inside the transaction the
 * NOTIFY would hold PostgreSQL's global notify lock through the commit). A lost wake-up is caught
 * by the relay's sweep. Payloads stay under NOTIFY's 8000 bytes.
 */
export async function wakeRelay(run: SqlRunner, ids: string[]): Promise<void> {
  if (ids.length === 0) return;
  const chunks: string[] = [];
  for (let i = 0; i < ids.length; i += 200) chunks.push(ids.slice(i, i + 200).join(","));
  // Counted, not returned: pg_notify answers void, which a Prisma raw query cannot read.
  await run(`SELECT count(pg_notify($1, payload))::int AS sent FROM unnest($2::text[]) AS payload`, [NOTICE_CHANNEL, chunks]);
}

// ───────────────────────── The allowed transitions ─────────────────────────

/** Where a notice may go from each status. DELIVERED and CANCELLED are final. */
export const NOTICE_TRANSITIONS: Record<NoticeStatus, readonly NoticeStatus[]> = {
  QUEUED: ["SENDING", "CANCELLED"],
  DEFERRED: ["SENDING", "CANCELLED"],
  // The sender, under its claim: the provider's answer, or a retry, deferral or fallback.
  SENDING: ["QUEUED", "DEFERRED", "SENT", "DELIVERED", "FAILED", "CANCELLED", "UNCONFIRMED"],
  // A receipt; a failed receipt or none in time moves on to the next channel (QUEUED) or ends.
  SENT: ["DELIVERED", "QUEUED", "FAILED"],
  // Reconciled with the provider: it has it (SENT/DELIVERED), never took it (QUEUED on the same
  // channel), or reports it failed (next channel, or FAILED). Unknown: it stays.
  UNCONFIRMED: ["SENT", "DELIVERED", "QUEUED", "FAILED"],
  DELIVERED: [],
  // A late "delivered" receipt for the last channel's message.
  FAILED: ["DELIVERED"],
  CANCELLED: [],
};

export const ATTEMPT_TRANSITIONS: Record<AttemptStatus, readonly AttemptStatus[]> = {
  SENDING: ["SENT", "DELIVERED", "FAILED", "UNCONFIRMED"],
  SENT: ["DELIVERED", "FAILED"],
  UNCONFIRMED: ["SENT", "DELIVERED", "FAILED"],
  DELIVERED: [],
  FAILED: [],
};

/** The statuses from which a notice may move to every one of `targets`. */
export function noticeFrom(...targets: NoticeStatus[]): NoticeStatus[] {
  return (Object.keys(NOTICE_TRANSITIONS) as NoticeStatus[]).filter((from) => targets.every((t) => NOTICE_TRANSITIONS[from].includes(t)));
}

export function attemptFrom(...targets: AttemptStatus[]): AttemptStatus[] {
  return (Object.keys(ATTEMPT_TRANSITIONS) as AttemptStatus[]).filter((from) => targets.every((t) => ATTEMPT_TRANSITIONS[from].includes(t)));
}

// ───────────────────────── Shapes ─────────────────────────

/** A notice due for sending, as read before it is claimed. */
export interface ClaimedNotice {
  id: string;
  /** The row's version when read (PostgreSQL's xmin): a claim takes the notice only if it has not changed since. */
  version: string;
  type: string;
  citizenId: string | null;
  channelPlan: string[] | null;
  channelIndex: number;
  variables: unknown;
  urgent: boolean;
  lastError: string | null;
  /** Set for a notice addressed to one chat (an announcement). */
  identityId: string | null;
  broadcastId: string | null;
  knownCitizen: string | null;
  phone: string | null;
  preferredChannels: string[] | null;
  citizenOptedOutAt: Date | null;
  identities: { id: string; channel: DeliveryChannel | "WEB" | "SANDBOX"; externalId: string; optedOut: boolean; reachable: boolean; lastInteractionAt: string | null }[];
}

export interface AttemptInput {
  attemptId: string;
  noticeId: string;
  claimToken: string;
  /** The version read (ClaimedNotice.version): claimAndAttempt claims only that very row. */
  version: string;
  channel: DeliveryChannel;
  recipient: string;
  text: string;
  segments: number | null;
  plan: DeliveryChannel[];
  index: number;
}

export interface ResultInput {
  attemptId: string;
  noticeId: string;
  claimToken: string;
  /** The attempt's channel (Telegram sends no receipts: none can be held for it). */
  channel: DeliveryChannel;
  delivered: boolean;
  providerMessageId: string | null;
  outcome: string;
  segments: number | null;
  /** When to ask about it if no receipt comes (null: delivered, nothing to ask). */
  checkAt: Date | null;
}

/** An attempt and its notice, as the receipt deadline / reconciliation check needs them. */
export interface AttemptUnderCheck {
  noticeId: string;
  noticeStatus: NoticeStatus;
  type: string;
  checkAt: Date | null;
  channelPlan: string[];
  channelIndex: number;
  attemptId: string;
  attemptStatus: AttemptStatus;
  channel: DeliveryChannel;
  recipient: string;
  text: string;
  providerMessageId: string | null;
  startedAt: Date;
  outcome: string | null;
  otherProviderIds: string[];
}

export type ReceiptStatus = "sent" | "delivered" | "failed";

export interface Receipt {
  /** Find the attempt by the provider's message id… */
  providerMessageId?: string;
  /** …or by our notice id (ZNS tracking_id, our Twilio callback URL). */
  noticeId?: string;
  channel: "SMS" | "ZALO_OA" | "ZNS";
  status: ReceiptStatus;
  errorCode?: string | null;
}

export type ReceiptOutcome = { outcome: "applied" | "unchanged" | "unknown"; requeued?: string };

const pgArray = (values: string[]) => `{${values.join(",")}}`;
const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

// ───────────────────────── The store ─────────────────────────

export class NoticeStore {
  private readonly reads: MicroBatcher<string, ClaimedNotice | null>;
  private readonly claims: MicroBatcher<{ id: string; token: string; version: string }, boolean>;
  private readonly claimsWithAttempt: MicroBatcher<AttemptInput, number | null>;
  private readonly attempts: MicroBatcher<AttemptInput, number | null>;
  private readonly results: MicroBatcher<ResultInput, string | null>;

  /** The sessions of the sender's batched statements (see `batched`), opened on first use. */
  private batchPool: pg.Pool | undefined;

  constructor(private readonly pool: pg.Pool) {
    // A batch PostgreSQL refuses for one notice's data is written again notice by notice: that
    // notice fails alone, never the others sent with it.
    this.reads = new MicroBatcher((ids) => this.readMany(ids), 250, 2, refusedForItsData);
    this.claims = new MicroBatcher((items) => this.claimMany(items), 250, 2, refusedForItsData);
    this.claimsWithAttempt = new MicroBatcher((items) => this.claimAndAttemptMany(items), 250, 2, refusedForItsData);
    this.attempts = new MicroBatcher((items) => this.attemptMany(items), 250, 2, refusedForItsData);
    this.results = new MicroBatcher((items) => this.resultMany(items), 250, 2, refusedForItsData);
  }

  /**
   * The sender's batched statements (read, claim, attempt, result) run on sessions of their own
   * (at most 6, on the same database, opened by a worker on its first send) whose prepared
   * statements always use their generic plan (plan_cache_mode). PostgreSQL otherwise planned them
   * afresh for each batch (a custom plan for the array it was given: the generic one, estimated
   * for 10 rows, looked dearer than one for 1-5), at 0.3-0.5 ms of its CPU per statement — more
   * than the statement itself for a lone notice or a small batch: PostgreSQL CPU per notice, in
   * batches of 2, 1,660 -> 880 µs (read, claim with attempt, result). The generic plans find every
   * row by its key whatever the batch's size. The pool's other statements keep PostgreSQL's choice.
   */
  private batched(): pg.Pool {
    if (!this.batchPool) {
      const base = this.pool.options as pg.PoolConfig;
      const pool = new pg.Pool({ ...base, max: 6, options: `${base.options ?? ""} -c plan_cache_mode=force_generic_plan -c enable_seqscan=off`.trim() });
      pool.on("error", () => undefined); // an idle client's error is reported by the next query
      pool.on("connect", (client) => client.on("error", () => undefined));
      this.batchPool = pool;
    }
    return this.batchPool;
  }

  /** Closes the sessions of the batched statements (the main pool is its owner's to close). */
  async close(): Promise<void> {
    await this.batchPool?.end().catch(() => undefined);
  }

  private tx<T>(work: (client: pg.PoolClient) => Promise<T>): Promise<T> {
    return inTransaction(this.pool, work);
  }

  // ── The sender's three statements, batched across the jobs running at the same moment ──
  // Each is a named (prepared) statement, run on the sessions of `batched()`: parsed and planned
  // once per session (a generic plan, kept until the tables' statistics change), not for every
  // batch the worker writes. Sequential scans are off in those sessions, so a plan made while the
  // notice tables were nearly empty still finds each row by its key once they have grown.

  /**
   * Reads what sending a due notice needs (the notice, its citizen, the chats it may go to) and
   * the row's version; null when it is not due (sent, cancelled, waiting, its announcement
   * cancelled). A read only: nothing is held until the claim.
   */
  read(id: string): Promise<ClaimedNotice | null> {
    return this.reads.submit(id);
  }

  /**
   * Claims the notice as read at `version` (QUEUED/DEFERRED → SENDING) without an attempt: for a
   * move that calls no provider (finish, defer, fallback), or before waiting for a rate-limit
   * slot. False when it changed since it was read, or is no longer due.
   */
  claim(id: string, token: string, version: string): Promise<boolean> {
    return this.claims.submit({ id, token, version });
  }

  /**
   * Claims the notice as read at `input.version` and writes its attempt, marked dispatched, in
   * one statement, right before the provider is called. The attempt's number, or null when the
   * notice changed since it was read or is no longer due (another job took it, its announcement
   * was cancelled): then nothing is written, and nothing may be sent.
   */
  claimAndAttempt(input: AttemptInput): Promise<number | null> {
    return this.claimsWithAttempt.submit(input);
  }

  /** Writes the attempt under a claim already made (renewing it), marked dispatched; its number, or null when the claim was lost. */
  attempt(input: AttemptInput): Promise<number | null> {
    return this.attempts.submit(input);
  }

  /**
   * Records the provider's acceptance: attempt and notice in one statement, never moving a status
   * back; then applies a receipt that arrived before it (held in "EarlyReceipt"). The notice id to
   * send again when such a receipt moved it to its next channel.
   */
  result(input: ResultInput): Promise<string | null> {
    return this.results.submit(input);
  }

  /**
   * Holds a receipt whose send is not recorded yet, then tries it once more (the send may have
   * been recorded meanwhile, after its own look-up for held receipts). The outcome of that try.
   */
  async holdEarlyReceipt(receipt: Receipt): Promise<ReceiptOutcome> {
    const noticeId = receipt.noticeId && UUID.test(receipt.noticeId) ? receipt.noticeId : null;
    const held = await this.pool.query<{ id: string }>(
      `INSERT INTO "EarlyReceipt" (id, channel, "providerMessageId", "noticeId", status, "errorCode") VALUES (gen_random_uuid(), $1::"ChannelKind", $2, $3, $4, $5) RETURNING id`,
      [receipt.channel, receipt.providerMessageId ?? null, noticeId, receipt.status, receipt.errorCode ?? null],
    );
    const again = await this.applyReceipt(receipt);
    if (again.outcome !== "unknown") await this.pool.query(`DELETE FROM "EarlyReceipt" WHERE id = $1`, [held.rows[0]!.id]);
    return again;
  }

  /** Drops held receipts older than an hour (for messages that are not ours). */
  async dropStaleEarlyReceipts(): Promise<number> {
    const r = await this.pool.query(`DELETE FROM "EarlyReceipt" WHERE "receivedAt" < now() - interval '1 hour'`);
    return r.rowCount ?? 0;
  }

  /** A notice that may be claimed: due, and its announcement (if any) not cancelled (`statuses`: the parameter of the claimable statuses). */
  private static claimable(statuses: string): string {
    return `n.status = ANY(${statuses}::"NoticeStatus"[]) AND (n."notBefore" IS NULL OR n."notBefore" <= now())
            -- A cancelled announcement's notices are never claimed again (its cancel waits for those already claimed).
            AND (n."broadcastId" IS NULL OR NOT EXISTS (SELECT 1 FROM "Broadcast" b WHERE b.id = n."broadcastId" AND b.status = 'CANCELLED'))`;
  }

  private async readMany(ids: string[]): Promise<(ClaimedNotice | null)[]> {
    const rows = await this.batched().query<ClaimedNotice>({
      name: "notice-read",
      text: `SELECT n.id, n.xmin::text AS version, n.type, n."citizenId", n."channelPlan"::text[] AS "channelPlan", n."channelIndex", n.variables, n.urgent, n."lastError",
              n."identityId", n."broadcastId",
              z.id AS "knownCitizen", z.phone, z."preferredChannels"::text[] AS "preferredChannels", z."optedOutAt" AS "citizenOptedOutAt",
              COALESCE((SELECT json_agg(json_build_object('id', i.id, 'channel', i.channel, 'externalId', i."externalId", 'optedOut', i."optedOutAt" IS NOT NULL,
                                                          'reachable', i.reachable, 'lastInteractionAt', i."lastInteractionAt"))
                          FROM "ChannelIdentity" i
                         -- Conditions the indexes answer (a CASE here was a scan of every identity per notice):
                         -- the citizen's chats and phone, or the one chat a notice is addressed to; and
                         -- always the phone's own opt-outs, linked to this citizen or not (a STOP, or a
                         -- "HUY" texted before the citizen was known; an urgent announcement's SMS fallback).
                         WHERE i.id = n."identityId" OR (n."identityId" IS NULL AND i."citizenId" = n."citizenId")
                            OR (i.channel IN ('SMS', 'ZNS') AND i."externalId" = z.phone)), '[]'::json) AS identities
         FROM "Notice" n LEFT JOIN "Citizen" z ON z.id = n."citizenId"
        WHERE n.id = ANY($1::uuid[]) AND ${NoticeStore.claimable("$2")}`,
      values: [ids, noticeFrom("SENDING")],
    });
    const byId = new Map(rows.rows.map((r) => [r.id, r]));
    return ids.map((id) => byId.get(id) ?? null);
  }

  private async claimMany(items: { id: string; token: string; version: string }[]): Promise<boolean[]> {
    const rows = await this.batched().query<{ claimToken: string }>({
      name: "notice-claim",
      text: `UPDATE "Notice" n SET status = 'SENDING', "claimToken" = t.token, "claimedAt" = now(), "updatedAt" = now()
         FROM unnest($1::uuid[], $2::uuid[], $3::text[]) AS t(id, token, version)
        WHERE n.id = t.id AND n.xmin::text = t.version AND ${NoticeStore.claimable("$4")}
        RETURNING n."claimToken"`,
      values: [items.map((i) => i.id), items.map((i) => i.token), items.map((i) => i.version), noticeFrom("SENDING")],
    });
    const claimed = new Set(rows.rows.map((r) => r.claimToken));
    return items.map((i) => claimed.has(i.token));
  }

  private async claimAndAttemptMany(items: AttemptInput[]): Promise<(number | null)[]> {
    const rows = await this.batched().query<{ id: string; attemptNo: number }>({
      name: "notice-claim-attempt",
      text: `WITH input AS (
         SELECT * FROM unnest($1::uuid[], $2::uuid[], $3::uuid[], $4::text[], $5::text[], $6::text[], $7::int[], $8::text[], $9::int[], $10::text[])
           AS t("attemptId", "noticeId", token, channel, recipient, text, segments, plan, idx, version)
       ), claimed AS (
         -- The claim, over the row as it was read (its version), with the plan computed from it.
         UPDATE "Notice" n SET status = 'SENDING', "claimToken" = i.token, "claimedAt" = now(), "updatedAt" = now(),
                "channelPlan" = i.plan::"ChannelKind"[], "channelIndex" = i.idx
           FROM input i
          WHERE n.id = i."noticeId" AND n.xmin::text = i.version AND ${NoticeStore.claimable("$11")}
          RETURNING n.id, n."claimToken"
       )
       INSERT INTO "NoticeAttempt" (id, "noticeId", channel, "attemptNo", status, recipient, text, segments, "dispatchedAt")
       SELECT i."attemptId", i."noticeId", i.channel::"ChannelKind",
              COALESCE((SELECT max(a."attemptNo") FROM "NoticeAttempt" a WHERE a."noticeId" = i."noticeId" AND a.channel = i.channel::"ChannelKind"), 0) + 1,
              'SENDING', i.recipient, i.text, i.segments, now()
         FROM input i JOIN claimed c ON c.id = i."noticeId" AND c."claimToken" = i.token
       RETURNING id, "attemptNo"`,
      values: [
        ...attemptColumns(items),
        items.map((i) => i.version),
        noticeFrom("SENDING"),
      ],
    });
    const byId = new Map(rows.rows.map((r) => [r.id, Number(r.attemptNo)]));
    return items.map((i) => byId.get(i.attemptId) ?? null);
  }

  private async attemptMany(items: AttemptInput[]): Promise<(number | null)[]> {
    const rows = await this.batched().query<{ id: string; attemptNo: number }>({
      name: "notice-attempt",
      text: `WITH input AS (
         SELECT * FROM unnest($1::uuid[], $2::uuid[], $3::uuid[], $4::text[], $5::text[], $6::text[], $7::int[], $8::text[], $9::int[])
           AS t("attemptId", "noticeId", token, channel, recipient, text, segments, plan, idx)
       ), held AS (
         UPDATE "Notice" n SET "claimedAt" = now(), "channelPlan" = i.plan::"ChannelKind"[], "channelIndex" = i.idx
           FROM input i WHERE n.id = i."noticeId" AND n.status = 'SENDING' AND n."claimToken" = i.token
          RETURNING n.id
       )
       INSERT INTO "NoticeAttempt" (id, "noticeId", channel, "attemptNo", status, recipient, text, segments, "dispatchedAt")
       SELECT i."attemptId", i."noticeId", i.channel::"ChannelKind",
              COALESCE((SELECT max(a."attemptNo") FROM "NoticeAttempt" a WHERE a."noticeId" = i."noticeId" AND a.channel = i.channel::"ChannelKind"), 0) + 1,
              'SENDING', i.recipient, i.text, i.segments, now()
         FROM input i WHERE i."noticeId" IN (SELECT id FROM held)
       RETURNING id, "attemptNo"`,
      values: [
        ...attemptColumns(items),
      ],
    });
    const byId = new Map(rows.rows.map((r) => [r.id, Number(r.attemptNo)]));
    return items.map((i) => byId.get(i.attemptId) ?? null);
  }

  private async resultMany(items: ResultInput[]): Promise<(string | null)[]> {
    await this.batched().query({
      name: "notice-result",
      text: `WITH input AS (
         SELECT * FROM unnest($1::uuid[], $2::uuid[], $3::uuid[], $4::bool[], $5::text[], $6::text[], $7::int[], $8::timestamptz[])
           AS t("attemptId", "noticeId", token, delivered, "providerMessageId", outcome, segments, "checkAt")
       ), attempt AS (
         UPDATE "NoticeAttempt" a
            SET status = CASE WHEN i.delivered THEN 'DELIVERED'::"AttemptStatus" ELSE 'SENT'::"AttemptStatus" END,
                "providerMessageId" = i."providerMessageId", "sentAt" = now(),
                "deliveredAt" = COALESCE(a."deliveredAt", CASE WHEN i.delivered THEN now() END),
                outcome = COALESCE(a.outcome, i.outcome), segments = COALESCE(i.segments, a.segments)
           FROM input i WHERE a.id = i."attemptId" AND a."noticeId" = i."noticeId" AND a.status = ANY($9::"AttemptStatus"[])
          RETURNING a.id, a."noticeId", i.token, i.delivered, i."checkAt"
       )
       -- Each notice found by its key from its attempt's row. The status is a parameter: written
       -- as 'SENDING', the generic plan read every SENDING notice from the partial index of claims
       -- and compared each with every input row.
       UPDATE "Notice" n
          SET status = CASE WHEN r.delivered THEN 'DELIVERED'::"NoticeStatus" ELSE 'SENT'::"NoticeStatus" END,
              "sentAt" = now(), "deliveredAt" = COALESCE(n."deliveredAt", CASE WHEN r.delivered THEN now() END),
              "checkAt" = r."checkAt", "claimToken" = NULL, "lastError" = NULL, "updatedAt" = now()
         FROM attempt r
        WHERE n.id = r."noticeId" AND n.status = ANY($10::"NoticeStatus"[]) AND n."claimToken" = r.token`,
      values: [
        items.map((i) => i.attemptId),
        items.map((i) => i.noticeId),
        items.map((i) => i.claimToken),
        items.map((i) => i.delivered),
        items.map((i) => i.providerMessageId),
        items.map((i) => i.outcome),
        items.map((i) => i.segments),
        items.map((i) => i.checkAt),
        attemptFrom("SENT", "DELIVERED"),
        ["SENDING"],
      ],
    });
    // Receipts that outran these sends: applied now that the sends are recorded. Only channels
    // with receipts can have held one (`Receipt["channel"]`): a batch of Telegram sends skips it.
    const withReceipts = items.filter((i) => i.channel !== "TELEGRAM");
    if (withReceipts.length === 0) return items.map(() => null);
    const early = await this.batched().query<{ channel: Receipt["channel"]; providerMessageId: string | null; noticeId: string | null; status: ReceiptStatus; errorCode: string | null }>({
      name: "notice-result-early-receipts",
      text: `DELETE FROM "EarlyReceipt" e
        WHERE e."providerMessageId" = ANY($1::text[]) OR e."noticeId" = ANY($2::uuid[])
        RETURNING e.channel::text AS channel, e."providerMessageId", e."noticeId", e.status, e."errorCode"`,
      values: [withReceipts.map((i) => i.providerMessageId).filter((v): v is string => !!v), withReceipts.map((i) => i.noticeId)],
    });
    const requeued = new Map<string, string>();
    for (const r of early.rows) {
      const outcome = await this.applyReceipt({
        channel: r.channel,
        status: r.status,
        ...(r.providerMessageId ? { providerMessageId: r.providerMessageId } : {}),
        ...(r.noticeId ? { noticeId: r.noticeId } : {}),
        errorCode: r.errorCode,
      });
      if (outcome.requeued) requeued.set(outcome.requeued, outcome.requeued);
    }
    return items.map((i) => requeued.get(i.noticeId) ?? null);
  }

  // ── The sender's other moves, each under its claim ──

  /** The provider refused the attempt (it never took the message). */
  async attemptFailed(attemptId: string, code: string, message: string, outcome: string): Promise<void> {
    await this.pool.query(
      `UPDATE "NoticeAttempt" SET status = 'FAILED', "failedAt" = now(), "errorCode" = $2, "errorMessage" = $3, outcome = $4 WHERE id = $1 AND status = ANY($5::"AttemptStatus"[])`,
      [attemptId, code, message.slice(0, 500), outcome, attemptFrom("FAILED")],
    );
  }

  /** Ends a claimed notice: FAILED (nothing reaches the citizen) or CANCELLED (opted out). */
  async finish(noticeId: string, claimToken: string, status: "FAILED" | "CANCELLED", reason: string, plan?: DeliveryChannel[]): Promise<void> {
    await this.pool.query(
      `UPDATE "Notice" SET status = $2::"NoticeStatus", "lastError" = $3, "claimToken" = NULL, "checkAt" = NULL, "channelPlan" = COALESCE($5::"ChannelKind"[], "channelPlan"), "updatedAt" = now()
        WHERE id = $1 AND "claimToken" = $4 AND status = ANY($6::"NoticeStatus"[])`,
      [noticeId, status, reason.slice(0, 500), claimToken, plan ?? null, noticeFrom(status)],
    );
  }

  /** Back to QUEUED after `delayMs`, on the same channel (nothing was sent). */
  async retry(noticeId: string, claimToken: string, delayMs: number, reason: string): Promise<void> {
    await this.pool.query(
      `UPDATE "Notice" SET status = 'QUEUED', "notBefore" = now() + ($2::int * interval '1 millisecond'), "lastError" = $3, "claimToken" = NULL, "updatedAt" = now()
        WHERE id = $1 AND "claimToken" = $4 AND status = ANY($5::"NoticeStatus"[])`,
      [noticeId, Math.round(delayMs), reason.slice(0, 500), claimToken, noticeFrom("QUEUED")],
    );
  }

  /** Held until `until` (quiet hours, a provider's night ban). */
  async defer(noticeId: string, claimToken: string, until: Date, reason: string, plan: DeliveryChannel[], index: number): Promise<void> {
    await this.pool.query(
      `UPDATE "Notice" SET status = 'DEFERRED', "notBefore" = $2, "lastError" = $3, "claimToken" = NULL, "channelPlan" = $5::"ChannelKind"[], "channelIndex" = $6, "updatedAt" = now()
        WHERE id = $1 AND "claimToken" = $4 AND status = ANY($7::"NoticeStatus"[])`,
      [noticeId, until, `deferred: ${reason}`.slice(0, 500), claimToken, plan, index, noticeFrom("DEFERRED")],
    );
  }

  /**
   * The one fallback rule: the next channel of the plan (QUEUED), or FAILED when none is left.
   * Used by the sender (under its claim), by receipts and by the deadline check (for the attempt's
   * channel only, so a stale receipt never skips a channel). Answers the new status, or null when
   * nothing moved.
   */
  async moveOn(
    noticeId: string,
    reason: string,
    guard: { claimToken?: string; plan?: DeliveryChannel[]; index?: number; currentChannel?: DeliveryChannel; from?: NoticeStatus[] },
    client: pg.Pool | pg.PoolClient = this.pool,
  ): Promise<"QUEUED" | "FAILED" | null> {
    const from = (guard.from ?? noticeFrom("QUEUED", "FAILED")).filter((s) => noticeFrom("QUEUED", "FAILED").includes(s));
    const rows = await client.query<{ status: "QUEUED" | "FAILED" }>(
      `WITH n0 AS (
         SELECT id, COALESCE($4::"ChannelKind"[], "channelPlan") AS plan, COALESCE($5::int, "channelIndex") AS idx FROM "Notice" WHERE id = $1
       )
       UPDATE "Notice" n SET
          "channelPlan" = n0.plan,
          status = CASE WHEN n0.idx + 1 < cardinality(n0.plan) THEN 'QUEUED'::"NoticeStatus" ELSE 'FAILED'::"NoticeStatus" END,
          "channelIndex" = CASE WHEN n0.idx + 1 < cardinality(n0.plan) THEN n0.idx + 1 ELSE n0.idx END,
          "notBefore" = NULL, "lastError" = $2, "claimToken" = NULL, "checkAt" = NULL, "updatedAt" = now()
         FROM n0
        WHERE n.id = n0.id AND n.status = ANY($6::"NoticeStatus"[])
          AND ($3::uuid IS NULL OR n."claimToken" = $3::uuid)
          AND ($7::"ChannelKind" IS NULL OR n0.plan[n0.idx + 1] = $7::"ChannelKind")
        RETURNING n.status`,
      [noticeId, reason.slice(0, 500), guard.claimToken ?? null, guard.plan ?? null, guard.index ?? null, from, guard.currentChannel ?? null],
    );
    return rows.rows[0]?.status ?? null;
  }

  /**
   * The provider may have accepted the attempt (the call timed out, or was cut mid-way): attempt
   * and notice become UNCONFIRMED together, with a check at `checkAt`. Under the sender's claim,
   * or (the relay) for a notice whose worker died.
   */
  async unconfirmed(noticeId: string, attemptId: string, reason: string, checkAt: Date, claimToken: string | null, client: pg.Pool | pg.PoolClient = this.pool): Promise<boolean> {
    const rows = await client.query(
      `WITH a AS (
         UPDATE "NoticeAttempt" SET status = 'UNCONFIRMED', outcome = 'reconciling', "errorMessage" = $3
          WHERE id = $2 AND "noticeId" = $1 AND status = ANY($5::"AttemptStatus"[]) RETURNING id
       )
       UPDATE "Notice" SET status = 'UNCONFIRMED', "claimToken" = NULL, "checkAt" = $4, "lastError" = $3, "updatedAt" = now()
        WHERE id = $1 AND status = ANY($6::"NoticeStatus"[]) AND ($7::uuid IS NULL OR "claimToken" = $7::uuid) AND EXISTS (SELECT 1 FROM a)
        RETURNING id`,
      [noticeId, attemptId, reason.slice(0, 500), checkAt, attemptFrom("UNCONFIRMED"), noticeFrom("UNCONFIRMED"), claimToken],
    );
    return (rows.rowCount ?? 0) > 0;
  }

  // ── Receipts ──

  /**
   * A provider's delivery receipt: the attempt and its notice move forward together, in one
   * transaction; a repeated or late receipt changes nothing. A failed receipt moves the notice on
   * to its next channel. `requeued` names a notice that now needs its send job.
   */
  async applyReceipt(receipt: Receipt): Promise<ReceiptOutcome> {
    const noticeId = receipt.noticeId && UUID.test(receipt.noticeId) ? receipt.noticeId : null;
    return this.tx(async (c) => {
      // By the provider's id when known; else (or when the id is not recorded yet) by our notice id.
      const found = await c.query<{ id: string; noticeId: string; status: AttemptStatus }>(
        `SELECT id, "noticeId", status FROM "NoticeAttempt"
          WHERE channel = $3::"ChannelKind" AND ("providerMessageId" = $1 OR ("noticeId" = $2::uuid AND ("providerMessageId" IS NULL OR $1::text IS NULL)))
          ORDER BY ("providerMessageId" = $1) DESC NULLS LAST, "startedAt" DESC LIMIT 1`,
        [receipt.providerMessageId ?? null, noticeId, receipt.channel],
      );
      const attempt = found.rows[0];
      // Unknown, or its send call has not returned yet (a receipt can outrun the provider's answer):
      // looked up again briefly; if the call then times out, the provider is asked about it anyway.
      if (!attempt || attempt.status === "SENDING") return { outcome: "unknown" };
      // Locks in the order every writer takes them (the notice, then its attempt).
      await c.query(`SELECT id FROM "Notice" WHERE id = $1 FOR UPDATE`, [attempt.noticeId]);
      await c.query(`SELECT id FROM "NoticeAttempt" WHERE id = $1 FOR UPDATE`, [attempt.id]);

      if (receipt.status === "delivered") {
        const moved = await c.query(
          `UPDATE "NoticeAttempt" SET status = 'DELIVERED', "deliveredAt" = now(), outcome = 'delivered',
                  "providerMessageId" = COALESCE("providerMessageId", $2)
            WHERE id = $1 AND status = ANY($3::"AttemptStatus"[])`,
          [attempt.id, receipt.providerMessageId ?? null, attemptFrom("DELIVERED")],
        );
        if (!moved.rowCount) return { outcome: "unchanged" };
        await c.query(
          `UPDATE "Notice" SET status = 'DELIVERED', "deliveredAt" = now(), "checkAt" = NULL, "updatedAt" = now()
            WHERE id = $1 AND status = ANY($2::"NoticeStatus"[]) AND "channelPlan"["channelIndex" + 1] = $3::"ChannelKind"`,
          [attempt.noticeId, noticeFrom("DELIVERED"), receipt.channel],
        );
        return { outcome: "applied" };
      }
      if (receipt.status === "failed") {
        const moved = await c.query(
          `UPDATE "NoticeAttempt" SET status = 'FAILED', "failedAt" = now(), "errorCode" = COALESCE($2, "errorCode"), outcome = 'undelivered'
            WHERE id = $1 AND status = ANY($3::"AttemptStatus"[])`,
          [attempt.id, receipt.errorCode ?? null, attemptFrom("FAILED")],
        );
        if (!moved.rowCount) return { outcome: "unchanged" };
        // The notice was only sent on this channel: the next one, or the end.
        const next = await this.moveOn(
          attempt.noticeId,
          `${receipt.channel} undelivered${receipt.errorCode ? ` (${receipt.errorCode})` : ""}`,
          { currentChannel: receipt.channel, from: ["SENT", "UNCONFIRMED"] },
          c,
        );
        return next === "QUEUED" ? { outcome: "applied", requeued: attempt.noticeId } : { outcome: "applied" };
      }
      // "sent": informative only; never moves anything back.
      const moved = await c.query(
        `UPDATE "NoticeAttempt" SET status = 'SENT', "sentAt" = COALESCE("sentAt", now()), "providerMessageId" = COALESCE("providerMessageId", $2)
          WHERE id = $1 AND status = ANY($3::"AttemptStatus"[]) AND status <> 'UNCONFIRMED'`,
        [attempt.id, receipt.providerMessageId ?? null, attemptFrom("SENT")],
      );
      return { outcome: moved.rowCount ? "applied" : "unchanged" };
    });
  }

  // ── Checks: a receipt deadline, or the reconciliation of an unconfirmed attempt ──

  async loadForCheck(noticeId: string, attemptId: string): Promise<AttemptUnderCheck | null> {
    const rows = await this.pool.query<AttemptUnderCheck>(
      `SELECT n.id AS "noticeId", n.status AS "noticeStatus", n.type, n."checkAt", n."channelPlan"::text[] AS "channelPlan", n."channelIndex",
              a.id AS "attemptId", a.status AS "attemptStatus", a.channel, a.recipient, COALESCE(a.text, '') AS text, a."providerMessageId", a."startedAt", a.outcome,
              COALESCE((SELECT array_agg(o."providerMessageId") FROM "NoticeAttempt" o WHERE o."noticeId" = n.id AND o.id <> a.id AND o."providerMessageId" IS NOT NULL), '{}') AS "otherProviderIds"
         FROM "Notice" n JOIN "NoticeAttempt" a ON a."noticeId" = n.id
        WHERE n.id = $1 AND a.id = $2`,
      [noticeId, attemptId],
    );
    return rows.rows[0] ?? null;
  }

  /** Asks again later (the provider could not be reached, or a receipt may still come). */
  async checkLater(noticeId: string, at: Date, reason?: string): Promise<void> {
    await this.pool.query(`UPDATE "Notice" SET "checkAt" = $2, "lastError" = COALESCE($3, "lastError"), "updatedAt" = now() WHERE id = $1 AND status IN ('SENT', 'UNCONFIRMED')`, [
      noticeId,
      at,
      reason ?? null,
    ]);
  }

  /** Nothing more to ask about this notice: it stays as it is (SENT awaiting a late receipt, say). */
  async checked(noticeId: string, reason?: string): Promise<void> {
    await this.pool.query(`UPDATE "Notice" SET "checkAt" = NULL, "lastError" = COALESCE($2, "lastError"), "updatedAt" = now() WHERE id = $1`, [noticeId, reason ?? null]);
  }

  /** The provider has the message: the attempt and notice say so (SENT with a check at `checkAt`, or DELIVERED). */
  async reconciledAccepted(noticeId: string, attemptId: string, providerMessageId: string | null, delivered: boolean, checkAt: Date | null): Promise<boolean> {
    return this.tx(async (c) => {
      const a = await c.query(
        `UPDATE "NoticeAttempt" SET status = $3::"AttemptStatus",
                outcome = CASE WHEN status = 'UNCONFIRMED' THEN 'reconciled_' || $4 ELSE $4 END, "providerMessageId" = COALESCE($5, "providerMessageId"),
                "sentAt" = COALESCE("sentAt", now()), "deliveredAt" = CASE WHEN $3 = 'DELIVERED' THEN COALESCE("deliveredAt", now()) END
          WHERE id = $2 AND "noticeId" = $1 AND status = ANY($6::"AttemptStatus"[])`,
        [noticeId, attemptId, delivered ? "DELIVERED" : "SENT", delivered ? "delivered" : "accepted", providerMessageId, attemptFrom(delivered ? "DELIVERED" : "SENT")],
      );
      if (!a.rowCount) return false;
      await c.query(
        `UPDATE "Notice" SET status = $2::"NoticeStatus", "sentAt" = COALESCE("sentAt", now()), "deliveredAt" = CASE WHEN $2 = 'DELIVERED' THEN COALESCE("deliveredAt", now()) END,
                "checkAt" = $3, "lastError" = NULL, "updatedAt" = now()
          WHERE id = $1 AND status = ANY($4::"NoticeStatus"[])`,
        [noticeId, delivered ? "DELIVERED" : "SENT", delivered ? null : checkAt, noticeFrom(delivered ? "DELIVERED" : "SENT")],
      );
      return true;
    });
  }

  /** The provider never took the message: the attempt failed, and the notice goes back to its queue on the same channel. */
  async reconciledNotAccepted(noticeId: string, attemptId: string): Promise<boolean> {
    return this.tx(async (c) => {
      const a = await c.query(
        `UPDATE "NoticeAttempt" SET status = 'FAILED', "failedAt" = now(), outcome = 'not_accepted' WHERE id = $2 AND "noticeId" = $1 AND status = 'UNCONFIRMED'`,
        [noticeId, attemptId],
      );
      if (!a.rowCount) return false;
      const n = await c.query(
        `UPDATE "Notice" SET status = 'QUEUED', "notBefore" = NULL, "checkAt" = NULL, "lastError" = 'the provider never took the unconfirmed attempt: sent again', "updatedAt" = now()
          WHERE id = $1 AND status = 'UNCONFIRMED' AND status = ANY($2::"NoticeStatus"[])`,
        [noticeId, noticeFrom("QUEUED")],
      );
      return (n.rowCount ?? 0) > 0;
    });
  }

  /** The provider took it and reports it failed: the attempt failed, the notice moves on. */
  async reconciledFailed(noticeId: string, attemptId: string, channel: DeliveryChannel, providerMessageId: string | null, errorCode: string | null): Promise<"QUEUED" | "FAILED" | null> {
    return this.tx(async (c) => {
      const a = await c.query(
        `UPDATE "NoticeAttempt" SET status = 'FAILED', "failedAt" = now(), outcome = 'undelivered', "errorCode" = COALESCE($3, "errorCode"), "providerMessageId" = COALESCE($4, "providerMessageId")
          WHERE id = $2 AND "noticeId" = $1 AND status = ANY($5::"AttemptStatus"[])`,
        [noticeId, attemptId, errorCode, providerMessageId, attemptFrom("FAILED")],
      );
      if (!a.rowCount) return null;
      return this.moveOn(noticeId, `${channel} undelivered${errorCode ? ` (${errorCode})` : ""}`, { currentChannel: channel, from: ["SENT", "UNCONFIRMED"] }, c);
    });
  }

  /** No delivery report by the deadline: the attempt says so, and the notice moves on to its next channel (or ends). */
  async noReceiptInTime(noticeId: string, attemptId: string, channel: DeliveryChannel): Promise<"QUEUED" | "FAILED" | null> {
    return this.tx(async (c) => {
      await c.query(`SELECT id FROM "Notice" WHERE id = $1 FOR UPDATE`, [noticeId]);
      const a = await c.query(`UPDATE "NoticeAttempt" SET outcome = 'no_receipt' WHERE id = $2 AND "noticeId" = $1 AND status = 'SENT'`, [noticeId, attemptId]);
      if (!a.rowCount) return null;
      return this.moveOn(noticeId, "no delivery receipt in time", { currentChannel: channel, from: ["SENT"] }, c);
    });
  }

  /** The provider cannot tell: the outcome is recorded as unknown and the message is not sent again. */
  async outcomeUnknown(noticeId: string, attemptId: string, reason: string): Promise<void> {
    await this.tx(async (c) => {
      await c.query(`UPDATE "NoticeAttempt" SET outcome = 'unknown', "errorMessage" = $3 WHERE id = $2 AND "noticeId" = $1 AND status = 'UNCONFIRMED'`, [noticeId, attemptId, reason.slice(0, 500)]);
      await c.query(`UPDATE "Notice" SET "checkAt" = NULL, "lastError" = $2, "updatedAt" = now() WHERE id = $1 AND status = 'UNCONFIRMED'`, [noticeId, reason.slice(0, 500)]);
    });
  }

  // ── The relay ──

  /**
   * Claims older than the lease belong to a worker that died (a live one renews its claim when it
   * writes the attempt, and finishes well within the lease). An attempt that was dispatched may
   * have reached the provider: attempt and notice become UNCONFIRMED, to be reconciled at once.
   * One that was not: the notice is queued again.
   */
  async releaseDeadClaims(leaseMs: number): Promise<{ requeued: string[]; unconfirmed: { noticeId: string; attemptId: string }[] }> {
    const stale = await this.pool.query<{ id: string }>(
      `SELECT id FROM "Notice" WHERE status = 'SENDING' AND "claimedAt" < now() - ($1::int * interval '1 millisecond') LIMIT 5000`,
      [leaseMs],
    );
    const requeued: string[] = [];
    const unconfirmed: { noticeId: string; attemptId: string }[] = [];
    for (const { id } of stale.rows) {
      await this.tx(async (c) => {
        // The row lock orders this against the worker's attempt statement, which renews the claim.
        const locked = await c.query(
          `SELECT id FROM "Notice" WHERE id = $1 AND status = 'SENDING' AND "claimedAt" < now() - ($2::int * interval '1 millisecond') FOR UPDATE`,
          [id, leaseMs],
        );
        if (locked.rowCount === 0) return;
        const attempt = await c.query<{ id: string; dispatched: boolean }>(
          `SELECT id, "dispatchedAt" IS NOT NULL AS dispatched FROM "NoticeAttempt" WHERE "noticeId" = $1 AND status = 'SENDING' ORDER BY "startedAt" DESC LIMIT 1`,
          [id],
        );
        const row = attempt.rows[0];
        if (row?.dispatched) {
          if (await this.unconfirmed(id, row.id, "the worker stopped while the provider was being called: asking the provider before anything is sent again", new Date(), null, c)) {
            unconfirmed.push({ noticeId: id, attemptId: row.id });
          }
          return;
        }
        if (row) {
          await c.query(`UPDATE "NoticeAttempt" SET status = 'FAILED', outcome = 'worker_stopped_before_call', "failedAt" = now() WHERE id = $1 AND status = ANY($2::"AttemptStatus"[])`, [
            row.id,
            attemptFrom("FAILED"),
          ]);
        }
        await c.query(
          `UPDATE "Notice" SET status = 'QUEUED', "claimToken" = NULL, "lastError" = 'the worker stopped before sending: queued again', "updatedAt" = now()
            WHERE id = $1 AND status = ANY($2::"NoticeStatus"[])`,
          [id, noticeFrom("QUEUED")],
        );
        requeued.push(id);
      });
    }
    return { requeued, unconfirmed };
  }

  /** One page of notices due to be (re)queued, oldest first, after `after` (keyset). */
  async dueForSending(quietMs: number, after: { createdAt: string; id: string } | null, limit: number): Promise<{ id: string; wait: number; createdAt: string }[]> {
    const due = await this.pool.query<{ id: string; wait: number; createdAt: string }>(
      `SELECT id, "createdAt"::text AS "createdAt", GREATEST(0, EXTRACT(EPOCH FROM ("notBefore" - now())) * 1000)::int AS wait
         FROM "Notice"
        WHERE status IN ('QUEUED', 'DEFERRED') AND ("notBefore" IS NULL OR "notBefore" <= now() + interval '1 minute')
          AND ("updatedAt" < now() - ($1::int * interval '1 millisecond') OR ("notBefore" IS NOT NULL AND "notBefore" <= now()))
          AND ($2::timestamp IS NULL OR ("createdAt", id) > ($2::timestamp, $3::uuid))
        -- The column, not the text of the same name above: the waiting notices' index gives this order.
        ORDER BY "Notice"."createdAt", id LIMIT ${Math.floor(limit)}`,
      [quietMs, after?.createdAt ?? null, after?.id ?? null],
    );
    return due.rows;
  }

  /** Checks whose time has come (receipt deadlines, reconciliations), with the attempt each is about. */
  async dueChecks(limit: number): Promise<{ noticeId: string; attemptId: string; checkAt: Date }[]> {
    const rows = await this.pool.query<{ noticeId: string; attemptId: string; checkAt: Date }>(
      `SELECT n.id AS "noticeId", a.id AS "attemptId", n."checkAt"
         FROM "Notice" n
         JOIN LATERAL (SELECT id FROM "NoticeAttempt" WHERE "noticeId" = n.id ORDER BY "startedAt" DESC LIMIT 1) a ON true
        WHERE n.status IN ('SENT', 'UNCONFIRMED') AND n."checkAt" <= now()
        ORDER BY n."checkAt" LIMIT ${Math.floor(limit)}`,
    );
    return rows.rows;
  }

  // ── Announcements ──

  /**
   * Cancels an announcement's notices that no worker holds (queued, waiting for quiet hours or a
   * retry); the number cancelled. The caller has already marked the announcement CANCELLED, so
   * no claim can take its notices any more (see claimMany).
   */
  async cancelUnclaimedOfBroadcast(broadcastId: string): Promise<number> {
    const rows = await this.pool.query(
      `UPDATE "Notice" SET status = 'CANCELLED', "lastError" = 'announcement cancelled', "notBefore" = NULL, "checkAt" = NULL, "updatedAt" = now()
        WHERE "broadcastId" = $1 AND status = ANY($2::"NoticeStatus"[]) AND status <> 'SENDING'`,
      [broadcastId, noticeFrom("CANCELLED")],
    );
    return rows.rowCount ?? 0;
  }

  /**
   * Cancels the waiting notices of every cancelled announcement: what a cancel left when its
   * process died between marking the announcement and cancelling its notices, or a notice a worker
   * held through the cancel and handed back afterwards (a retry). The worker's tick runs it; the
   * index on (broadcastId, status) reads only the waiting ones. The number cancelled.
   */
  async cancelLeftoversOfCancelledBroadcasts(): Promise<number> {
    const rows = await this.pool.query(
      `UPDATE "Notice" n SET status = 'CANCELLED', "lastError" = 'announcement cancelled', "notBefore" = NULL, "checkAt" = NULL, "updatedAt" = now()
         FROM "Broadcast" b
        WHERE b.status = 'CANCELLED' AND n."broadcastId" = b.id AND n.status = ANY($1::"NoticeStatus"[]) AND n.status <> 'SENDING'`,
      [noticeFrom("CANCELLED")],
    );
    return rows.rowCount ?? 0;
  }

  /** How many of an announcement's notices a worker holds right now (a provider call may be under way). */
  async claimedOfBroadcast(broadcastId: string): Promise<number> {
    const rows = await this.pool.query<{ n: number }>(`SELECT count(*)::int AS n FROM "Notice" WHERE "broadcastId" = $1 AND status = 'SENDING'`, [broadcastId]);
    return rows.rows[0]?.n ?? 0;
  }

  /** An announcement's notices by status and by the channel each is on now. */
  async broadcastProgress(broadcastId: string): Promise<{ status: NoticeStatus; channel: DeliveryChannel | null; n: number }[]> {
    const rows = await this.pool.query<{ status: NoticeStatus; channel: DeliveryChannel | null; n: number }>(
      `SELECT status, ("channelPlan"::text[])["channelIndex" + 1] AS channel, count(*)::int AS n
         FROM "Notice" WHERE "broadcastId" = $1 GROUP BY 1, 2`,
      [broadcastId],
    );
    return rows.rows;
  }

  /** Whether every notice of the announcement has reached a state the sender will not change by itself. */
  async broadcastSettled(broadcastId: string): Promise<boolean> {
    const rows = await this.pool.query<{ open: boolean }>(
      `SELECT EXISTS (SELECT 1 FROM "Notice" WHERE "broadcastId" = $1 AND (status IN ('QUEUED', 'SENDING', 'DEFERRED') OR (status = 'UNCONFIRMED' AND "checkAt" IS NOT NULL))) AS open`,
      [broadcastId],
    );
    return !rows.rows[0]?.open;
  }

  // ── Reads for a dossier's history ──

  /** A dossier's notices with every attempt, oldest first. */
  async forDossier(dossierId: string): Promise<DossierNotice[]> {
    const rows = await this.pool.query<DossierNotice>(
      `SELECT n.id, n.type, n.status, n."createdAt", n."sentAt", n."deliveredAt", n."lastError", n."checkAt",
              n."channelPlan"::text[] AS "channelPlan",
              COALESCE((SELECT json_agg(json_build_object('channel', a.channel, 'attemptNo', a."attemptNo", 'status', a.status, 'outcome', a.outcome,
                                                          'recipient', a.recipient, 'providerMessageId', a."providerMessageId", 'errorCode', a."errorCode",
                                                          'startedAt', a."startedAt", 'sentAt', a."sentAt", 'deliveredAt', a."deliveredAt", 'failedAt', a."failedAt")
                                        ORDER BY a."startedAt")
                          FROM "NoticeAttempt" a WHERE a."noticeId" = n.id), '[]'::json) AS attempts
         FROM "Notice" n WHERE n."dossierId" = $1 ORDER BY n."createdAt", n.id`,
      [dossierId],
    );
    return rows.rows;
  }
}

export interface DossierNotice {
  id: string;
  type: string;
  status: NoticeStatus;
  createdAt: Date;
  sentAt: Date | null;
  deliveredAt: Date | null;
  lastError: string | null;
  checkAt: Date | null;
  channelPlan: string[];
  attempts: {
    channel: DeliveryChannel;
    attemptNo: number;
    status: AttemptStatus;
    outcome: string | null;
    recipient: string | null;
    providerMessageId: string | null;
    errorCode: string | null;
    startedAt: string;
    sentAt: string | null;
    deliveredAt: string | null;
    failedAt: string | null;
  }[];
}

/** An attempt's columns as the parameter arrays $1–$9 of the claim-and-attempt and attempt statements. */
function attemptColumns(items: readonly AttemptInput[]) {
  return [
    items.map((i) => i.attemptId),
    items.map((i) => i.noticeId),
    items.map((i) => i.claimToken),
    items.map((i) => i.channel),
    items.map((i) => i.recipient),
    items.map((i) => i.text),
    items.map((i) => i.segments),
    items.map((i) => pgArray(i.plan)),
    items.map((i) => i.index),
  ];
}
