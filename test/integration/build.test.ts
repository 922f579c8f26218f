/**
 * The compiled program (dist/, from `npm run build`, which `npm ci` and the test setup run) as it
 * ships: bin/motcua.js runs it with plain Node — no TypeScript loader — and it finds the
 * migrations, the seed data, the page templates and the web assets from dist/ as from the sources.
 */
import { execFile, spawn } from "node:child_process";
import { createHash, randomBytes } from "node:crypto";
import { copyFileSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, utimesSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { promisify } from "node:util";
import { Queue, QueueEvents } from "bullmq";
import { Redis } from "ioredis";
import pg from "pg";
import { afterAll, describe, expect, it } from "vitest";
import { projectRoot } from "../../src/paths.js";
import { motcua as runCli } from "../support/cli.js";
import { JOB, NOTIFICATIONS_QUEUE } from "../../queues/names.js";
import { TelegramFake } from "../fakes/telegram-fake.js";
import { ZaloFake } from "../fakes/zalo-fake.js";
import { cloneTestDatabase } from "../support/databases.js";
import { freePort } from "../support/notify-stack.js";

const run = promisify(execFile);
const bin = path.join(projectRoot, "bin", "motcua.js");
const recorder = path.join(projectRoot, "test", "support", "record-modules.mjs");
// the time-out bounds a hang only: migrate and seed took 114 s together at load 18
const motcua = (args: string[], env: Record<string, string> = {}, node: string[] = []) => runCli(args, env, { node, timeoutMs: 300_000 });
const scratch = mkdtempSync(path.join(tmpdir(), "motcua-build-test-"));
afterAll(() => rmSync(scratch, { recursive: true, force: true }));


/** Runs the built CLI with the module recorder; returns its answer and the module URLs it imported. */
async function recorded(args: string[], env: Record<string, string> = {}) {
  const log = path.join(scratch, `modules-${randomBytes(4).toString("hex")}.txt`);
  writeFileSync(log, "");
  const out = await motcua(args, { ...env, MOTCUA_MODULE_LOG: log }, ["--import", recorder]);
  return { ...out, modules: readFileSync(log, "utf8").split("\n").filter(Boolean) };
}

const packageOf = (url: string) => url.match(/\/node_modules\/((?:@[^/]+\/)?[^/]+)\//)?.[1];

describe("the built program (dist/)", () => {
  it("answers `procedures search` with plain Node: dist/ code, no TypeScript loader, no server libraries", async () => {
    const out = await recorded(["procedures", "search", "xin giấy độc thân"]);
    expect(out.code).toBe(0);
    expect(out.stdout.split("\n")[0]).toMatch(/^1\. 1\.004873 {2}Cấp Giấy xác nhận tình trạng hôn nhân/);
    expect(out.modules).toContain(`file://${path.join(projectRoot, "dist", "cli.js")}`);
    const ours = out.modules.filter((u) => u.startsWith(`file://${projectRoot}/`) && !u.includes("/node_modules/"));
    expect(ours.filter((u) => !u.startsWith(`file://${projectRoot}/dist/`) && !u.startsWith(`file://${projectRoot}/bin/`))).toEqual([]);
    expect(out.modules.filter((u) => /\.(c|m)?tsx?$/.test(u))).toEqual([]);
    const packages = new Set(out.modules.map(packageOf).filter(Boolean));
    expect(packages.has("tsx")).toBe(false);
    expect(packages.has("esbuild")).toBe(false);
    // A search reads the catalog with one SQL statement: the server's and the worker's libraries,
    // and Prisma's client and schema engine, stay unloaded.
    for (const heavy of ["fastify", "bullmq", "ioredis", "pdfkit", "exceljs", "telegraf", "twilio", "nunjucks", "@prisma/client", "@prisma/schema-engine-wasm"]) {
      expect(packages.has(heavy), heavy).toBe(false);
    }
  });

  it("migrates and seeds a new database from dist/ (prisma/migrations and the seed data are found)", async () => {
    const name = `${new URL(process.env.DATABASE_URL!).pathname.slice(1)}_build_${process.pid}`;
    const at = (database: string) => Object.assign(new URL(process.env.DATABASE_URL!), { pathname: `/${database}` }).toString();
    const admin = new pg.Client({ connectionString: at("postgres") });
    await admin.connect();
    try {
      await admin.query(`CREATE DATABASE "${name}"`);
      const migrated = await recorded(["migrate"], { DATABASE_URL: at(name) });
      expect(migrated.code, migrated.stderr).toBe(0);
      const folders = readdirSync(path.join(projectRoot, "prisma", "migrations"), { withFileTypes: true }).filter((e) => e.isDirectory());
      expect(migrated.stdout).toMatch(new RegExp(`applied ${folders.length} migration\\(s\\)`));
      // The schema engine's WebAssembly comes from its package, not from a TypeScript source.
      expect(migrated.modules.some((u) => packageOf(u) === "@prisma/schema-engine-wasm")).toBe(true);
      expect(migrated.modules.filter((u) => /\.(c|m)?tsx?$/.test(u) || packageOf(u) === "tsx")).toEqual([]);

      const seeded = await motcua(["seed"], { DATABASE_URL: at(name) });
      expect(seeded.code, seeded.stderr).toBe(0);
      const db = new pg.Client({ connectionString: at(name) });
      await db.connect();
      try {
        const procedures = JSON.parse(readFileSync(path.join(projectRoot, "prisma", "seed", "data", "procedures.json"), "utf8")) as unknown[];
        const stored = await db.query<{ n: number }>(`SELECT count(*)::int AS n FROM "Procedure"`);
        expect(stored.rows[0]!.n).toBeGreaterThanOrEqual(procedures.length);
        const units = await db.query<{ n: number }>(`SELECT count(*)::int AS n FROM "AdminUnit"`);
        expect(units.rows[0]!.n).toBeGreaterThan(3000);
      } finally {
        await db.end();
      }
    } finally {
      await admin.query(`DROP DATABASE IF EXISTS "${name}" WITH (FORCE)`);
      await admin.end();
    }
  }, 600_000);

  it("serves every role from dist/: ready, with the page templates and the built web assets", async () => {
    const port = await freePort();
    const base = `http://127.0.0.1:${port}`;
    const log = path.join(scratch, "serve-modules.txt");
    writeFileSync(log, "");
    const child = spawn(process.execPath, ["--import", recorder, bin, "serve", "--role", "all"], {
      env: { ...process.env, PORT: String(port), HOST: "127.0.0.1", PUBLIC_BASE_URL: base, QUEUE_PREFIX: `build${randomBytes(4).toString("hex")}`, MOTCUA_MODULE_LOG: log, LOG_LEVEL: "info" },
      stdio: ["ignore", "pipe", "pipe"],
    });
    let stderr = "";
    let stdout = "";
    child.stderr.on("data", (c) => (stderr += String(c)));
    child.stdout.on("data", (c) => (stdout += String(c)));
    try {
      const until = Date.now() + 180_000;
      while ((await fetch(`${base}/readyz`).catch(() => null))?.status !== 200) {
        if (Date.now() > until || child.exitCode !== null) throw new Error(`the service did not become ready: ${stderr}`);
        await new Promise((r) => setTimeout(r, 100));
      }
      const login = await fetch(`${base}/staff/login`);
      expect(login.status).toBe(200);
      const html = await login.text();
      expect(html).toMatch(/<form/); // rendered from web/views
      const css = html.match(/href="(\/assets\/staff\.css[^"]*)"/)?.[1];
      expect(css).toBeDefined();
      const asset = await fetch(`${base}${css}`);
      expect(asset.status).toBe(200);
      expect((await asset.text()).length).toBeGreaterThan(100);
      const modules = readFileSync(log, "utf8").split("\n").filter(Boolean);
      expect(modules.filter((u) => /\.(c|m)?tsx?$/.test(u) || packageOf(u) === "tsx")).toEqual([]);
      // ready means every role runs: the worker started before the API began to listen
      const workerAt = stdout.indexOf("notification worker and outbox relay running");
      expect(workerAt).toBeGreaterThanOrEqual(0);
      expect(workerAt).toBeLessThan(stdout.indexOf("motcua API listening on"));
      // and a SIGTERM right after ready stops it cleanly
      child.kill("SIGTERM");
      const code = await new Promise((r) => (child.exitCode !== null ? r(child.exitCode) : child.once("exit", (c) => r(c))));
      expect(code).toBe(0);
      expect(stdout).toMatch(/"signal":"SIGTERM".*shutting down/);
    } finally {
      if (child.exitCode === null) child.kill("SIGTERM");
      await new Promise((r) => (child.exitCode !== null ? r(null) : child.once("exit", r)));
    }
  }, 300_000);

  it("runs `serve --role worker` without Prisma or the api's libraries, and it still does the worker's jobs: an announcement, the overdue watch, the Zalo token, the monthly report", async () => {
    const database = await cloneTestDatabase();
    const telegram = new TelegramFake();
    const zalo = new ZaloFake();
    await Promise.all([telegram.start(), zalo.start()]);
    const prefix = `bw${randomBytes(4).toString("hex")}`;
    const log = path.join(scratch, "worker-modules.txt");
    writeFileSync(log, "");
    const pool = new pg.Pool({ connectionString: database.url, max: 2 });
    const connection = new Redis(process.env.REDIS_URL!, { maxRetriesPerRequest: null });
    let child: ReturnType<typeof spawn> | undefined;
    let stderr = "";
    try {
      // An announcement due now to a Telegram subscriber of a commune, and a dossier due today with no result.
      const chatId = String(9_000_000 + Math.floor(Math.random() * 900_000));
      const identity = (await pool.query<{ id: string }>(`INSERT INTO "ChannelIdentity" (id, channel, "externalId", "updatedAt") VALUES (gen_random_uuid(), 'TELEGRAM', $1, now()) RETURNING id`, [chatId])).rows[0]!.id;
      await pool.query(`INSERT INTO "Subscription" (id, kind, "identityId", "communeCode") VALUES (gen_random_uuid(), 'AREA', $1, '29955')`, [identity]);
      const broadcast = (
        await pool.query<{ id: string }>(
          `INSERT INTO "Broadcast" (id, "communeCode", title, body, status, "createdBy", "createdByName", "updatedAt")
           VALUES (gen_random_uuid(), '29955', 'Lịch tiêm phòng dại cho chó mèo', 'Sáng thứ Bảy tại nhà văn hóa khóm 1.', 'SCHEDULED', 'session:test', 'Cán bộ thử', now()) RETURNING id`,
        )
      ).rows[0]!.id;
      const applicant = (await pool.query<{ id: string }>(`INSERT INTO "Citizen" (id, phone, "updatedAt") VALUES (gen_random_uuid(), $1, now()) RETURNING id`, [`+8491${chatId.slice(-7)}`])).rows[0]!.id;
      const dossier = (
        await pool.query<{ id: string }>(
          `INSERT INTO "Dossier" (id, code, "applicantId", "communeCode", status, "statusAt", "dueAt", "updatedAt")
           VALUES (gen_random_uuid(), $1, $2, '29955', 'PROCESSING', now(), now() + interval '1 hour', now()) RETURNING id`,
          [`H15.50.05.13-261201-${chatId.slice(-6)}`, applicant],
        )
      ).rows[0]!.id;

      child = spawn(process.execPath, ["--import", recorder, bin, "serve", "--role", "worker"], {
        env: { ...process.env, DATABASE_URL: database.url, ...telegram.env(), ...zalo.env(), QUEUE_PREFIX: prefix, BROADCAST_TICK_MS: "300", RELAY_SWEEP_MS: "500", QUIET_HOURS: "off", LOG_LEVEL: "error", MOTCUA_MODULE_LOG: log },
        stdio: ["ignore", "ignore", "pipe"],
      });
      child.stderr!.on("data", (c) => (stderr += String(c)));
      const worker = child;
      const until = async (what: string, probe: () => Promise<boolean> | boolean) => {
        const deadline = Date.now() + 120_000;
        while (!(await probe())) {
          if (Date.now() > deadline || worker.exitCode !== null) throw new Error(`the worker did not do it: ${what}; ${stderr}`);
          await new Promise((r) => setTimeout(r, 100));
        }
      };
      // The announcement: started by the tick, its text read and sent, and marked SENT.
      await until("the announcement delivered", () => telegram.sent.some((m) => m.chatId === chatId));
      expect(telegram.sent.find((m) => m.chatId === chatId)!.text).toContain("Lịch tiêm phòng dại cho chó mèo");
      await until("the announcement SENT", async () => (await pool.query(`SELECT 1 FROM "Broadcast" WHERE id = $1 AND status = 'SENT'`, [broadcast])).rows.length === 1);
      // The overdue watch runs once at start: the dossier due today is marked.
      await until("the dossier watched", async () => (await pool.query(`SELECT 1 FROM "Dossier" WHERE id = $1 AND "watchedAt" IS NOT NULL`, [dossier])).rows.length === 1);
      // The Zalo token's scheduled refresh stores the pair from the OAuth fake.
      await until("the Zalo token stored", async () => (await pool.query(`SELECT 1 FROM "ProviderToken" WHERE provider = 'zalo_oa' AND "expiresAt" > now()`)).rows.length === 1);
      // The monthly report's preparation (its job, as the 06:00 scheduler adds it) completes.
      const queue = new Queue(NOTIFICATIONS_QUEUE, { connection, prefix });
      const events = new QueueEvents(NOTIFICATIONS_QUEUE, { connection: connection.duplicate(), prefix });
      try {
        await events.waitUntilReady();
        const job = await queue.add(JOB.reportPrepare, {});
        await job.waitUntilFinished(events, 60_000);
      } finally {
        await events.close();
        await queue.close();
      }

      const packages = new Set(readFileSync(log, "utf8").split("\n").map(packageOf).filter(Boolean));
      expect(packages.has("bullmq")).toBe(true); // the recorder saw the worker's own libraries
      // Neither Prisma (its client, driver adapter and WebAssembly query compiler) nor the api's,
      // the console's or the bot's libraries; nor twilio-node without SMS credentials, the phone
      // parser of the event schema, or the lunar calendar of the holiday rule.
      for (const unneeded of [
        "@prisma/client",
        "@prisma/adapter-pg",
        "@prisma/driver-adapter-utils",
        "fastify",
        "nunjucks",
        "exceljs",
        "pdfkit",
        "minisearch",
        "csv-stringify",
        "csv-parse",
        "qrcode",
        "@node-rs/argon2",
        "twilio",
        "libphonenumber-js",
        "@dqcai/vn-lunar",
      ]) {
        expect(packages.has(unneeded), unneeded).toBe(false);
      }
    } finally {
      if (child && child.exitCode === null) {
        child.kill("SIGTERM");
        await new Promise((r) => (child!.exitCode !== null ? r(null) : child!.once("exit", r)));
      }
      connection.disconnect();
      await pool.end();
      await Promise.all([telegram.stop(), zalo.stop()]);
      await database.drop();
    }
    expect(child?.exitCode, stderr).toBe(0);
  }, 300_000);

  it("refuses, in one sentence, a dist/ that is missing or older than its sources", async () => {
    // A copy of the launcher in a package of its own, with a stand-in build.
    const pkg = path.join(scratch, "pkg");
    mkdirSync(path.join(pkg, "bin"), { recursive: true });
    mkdirSync(path.join(pkg, "src"), { recursive: true });
    for (const f of ["motcua.js", "built.js"]) copyFileSync(path.join(projectRoot, "bin", f), path.join(pkg, "bin", f));
    writeFileSync(path.join(pkg, "package.json"), `{"type":"module"}\n`);
    writeFileSync(path.join(pkg, "src", "main.ts"), "// a source\n");
    const launch = async () =>
      run(process.execPath, [path.join(pkg, "bin", "motcua.js"), "--help"]).then(
        (r) => ({ code: 0, stdout: r.stdout, stderr: r.stderr }),
        (e: { code: number; stdout: string; stderr: string }) => ({ code: e.code, stdout: e.stdout, stderr: e.stderr }),
      );

    const missing = await launch();
    expect(missing.code).toBe(70);
    expect(missing.stderr.trim()).toBe("motcua is not built (dist/ is missing): run `npm run build` (npm ci runs it).");

    mkdirSync(path.join(pkg, "dist"));
    writeFileSync(path.join(pkg, "dist", "cli.js"), `export async function runCli(argv) { console.log("built", argv.join(" ")); }\n`);
    const builtAt = Date.now();
    const hash = (text: string) => createHash("sha256").update(text).digest("hex").slice(0, 16);
    writeFileSync(path.join(pkg, "dist", "build-info.json"), JSON.stringify({ builtAt, inputs: { "src/main.ts": hash("// a source\n"), "src/gone.ts": hash("x") } }));
    const main = path.join(pkg, "src", "main.ts");
    utimesSync(main, new Date(builtAt - 60_000), new Date(builtAt - 60_000));
    const fresh = await launch();
    expect(fresh).toMatchObject({ code: 0, stdout: "built --help\n" });
    // Touched after the build but unchanged (as a regenerated file is): still current.
    utimesSync(main, new Date(builtAt + 60_000), new Date(builtAt + 60_000));
    expect(await launch()).toMatchObject({ code: 0, stdout: "built --help\n" });

    writeFileSync(main, "// a changed source\n");
    utimesSync(main, new Date(builtAt + 60_000), new Date(builtAt + 60_000));
    const stale = await launch();
    expect(stale.code).toBe(70);
    expect(stale.stdout).toBe("");
    expect(stale.stderr.trim()).toBe("dist/ is older than src/main.ts: run `npm run build` to compile the changed sources.");
  });
});
