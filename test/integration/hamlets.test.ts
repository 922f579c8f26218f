/**
 * The hamlets API over real HTTP (issue 9 §3): each guarded route for every kind of caller (no
 * key, a role that may not, another unit's staff, the commune's staff, its province's staff), the
 * CSV import's preview and commit, merging, and hostile input; then the console page's forms.
 */
import { randomBytes } from "node:crypto";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startTestApp, type TestApp } from "../support/app.js";
import { cloneTestDatabase } from "../support/databases.js";
import { randomIp } from "../support/web-chat.js";

let database: Awaited<ReturnType<typeof cloneTestDatabase>>;
let t: TestApp;
const keys: Record<string, string> = {};
const TRAM_CHIM = "30001"; // Xã Tràm Chim, Đồng Tháp (82)
const HONG_NGU = "29955"; // Phường Hồng Ngự, Đồng Tháp
const BA_DINH = "00004"; // Phường Ba Đình, Hà Nội

beforeAll(async () => {
  database = await cloneTestDatabase();
  t = await startTestApp({ DATABASE_URL: database.url, QUEUE_PREFIX: `hm${randomBytes(4).toString("hex")}` });
  const make = async (label: string, role: "INTEGRATION" | "COMMUNE_STAFF" | "POST_OFFICE_STAFF" | "ADMIN", unitCode: string | null) => {
    keys[label] = (await t.ctx.apiKeys.create({ name: label, role, unitCode })).key;
  };
  await make("tramChim", "COMMUNE_STAFF", TRAM_CHIM);
  await make("tramChim2", "COMMUNE_STAFF", TRAM_CHIM);
  await make("hongNgu", "COMMUNE_STAFF", HONG_NGU);
  await make("dongThap", "COMMUNE_STAFF", "82");
  await make("haNoi", "COMMUNE_STAFF", "01");
  await make("post", "POST_OFFICE_STAFF", "82");
  await make("integration", "INTEGRATION", null);
  await make("admin", "ADMIN", null);
  await make("revoked", "COMMUNE_STAFF", TRAM_CHIM);
  await t.ctx.apiKeys.revoke(keys.revoked!.slice(0, 12));
});
afterAll(async () => {
  await t?.close();
  await database?.drop();
});

type Method = "GET" | "POST" | "PATCH";
async function call(method: Method, path: string, key: string | null, body?: unknown, contentType = "application/json"): Promise<{ status: number; body: any; text: string; headers: Headers }> {
  const res = await fetch(t.baseUrl + path, {
    method,
    redirect: "manual",
    // Each request from an address of its own: the wrong keys this file sends on purpose would otherwise trip the failed-authentication limit.
    headers: { "x-forwarded-for": randomIp(), ...(key ? { authorization: `Bearer ${key}` } : {}), ...(body !== undefined ? { "content-type": contentType } : {}) },
    ...(body !== undefined ? { body: typeof body === "string" ? body : JSON.stringify(body) } : {}),
  });
  const text = await res.text();
  let parsed: unknown = null;
  try {
    parsed = text ? JSON.parse(text) : null;
  } catch {
    parsed = null;
  }
  return { status: res.status, body: parsed, text, headers: res.headers };
}

const hamletCount = (communeCode: string) => t.ctx.db.hamlet.count({ where: { communeCode } });
let seq = 0;
const unique = (prefix: string) => `${prefix} ${++seq}${randomBytes(2).toString("hex")}`;
async function hamletIn(communeCode: string, name = unique("Ấp"), proposedByCitizen = false) {
  const { searchKey } = await import("../../src/text/vietnamese.js");
  return t.ctx.db.hamlet.create({ data: { communeCode, name, searchName: searchKey(name), proposedByCitizen } });
}
async function subscriber(communeCode: string, hamletId: string | null, externalId = randomBytes(6).toString("hex")) {
  const identity = await t.ctx.db.channelIdentity.upsert({
    where: { channel_externalId: { channel: "TELEGRAM", externalId } },
    create: { channel: "TELEGRAM", externalId, consentAt: new Date() },
    update: {},
  });
  const sub = await t.ctx.db.subscription.create({ data: { kind: "AREA", identityId: identity.id, communeCode, hamletId } });
  return { identity, sub };
}

/**
 * The refusals every guarded hamlet route gives: no key 401 (a console page sends the browser to
 * the sign-in page instead: 303), a role without the action 403.
 */
async function refusesStrangers(method: Method, path: string, body?: unknown) {
  const unauthenticated = path.startsWith("/staff") ? 303 : 401;
  expect((await call(method, path, null, body)).status).toBe(unauthenticated);
  expect((await call(method, path, "mc_live_not-a-real-key", body)).status).toBe(unauthenticated);
  expect((await call(method, path, keys.revoked!, body)).status).toBe(unauthenticated);
  expect((await call(method, path, keys.post!, body)).status).toBe(403);
  expect((await call(method, path, keys.integration!, body)).status).toBe(403);
}

