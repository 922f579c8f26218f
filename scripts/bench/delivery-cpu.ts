/**
 * `npx tsx scripts/bench/delivery-cpu.ts`: the CPU that sending one notice costs, per statement,
 * in this process (process.cpuUsage) and in the PostgreSQL backends of a database of its own
 * (/proc/<pid>/stat) — CPU, not time, so it means something on a loaded machine.
 *
 * A backlog of BENCH_NOTICES notices (RECEIVED, to a citizen with a Telegram chat) is sent by the
 * NoticeSender in jobs of NOTICES_PER_JOB, BENCH_CONCURRENCY at once, to an in-process channel
 * that answers "delivered" at once (no HTTP, no BullMQ, no Redis: the sender and the store only).
 * Each statement of the NoticeStore's pools is counted and its backend CPU attributed to it by
 * running the phases apart: first the whole sender, then read / claim-and-attempt / result alone
 * on a second backlog.
 *
 * BENCH_DELIVERY_RUNS=n repeats both measures n times on fresh backlogs (the figures of each run).
 * DELIVERY_CPU_SETUP_SQL runs statements on the new database first (a schema change tried before
 * its migration).
 */
import { randomUUID } from "node:crypto";
import { readFileSync } from "node:fs";
import pg from "pg";
import pino from "pino";
import type { Channel, DeliveryChannel, OutboundMessage } from "../../src/channels/channel.js";
import { createPool } from "../../src/db/pool.js";
import { NoticeSender } from "../../src/notifications/notice-sender.js";
import { NoticeStore } from "../../src/notifications/notice-store.js";
import { NOTICES_PER_JOB } from "../../queues/names.js";
import { throwawayBenchDatabase } from "./support.js";

const N = Number(process.env.BENCH_NOTICES ?? 6000);
const CONCURRENCY = Number(process.env.BENCH_CONCURRENCY ?? 100);
const RUNS = Number(process.env.BENCH_DELIVERY_RUNS ?? 2);
/** Notices per statement when the statements are measured alone (BENCH_BATCH; the sender's batches depend on timing). */
const BATCH = Number(process.env.BENCH_BATCH ?? CONCURRENCY);

function cpuSeconds(pid: number): number {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, "utf8");
    const f = stat.slice(stat.lastIndexOf(")") + 2).split(" ");
    return (Number(f[11]) + Number(f[12])) / 100;
  } catch {
    return 0;
  }
}

