/**
 * `npm run demo`: prepares the database (creates, migrates, seeds), creates an integration key,
 * starts every role in one process (sandbox mode unless provider credentials are set) and prints
 * where to look.
 */
import { loadEnv } from "../src/config/env.js";
import { migrateDatabase } from "../src/cli/commands/migrate.js";
import { runSeed } from "../src/cli/commands/seed.js";
import { runServe } from "../src/cli/commands/serve.js";
import { ensureRedis } from "../src/db/bootstrap.js";
import { createDatabase, createDb } from "../src/db/client.js";
import { seedDemoDossiers } from "./demo-dossiers.js";
import { seedDemoSubscribers } from "./demo-subscribers.js";
import { ApiKeyService } from "../src/auth/api-keys.js";
import { configuredChannels } from "../src/config/env.js";

try {
  const env = loadEnv();
  await ensureRedis(env.REDIS_URL);
  const applied = await migrateDatabase(env);
  console.log(applied.length ? `migrations applied: ${applied.join(", ")}` : "database schema is up to date");
  await runSeed(env);
  const db = createDb(env.DATABASE_URL);
  const { key } = await new ApiKeyService(db).create({ name: `demo ${new Date().toISOString()}`, role: "INTEGRATION" });
  await db.$disconnect();
  const database = createDatabase(env.DATABASE_URL, { max: 2 });
  const samples = await seedDemoDossiers(database.pool);
  const configured = configuredChannels(env);
  const residents = await seedDemoSubscribers(database.pool, { telegram: !configured.telegram, zalo: !configured.zalo });
  await database.close();
  const base = env.PUBLIC_BASE_URL;
  const sandboxed = Object.entries(configured).filter(([, on]) => !on).map(([n]) => n);
  const event = JSON.stringify({
    eventId: `demo-${Date.now()}`,
    dossierCode: "H15.50.05.13-261124-0001",
    status: "RECEIVED",
    occurredAt: new Date().toISOString(),
    procedure: { code: "1.001193", name: "Đăng ký khai sinh" },
    applicant: { fullName: "Nguyễn Văn An", phone: "0912345678" },
    communeCode: "29955",
    channel: "COUNTER",
    dueAt: new Date(Date.now() + 3 * 86400_000).toISOString(),
  });
  const banner = (address: string) =>
    console.log(`
────────────────────────────────────────────────────────────────────────────
 motcua is running at ${address} (${sandboxed.length === 4 ? "sandbox mode: no message leaves this machine" : `sandbox for: ${sandboxed.join(", ") || "none"}`})
   Health:          ${base}/readyz
   API reference:   ${base}/openapi.json
   Ask the catalog: curl '${base}/api/v1/procedures?q=lam%20giay%20khai%20sinh%20cho%20con'
   One procedure:   curl ${base}/api/v1/procedures/1.001193
   Web chat:        ${base}/chat   (ask "làm giấy khai sinh cần gì", or track a sample dossier below)

 Sample dossiers to track in the chat (send the code, then the 4 digits):
${samples.map((s) => `   ${s.code}   digits ${s.digits}   ${s.what}`).join("\n")}

 An integration key for the upstream event API was created for this demo:
   ${key}

 Send a dossier event, then see the notice the citizen got${sandboxed.includes("sms") ? " (the SMS lands in the sandbox)" : ""}:
   curl -X POST ${base}/api/v1/dossier-events -H 'Authorization: Bearer ${key}' \\
        -H 'Content-Type: application/json' -d '${event}'
   curl ${base}/api/v1/sandbox/messages${sandboxed.length < 4 ? "   (channels with credentials send for real instead)" : ""}

 Announcements: ${residents.seeded ? `${residents.telegram} Telegram and ${residents.zalo} Zalo demo residents of Phường Hồng Ngự (${residents.hamlets.join(", ")}) subscribe to them` : residents.reason}.
   Staff console:   ${base}/staff   ·   public page: ${base}/xa/29955
 Stop with Ctrl+C.
────────────────────────────────────────────────────────────────────────────`);
  process.exitCode = await runServe(env, { role: "all", onListening: banner });
} catch (error) {
  console.error((error as Error).message);
  process.exitCode = 1;
}