describe("hamlets API", () => {
  it("GET /api/v1/hamlets: lists a commune's hamlets with subscriber counts, only to its staff and its province's", async () => {
    const a = await hamletIn(TRAM_CHIM, unique("Khóm"));
    const b = await hamletIn(TRAM_CHIM, unique("Ấp"), true);
    await subscriber(TRAM_CHIM, a.id);
    await subscriber(TRAM_CHIM, a.id);
    await subscriber(TRAM_CHIM, null);
    const cancelled = await subscriber(TRAM_CHIM, b.id);
    await t.ctx.db.subscription.update({ where: { id: cancelled.sub.id }, data: { cancelledAt: new Date() } });

    await refusesStrangers("GET", `/api/v1/hamlets?communeCode=${TRAM_CHIM}`);
    // Another unit's staff: refused, never data.
    for (const other of [keys.hongNgu!, keys.haNoi!]) {
      const res = await call("GET", `/api/v1/hamlets?communeCode=${TRAM_CHIM}`, other);
      expect(res.status).toBe(403);
      expect(res.text).not.toContain(a.name);
    }
    const own = await call("GET", `/api/v1/hamlets?communeCode=${TRAM_CHIM}`, keys.tramChim!);
    expect(own.status).toBe(200);
    expect(own.body.commune).toMatchObject({ code: TRAM_CHIM, fullName: "Xã Tràm Chim" });
    expect(own.body.wholeCommuneSubscribers).toBeGreaterThanOrEqual(1);
    expect(own.body.hamlets.find((h: { id: string }) => h.id === a.id)).toMatchObject({ name: a.name, subscribers: 2, proposedByCitizen: false });
    expect(own.body.hamlets.find((h: { id: string }) => h.id === b.id)).toMatchObject({ subscribers: 0, proposedByCitizen: true });
    // Staff of one commune may leave the commune out; the province's staff reach its communes.
    expect((await call("GET", "/api/v1/hamlets", keys.tramChim!)).body.commune.code).toBe(TRAM_CHIM);
    expect((await call("GET", `/api/v1/hamlets?communeCode=${TRAM_CHIM}`, keys.dongThap!)).status).toBe(200);
    expect((await call("GET", "/api/v1/hamlets", keys.dongThap!)).status).toBe(400);
    expect((await call("GET", `/api/v1/hamlets?communeCode=${TRAM_CHIM}`, keys.admin!)).body.hamlets.some((h: { id: string }) => h.id === a.id)).toBe(true);
    expect((await call("GET", "/api/v1/hamlets?communeCode=99999", keys.dongThap!)).status).toBe(404);
    expect((await call("GET", "/api/v1/hamlets?communeCode=82", keys.dongThap!)).status).toBe(404); // a province is not a commune
  });

  it("POST /api/v1/hamlets: adds a hamlet to the caller's commune, normalised; refuses duplicates and other units", async () => {
    const name = unique("Ấp");
    await refusesStrangers("POST", "/api/v1/hamlets", { communeCode: TRAM_CHIM, name });
    const before = await hamletCount(TRAM_CHIM);
    const foreign = await call("POST", "/api/v1/hamlets", keys.hongNgu!, { communeCode: TRAM_CHIM, name });
    expect(foreign.status).toBe(403);
    expect(await hamletCount(TRAM_CHIM)).toBe(before);

    const created = await call("POST", "/api/v1/hamlets", keys.tramChim!, { communeCode: TRAM_CHIM, name: `  ${name.normalize("NFD").replace(" ", "   ")} `, code: "A-7" });
    expect(created.status).toBe(201);
    expect(created.body).toMatchObject({ communeCode: TRAM_CHIM, name, code: "A-7", proposedByCitizen: false, subscribers: 0 });
    // The same name without marks, or the same code: 409, nothing added.
    const { stripDiacritics } = await import("../../src/text/vietnamese.js");
    expect((await call("POST", "/api/v1/hamlets", keys.tramChim!, { communeCode: TRAM_CHIM, name: stripDiacritics(name).toUpperCase() })).status).toBe(409);
    expect((await call("POST", "/api/v1/hamlets", keys.tramChim!, { communeCode: TRAM_CHIM, name: unique("Ấp"), code: "A-7" })).status).toBe(409);
    // The code in other capitals is the same code, as the CSV import compares it (found by the attack pass).
    const lower = await call("POST", "/api/v1/hamlets", keys.tramChim!, { communeCode: TRAM_CHIM, name: unique("Ấp"), code: "a-7" });
    expect(lower.status).toBe(409);
    expect(lower.body.error.field).toBe("code");
    expect(await hamletCount(TRAM_CHIM)).toBe(before + 1);
    // The province's staff add to any of its communes.
    expect((await call("POST", "/api/v1/hamlets", keys.dongThap!, { communeCode: HONG_NGU, name: unique("Khóm") })).status).toBe(201);
    expect((await call("POST", "/api/v1/hamlets", keys.dongThap!, { communeCode: BA_DINH, name: unique("Tổ dân phố") })).status).toBe(403);
  });

  it("names that differ only in their marks are two hamlets (Tân Thành, Tân Thạnh, as after communes merged); the same name typed otherwise is a 409", async () => {
    const tag = randomBytes(2).toString("hex");
    const add = (name: string, code?: string) => call("POST", "/api/v1/hamlets", keys.tramChim!, { communeCode: TRAM_CHIM, name: `${name} ${tag}`, ...(code ? { code } : {}) });
    expect((await add("Ấp Tân Thành")).status).toBe(201);
    const thanh = await add("Ấp Tân Thạnh");
    expect(thanh.status).toBe(201);
    expect((await add("Ấp Hoà Bình")).status).toBe(201);
    const before = await hamletCount(TRAM_CHIM);
    // without marks it could be either: the same name as both
    const bare = await add("Ap Tan Thanh");
    expect(bare.status).toBe(409);
    expect(bare.body.error.field).toBe("name");
    // the same marks in other capitals, or the tone mark placed the other way (hoà, hòa): the same name
    for (const same of ["ấp tân thành", "ẤP TÂN THẠNH", "Ấp Hòa Bình"]) expect((await add(same)).status, same).toBe(409);
    // hỏi typed for ngã (alike in southern speech, a common slip): the same name
    expect((await add("Ấp Mỹ Tân")).status).toBe(201);
    expect((await add("Ấp Mỷ Tân")).status).toBe(409);
    // a rename onto the other's name is refused; the rename of a hamlet to its own name in other marks' placement is not a clash with itself
    expect((await call("PATCH", `/api/v1/hamlets/${thanh.body.id}`, keys.tramChim!, { name: `Ấp Tân Thành ${tag}` })).status).toBe(409);
    expect((await call("PATCH", `/api/v1/hamlets/${thanh.body.id}`, keys.tramChim!, { name: `Ấp Tân Thạnh ${tag}`, code: `TT${tag}` })).status).toBe(200);
    expect(await hamletCount(TRAM_CHIM)).toBe(before + 1);

    // the CSV import reads names the same way: the two marked names are two rows, the bare one a repeat of the first
    const csv = [`Khóm Tân Thành ${tag}`, `Khóm Tân Thạnh ${tag}`, `Khom Tan Thanh ${tag}`].join("\n");
    const preview = await call("POST", `/api/v1/hamlets/import?communeCode=${TRAM_CHIM}`, keys.tramChim!, csv, "text/csv");
    expect(preview.body.rows.map((r: { status: string; message: string | null }) => [r.status, r.message])).toEqual([
      ["new", null],
      ["new", null],
      ["error", "trùng tên với dòng 1"],
    ]);
    const clean = [`Khóm Tân Thành ${tag}`, `Khóm Tân Thạnh ${tag}`, `Ấp Tân Thạnh ${tag}`].join("\n");
    const committed = await call("POST", `/api/v1/hamlets/import?communeCode=${TRAM_CHIM}&commit=true`, keys.tramChim!, clean, "text/csv");
    expect(committed.body).toMatchObject({ committed: true, created: 2, existing: 1, errors: 0 });
  });

  it("POST /api/v1/hamlets: refuses hostile names with 400 and stores nothing", async () => {
    const before = await hamletCount(TRAM_CHIM);
    const bad = [
      { communeCode: TRAM_CHIM, name: "Ấp\u00001" },
      { communeCode: TRAM_CHIM, name: "Ấp\u00071" },
      { communeCode: TRAM_CHIM, name: "Ấp\n1" },
      { communeCode: TRAM_CHIM, name: "Ấp\u202e1" },
      { communeCode: TRAM_CHIM, name: "Ấp\u200b1" },
      { communeCode: TRAM_CHIM, name: "Ấp \ud800" },
      { communeCode: TRAM_CHIM, name: "x".repeat(81) },
      { communeCode: TRAM_CHIM, name: "   " },
      { communeCode: TRAM_CHIM, name: "!!!" },
      { communeCode: TRAM_CHIM, name: "Ấp 9", code: "có dấu" },
      { communeCode: TRAM_CHIM, name: 42 },
      { communeCode: "30001; DROP TABLE", name: "Ấp 9" },
    ];
    for (const body of bad) {
      const res = await call("POST", "/api/v1/hamlets", keys.tramChim!, body);
      expect(res.status, JSON.stringify(body)).toBe(400);
      expect(res.body.error.code).toBe("VALIDATION_FAILED");
    }
    // A NUL escaped in raw JSON, too.
    expect((await call("POST", "/api/v1/hamlets", keys.tramChim!, `{"communeCode":"${TRAM_CHIM}","name":"A\\u0000"}`)).status).toBe(400);
    expect(await hamletCount(TRAM_CHIM)).toBe(before);
  });

  it("PATCH /api/v1/hamlets/:id: renames and confirms a hamlet; another unit's hamlet is not found", async () => {
    const h = await hamletIn(TRAM_CHIM, unique("ap"), true);
    const name = unique("Ấp");
    await refusesStrangers("PATCH", `/api/v1/hamlets/${h.id}`, { name });
    for (const other of [keys.hongNgu!, keys.haNoi!]) {
      const res = await call("PATCH", `/api/v1/hamlets/${h.id}`, other, { name });
      expect(res.status).toBe(404);
      expect(res.text).not.toContain(h.name);
    }
    expect((await t.ctx.db.hamlet.findUniqueOrThrow({ where: { id: h.id } })).name).toBe(h.name);
    const renamed = await call("PATCH", `/api/v1/hamlets/${h.id}`, keys.tramChim!, { name, code: "B2" });
    expect(renamed.status).toBe(200);
    expect(renamed.body).toMatchObject({ id: h.id, name, code: "B2", proposedByCitizen: false });
    const stored = await t.ctx.db.hamlet.findUniqueOrThrow({ where: { id: h.id } });
    expect(stored).toMatchObject({ name, code: "B2", proposedByCitizen: false });
    // Renaming onto another hamlet's name: 409; a bad name: 400; unknown ids: 404.
    const other = await hamletIn(TRAM_CHIM);
    expect((await call("PATCH", `/api/v1/hamlets/${h.id}`, keys.tramChim!, { name: other.name })).status).toBe(409);
    expect((await call("PATCH", `/api/v1/hamlets/${h.id}`, keys.tramChim!, { name: "a\u0001b" })).status).toBe(400);
    expect((await call("PATCH", `/api/v1/hamlets/00000000-0000-4000-8000-000000000000`, keys.tramChim!, { name })).status).toBe(404);
    expect((await call("PATCH", `/api/v1/hamlets/not-a-uuid`, keys.tramChim!, { name })).status).toBe(404);
    // code: null removes it; absent leaves it.
    expect((await call("PATCH", `/api/v1/hamlets/${h.id}`, keys.dongThap!, { name })).body.code).toBe("B2");
    expect((await call("PATCH", `/api/v1/hamlets/${h.id}`, keys.dongThap!, { name, code: null })).body.code).toBeNull();
  });

  it("POST /api/v1/hamlets/:id/confirm: clears a citizen's proposal flag, only in the unit", async () => {
    const h = await hamletIn(TRAM_CHIM, unique("Ấp"), true);
    await refusesStrangers("POST", `/api/v1/hamlets/${h.id}/confirm`);
    expect((await call("POST", `/api/v1/hamlets/${h.id}/confirm`, keys.hongNgu!)).status).toBe(404);
    expect((await t.ctx.db.hamlet.findUniqueOrThrow({ where: { id: h.id } })).proposedByCitizen).toBe(true);
    const res = await call("POST", `/api/v1/hamlets/${h.id}/confirm`, keys.tramChim!);
    expect(res.status).toBe(200);
    expect(res.body).toMatchObject({ id: h.id, proposedByCitizen: false });
    expect((await t.ctx.db.hamlet.findUniqueOrThrow({ where: { id: h.id } })).proposedByCitizen).toBe(false);
  });

  it("POST /api/v1/hamlets/:id/merge: moves subscriptions, bookings and announcement targets, cancels duplicates, deletes the merged hamlet", async () => {
    const keep = await hamletIn(TRAM_CHIM, unique("Khóm"));
    const gone = await hamletIn(TRAM_CHIM, unique("khom"), true);
    const both = await subscriber(TRAM_CHIM, keep.id);
    const dup = await subscriber(TRAM_CHIM, gone.id, both.identity.externalId); // the same chat on both
    const only = await subscriber(TRAM_CHIM, gone.id);
    const booking = await t.ctx.db.deliveryBooking.create({
      data: { reference: `BD-${randomBytes(3).toString("hex").toUpperCase()}`, kind: "DOSSIER_COLLECTION", recipientName: "Lê Văn Tư", recipientPhone: "0912000111", communeCode: TRAM_CHIM, hamletId: gone.id, addressLine: "5 đường số 1", timeWindow: "Sáng", postage: 25000 },
    });
    const broadcastBoth = await t.ctx.db.broadcast.create({
      data: { communeCode: TRAM_CHIM, title: "Họp dân", body: "…", createdBy: "api-key:x", createdByName: "Cán bộ", status: "SENT", hamlets: { create: [{ hamletId: keep.id }, { hamletId: gone.id }] } },
    });
    const broadcastGone = await t.ctx.db.broadcast.create({
      data: { communeCode: TRAM_CHIM, title: "Cắt điện", body: "…", createdBy: "api-key:x", createdByName: "Cán bộ", status: "SENT", hamlets: { create: [{ hamletId: gone.id }] } },
    });
    const recipient = await t.ctx.db.broadcastRecipient.create({ data: { broadcastId: broadcastGone.id, identityId: only.identity.id, hamletId: gone.id, channel: "TELEGRAM" } });

    await refusesStrangers("POST", `/api/v1/hamlets/${gone.id}/merge`, { intoId: keep.id });
    expect((await call("POST", `/api/v1/hamlets/${gone.id}/merge`, keys.hongNgu!, { intoId: keep.id })).status).toBe(404);
    // Into a hamlet of another commune, into itself, or a malformed id: refused.
    const foreign = await hamletIn(HONG_NGU);
    expect((await call("POST", `/api/v1/hamlets/${gone.id}/merge`, keys.dongThap!, { intoId: foreign.id })).status).toBe(400);
    expect((await call("POST", `/api/v1/hamlets/${gone.id}/merge`, keys.tramChim!, { intoId: foreign.id })).status).toBe(404);
    expect((await call("POST", `/api/v1/hamlets/${gone.id}/merge`, keys.tramChim!, { intoId: gone.id })).status).toBe(400);
    expect((await call("POST", `/api/v1/hamlets/${gone.id}/merge`, keys.tramChim!, { intoId: "x" })).status).toBe(400);
    expect(await t.ctx.db.hamlet.count({ where: { id: gone.id } })).toBe(1);

    const res = await call("POST", `/api/v1/hamlets/${gone.id}/merge`, keys.tramChim!, { intoId: keep.id });
    expect(res.status).toBe(200);
    expect(res.body.moved).toEqual({ subscriptions: 1, cancelledDuplicates: 1, bookings: 1, broadcasts: 1, recipients: 1 });
    expect(res.body.kept).toMatchObject({ id: keep.id, subscribers: 2, proposedByCitizen: false });
    expect(await t.ctx.db.hamlet.count({ where: { id: gone.id } })).toBe(0);
    expect(await t.ctx.db.subscription.findUniqueOrThrow({ where: { id: only.sub.id } })).toMatchObject({ hamletId: keep.id, cancelledAt: null });
    expect((await t.ctx.db.subscription.findUniqueOrThrow({ where: { id: dup.sub.id } })).cancelledAt).not.toBeNull();
    expect((await t.ctx.db.subscription.findUniqueOrThrow({ where: { id: both.sub.id } })).cancelledAt).toBeNull();
    expect((await t.ctx.db.deliveryBooking.findUniqueOrThrow({ where: { id: booking.id } })).hamletId).toBe(keep.id);
    expect((await t.ctx.db.broadcastHamlet.findMany({ where: { broadcastId: broadcastBoth.id } })).map((h) => h.hamletId)).toEqual([keep.id]);
    expect((await t.ctx.db.broadcastHamlet.findMany({ where: { broadcastId: broadcastGone.id } })).map((h) => h.hamletId)).toEqual([keep.id]);
    expect((await t.ctx.db.broadcastRecipient.findUniqueOrThrow({ where: { id: recipient.id } })).hamletId).toBe(keep.id);
    // Merging it again: it is gone.
    expect((await call("POST", `/api/v1/hamlets/${gone.id}/merge`, keys.tramChim!, { intoId: keep.id })).status).toBe(404);
  });

  it("POST /api/v1/hamlets/:id/merge: an urgent announcement approved for one of the two hamlets and not sent yet is not widened: it waits for a new approval, and staff are told so", async () => {
    const x = await hamletIn(TRAM_CHIM, unique("Ấp Tân"));
    const y = await hamletIn(TRAM_CHIM, unique("Ấp Hòa"));
    await subscriber(TRAM_CHIM, x.id);
    await subscriber(TRAM_CHIM, y.id);
    await subscriber(TRAM_CHIM, y.id);
    const later = new Date(Date.now() + 3 * 3600_000).toISOString();
    const compose = async (hamletIds: string[], title: string) => {
      const made = await call("POST", "/api/v1/broadcasts", keys.tramChim!, { communeCode: TRAM_CHIM, hamletIds, title, body: "Nước lũ lên nhanh, mời bà con di dời.", urgent: true, scheduledAt: later });
      expect(made.status).toBe(201);
      const id = made.body.id as string;
      expect((await call("POST", `/api/v1/broadcasts/${id}/send`, keys.tramChim!, {})).body.status).toBe("AWAITING_APPROVAL");
      expect((await call("GET", `/api/v1/broadcasts/${id}/preview`, keys.tramChim2!)).status).toBe(200);
      expect((await call("POST", `/api/v1/broadcasts/${id}/approve`, keys.tramChim2!, {})).body.status).toBe("SCHEDULED");
      return id;
    };
    const forX = await compose([x.id], "Lũ về ấp Tân");
    const forBoth = await compose([x.id, y.id], "Lũ về hai ấp");
    const res = await call("POST", `/api/v1/hamlets/${y.id}/merge`, keys.tramChim!, { intoId: x.id });
    expect(res.status).toBe(200);
    // Approved for X's one subscriber, it would now go to three: back to awaiting approval, its approval cleared.
    expect(res.body.reapproval).toEqual([{ id: forX, title: "Lũ về ấp Tân" }]);
    expect(res.body.message).toMatch(/1 thông báo khẩn .*phê duyệt lại/);
    const again = await t.ctx.db.broadcast.findUniqueOrThrow({ where: { id: forX } });
    expect(again).toMatchObject({ status: "AWAITING_APPROVAL", approvedBy: null, approvedAt: null });
    // The one approved for both hamlets reaches the same people: it stays approved.
    expect((await t.ctx.db.broadcast.findUniqueOrThrow({ where: { id: forBoth } })).status).toBe("SCHEDULED");
    // A second person approves it again, seeing its new reach.
    expect((await call("GET", `/api/v1/broadcasts/${forX}/preview`, keys.tramChim2!)).status).toBe(200);
    expect((await call("POST", `/api/v1/broadcasts/${forX}/approve`, keys.tramChim2!, {})).body.status).toBe("SCHEDULED");
  });

  it("POST /api/v1/hamlets/import: previews every row's outcome storing nothing, then commits only a list without errors", async () => {
    const existing = await hamletIn(HONG_NGU, "Khóm Cũ");
    const csv = ["\uFEFFcode,name", "K1,Khóm 1", "K2,khóm   2", "K3,Khom cu", "K4,Khóm 1", "K2,Khóm 5", "K6,Ấp\u00076", "K7,", "K8,Khóm 8,thừa", "có dấu,Khóm 9", ""].join("\r\n");
    await refusesStrangers("POST", `/api/v1/hamlets/import?communeCode=${HONG_NGU}`, csv);
    expect((await call("POST", `/api/v1/hamlets/import?communeCode=${HONG_NGU}`, keys.tramChim!, csv, "text/csv")).status).toBe(403);
    const before = await hamletCount(HONG_NGU);

    const preview = await call("POST", `/api/v1/hamlets/import?communeCode=${HONG_NGU}`, keys.hongNgu!, csv, "text/csv; charset=utf-8");
    expect(preview.status).toBe(200);
    expect(preview.body).toMatchObject({ communeCode: HONG_NGU, committed: false, created: 2, existing: 1, errors: 6 });
    const byLine = Object.fromEntries(preview.body.rows.map((r: { line: number }) => [r.line, r]));
    expect(byLine[2]).toMatchObject({ code: "K1", name: "Khóm 1", status: "new" });
    expect(byLine[3]).toMatchObject({ code: "K2", name: "khóm 2", status: "new" });
    expect(byLine[4]).toMatchObject({ status: "exists", message: `đã có: ${existing.name}` });
    expect(byLine[5]).toMatchObject({ status: "error", message: "trùng tên với dòng 2" });
    expect(byLine[6]).toMatchObject({ status: "error", message: "trùng mã với dòng 3" });
    expect(byLine[7]).toMatchObject({ status: "error", message: expect.stringMatching(/ký tự điều khiển/) });
    expect(byLine[8]).toMatchObject({ status: "error", message: expect.stringMatching(/chưa nhập tên/) });
    expect(byLine[9]).toMatchObject({ status: "error", message: expect.stringMatching(/3 cột/) });
    expect(byLine[10]).toMatchObject({ status: "error", message: expect.stringMatching(/mã ấp/) });
    expect(await hamletCount(HONG_NGU)).toBe(before);

    // commit=true with errors: 400 naming the rows, nothing stored.
    const refused = await call("POST", `/api/v1/hamlets/import?communeCode=${HONG_NGU}&commit=true`, keys.hongNgu!, csv, "text/csv");
    expect(refused.status).toBe(400);
    expect(refused.body.error.issues.map((i: { field: string }) => i.field)).toEqual(["line 5", "line 6", "line 7", "line 8", "line 9", "line 10"]);
    expect(await hamletCount(HONG_NGU)).toBe(before);

    // The list fixed, as JSON, without a header and with a name-only row: committed in one go.
    const fixed = "K1,Khóm 1\nK2,Khóm 2\nKhóm Cũ\n\nTổ dân phố 3\n";
    const committed = await call("POST", "/api/v1/hamlets/import", keys.dongThap!, { communeCode: HONG_NGU, csv: fixed, commit: true });
    expect(committed.status).toBe(201);
    expect(committed.body).toMatchObject({ committed: true, created: 3, existing: 1, errors: 0 });
    const names = (await t.ctx.db.hamlet.findMany({ where: { communeCode: HONG_NGU }, select: { name: true, code: true, proposedByCitizen: true } })).map((h) => `${h.code ?? "-"}:${h.name}:${h.proposedByCitizen}`);
    expect(names).toEqual(expect.arrayContaining(["K1:Khóm 1:false", "K2:Khóm 2:false", "-:Tổ dân phố 3:false"]));
    expect(await hamletCount(HONG_NGU)).toBe(before + 3);
    // Importing the same list again: every row already there, nothing added.
    const again = await call("POST", `/api/v1/hamlets/import?communeCode=${HONG_NGU}&commit=true`, keys.hongNgu!, fixed, "text/csv");
    expect(again.body).toMatchObject({ created: 0, existing: 4, errors: 0, committed: false });
    expect(await hamletCount(HONG_NGU)).toBe(before + 3);
  });

  it("POST /api/v1/hamlets/import: a header in any order, semicolons, quoted cells; hostile files refused whole", async () => {
    const commune = "28249"; // Phường Đạo Thạnh (82)
    const preview = await call("POST", `/api/v1/hamlets/import?communeCode=${commune}`, keys.dongThap!, 'Tên;Mã\n"Khu phố 1; Bắc";KP1\nKhu phố 2;KP2\n', "text/csv");
    expect(preview.status).toBe(200);
    expect(preview.body.rows).toEqual([
      { line: 2, code: "KP1", name: "Khu phố 1; Bắc", status: "new", message: null },
      { line: 3, code: "KP2", name: "Khu phố 2", status: "new", message: null },
    ]);
    // The same list saved by Excel for Mac ("CSV (Macintosh)": lines end in a bare CR), a comma inside a name.
    const mac = await call("POST", `/api/v1/hamlets/import?communeCode=${commune}`, keys.dongThap!, "Tên;Mã\rKhu phố 1, Bắc;KP1\rKhu phố 2;KP2\r", "text/csv");
    expect(mac.body.rows).toEqual([
      { line: 2, code: "KP1", name: "Khu phố 1, Bắc", status: "new", message: null },
      { line: 3, code: "KP2", name: "Khu phố 2", status: "new", message: null },
    ]);
    const before = await hamletCount(commune);
    for (const [body, type] of [
      ['"unclosed,Ấp 1\n', "text/csv"],
      ["Ấp\u00001\n", "text/csv"],
      ["", "text/csv"],
      ["\n\n,\n", "text/csv"],
      [`${"Ấp x\n".repeat(1001)}`, "text/csv"],
      ["Ấp 1", "application/xml"],
    ] as const) {
      const res = await call("POST", `/api/v1/hamlets/import?communeCode=${commune}&commit=true`, keys.dongThap!, body, type);
      expect([400, 415], JSON.stringify(body.slice(0, 20))).toContain(res.status);
    }
    expect((await call("POST", `/api/v1/hamlets/import?communeCode=${commune}&commit=maybe`, keys.dongThap!, "Ấp 1", "text/csv")).status).toBe(400);
    expect((await call("POST", "/api/v1/hamlets/import", keys.dongThap!, "Ấp 1", "text/csv")).status).toBe(400); // which commune?
    expect(await hamletCount(commune)).toBe(before);
  });
});

