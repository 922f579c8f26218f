/**
 * The outbox relay: turns notices written in PostgreSQL into jobs in Redis.
 * - LISTEN: the ingest transaction NOTIFYs the new notice ids when it commits → enqueued at once.
 * - Sweep (every few seconds): anything QUEUED/DEFERRED and due is enqueued again (a job already
 *   waiting is not duplicated), so a flushed or restarted Redis loses nothing.
 * - Claims whose worker died are released: back to QUEUED when no provider was called yet, or
 *   marked UNCONFIRMED (never re-sent) when the call may have been made (see DispatchLog).
 */
import pg from "pg";
import type { Logger } from "pino";
import { NOTICE_CHANNEL } from "../src/dossiers/ingest-service.js";
import type { NotificationQueue } from "./producer.js";

const SWEEP_PAGE = 5000;

export interface RelayOptions {
  databaseUrl: string;
  pool: pg.Pool;
  queue: NotificationQueue;
  logger: Logger;
  sweepMs: number;
  claimLeaseMs: number;
  /** How long to wait for a receipt of an attempt left unconfirmed by a stopped worker. */
  receiptDeadlineMs: number;
}

export class NoticeRelay {
  private listener: pg.Client | undefined;
  private timer: NodeJS.Timeout | undefined;
  private sweeping: Promise<void> | undefined;
  private stopped = false;

  constructor(private readonly options: RelayOptions) {}

  async start(): Promise<void> {
    await this.listen();
    await this.sweep();
    this.timer = setInterval(() => void this.sweep(), this.options.sweepMs);
  }

  private async listen(): Promise<void> {
    const client = new pg.Client({ connectionString: this.options.databaseUrl });
    client.on("error", (error) => {
      this.options.logger.warn({ err: error }, "relay lost its LISTEN connection; reconnecting");
      this.listener = undefined;
      if (!this.stopped) setTimeout(() => void this.listen().catch(() => undefined), 1000);
    });
    client.on("notification", (message) => {
      if (!message.payload) return;
      const ids = message.payload.split(",").filter(Boolean);
      this.options.queue.enqueueNotices(ids.map((id) => ({ id, delayMs: 0 }))).catch((error) => this.options.logger.warn({ err: error }, "enqueue failed; the sweep will retry"));
    });
    await client.connect();
    await client.query(`LISTEN ${NOTICE_CHANNEL}`);
    this.listener = client;
  }

  /** One pass: release dead claims, then enqueue every due notice. Safe to run concurrently with workers. */
  sweep(): Promise<void> {
    this.sweeping ??= this.sweepOnce()
      .catch((error) => this.options.logger.warn({ err: error }, "relay sweep failed"))
      .finally(() => (this.sweeping = undefined));
    return this.sweeping;
  }

  private async sweepOnce(): Promise<void> {
    const { pool, queue } = this.options;
    await this.releaseDeadClaims();
    // Notices written in the last few seconds were just enqueued by their NOTIFY: the sweep takes
    // what has waited longer (a lost NOTIFY, a flushed Redis, a deferral come due). Oldest first,
    // in pages of 5,000 until none is left, so a backlog (after Redis was flushed, or a worker
    // was down) is back in the queue within one pass; jobs already waiting are not duplicated.
    let after: { createdAt: string; id: string } | null = null;
    for (;;) {
      if (this.stopped) return;
      const due: pg.QueryResult<{ id: string; wait: number; createdAt: string }> = await pool.query(
        `SELECT id, "createdAt"::text AS "createdAt", GREATEST(0, EXTRACT(EPOCH FROM ("notBefore" - now())) * 1000)::int AS wait
           FROM "Notice"
          WHERE status IN ('QUEUED', 'DEFERRED') AND ("notBefore" IS NULL OR "notBefore" <= now() + interval '1 minute')
            AND ("updatedAt" < now() - ($1::int * interval '1 millisecond') OR ("notBefore" IS NOT NULL AND "notBefore" <= now()))
            AND ($2::timestamp IS NULL OR ("createdAt", id) > ($2::timestamp, $3::uuid))
          ORDER BY "createdAt", id LIMIT ${SWEEP_PAGE}`,
        [Math.max(3000, 2 * this.options.sweepMs), after?.createdAt ?? null, after?.id ?? null],
      );
      if (due.rows.length) await queue.enqueueNotices(due.rows.map((r) => ({ id: r.id, delayMs: r.wait })));
      if (due.rows.length < SWEEP_PAGE) return;
      const last = due.rows[due.rows.length - 1]!;
      after = { createdAt: last.createdAt, id: last.id };
    }
  }

