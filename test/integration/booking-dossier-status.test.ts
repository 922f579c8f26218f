/**
 * A result delivery's moves are its dossier's status: the clerk dispatching it puts the dossier
 * out for delivery, completing it marks the dossier delivered (and form 05 gets the post office's
 * hand-over to the citizen by itself), a failure marks the delivery failed with its reason. The
 * citizen is told once, by the booking's notice; a repeated move writes nothing more.
 */
import { randomBytes } from "node:crypto";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { dossierEventSchema } from "../../src/dossiers/event-schema.js";
import { startTestApp, type TestApp } from "../support/app.js";
import { cloneTestDatabase } from "../support/databases.js";

let database: Awaited<ReturnType<typeof cloneTestDatabase>>;
let t: TestApp;
let clerkKey: string;
const tag = String(Math.floor(Math.random() * 9000) + 1000);
const code = (n: number) => `H15.50.05.13-26112${n}-${tag}`;
const COMMUNE = "29955";

async function readyDossier(n: number, status: "RESULT_READY" | "PROCESSING" | "RETURNED" | "WITHDRAWN" = "RESULT_READY") {
  await t.ctx.ingest.ingest(
    [
      dossierEventSchema.parse({
        eventId: `bds-${n}-${tag}`,
        dossierCode: code(n),
        status,
        occurredAt: new Date(Date.now() - 3600_000).toISOString(),
        procedure: { code: "1.001193", name: "Đăng ký khai sinh" },
        applicant: { fullName: "Nguyễn Văn An", phone: `09120002${String(n).padStart(2, "0")}` },
        communeCode: COMMUNE,
        channel: "POSTAL",
      }),
    ],
    { source: "UPSTREAM" },
  );
  const dossier = await t.ctx.db.dossier.findUniqueOrThrow({ where: { code: code(n) } });
  const reference = `BD-${randomBytes(4).toString("hex").toUpperCase().slice(0, 6)}`;
  await t.ctx.db.deliveryBooking.create({
    data: { reference, kind: "RESULT_DELIVERY", dossierId: dossier.id, citizenId: dossier.applicantId, recipientName: "Nguyễn Văn An", recipientPhone: "0912000201", communeCode: COMMUNE, addressLine: "12 đường Lê Lợi", timeWindow: "Sáng (8:00–11:30)", postage: 25000 },
  });
  return { dossier, reference };
}

async function move(reference: string, body: Record<string, unknown>) {
  const res = await fetch(`${t.baseUrl}/api/v1/bookings/${reference}/status`, { method: "POST", headers: { authorization: `Bearer ${clerkKey}`, "content-type": "application/json" }, body: JSON.stringify(body) });
  return { status: res.status, body: (await res.json()) as Record<string, unknown> };
}

const eventsOf = (dossierId: string) => t.ctx.db.dossierEvent.findMany({ where: { dossierId }, orderBy: { occurredAt: "asc" }, include: { notices: true } });

beforeAll(async () => {
  database = await cloneTestDatabase();
  t = await startTestApp({ DATABASE_URL: database.url, QUEUE_PREFIX: `bds${randomBytes(4).toString("hex")}` });
  clerkKey = (await t.ctx.apiKeys.create({ name: "clerk", role: "POST_OFFICE_STAFF", unitCode: "82" })).key;
});
afterAll(async () => {
  await t?.close();
  await database?.drop();
});