describe("hamlet lists in another encoding, or with spreadsheet formulas", () => {
  it("a Windows-1258 file read as UTF-8, TCVN3 or VNI text, or a formula is refused (the API's body and the console's form), and nothing is stored", async () => {
    const commune = "28249"; // Phường Đạo Thạnh (82)
    const before = await hamletCount(commune);
    // "Ấp Đông\nẤp Tây" in Windows-1258: every Vietnamese letter is a byte that is not UTF-8.
    const cp1258 = Buffer.from([0xc2, 0xec, 0x70, 0x20, 0xd0, 0xf4, 0x6e, 0x67, 0x0a, 0xc2, 0xec, 0x70, 0x20, 0x54, 0xe2, 0x79, 0x0a]);
    const raw = await fetch(`${t.baseUrl}/api/v1/hamlets/import?communeCode=${commune}&commit=true`, {
      method: "POST",
      headers: { authorization: `Bearer ${keys.dongThap!}`, "content-type": "text/csv", "x-forwarded-for": randomIp() },
      body: cp1258,
    });
    expect(raw.status).toBe(400);
    expect(((await raw.json()) as { error: { message: string; field: string } }).error).toMatchObject({ field: "csv", message: expect.stringMatching(/UTF-8/) });
    // The same bytes through the console's form (percent-encoded as a Windows-1258 page would send them).
    const page = await call("POST", "/staff/hamlets/import", keys.dongThap!, `_csrf=&communeCode=${commune}&action=commit&csv=%C2%ECp+%D0%F4ng%0A%C2%ECp+T%E2y`, "application/x-www-form-urlencoded");
    expect(page.status).toBe(400);
    expect(page.text).toMatch(/UTF-8/);
    // Text in a legacy font encoding (TCVN3 "Êp §«ng", VNI "AÁp Ñoâng"), and formulas: each row an error naming why.
    const preview = await call("POST", `/api/v1/hamlets/import?communeCode=${commune}`, keys.dongThap!, ["Êp §«ng", "AÁp Ñoâng", "=cmd|' /C calc'!A0", "+84 Ấp", "@SUM(A1)", "Ấp Hòa Bình"].join("\n"), "text/csv");
    expect(preview.status).toBe(200);
    expect(preview.body.rows.map((r: { status: string; message: string | null }) => [r.status, r.message?.match(/bảng mã cũ|công thức/)?.[0] ?? null])).toEqual([
      ["error", "bảng mã cũ"],
      ["error", "bảng mã cũ"],
      ["error", "công thức"],
      ["error", "công thức"],
      ["error", "công thức"],
      ["new", null],
    ]);
    // One hamlet added by hand with such a name: refused the same way.
    const added = await call("POST", "/api/v1/hamlets", keys.dongThap!, { communeCode: commune, name: "Khãm 1 \uFFFD" });
    expect(added.status).toBe(400);
    expect(await hamletCount(commune)).toBe(before);
  });
});

