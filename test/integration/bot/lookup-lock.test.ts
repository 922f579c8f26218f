/**
 * The look-up proof cannot be guessed: wrong proofs are counted per dossier code (across every
 * conversation, address and channel) and per client, in PostgreSQL, so neither new conversations,
 * new addresses nor a Redis flush buy more guesses. The bot's Redis is a database of its own here
 * (db 9), flushed by one test.
 */
import { randomBytes } from "node:crypto";
import { Redis } from "ioredis";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createBot } from "../../../bots/bot.js";
import type { ConversationEngine } from "../../../bots/engine/engine.js";
import { dossierEventSchema } from "../../../src/dossiers/event-schema.js";
import { botServices, startTestApp, type TestApp } from "../../support/app.js";
import { webChatUser } from "../../support/web-chat.js";

const BOT_REDIS = "redis://127.0.0.1:6379/9";
let t: TestApp;
let engine: ConversationEngine;
const suffix = () => String(1000 + Math.floor(Math.random() * 9000));
const dossiers = Array.from({ length: 4 }, (_, i) => ({
  code: `H15.50.05.13-261102-${suffix()}${i}`,
  phone: `0915${String(Math.floor(Math.random() * 1e6)).padStart(6, "0")}`,
}));
const unknown = () => `H15.50.05.13-261102-9${randomBytes(3).readUIntBE(0, 3) % 100000}`;
const wrongFor = (phone: string) => (phone.endsWith("0000") ? "1111" : "0000");

beforeAll(async () => {
  t = await startTestApp({ REDIS_URL: BOT_REDIS });
  engine = createBot({ redis: t.ctx.redis, services: botServices(t.ctx), logger: t.ctx.logger, prefix: `lk${randomBytes(3).toString("hex")}` });
  await t.ctx.ingest.ingest(
    dossiers.map((d, i) =>
      dossierEventSchema.parse({
        eventId: `lk-${randomBytes(6).toString("hex")}-${i}`,
        dossierCode: d.code,
        status: "PROCESSING",
        occurredAt: "2026-11-02T08:30:00+07:00",
        procedure: { code: "1.001193", name: "Đăng ký khai sinh" },
        applicant: { fullName: "Lê Văn Bình", phone: d.phone },
        communeCode: "29955",
      }),
    ),
    { source: "UPSTREAM" },
  );
});
afterAll(() => t.close());

const LOCKED = /tra cứu đang tạm dừng[\s\S]*bộ phận một cửa/;

describe("wrong look-up proofs", () => {
  it("lock a dossier after 5 wrong proofs spread over 5 conversations and addresses, for everyone, even the right proof", async () => {
    const d = dossiers[0]!;
    const owner = webChatUser(t.baseUrl);
    await owner.say(d.code); // the citizen asked before the attack: the proof is awaited
    const answers: string[] = [];
    for (let i = 0; i < 5; i += 1) {
      const attacker = webChatUser(t.baseUrl); // a new conversation and a new address each time
      await attacker.say(d.code);
      answers.push(await attacker.say(wrongFor(d.phone)));
    }
    expect(answers.slice(0, 4).every((a) => /chưa khớp/.test(a))).toBe(true);
    expect(answers[4]).toMatch(LOCKED);
    // Locked for everyone: a new conversation, and the citizen with the right digits.
    expect(await webChatUser(t.baseUrl).say(d.code)).toMatch(LOCKED);
    const right = await owner.say(d.phone.slice(-4));
    expect(right).toMatch(LOCKED);
    expect(right).not.toMatch(/Tình trạng/);
    const row = await t.ctx.db.lookupFailure.findUnique({ where: { scope_key: { scope: "DOSSIER", key: d.code } } });
    expect(row?.count).toBe(5);
  });

  it("answer an unknown code exactly as a real one, locked or not", async () => {
    const d = dossiers[1]!;
    const ghost = unknown();
    const trace = async (code: string) => {
      const out: string[] = [];
      for (let i = 0; i < 6; i += 1) {
        const u = webChatUser(t.baseUrl);
        out.push((await u.say(code)).replace(code, "<code>"));
        out.push(await u.say(wrongFor(d.phone)));
      }
      return out;
    };
    const real = await trace(d.code);
    const fake = await trace(ghost);
    expect(fake).toEqual(real);
    expect(real.at(-1)).toMatch(LOCKED);
  });

  it("lock a web-chat address after 10 wrong proofs, whatever the codes and conversations; other addresses still look up", async () => {
    const d = dossiers[2]!;
    const ip = `10.77.${Math.floor(Math.random() * 255)}.${1 + Math.floor(Math.random() * 250)}`;
    let last = "";
    for (let i = 0; i < 10; i += 1) {
      const u = webChatUser(t.baseUrl, { ip }); // a fresh cookie each time: a new conversation
      await u.say(unknown());
      last = await u.say("1234");
    }
    expect(last).toMatch(LOCKED);
    const sameAddress = webChatUser(t.baseUrl, { ip });
    expect(await sameAddress.say(d.code)).toMatch(LOCKED);
    const elsewhere = webChatUser(t.baseUrl);
    await elsewhere.say(d.code);
    expect(await elsewhere.say(d.phone.slice(-4))).toMatch(/Tình trạng: Đang xử lý/);
  });

  it("lock a Telegram chat after 10 wrong proofs; another chat still looks up", async () => {
    const d = dossiers[3]!;
    const chat = String(700_000_000 + Math.floor(Math.random() * 1e6));
    const say = async (id: string, text: string) =>
      (await engine.handle({ conversation: { channel: "TELEGRAM", id }, message: { kind: "text", text } })).map((r) => r.text).join("\n");
    let last = "";
    for (let i = 0; i < 10; i += 1) {
      await say(chat, unknown());
      last = await say(chat, "4321");
    }
    expect(last).toMatch(LOCKED);
    await say(chat, d.code);
    expect(await say(chat, d.phone.slice(-4))).toMatch(LOCKED);
    const other = String(Number(chat) + 1);
    await say(other, d.code);
    expect(await say(other, d.phone.slice(-4))).toMatch(/Tình trạng: Đang xử lý/);
  });

  it("keep their locks through a Redis flush", async () => {
    const d = dossiers[0]!; // locked by the first test
    const redis = new Redis(BOT_REDIS);
    try {
      await redis.flushdb();
    } finally {
      redis.disconnect();
    }
    const u = webChatUser(t.baseUrl);
    expect(await u.say(d.code)).toMatch(LOCKED);
    expect(await u.say(d.phone.slice(-4))).not.toMatch(/Tình trạng/);
  });

  it("take no more than 5 proofs for a dossier even when 40 arrive at once", async () => {
    const code = unknown();
    const users = Array.from({ length: 40 }, () => webChatUser(t.baseUrl));
    await Promise.all(users.map((u) => u.say(code)));
    await Promise.all(users.map((u) => u.say("5555")));
    const row = await t.ctx.db.lookupFailure.findUnique({ where: { scope_key: { scope: "DOSSIER", key: code } } });
    expect(row?.count).toBe(5);
  });
});