describe("a result delivery's moves on its dossier", () => {
  it("dispatched → out for delivery (with the waybill), completed → delivered with the post office's hand-over to the citizen; the citizen told once per move, by the booking's notice; repeats write nothing", async () => {
    const { dossier, reference } = await readyDossier(1);
    expect((await move(reference, { status: "DISPATCHED", waybillCode: "EE123456789VN" })).status).toBe(200);
    let d = await t.ctx.db.dossier.findUniqueOrThrow({ where: { id: dossier.id } });
    expect(d.status).toBe("OUT_FOR_DELIVERY");
    // A double click: the same move again changes nothing.
    expect((await move(reference, { status: "DISPATCHED", waybillCode: "EE123456789VN" })).body.repeated).toBe(true);
    expect((await move(reference, { status: "COMPLETED" })).status).toBe(200);
    d = await t.ctx.db.dossier.findUniqueOrThrow({ where: { id: dossier.id } });
    expect(d.status).toBe("DELIVERED");

    const events = await eventsOf(dossier.id);
    expect(events.map((e) => e.status)).toEqual(["RESULT_READY", "OUT_FOR_DELIVERY", "DELIVERED"]);
    const out = events[1]!;
    expect(out.source).toBe("STAFF");
    expect(out.note).toContain("EE123456789VN");
    // The booking's notices tell the citizen; the status events add none.
    expect(events[1]!.notices).toHaveLength(0);
    expect(events[2]!.notices).toHaveLength(0);
    const bookingId = (await t.ctx.db.deliveryBooking.findUniqueOrThrow({ where: { reference } })).id;
    const bookingNotices = await t.ctx.db.notice.findMany({ where: { dedupeKey: { startsWith: `booking:${bookingId}:` } } });
    expect(bookingNotices.map((n) => n.dedupeKey).sort()).toEqual([`booking:${bookingId}:COMPLETED`, `booking:${bookingId}:DISPATCHED`]);

    // Form 05: the post office handed the result to the citizen, recorded by the DELIVERED event.
    const handovers = await t.ctx.db.handover.findMany({ where: { dossierId: dossier.id } });
    const delivered = handovers.find((h) => h.eventId === events[2]!.id);
    expect(delivered, JSON.stringify(handovers)).toBeDefined();
    expect(delivered!.fromUnit).toMatch(/Bưu điện/);

    // Repeating the completion (a retry) writes no second event and no second hand-over.
    expect((await move(reference, { status: "COMPLETED" })).body.repeated).toBe(true);
    expect(await eventsOf(dossier.id)).toHaveLength(3);
    expect(await t.ctx.db.handover.count({ where: { dossierId: dossier.id } })).toBe(handovers.length);
  });

  it("failed → delivery failed, with the reason on the dossier's history", async () => {
    const { dossier, reference } = await readyDossier(2);
    expect((await move(reference, { status: "DISPATCHED", waybillCode: "EE987654321VN" })).status).toBe(200);
    const failed = await move(reference, { status: "FAILED", failureReason: "Không có người nhận tại nhà", retryPaidBy: "CITIZEN" });
    expect(failed.status).toBe(200);
    const d = await t.ctx.db.dossier.findUniqueOrThrow({ where: { id: dossier.id } });
    expect(d.status).toBe("DELIVERY_FAILED");
    const last = (await eventsOf(dossier.id)).at(-1)!;
    expect(last.status).toBe("DELIVERY_FAILED");
    expect(last.note).toContain("Không có người nhận tại nhà");
  });

  it("attack: a delivery booked while the dossier is still processed cannot be marked failed (the dossier would read DELIVERY_FAILED, its result 'early'): 409, nothing stored; it can be cancelled", async () => {
    const { dossier, reference } = await readyDossier(3, "PROCESSING");
    const failed = await move(reference, { status: "FAILED", failureReason: "Không liên lạc được", retryPaidBy: "CITIZEN" });
    expect(failed.status, JSON.stringify(failed.body)).toBe(409);
    expect((failed.body.error as { message: string }).message).toContain("chưa có kết quả");
    expect(await t.ctx.db.deliveryBooking.findUniqueOrThrow({ where: { reference } })).toMatchObject({ status: "REQUESTED", failedAt: null, failureReason: null });
    expect((await t.ctx.db.dossier.findUniqueOrThrow({ where: { id: dossier.id } })).status).toBe("PROCESSING");
    expect((await eventsOf(dossier.id)).map((e) => e.status)).toEqual(["PROCESSING"]);
    expect((await move(reference, { status: "CANCELLED" })).status).toBe(200);
    expect((await t.ctx.db.dossier.findUniqueOrThrow({ where: { id: dossier.id } })).status).toBe("PROCESSING");
  });

  it("a delivery of a dossier whose result was handed over at the desk, or that ended without one, is refused saying so (not 'chưa có kết quả'); a repeated REQUESTED says the booking is already there", async () => {
    const returned = await readyDossier(6, "RETURNED");
    const dispatch = await move(returned.reference, { status: "DISPATCHED", waybillCode: "EE123123123VN" });
    expect(dispatch.status).toBe(409);
    expect((dispatch.body.error as { message: string }).message).toMatch(/đã trả kết quả tại bộ phận một cửa/);
    expect((dispatch.body.error as { message: string }).message).not.toMatch(/chưa có kết quả/);
    const withdrawn = await readyDossier(7, "WITHDRAWN");
    const done = await move(withdrawn.reference, { status: "DISPATCHED", waybillCode: "EE456456456VN" });
    expect(done.status).toBe(409);
    expect((done.body.error as { message: string }).message).toMatch(/đã kết thúc mà không có kết quả để giao/);
    const again = await move(withdrawn.reference, { status: "REQUESTED" });
    expect(again.status).toBe(409);
    expect((again.body.error as { message: string }).message).toMatch(/^Lịch hẹn đã ở trạng thái "Mới đặt"/);
    expect(await t.ctx.db.deliveryBooking.count({ where: { reference: { in: [returned.reference, withdrawn.reference] }, status: { not: "REQUESTED" } } })).toBe(0);
  });

  it("attack: the waybill is the dispatch's — a later move with another one is a 409 and one before dispatch a 400; the history, form 05 and the booking keep the dispatch's", async () => {
    const { dossier, reference } = await readyDossier(4);
    const early = await move(reference, { status: "CONFIRMED", waybillCode: "AA11112222VN" });
    expect(early.status).toBe(400);
    expect((early.body.error as { field: string }).field).toBe("waybillCode");
    expect(await t.ctx.db.deliveryBooking.findUniqueOrThrow({ where: { reference } })).toMatchObject({ status: "REQUESTED", waybillCode: null });
    expect((await move(reference, { status: "DISPATCHED", waybillCode: "EL111111111VN" })).status).toBe(200);
    const other = await move(reference, { status: "COMPLETED", waybillCode: "EL222222222VN" });
    expect(other.status).toBe(409);
    expect(await t.ctx.db.deliveryBooking.findUniqueOrThrow({ where: { reference } })).toMatchObject({ status: "DISPATCHED", waybillCode: "EL111111111VN", completedAt: null });
    // The same waybill again is no change; the completion goes through.
    expect((await move(reference, { status: "COMPLETED", waybillCode: "el111111111vn" })).status).toBe(200);
    expect((await t.ctx.db.deliveryBooking.findUniqueOrThrow({ where: { reference } })).waybillCode).toBe("EL111111111VN");
    const events = await eventsOf(dossier.id);
    expect(events.at(-1)!.note).toContain("EL111111111VN");
    const handover = await t.ctx.db.handover.findFirstOrThrow({ where: { dossierId: dossier.id, eventId: events.at(-1)!.id } });
    expect(handover.postalReceipt).toBe("EL111111111VN");
  });
});
