/**
 * `npm run bench:bot`: the conversation engine with 1,000 concurrent conversations (documents
 * questions, follow-ups and dossier look-ups mixed), then the same through the Telegram adapter
 * (telegraf long-polling the fake Bot API).
 */
import { randomBytes } from "node:crypto";
import { Redis } from "ioredis";
import { createBot } from "../../bots/bot.js";
import { createTelegramBot } from "../../bots/adapters/telegram.js";
import { CatalogService } from "../../src/catalog/catalog-service.js";
import { PrismaProcedureRepository } from "../../src/catalog/repository.js";
import { createDatabase } from "../../src/db/client.js";
import { dossierEventSchema } from "../../src/dossiers/event-schema.js";
import { DossierIngestService } from "../../src/dossiers/ingest-service.js";
import { createLogger } from "../../src/logging/logger.js";
import { AdminUnitService } from "../../src/admin-units/admin-unit-service.js";
import { BookingService } from "../../src/bookings/booking-service.js";
import { DossierLookupService } from "../../src/dossiers/lookup-service.js";
import { CalendarService } from "../../src/calendar/calendar-service.js";
import { SubscriptionService } from "../../src/subscriptions/subscription-service.js";
import { OneTimeCodeService } from "../../src/verification/one-time-codes.js";
import { TelegramFake } from "../../test/fakes/telegram-fake.js";
import { benchRedisUrl, freshBenchDatabase, line, percentile } from "./support.js";

const CONVERSATIONS = Number(process.env.BENCH_CONVERSATIONS ?? 1000);
const QUESTIONS = ["làm giấy khai sinh cho con cần gì", "xin giay doc than", "đăng ký tạm trú cho sinh viên", "chứng thực bản sao bằng tốt nghiệp", "nhập hộ khẩu cho vợ", "đăng ký kết hôn", "khai tử cho bố", "mở tiệm tạp hóa đăng ký hộ kinh doanh"];

const databaseUrl = await freshBenchDatabase();
const database = createDatabase(databaseUrl, { max: 20 });
const redis = new Redis(benchRedisUrl);
await redis.flushdb();
const logger = createLogger({ level: "error" });
const catalog = new CatalogService(new PrismaProcedureRepository(database.db));
const prefix = `benchbot${randomBytes(3).toString("hex")}`;
const engine = createBot({
  redis,
  services: {
    lookup: new DossierLookupService(database.db, new CalendarService(database.pool)),
    bookings: new BookingService(database.db, database.pool),
    units: new AdminUnitService(database.db),
    catalog,
    subscriptions: new SubscriptionService(database.db),
    codes: new OneTimeCodeService(database.db),
  },
  logger,
  prefix,
});

// Dossiers to look up.
const dossiers = Array.from({ length: 200 }, (_, i) => ({ code: `H15.50.05.13-261120-${String(i + 1).padStart(4, "0")}`, phone: `0916${String(i + 1).padStart(6, "0")}` }));
await new DossierIngestService(database.pool).ingest(
  dossiers.map((d, i) =>
    dossierEventSchema.parse({ eventId: `bb-${i}`, dossierCode: d.code, status: "PROCESSING", occurredAt: "2026-11-20T09:00:00+07:00", procedure: { code: "1.001193", name: "Đăng ký khai sinh" }, applicant: { phone: d.phone }, communeCode: "29955", dueAt: "2026-11-30T17:00:00+07:00" }),
  ),
  { source: "UPSTREAM" },
);
await catalog.search("khai sinh"); // build the index once

// 1. The engine, 1,000 concurrent conversations. (a) As fast as it goes: every conversation sends
//    its next message the moment it has the answer (throughput; latency is then mostly queueing).
//    (b) As people chat: a pause of 0.5–1.5 s between messages (≈ 700 messages/s offered) — latency.
async function run(thinkMs: () => number, label: string): Promise<string[]> {
  const latencies: number[] = [];
  let replies = 0;
  const started = performance.now();
  await Promise.all(
    Array.from({ length: CONVERSATIONS }, async (_, i) => {
      const id = `bench-${label}-${i}`;
      const d = dossiers[i % dossiers.length]!;
      const script = i % 2 === 0 ? ["xin chào", QUESTIONS[i % QUESTIONS.length]!, "lệ phí bao nhiêu?", "mấy ngày có kết quả"] : ["menu", `tra cứu hồ sơ ${d.code}`, d.phone.slice(-4), QUESTIONS[i % QUESTIONS.length]!];
      await new Promise((r) => setTimeout(r, thinkMs() / 2));
      for (const text of script) {
        const t = performance.now();
        // Each conversation from an address of its own, as web-chat users are (look-up limits count per address).
        const out = await engine.handle({ conversation: { channel: "WEB", id }, message: { kind: "text", text }, client: { ip: `10.0.${i >> 8}.${i & 255}` } });
        latencies.push(performance.now() - t);
        replies += out.length;
        await new Promise((r) => setTimeout(r, thinkMs()));
      }
    }),
  );
  const seconds = (performance.now() - started) / 1000;
  const rate = replies / seconds;
  const p95 = percentile(latencies, 95);
  return [
    line(`engine ${label}: ${latencies.length} turns`, `${(latencies.length / seconds).toFixed(0)} turns/s`),
    line(`engine ${label}: replies per second`, `${rate.toFixed(0)} replies/s`, "≥ 500", rate >= 500),
    line(`engine ${label}: turn latency p50`, `${percentile(latencies, 50).toFixed(1)} ms`),
    label === "flat out" ? line(`engine ${label}: turn latency p95 (queueing)`, `${p95.toFixed(1)} ms`) : line(`engine ${label}: turn latency p95`, `${p95.toFixed(1)} ms`, "≤ 50 ms", p95 <= 50),
  ];
}
const results = [...(await run(() => 0, "flat out")), ...(await run(() => 500 + Math.random() * 1000, "as people chat"))];

// 2. Through the Telegram adapter against the fake Bot API.
const fake = new TelegramFake();
await fake.start();
const bot = createTelegramBot({ token: fake.token, apiRoot: fake.url, engine, logger });
void bot.launch();
await new Promise((r) => setTimeout(r, 300));
const chats = 200;
const pushed = new Map<string, number>();
const tgStarted = performance.now();
for (let i = 0; i < chats; i += 1) {
  const chatId = 900000 + i;
  pushed.set(String(chatId), Date.now());
  await fake.pushUpdate({ message: { message_id: i + 1, date: Math.floor(Date.now() / 1000), chat: { id: chatId, type: "private" }, from: { id: chatId, is_bot: false, first_name: "B" }, text: QUESTIONS[i % QUESTIONS.length] } });
}
const deadline = Date.now() + 60_000;
const answered = () => new Set(fake.sent.map((m) => m.chatId)).size;
while (answered() < chats && Date.now() < deadline) await new Promise((r) => setTimeout(r, 10));
const tgSeconds = (performance.now() - tgStarted) / 1000;
const firstReply = new Map<string, number>();
for (const m of fake.sent) if (!firstReply.has(m.chatId)) firstReply.set(m.chatId, m.at);
const tgLatency = [...firstReply].map(([chat, at]) => at - pushed.get(chat)!);
results.push(line(`telegram adapter: ${chats} chats, replies sent`, `${(fake.sent.length / tgSeconds).toFixed(0)} replies/s`));
results.push(line("telegram adapter: update → first reply, p95", `${percentile(tgLatency, 95).toFixed(0)} ms`));
bot.stop("bench over");
await fake.stop();

console.log(`\nbench:bot on this machine`);
for (const r of results) console.log(r);
await database.close();
redis.disconnect();
process.exit(0);
