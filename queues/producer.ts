/** Puts jobs on the notifications queue. Redis carries only ids; PostgreSQL holds the truth. */
import { randomUUID } from "node:crypto";
import { Queue, type JobsOptions } from "bullmq";
import type { Redis } from "ioredis";
import type { NoticeScheduler } from "../src/notifications/notice-sender.js";
import { jobCatalog } from "./catalog.js";
import { JOB, NOTICES_PER_JOB, NOTIFICATIONS_QUEUE } from "./names.js";

function options(name: string, extra: JobsOptions): JobsOptions {
  const def = jobCatalog[name]!;
  // Finished jobs are removed at once, so a notice's id can be queued again after a fallback.
  return { attempts: def.retry.attempts, backoff: def.retry.backoff, removeOnComplete: true, removeOnFail: 1000, ...extra };
}

/**
 * How long a notice counts as waiting in a batch job (its marker's lifetime) when no worker says
 * it is done with it: past that, the sweep may queue it again (a second job for a notice is
 * harmless — the claim lets one send — it only costs a read).
 */
const MARKER_TTL_MS = 10 * 60_000;

// KEYS: marker keys. Answers the positions (1-based) of the keys that do not exist.
const MISSING_KEYS = `
local absent = {}
for i = 1, #KEYS do
  if redis.call('EXISTS', KEYS[i]) == 0 then absent[#absent + 1] = i end
end
return absent
`;

// KEYS: marker keys; ARGV[1]: their lifetime in ms.
const SET_MARKERS = `
for i = 1, #KEYS do redis.call('SET', KEYS[i], '1', 'PX', ARGV[1]) end
return #KEYS
`;

export class NotificationQueue implements NoticeScheduler {
  readonly queue: Queue;

  constructor(
    private readonly connection: Redis,
    prefix = "motcua",
  ) {
    this.queue = new Queue(NOTIFICATIONS_QUEUE, { connection, prefix });
    this.queue.on("error", () => undefined); // connection trouble surfaces on the calls themselves
  }

  /**
   * A job run on a schedule (`every` ms, or a cron `pattern` in a time zone), one scheduler per id:
   * asking again updates it. Its runs are removed once done (at most 1,000 failed ones kept), as
   * every other job's: a scheduler's run left in Redis would stay there for good (a 5-second tick
   * leaves some 17,000 a day).
   */
  async schedule(schedulerId: string, repeat: { every: number } | { pattern: string; tz: string }, name: string): Promise<void> {
    const { attempts, backoff, removeOnComplete, removeOnFail } = options(name, {});
    await this.queue.upsertJobScheduler(schedulerId, repeat, { name, data: {}, opts: { attempts, backoff, removeOnComplete, removeOnFail } });
  }

  /** Follow-ups from inside a job (retry, fallback): a fresh job id, since the current job still exists. */
  async send(noticeId: string, delayMs = 0): Promise<void> {
    await this.queue.add(JOB.noticeSend, { noticeId }, options(JOB.noticeSend, { jobId: `send-${noticeId}-${randomUUID().slice(0, 8)}`, delay: Math.max(0, Math.round(delayMs)) }));
  }

  /**
   * A check of an attempt after `delayMs`. The job id names the attempt and the moment it is
   * due, so the sweep's copy of a check already waiting is not added twice, while a check moved
   * to a later time gets a job of its own.
   */
  async receiptCheck(noticeId: string, attemptId: string, delayMs: number, dueAt?: Date): Promise<void> {
    const due = dueAt ?? new Date(Date.now() + delayMs);
    const slot = Math.floor(due.getTime() / 1000);
    await this.queue.add(JOB.receiptCheck, { noticeId, attemptId }, options(JOB.receiptCheck, { jobId: `check-${attemptId}-${slot}`, delay: Math.max(0, Math.round(delayMs)) }));
  }

  /** The marker that says a batch job holds this notice (see `enqueueMissing`). */
  private markerKey(noticeId: string): string {
    return this.queue.toKey(`job-of:${noticeId}`);
  }

  /**
   * From the relay: the notices in jobs of up to `NOTICES_PER_JOB` (those due at the same second
   * together), each notice marked as waiting in a job until a worker is done with it.
   */
  async enqueueNotices(notices: { id: string; delayMs: number }[]): Promise<void> {
    if (notices.length === 0) return;
    // Grouped by the second they are due (rounded up: a job that ran early would find them not due yet).
    const byDelay = new Map<number, string[]>();
    for (const n of notices) {
      const delay = n.delayMs > 0 ? Math.ceil(n.delayMs / 1000) * 1000 : 0;
      const ids = byDelay.get(delay);
      if (ids) ids.push(n.id);
      else byDelay.set(delay, [n.id]);
    }
    const jobs: { name: string; data: { noticeIds: string[] }; opts: JobsOptions }[] = [];
    for (const [delay, ids] of byDelay) {
      for (let i = 0; i < ids.length; i += NOTICES_PER_JOB) {
        jobs.push({ name: JOB.noticeSendBatch, data: { noticeIds: ids.slice(i, i + NOTICES_PER_JOB) }, opts: options(JOB.noticeSendBatch, { jobId: `sendb-${randomUUID()}`, delay }) });
      }
    }
    // The markers first: a worker that takes a job at once then finds its notices marked, and
    // clears the markers when done (set after the job, they could outlive it).
    const keys = notices.map((n) => this.markerKey(n.id));
    for (let i = 0; i < keys.length; i += 1000) await this.connection.eval(SET_MARKERS, Math.min(1000, keys.length - i), ...keys.slice(i, i + 1000), MARKER_TTL_MS);
    try {
      for (let i = 0; i < jobs.length; i += 100) await this.queue.addBulk(jobs.slice(i, i + 100));
    } catch (error) {
      // Not queued: the sweep must see them as missing.
      await this.unmark(notices.map((n) => n.id)).catch(() => undefined);
      throw error;
    }
  }

  /** A worker is done with these notices (sent, or found not due): the sweep may queue them again when due. */
  async unmark(noticeIds: string[]): Promise<void> {
    for (let i = 0; i < noticeIds.length; i += 1000) await this.connection.del(...noticeIds.slice(i, i + 1000).map((id) => this.markerKey(id)));
  }

  /**
   * From the relay's sweep: the same, for the notices that no job holds (no marker). A large
   * backlog already waiting (an announcement held by the providers' rate limits) then costs one
   * EXISTS per notice and sweep, not a job built and added again each time. A notice queued twice
   * is still sent once (the claim): this changes what it costs, not what happens. The number added.
   */
  async enqueueMissing(notices: { id: string; delayMs: number }[]): Promise<number> {
    const missing: { id: string; delayMs: number }[] = [];
    for (let i = 0; i < notices.length; i += 1000) {
      const part = notices.slice(i, i + 1000);
      // One script call per 1,000 notices (not 1,000 commands): the positions (1-based) with no marker.
      const absent = (await this.connection.eval(MISSING_KEYS, part.length, ...part.map((n) => this.markerKey(n.id)))) as number[];
      for (const j of absent) missing.push(part[j - 1]!);
    }
    await this.enqueueNotices(missing);
    return missing.length;
  }

  async close(): Promise<void> {
    await this.queue.close();
  }
}
