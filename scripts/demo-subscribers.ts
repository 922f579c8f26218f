/**
 * Demo residents who subscribed to Phường Hồng Ngự's announcements (commune 29955) on Telegram
 * and Zalo, across two hamlets, so an announcement can be tried at once. Only where those channels
 * are served by the sandbox (no credentials): their chat ids are made up and must never reach a
 * real provider. Running the demo again adds nothing; it only keeps the active Zalo followers
 * inside Zalo's 7-day window.
 */
import type pg from "pg";

const COMMUNE = "29955";
const HAMLETS = ["Khóm 1", "Khóm 2"];
const FAMILY = ["Nguyễn", "Trần", "Lê", "Phạm", "Huỳnh", "Võ", "Phan", "Trương", "Bùi", "Đặng"];
const MIDDLE = ["Văn", "Thị", "Minh", "Ngọc", "Thanh", "Hữu", "Kim", "Quốc"];
const GIVEN = ["An", "Bình", "Cường", "Dung", "Em", "Giang", "Hòa", "Khánh", "Lan", "Mai", "Nam", "Oanh", "Phúc", "Quý", "Sơn", "Tâm", "Uyên", "Vinh", "Xuân", "Yến"];

export interface DemoSubscribers {
  seeded: boolean;
  telegram: number;
  zalo: number;
  hamlets: string[];
  reason?: string;
}

export async function seedDemoSubscribers(pool: pg.Pool, sandboxed: { telegram: boolean; zalo: boolean }): Promise<DemoSubscribers> {
  if (!sandboxed.telegram || !sandboxed.zalo) {
    return { seeded: false, telegram: 0, zalo: 0, hamlets: HAMLETS, reason: "Telegram or Zalo has real credentials here: no made-up subscribers are added" };
  }
  const hamletIds: string[] = [];
  for (const name of HAMLETS) {
    const key = name.normalize("NFD").replace(/[\u0300-\u036f]/g, "").replace(/đ/g, "d").replace(/Đ/g, "D").toLowerCase();
    // the demo's hamlet of that exact name, added once (a second demo run finds it)
    const found = await pool.query<{ id: string }>(`SELECT id FROM "Hamlet" WHERE "communeCode" = $1 AND name = $2`, [COMMUNE, name]);
    const row = found.rows[0]
      ? found
      : await pool.query<{ id: string }>(
          `INSERT INTO "Hamlet" (id, "communeCode", name, "searchName", "updatedAt") VALUES (gen_random_uuid(), $1, $2, $3, now()) RETURNING id`,
          [COMMUNE, name, key],
        );
    hamletIds.push(row.rows[0]!.id);
  }
  const people: { channel: "TELEGRAM" | "ZALO_OA"; externalId: string; name: string; hamletId: string; reachable: boolean; stale: boolean }[] = [];
  for (let i = 0; i < 320; i += 1) {
    const channel = i % 2 === 0 ? "TELEGRAM" : "ZALO_OA";
    const name = `${FAMILY[i % FAMILY.length]} ${MIDDLE[(i >> 1) % MIDDLE.length]} ${GIVEN[(i * 7) % GIVEN.length]}`;
    people.push({
      channel,
      externalId: channel === "TELEGRAM" ? `90000${String(i).padStart(5, "0")}` : `demo-zalo-${String(i).padStart(4, "0")}`,
      name,
      hamletId: hamletIds[i % 4 < 2 ? 0 : 1]!,
      // A few who blocked the bot or stopped writing to the OA: the console lists them for the hamlet head.
      reachable: !(channel === "TELEGRAM" && i % 40 === 0),
      stale: channel === "ZALO_OA" && i % 50 === 1,
    });
  }
  await pool.query(
    `INSERT INTO "ChannelIdentity" (id, channel, "externalId", "displayName", "consentAt", reachable, "lastInteractionAt", "updatedAt")
     SELECT gen_random_uuid(), t.channel::"ChannelKind", t.ext, t.name, now(), t.reachable, CASE WHEN t.stale THEN now() - interval '10 days' ELSE now() END, now()
       FROM unnest($1::text[], $2::text[], $3::text[], $4::bool[], $5::bool[]) AS t(channel, ext, name, reachable, stale)
     ON CONFLICT (channel, "externalId") DO UPDATE
        SET "lastInteractionAt" = CASE WHEN EXCLUDED."lastInteractionAt" > now() - interval '1 day' THEN now() ELSE "ChannelIdentity"."lastInteractionAt" END`,
    [people.map((p) => p.channel), people.map((p) => p.externalId), people.map((p) => p.name), people.map((p) => p.reachable), people.map((p) => p.stale)],
  );
  await pool.query(
    `INSERT INTO "Subscription" (id, kind, "identityId", "communeCode", "hamletId")
     SELECT gen_random_uuid(), 'AREA', i.id, $1, t.hamlet
       FROM unnest($2::text[], $3::text[], $4::uuid[]) AS t(channel, ext, hamlet)
       JOIN "ChannelIdentity" i ON i.channel = t.channel::"ChannelKind" AND i."externalId" = t.ext
      WHERE NOT EXISTS (SELECT 1 FROM "Subscription" s WHERE s."identityId" = i.id AND s.kind = 'AREA' AND s."communeCode" = $1 AND s."cancelledAt" IS NULL)`,
    [COMMUNE, people.map((p) => p.channel), people.map((p) => p.externalId), people.map((p) => p.hamletId)],
  );
  return { seeded: true, telegram: people.filter((p) => p.channel === "TELEGRAM").length, zalo: people.filter((p) => p.channel === "ZALO_OA").length, hamlets: HAMLETS };
}