  /**
   * Claims older than the lease belong to a worker that died (a live one finishes well within it).
   * An attempt that was dispatched may have reached the citizen: it is marked UNCONFIRMED and not
   * repeated. One that was not: the notice is queued again.
   */
  private async releaseDeadClaims(): Promise<void> {
    const { pool } = this.options;
    const stale = await pool.query<{ id: string }>(
      `SELECT id FROM "Notice" WHERE status = 'SENDING' AND "claimedAt" < now() - ($1::int * interval '1 millisecond') LIMIT 5000`,
      [this.options.claimLeaseMs],
    );
    let requeued = 0;
    let unconfirmed = 0;
    for (const { id } of stale.rows) {
      const client = await pool.connect();
      try {
        await client.query("BEGIN");
        // The row lock orders this against the worker's dispatch mark, which renews the claim.
        const locked = await client.query(
          `SELECT id FROM "Notice" WHERE id = $1 AND status = 'SENDING' AND "claimedAt" < now() - ($2::int * interval '1 millisecond') FOR UPDATE`,
          [id, this.options.claimLeaseMs],
        );
        if (locked.rowCount === 0) {
          await client.query("ROLLBACK");
          continue;
        }
        // The attempt made under the dead claim is the latest one still SENDING (with the atomic
        // success update, a SENT attempt always comes with a SENT notice).
        const attempt = await client.query<{ id: string; dispatched: boolean }>(
          `SELECT id, "dispatchedAt" IS NOT NULL AS dispatched FROM "NoticeAttempt" WHERE "noticeId" = $1 AND status = 'SENDING' ORDER BY "startedAt" DESC LIMIT 1`,
          [id],
        );
        const row = attempt.rows[0];
        const maybeSent = row?.dispatched === true;
        await client.query(`UPDATE "Notice" SET status = $2::"NoticeStatus", "claimToken" = NULL, "lastError" = $3, "updatedAt" = now() WHERE id = $1`, [
          id,
          maybeSent ? "SENT" : "QUEUED",
          maybeSent ? "the worker stopped while the provider was being called: not repeated" : "the worker stopped before sending: queued again",
        ]);
        if (row) {
          await client.query(`UPDATE "NoticeAttempt" SET status = $2::"AttemptStatus", outcome = $3, "failedAt" = CASE WHEN $2 = 'FAILED' THEN now() END WHERE id = $1`, [
            row.id,
            maybeSent ? "UNCONFIRMED" : "FAILED",
            maybeSent ? "worker_stopped_during_call" : "worker_stopped_before_call",
          ]);
        }
        await client.query("COMMIT");
        if (maybeSent) {
          unconfirmed += 1;
          // A provider that sends receipts will confirm it; without one in time, the next channel is tried.
          await this.options.queue.receiptCheck(id, row!.id, this.options.receiptDeadlineMs);
        } else requeued += 1;
      } catch (error) {
        await client.query("ROLLBACK").catch(() => undefined);
        throw error;
      } finally {
        client.release();
      }
    }
    if (requeued || unconfirmed) this.options.logger.warn({ requeued, unconfirmed }, "released claims of a stopped worker");
  }

  async stop(): Promise<void> {
    this.stopped = true;
    clearInterval(this.timer);
    await Promise.race([this.sweeping, new Promise((r) => setTimeout(r, 10_000).unref())]);
    await this.listener?.end().catch(() => undefined);
  }
}