describe("the console's hamlets page", () => {
  const form = (fields: Record<string, string>) => new URLSearchParams({ _csrf: "", ...fields }).toString();
  const post = (path: string, key: string | null, fields: Record<string, string>) => call("POST", path, key, form(fields), "application/x-www-form-urlencoded");
  const THANH_BINH = "28261"; // Phường Mỹ Tho (82): the page's own writes

  it("GET /staff/hamlets: shows the commune's hamlets with counts and flags; a province's staff pick a commune; other units refused", async () => {
    const h = await hamletIn(TRAM_CHIM, unique("Ấp <b>"), true);
    await subscriber(TRAM_CHIM, h.id);
    await refusesStrangers("GET", `/staff/hamlets?communeCode=${TRAM_CHIM}`);
    const foreign = await call("GET", `/staff/hamlets?communeCode=${TRAM_CHIM}`, keys.haNoi!);
    expect(foreign.status).toBe(403);
    expect(foreign.text).not.toContain(h.name);

    const page = await call("GET", "/staff/hamlets", keys.tramChim!);
    expect(page.status).toBe(200);
    expect(page.headers.get("content-type")).toMatch(/^text\/html/);
    expect(page.text).toContain("Ấp, khóm của Xã Tràm Chim");
    expect(page.text).toContain(h.name.replace("<b>", "&lt;b&gt;")); // escaped
    expect(page.text).not.toContain("<b>");
    expect(page.text).toMatch(/Người dân đề xuất, chờ xác nhận/);
    expect(page.text).toContain(`action="/staff/hamlets/${h.id}/confirm"`);
    expect(page.text).toMatch(/name="_csrf"/);
    expect(page.text).not.toContain('id="commune-pick"'); // one commune: no choice to make

    const province = await call("GET", "/staff/hamlets", keys.dongThap!);
    expect(province.status).toBe(200);
    expect(province.text).toMatch(/<select id="commune-pick" name="communeCode">/);
    expect(province.text).toContain(`<option value="${TRAM_CHIM}">Xã Tràm Chim (${TRAM_CHIM})</option>`);
    expect(province.text).not.toContain(`value="${BA_DINH}"`);
    const picked = await call("GET", `/staff/hamlets?communeCode=${TRAM_CHIM}`, keys.dongThap!);
    expect(picked.text).toContain(h.name.replace("<b>", "&lt;b&gt;"));
  });

  it("POST /staff/hamlets: adds a hamlet and returns to the page; errors come back in a summary linked to the field", async () => {
    const name = unique("Ấp");
    await refusesStrangers("POST", "/staff/hamlets", form({ communeCode: THANH_BINH, name }));
    expect((await post("/staff/hamlets", keys.haNoi!, { communeCode: THANH_BINH, name })).status).toBe(403);
    const added = await post("/staff/hamlets", keys.dongThap!, { communeCode: THANH_BINH, name, code: "" });
    expect(added.status).toBe(303);
    expect(added.headers.get("location")).toBe(`/staff/hamlets?communeCode=${THANH_BINH}&ok=added`);
    expect(await t.ctx.db.hamlet.count({ where: { communeCode: THANH_BINH, name } })).toBe(1);
    const shown = await call("GET", added.headers.get("location")!, keys.dongThap!);
    expect(shown.text).toContain("Đã thêm ấp/khóm.");

    const again = await post("/staff/hamlets", keys.dongThap!, { communeCode: THANH_BINH, name });
    expect(again.status).toBe(409);
    expect(again.text).toMatch(/<div class="error-summary"[^>]*>[\s\S]*<a href="#add-name">Xã\/phường đã có ấp\/khóm/);
    expect(again.text).toContain(`value="${name}"`); // what was typed, kept
    const bad = await post("/staff/hamlets", keys.dongThap!, { communeCode: THANH_BINH, name: "Ấp 1", code: "mã có dấu" });
    expect(bad.status).toBe(400);
    expect(bad.text).toContain('<a href="#add-code">');
    expect(await t.ctx.db.hamlet.count({ where: { communeCode: THANH_BINH, name: "Ấp 1" } })).toBe(0);
  });

  it("POST /staff/hamlets/:id/rename: renames; a clash re-renders the page with the row's form open", async () => {
    const h = await hamletIn(THANH_BINH, unique("ap"), true);
    const other = await hamletIn(THANH_BINH);
    const name = unique("Ấp");
    await refusesStrangers("POST", `/staff/hamlets/${h.id}/rename`, form({ name }));
    expect((await post(`/staff/hamlets/${h.id}/rename`, keys.hongNgu!, { name })).status).toBe(404);
    const clash = await post(`/staff/hamlets/${h.id}/rename`, keys.dongThap!, { name: other.name });
    expect(clash.status).toBe(409);
    expect(clash.text).toContain(`<a href="#rename-name-${h.id}">`);
    const ok = await post(`/staff/hamlets/${h.id}/rename`, keys.dongThap!, { name, code: "TB1" });
    expect(ok.status).toBe(303);
    expect(await t.ctx.db.hamlet.findUniqueOrThrow({ where: { id: h.id } })).toMatchObject({ name, code: "TB1", proposedByCitizen: false });
  });

  it("POST /staff/hamlets/:id/confirm: confirms a citizen's hamlet", async () => {
    const h = await hamletIn(THANH_BINH, unique("Ấp"), true);
    await refusesStrangers("POST", `/staff/hamlets/${h.id}/confirm`, form({}));
    expect((await post(`/staff/hamlets/${h.id}/confirm`, keys.haNoi!, {})).status).toBe(404);
    const ok = await post(`/staff/hamlets/${h.id}/confirm`, keys.dongThap!, {});
    expect(ok.status).toBe(303);
    expect(ok.headers.get("location")).toBe(`/staff/hamlets?communeCode=${THANH_BINH}&ok=confirmed`);
    expect((await t.ctx.db.hamlet.findUniqueOrThrow({ where: { id: h.id } })).proposedByCitizen).toBe(false);
  });

  it("POST /staff/hamlets/:id/merge: merges into the hamlet chosen", async () => {
    const keep = await hamletIn(THANH_BINH);
    const gone = await hamletIn(THANH_BINH);
    const { sub } = await subscriber(THANH_BINH, gone.id);
    await refusesStrangers("POST", `/staff/hamlets/${gone.id}/merge`, form({ intoId: keep.id }));
    expect((await post(`/staff/hamlets/${gone.id}/merge`, keys.hongNgu!, { intoId: keep.id })).status).toBe(404);
    const none = await post(`/staff/hamlets/${gone.id}/merge`, keys.dongThap!, { intoId: "" });
    expect(none.status).toBe(400);
    expect(none.text).toContain(`<a href="#merge-into-${gone.id}">`);
    const ok = await post(`/staff/hamlets/${gone.id}/merge`, keys.dongThap!, { intoId: keep.id });
    expect(ok.status).toBe(303);
    expect(await t.ctx.db.hamlet.count({ where: { id: gone.id } })).toBe(0);
    expect((await t.ctx.db.subscription.findUniqueOrThrow({ where: { id: sub.id } })).hamletId).toBe(keep.id);
  });

  it("POST /staff/hamlets/import: previews with per-row errors (nothing saved), then saves a clean list", async () => {
    const csv = "Ấp Tây\nẤp Đông\nấp tây\n";
    await refusesStrangers("POST", "/staff/hamlets/import", form({ communeCode: THANH_BINH, csv }));
    expect((await post("/staff/hamlets/import", keys.haNoi!, { communeCode: THANH_BINH, csv })).status).toBe(403);
    const before = await hamletCount(THANH_BINH);
    const preview = await post("/staff/hamlets/import", keys.dongThap!, { communeCode: THANH_BINH, csv, action: "preview" });
    expect(preview.status).toBe(400);
    expect(preview.text).toContain('<a href="#import-row-3">Dòng 3: trùng tên với dòng 1</a>');
    expect(preview.text).toMatch(/Xem trước: 2 mới, 0 đã có, 1 lỗi/);
    expect(preview.text).not.toContain('value="commit"'); // no save button while a row is wrong
    // A commit of a list with errors saves nothing either.
    expect((await post("/staff/hamlets/import", keys.dongThap!, { communeCode: THANH_BINH, csv, action: "commit" })).status).toBe(400);
    expect(await hamletCount(THANH_BINH)).toBe(before);

    const clean = "Ấp Tây\nẤp Đông\n";
    const ok = await post("/staff/hamlets/import", keys.dongThap!, { communeCode: THANH_BINH, csv: clean, action: "preview" });
    expect(ok.status).toBe(200);
    expect(ok.text).toContain('<button type="submit" name="action" value="commit">Lưu 2 ấp/khóm mới</button>');
    expect(await hamletCount(THANH_BINH)).toBe(before);
    const saved = await post("/staff/hamlets/import", keys.dongThap!, { communeCode: THANH_BINH, csv: clean, action: "commit" });
    expect(saved.status).toBe(303);
    expect(saved.headers.get("location")).toBe(`/staff/hamlets?communeCode=${THANH_BINH}&ok=imported&n=2`);
    expect(await hamletCount(THANH_BINH)).toBe(before + 2);
    const bad = await post("/staff/hamlets/import", keys.dongThap!, { communeCode: THANH_BINH, csv: '"unclosed', action: "preview" });
    expect(bad.status).toBe(400);
    expect(bad.text).toContain('<a href="#import-csv">');
  });
});
