/**
 * The one owner of notices and their attempts: every row of "Notice" and "NoticeAttempt" is
 * written here, and nowhere else. Creation (in the caller's transaction: the notice is the outbox
 * row of its cause) lives at the top of this file.
 */
import { randomUUID } from "node:crypto";
import type { ChannelKind } from "../generated/prisma/enums.js";

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
  citizenId: string;
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
  const rows = await run<{ id: string }>(
    `INSERT INTO "Notice" (id, type, "citizenId", "dossierId", "eventId", variables, urgent, "dedupeKey", "channelPlan", "updatedAt")
     SELECT t.id, t.type, t."citizenId", t."dossierId", t."eventId", t.variables, t.urgent, t."dedupeKey",
            COALESCE(string_to_array(NULLIF(t.plan, ''), ',')::"ChannelKind"[], '{}'), now()
       FROM unnest($1::uuid[], $2::text[], $3::uuid[], $4::uuid[], $5::uuid[], $6::jsonb[], $7::bool[], $8::text[], $9::text[])
            AS t(id, type, "citizenId", "dossierId", "eventId", variables, urgent, "dedupeKey", plan)
     ON CONFLICT ("dedupeKey") DO NOTHING RETURNING id`,
    [
      notices.map((n) => n.id ?? randomUUID()),
      notices.map((n) => n.type),
      notices.map((n) => n.citizenId),
      notices.map((n) => n.dossierId ?? null),
      notices.map((n) => n.eventId ?? null),
      notices.map((n) => JSON.stringify(n.variables)),
      notices.map((n) => n.urgent),
      notices.map((n) => n.dedupeKey),
      notices.map((n) => (n.channelPlan ?? []).join(",")),
    ],
  );
  return rows.map((r) => r.id);
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
  await run(`SELECT pg_notify($1, payload) FROM unnest($2::text[]) AS payload`, [NOTICE_CHANNEL, chunks]);
}
