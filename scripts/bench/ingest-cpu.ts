/**
 * `npx tsx scripts/bench/ingest-cpu.ts`: the CPU one ingested event costs, per component, without
 * HTTP and without concurrency, so that two versions can be compared on a loaded machine (where
 * wall-clock rates mean nothing). One PostgreSQL connection serves the ingest service in this
 * process; its backend's CPU (/proc/<pid>/stat) and this process's (process.cpuUsage) are read
 * around each measured part:
 *
 *   - groups of 5 single events (what the group commit makes of 20 concurrent clients), new dossiers;
 *   - batches of 1,000 events, new dossiers;
 *   - batches of 1,000 status changes of known dossiers.
 *
 * Every event is the bench's (bench:notify): a citizen on record with a phone, a procedure and a
 * commune of the catalog, a notice per event. A database of its own (`motcua_ingest_cpu_<random>`
 * on BENCH_DATABASE_URL's server), dropped at the end. INGEST_CPU_ROUNDS=n repeats the parts n
 * times (3 by default) and prints each figure's median.
 */
import { randomBytes } from "node:crypto";
import { readFileSync, writeFileSync } from "node:fs";
import { createPool } from "../../src/db/pool.js";
import { acceptedEvent, type DossierEventInput } from "../../src/dossiers/event-schema.js";
import { DossierIngestService } from "../../src/dossiers/ingest-service.js";
import type { Principal } from "../../src/auth/guard.js";
import { throwawayBenchDatabase } from "./support.js";

const ROUNDS = Number(process.env.INGEST_CPU_ROUNDS ?? 3);
const GROUP = 5;
const GROUPS = Number(process.env.INGEST_CPU_GROUPS ?? 400);
const BATCH = 1000;
const BATCHES = Number(process.env.INGEST_CPU_BATCHES ?? 5);

function cpuSeconds(pid: number): number {
  const stat = readFileSync(`/proc/${pid}/stat`, "utf8");
  const fields = stat.slice(stat.lastIndexOf(")") + 2).split(" ");
  return (Number(fields[11]) + Number(fields[12])) / 100;
}

async function main(): Promise<void> {
  const database = await throwawayBenchDatabase("motcua_ingest_cpu");
  const pool = createPool(database.url, { max: 1 });
  try {
    const total = (GROUPS * GROUP + 2 * BATCH * BATCHES) * (ROUNDS + 1) + 10_000;
    await pool.query(`INSERT INTO "Citizen" (id, phone, "updatedAt") SELECT gen_random_uuid(), '+8491' || lpad(g::text, 7, '0'), now() FROM generate_series(1, $1) g`, [total]);
    // INGEST_CPU_SETUP_SQL: statements run on the new database first (to try a schema change before writing its migration).
    if (process.env.INGEST_CPU_SETUP_SQL) await pool.query(process.env.INGEST_CPU_SETUP_SQL);
    await pool.query("ANALYZE");
    const backend = (await pool.query<{ pid: number }>("SELECT pg_backend_pid() AS pid")).rows[0]!.pid;
    const service = new DossierIngestService(pool);
    const principal: Principal = { kind: "api-key", id: "00000000-0000-4000-8000-000000000001", name: "bench", role: "INTEGRATION", unitCode: null };
    const link = (code: string) => `https://example.invalid/tra-cuu/${code}`;
    let seq = 0;
    const event = (status = "RECEIVED", code?: string): DossierEventInput => {
      seq += 1;
      const raw = {
        eventId: `b-${seq}-${randomBytes(3).toString("hex")}`,
        dossierCode: code ?? `H15.50.05.13-261124-${String(seq).padStart(6, "0")}`,
        status,
        occurredAt: new Date().toISOString(),
        procedure: { code: "1.001193", name: "Đăng ký khai sinh" },
        applicant: { fullName: "Nguyễn Văn An", phone: `091${String(seq).padStart(7, "0")}` },
        communeCode: "29955",
        channel: "COUNTER",
        dueAt: new Date(Date.now() + 3 * 86400_000).toISOString(),
      };
      return acceptedEvent(raw)!;
    };
    const measure = async (events: number, work: () => Promise<void>) => {
      const node = process.cpuUsage();
      const pg0 = cpuSeconds(backend);
      await work();
      // the relay's wake-up is sent after the answer, on the same connection
      await pool.query("SELECT 1");
      const n = process.cpuUsage(node);
      return { node: (n.user + n.system) / events, pg: ((cpuSeconds(backend) - pg0) * 1e6) / events };
    };
    const singles = async (groups: number) => {
      for (let g = 0; g < groups; g++) {
        const group = Array.from({ length: GROUP }, () => event());
        await Promise.all(group.map((e) => service.ingestOne(e, { principal, lookupLink: link })));
      }
    };
    const batches = async (count: number, make: () => DossierEventInput[]) => {
      const prepared = Array.from({ length: count }, make);
      return async () => {
        for (const b of prepared) await service.ingest(b, { principal, batch: true, lookupLink: link });
      };
    };
    // Warm-up: the code optimised, the functions' plans made.
    await singles(200);
    await (await batches(2, () => Array.from({ length: BATCH }, () => event())))();
    // INGEST_CPU_PID_FILE: the backend's pid written there after the warm-up (for `perf record -p`), one second before measuring.
    if (process.env.INGEST_CPU_PID_FILE) {
      writeFileSync(process.env.INGEST_CPU_PID_FILE, String(backend));
      await new Promise((r) => setTimeout(r, 1000));
    }
    // INGEST_CPU_PARTS: which parts to measure (comma-separated; all by default).
    const parts = new Set((process.env.INGEST_CPU_PARTS ?? "singles,batchNew,batchKnown").split(","));
    const figures: Record<string, { node: number; pg: number }[]> = { singles: [], batchNew: [], batchKnown: [] };
    for (let round = 0; round < ROUNDS; round++) {
      if (parts.has("singles")) figures.singles!.push(await measure(GROUPS * GROUP, () => singles(GROUPS)));
      if (!parts.has("batchNew") && !parts.has("batchKnown")) continue;
      const created: string[] = [];
      const newBatches = await batches(BATCHES, () =>
        Array.from({ length: BATCH }, () => {
          const e = event();
          created.push(e.dossierCode);
          return e;
        }),
      );
      const n = await measure(BATCH * BATCHES, newBatches);
      if (parts.has("batchNew")) figures.batchNew!.push(n);
      if (!parts.has("batchKnown")) continue;
      let next = 0;
      const known = await batches(BATCHES, () => Array.from({ length: BATCH }, () => event("PROCESSING", created[next++])));
      figures.batchKnown!.push(await measure(BATCH * BATCHES, known));
    }
    const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]!;
    console.log(`ingest CPU per event, median of ${ROUNDS} (node µs / postgres backend µs)`);
    for (const [name, runs] of Object.entries(figures)) {
      if (runs.length === 0) continue;
      console.log(
        `${name.padEnd(12)} ${median(runs.map((r) => r.node)).toFixed(0).padStart(6)} / ${median(runs.map((r) => r.pg)).toFixed(0).padStart(6)}   runs: ${runs.map((r) => `${r.node.toFixed(0)}/${r.pg.toFixed(0)}`).join("  ")}`,
      );
    }
  } finally {
    await pool.end();
    await database.drop();
  }
}

main().then(
  () => process.exit(0),
  (error) => {
    console.error(error);
    process.exit(1);
  },
);