async function main(): Promise<void> {
  const db = await throwawayBenchDatabase("motcua_delivery_cpu");
  const pool = createPool(db.url, { max: 20 });
  const admin = new pg.Client({ connectionString: db.url });
  await admin.connect();
  try {
    // DELIVERY_CPU_SETUP_SQL: statements run on the new database first (a schema change tried before its migration).
    if (process.env.DELIVERY_CPU_SETUP_SQL) await admin.query(process.env.DELIVERY_CPU_SETUP_SQL);
    await admin.query(
      `INSERT INTO "Citizen" (id, phone, "updatedAt") SELECT gen_random_uuid(), '+8491' || lpad(g::text, 7, '0'), now() FROM generate_series(1, $1) g`,
      [N * (RUNS * 2 + 1)],
    );
    await admin.query(
      `INSERT INTO "ChannelIdentity" (id, channel, "externalId", "citizenId", "updatedAt")
         SELECT gen_random_uuid(), 'TELEGRAM', (7000000 + substr(phone, 6)::int)::text, id, now() FROM "Citizen"`,
    );
    let offset = 0;
    /** A backlog of `n` QUEUED notices, as the ingest writes them (variables of a RECEIVED event). */
    const backlog = async (n: number): Promise<string[]> => {
      const rows = await admin.query<{ id: string }>(
        `INSERT INTO "Notice" (id, type, "citizenId", variables, urgent, "dedupeKey", "channelPlan", "updatedAt", "createdAt")
           SELECT gen_random_uuid(), 'RECEIVED', c.id,
                  jsonb_build_object('citizenName', 'Nguyễn Văn An', 'dossierCode', 'H15.50.05.13-261124-' || lpad(c.rn::text, 6, '0'),
                                     'procedureName', 'Đăng ký khai sinh', 'receivedDate', '02/12/2026', 'dueDate', '05/12/2026', 'newDueDate', null,
                                     'note', null, 'communeName', 'Phường Hồng Ngự', 'submissionChannel', 'COUNTER', 'early', false, 'link', null),
                  false, 'bench:' || gen_random_uuid(), '{}', now() - interval '1 minute', now() - interval '1 minute'
             FROM (SELECT id, row_number() OVER (ORDER BY phone) AS rn FROM "Citizen" ORDER BY phone OFFSET $2 LIMIT $1) c
           RETURNING id`,
        [n, offset],
      );
      offset += n;
      await admin.query(`VACUUM ANALYZE "Notice", "NoticeAttempt", "Citizen", "ChannelIdentity"`);
      return rows.rows.map((r) => r.id);
    };
    const backends = async () =>
      (await admin.query<{ pid: number }>(`SELECT pid FROM pg_stat_activity WHERE datname = current_database() AND pid <> pg_backend_pid()`)).rows.map((r) => r.pid);
    /** CPU of this process and of the database's backends over `work`, µs per notice. */
    const measure = async (n: number, work: () => Promise<void>) => {
      const before = new Map((await backends()).map((p) => [p, cpuSeconds(p)]));
      const self = process.cpuUsage();
      await work();
      const own = process.cpuUsage(self);
      const after = new Map((await backends()).map((p) => [p, cpuSeconds(p)]));
      const pgSeconds = [...after].reduce((s, [p, v]) => s + v - (before.get(p) ?? v), 0);
      return { node: (own.user + own.system) / n, pg: (pgSeconds * 1e6) / n };
    };

    const store = new NoticeStore(pool);
    const sent: OutboundMessage[] = [];
    const telegram: Channel = {
      kind: "TELEGRAM" as DeliveryChannel,
      provider: "telegram",
      reconcilable: "never",
      send: async (m) => {
        sent.push(m);
        return { providerMessageId: String(sent.length), delivered: true };
      },
    };
    const scheduler = { send: async () => undefined, receiptCheck: async () => undefined };
    const sender = new NoticeSender({
      pool,
      store,
      channels: new Map([["TELEGRAM", telegram]]),
      scheduler,
      logger: pino({ level: "error" }),
      limiter: null,
      quietHours: null,
      smsSegmentBudget: 3,
      znsTemplates: {},
      twilioPerSecond: 10,
      concurrency: CONCURRENCY,
    });
    /** Sends the ids as the worker does: jobs of NOTICES_PER_JOB, CONCURRENCY notices at once. */
    const sendAll = async (ids: string[]) => {
      const jobs: string[][] = [];
      for (let i = 0; i < ids.length; i += NOTICES_PER_JOB) jobs.push(ids.slice(i, i + NOTICES_PER_JOB));
      let next = 0;
      const lanes = Math.max(1, Math.ceil(CONCURRENCY / NOTICES_PER_JOB));
      await Promise.all(
        Array.from({ length: lanes }, async () => {
          while (next < jobs.length) await sender.processMany(jobs[next++]!);
        }),
      );
    };
    // Warm: connections opened, statements prepared, code optimised.
    await sendAll(await backlog(1000));

    const fmt = (m: { node: number; pg: number }) => `${m.node.toFixed(0).padStart(5)} / ${m.pg.toFixed(0).padStart(5)} µs`;
    for (let run = 1; run <= RUNS; run++) {
      const ids = await backlog(N);
      const whole = await measure(N, () => sendAll(ids));
      const delivered = await admin.query<{ n: number }>(`SELECT count(*)::int AS n FROM "Notice" WHERE status = 'DELIVERED' AND id = ANY($1::uuid[])`, [ids]);
      if (delivered.rows[0]!.n !== N) throw new Error(`only ${delivered.rows[0]!.n} of ${N} delivered`);

      // The statements alone, in the same batches.
      const ids2 = await backlog(N);
      const batches: string[][] = [];
      for (let i = 0; i < ids2.length; i += BATCH) batches.push(ids2.slice(i, i + BATCH));
      const read: Awaited<ReturnType<NoticeStore["read"]>>[] = [];
      const mRead = await measure(N, async () => {
        for (const b of batches) read.push(...(await Promise.all(b.map((id) => store.read(id)))));
      });
      const attempts = read.map((r) => ({
        attemptId: randomUUID(),
        noticeId: r!.id,
        claimToken: randomUUID(),
        version: r!.version,
        channel: "TELEGRAM" as DeliveryChannel,
        recipient: r!.identities[0]!.externalId,
        text: "x".repeat(300),
        segments: null,
        plan: ["TELEGRAM" as DeliveryChannel],
        index: 0,
      }));
      // Claimed and recorded 200 at a time, so that no more notices are SENDING at once than in a worker.
      const mClaim = { node: 0, pg: 0 };
      const mResult = { node: 0, pg: 0 };
      const add = (to: { node: number; pg: number }, m: { node: number; pg: number }, part: number) => {
        to.node += (m.node * part) / N;
        to.pg += (m.pg * part) / N;
      };
      for (let c = 0; c < attempts.length; c += 200) {
        const chunk = attempts.slice(c, c + 200);
        add(mClaim, await measure(chunk.length, async () => {
          for (let i = 0; i < chunk.length; i += BATCH) {
            const got = await Promise.all(chunk.slice(i, i + BATCH).map((a) => store.claimAndAttempt(a)));
            if (got.some((g) => g === null)) throw new Error("a claim failed");
          }
        }), chunk.length);
        add(mResult, await measure(chunk.length, async () => {
          for (let i = 0; i < chunk.length; i += BATCH)
            await Promise.all(
              chunk.slice(i, i + BATCH).map((a, j) =>
                store.result({ attemptId: a.attemptId, noticeId: a.noticeId, claimToken: a.claimToken, channel: "TELEGRAM", delivered: true, providerMessageId: `p${c + i + j}`, outcome: "sent", segments: null, checkAt: null }),
              ),
            );
        }), chunk.length);
      }
      console.log(`run ${run}/${RUNS}: ${N} notices, CPU per notice, this process / PostgreSQL (statements alone: ${BATCH} notices each)`);
      console.log(`  the sender, whole           ${fmt(whole)}`);
      console.log(`  read                        ${fmt(mRead)}`);
      console.log(`  claim and attempt           ${fmt(mClaim)}`);
      console.log(`  result                      ${fmt(mResult)}`);
    }
    await store.close();
  } finally {
    await admin.end();
    await pool.end();
    await db.drop();
  }
}

main().then(
  () => process.exit(0),
  (error) => {
    console.error(error);
    process.exit(1);
  },
);
