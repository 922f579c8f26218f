/**
 * Ingestion of dossier status events (upstream or staff): the events, the dossiers' new state and
 * the notices they cause are written in ONE transaction; a NOTIFY after the commit wakes the
 * relay. A request is checked whole before anything is stored: a staff principal touching a
 * dossier outside its unit (403) or an event id reused with other content (409) stores nothing.
 * Idempotent on (origin, eventId) — the same id with the same content is a harmless duplicate;
 * an event older than the dossier's latest is recorded in its history but changes nothing on it.
 */
import { randomUUID } from "node:crypto";
import type pg from "pg";
import { canTouchCommune, eventNamespace, eventSource, ForbiddenError, unitScope, type CommuneRef, type Principal } from "../auth/guard.js";
import type { DossierStatus } from "../generated/prisma/enums.js";
import { AppError, ValidationError } from "../errors.js";
import { NOTICE_POLICIES, noticeTypeForStatus, type NoticeVariables } from "../notifications/notice-types.js";
import { createNotices, viaPg, wakeRelay, type NewNotice } from "../notifications/notice-store.js";
import { dayKeyVi, formatDateVi } from "../text/dates.js";
import type { DossierEventInput } from "./event-schema.js";
import { postalHandover } from "./handover-rules.js";

/** The relay's LISTEN channel (owned by the notice store). */
export { NOTICE_CHANNEL } from "../notifications/notice-store.js";

/** Staff events may be this far ahead of the server's clock (a device's clock drifts), no more. */
const STAFF_CLOCK_SKEW_MS = 30_000;

export interface IngestResult {
  accepted: number;
  duplicates: number;
  results: { eventId: string; dossierCode: string; outcome: "accepted" | "duplicate"; applied: boolean; notices: number }[];
}

interface DossierRow {
  id: string;
  code: string;
  status: DossierStatus;
  statusAt: Date;
  applicantId: string;
  /** The applicant's phone (read with the row; not written back). */
  applicantPhone: string | null;
  /** The applicant's name on record (read with the row, for the postal hand-overs; not written back). */
  applicantName: string | null;
  procedureCode: string | null;
  procedureName: string | null;
  communeCode: string | null;
  channel: "COUNTER" | "ONLINE" | "POSTAL";
  receivedAt: Date | null;
  dueAt: Date | null;
  newDueAt: Date | null;
}

export interface IngestOptions {
  /**
   * Who sends the events (the guard's principal). A principal with a unit writes only dossiers of
   * its unit; its role and unit choose the event-id namespace. None: the upstream system itself
   * (the demo's seed, tests).
   */
  principal?: Principal | null;
  /** Recorded on each event; follows the principal when not given. */
  source?: "UPSTREAM" | "STAFF";
  /** Errors name fields as `events[i].field` (the batch route) rather than `field`. */
  batch?: boolean;
  /** Link put in notices for the citizen to look the dossier up (null: none). */
  lookupLink?: (dossierCode: string) => string | null;
  /**
   * The event-id namespace, when it is not the principal's (an apology's DELAYED event is the
   * commune's, "unit:<commune code>", whoever issued it).
   */
  origin?: string;
  /**
   * false: the events notify nobody (a booking's move writes its dossier's postal status, and the
   * booking's own notice already tells the citizen, with the waybill or the reason).
   */
  notify?: boolean;
}

export class DossierIngestService {
  constructor(private readonly pool: pg.Pool) {}

  async ingest(events: DossierEventInput[], options: IngestOptions): Promise<IngestResult> {
    // Two requests carrying the same new event id for different dossiers both pass the check for
    // stored ids; the second one's insert then meets the unique (origin, eventId) index. Run once
    // more, it sees the first one's event (a duplicate, or a conflict).
    for (let attempt = 1; ; attempt++) {
      try {
        return await this.ingestOnce(events, options);
      } catch (error) {
        if (attempt < 3 && (error as { code?: string; constraint?: string }).code === "23505" && (error as { constraint?: string }).constraint === "DossierEvent_origin_eventId_key") continue;
        throw error;
      }
    }
  }

  private async ingestOnce(events: DossierEventInput[], options: IngestOptions): Promise<IngestResult> {
    const client = await this.pool.connect();
    try {
      await client.query("BEGIN");
      const { result, noticeIds } = await this.ingestInTransaction(client, events, options);
      await client.query("COMMIT");
      // Wake the relay once the notices are committed. NOTIFY inside the transaction would hold
      // PostgreSQL's global notify lock through the commit's disk flush, serialising every
      // ingest; sent after it, a lost wake-up (a crash right here) is caught by the relay's sweep.
      await wakeRelay(viaPg(client), noticeIds).catch(() => undefined);
      return result;
    } catch (error) {
      await client.query("ROLLBACK").catch(() => undefined);
      throw error;
    } finally {
      client.release();
    }
  }

  /**
   * The same work inside a transaction the caller holds (the apology writes its row in the same
   * transaction as its DELAYED event). The caller commits, then wakes the relay with `noticeIds`.
   */
  async ingestWithin(client: pg.PoolClient, events: DossierEventInput[], options: IngestOptions): Promise<{ result: IngestResult; noticeIds: string[] }> {
    return this.ingestInTransaction(client, events, options);
  }

  private async ingestInTransaction(client: pg.PoolClient, input: DossierEventInput[], options: IngestOptions): Promise<{ result: IngestResult; noticeIds: string[] }> {
    const results: IngestResult["results"] = [];
    const outcome = new Map<number, IngestResult["results"][number]>();
    const principal = options.principal ?? null;
    const scope = principal ? unitScope(principal) : null;
    const origin = options.origin ?? eventNamespace(principal);
    const source = options.source ?? eventSource(principal);
    const field = (index: number, name: string) => (options.batch ? `events[${index}].${name}` : name);
    const duplicate = (index: number, e: DossierEventInput) => outcome.set(index, { eventId: e.eventId, dossierCode: e.dossierCode, outcome: "duplicate", applied: false, notices: 0 });
    const conflict = (index: number, e: DossierEventInput, where: string) =>
      new AppError("CONFLICT", `eventId ${e.eventId} đã được dùng cho một sự kiện khác (was already used ${where} for an event with different content); a new event needs a new eventId.`, { field: field(index, "eventId") });

    // 1. Repeats inside the request: the same content is a duplicate (the first one counts), other content a conflict.
    const firstById = new Map<string, { index: number; content: string }>();
    const fresh: { index: number; e: DossierEventInput }[] = [];
    input.forEach((e, index) => {
      const content = canonicalContent(rawPayload(e));
      const first = firstById.get(e.eventId);
      if (!first) {
        firstById.set(e.eventId, { index, content });
        fresh.push({ index, e });
      } else if (first.content === content) duplicate(index, e);
      else throw conflict(index, e, `by events[${first.index}] of this request`);
    });

    // 2. Reference data: the communes named, and those the dossiers already have (for the unit check); procedures are optional.
    const codes = [...new Set(fresh.map(({ e }) => e.dossierCode))].sort();
    let dossiers = await this.lockDossiers(client, codes);
    const communeCodes = [...new Set([...fresh.map(({ e }) => e.communeCode), ...[...dossiers.values()].map((d) => d.communeCode)].filter((c): c is string => c !== null))];
    const communes = new Map<string, { name: string; parentCode: string | null }>();
    if (communeCodes.length) {
      const rows = await client.query<{ code: string; fullName: string; parentCode: string | null }>(
        `SELECT code, "fullName", "parentCode" FROM "AdminUnit" WHERE code = ANY($1::text[]) AND level = 'COMMUNE'`,
        [communeCodes],
      );
      for (const r of rows.rows) communes.set(r.code, { name: r.fullName, parentCode: r.parentCode });
    }
    const communeRef = (code: string | null): CommuneRef | null => (code && communes.has(code) ? { code, parentCode: communes.get(code)!.parentCode } : null);
    for (const item of fresh) {
      const { index, e } = item;
      // Staff record what has happened: an event dated ahead (the schema allows upstream a few
      // minutes of clock skew) would keep upstream's own next events from applying.
      if (source === "STAFF" && e.occurredAt.getTime() > Date.now() + STAFF_CLOCK_SKEW_MS) {
        throw new ValidationError(`${field(index, "occurredAt")}: a staff event must not be dated in the future`, { field: field(index, "occurredAt") });
      }
      if (e.communeCode && !communes.has(e.communeCode)) {
        // A principal with a unit must name a commune of it. An upstream code we do not know (an
        // older code, a unit not yet in the list) does not cost the citizen the notice: the event
        // is kept, with the code in its payload, and the dossier without a commune.
        if (scope) throw new ValidationError(`${field(index, "communeCode")}: ${e.communeCode} is not a commune code`, { field: field(index, "communeCode") });
        item.e = { ...e, communeCode: null, unknownCommuneCode: e.communeCode } as DossierEventInput;
      }
    }

    // 3. The unit check (the guard's rule): a principal with a unit writes only dossiers whose
    //    stored commune is in the unit, creates only dossiers naming a commune of it, and never
    //    moves a dossier to a commune outside it. Staff create no dossier at all: dossier codes
    //    are issued by the upstream system, and a code taken first by staff (with a phone of
    //    their choosing) would carry upstream's later events, and the citizen's notices, to that
    //    phone. Refused whole, before anything is written.
    if (principal && scope) {
      const outside = (what: string) => new ForbiddenError(`${what}; nothing was stored.`, { field: what.split(":")[0]! });
      const named = new Set<string>();
      for (const { index, e } of [...fresh].sort((a, b) => a.e.occurredAt.getTime() - b.e.occurredAt.getTime() || a.index - b.index)) {
        const stored = dossiers.get(e.dossierCode);
        if (!stored && source === "STAFF") {
          throw new ForbiddenError(
            `${field(index, "dossierCode")}: chưa có hồ sơ ${e.dossierCode}; hồ sơ do hệ thống một cửa của tỉnh tạo, cán bộ chỉ cập nhật hồ sơ đã có của đơn vị (staff update only dossiers the upstream system has sent); nothing was stored.`,
            { field: field(index, "dossierCode") },
          );
        }
        if (stored && !canTouchCommune(principal, communeRef(stored.communeCode))) {
          // The other unit's commune is not named: it is that unit's business.
          throw outside(`${field(index, "dossierCode")}: hồ sơ ${e.dossierCode} không thuộc đơn vị ${scope} của bạn (this dossier is outside unit ${scope})`);
        }
        if (e.communeCode && !canTouchCommune(principal, communeRef(e.communeCode))) {
          throw outside(`${field(index, "communeCode")}: xã/phường ${e.communeCode} không thuộc đơn vị ${scope} của bạn (commune ${e.communeCode} is outside unit ${scope})`);
        }
        if (!stored && !e.communeCode && !named.has(e.dossierCode)) {
          throw outside(`${field(index, "communeCode")}: hồ sơ mới ${e.dossierCode} phải ghi xã/phường thuộc đơn vị của bạn (a new dossier must name a commune of this unit)`);
        }
        if (e.communeCode) named.add(e.dossierCode);
      }
    }

    // 4. Events already stored under this origin: the same content is a duplicate, other content a conflict.
    const storedRows = await client.query<{ eventId: string; payload: Record<string, unknown> }>(
      `SELECT "eventId", payload FROM "DossierEvent" WHERE origin = $1 AND "eventId" = ANY($2::text[])`,
      [origin, fresh.map(({ e }) => e.eventId)],
    );
    const storedContent = new Map(storedRows.rows.map((r) => [r.eventId, canonicalContent(r.payload)]));
    const toStore = fresh.filter(({ index, e }) => {
      const content = storedContent.get(e.eventId);
      if (content === undefined) return true;
      if (content !== canonicalContent(rawPayload(e))) throw conflict(index, e, "earlier");
      duplicate(index, e);
      return false;
    });

    const procedureCodes = [...new Set(toStore.map(({ e }) => e.procedureCode).filter((c): c is string => c !== null))];
    const procedures = new Map<string, string>();
    if (procedureCodes.length) {
      const rows = await client.query<{ code: string; name: string }>(`SELECT code, name FROM "Procedure" WHERE code = ANY($1::text[])`, [procedureCodes]);
      for (const r of rows.rows) procedures.set(r.code, r.name);
    }

    // 5. Dossiers of the events to store, created when new, then locked so concurrent requests on one dossier serialise.
    const missing = [...new Set(toStore.map(({ e }) => e.dossierCode))].filter((c) => !dossiers.has(c)).sort();
    if (missing.length) {
      await this.createDossiers(client, missing, toStore.map(({ e }) => e), procedures);
      dossiers = await this.lockDossiers(client, codes);
    }

    // The applicant is the person with the phone upstream names: an upstream event naming another
    // phone than the applicant's on record moves the dossier to that person (a correction, or a
    // code first taken by a unit's own system with a phone of its choosing), so the notices, the
    // look-up proof and the one-time codes follow upstream's word. Their records, created if new:
    const reassignTo = new Map<string, string>();
    const newPhones = [
      ...new Set(
        source === "UPSTREAM" ? toStore.map(({ e }) => e).filter((e) => e.phone && dossiers.get(e.dossierCode)?.applicantPhone !== e.phone).map((e) => e.phone!) : [],
      ),
    ];
    if (newPhones.length) {
      await client.query(
        `INSERT INTO "Citizen" (id, phone, "updatedAt") SELECT gen_random_uuid(), p, now() FROM unnest($1::text[]) AS p ON CONFLICT (phone) DO NOTHING`,
        [newPhones],
      );
      for (const r of (await client.query<{ id: string; phone: string }>(`SELECT id, phone FROM "Citizen" WHERE phone = ANY($1::text[])`, [newPhones])).rows) reassignTo.set(r.phone, r.id);
    }

    // 6. Apply per dossier in time order. An event older than the dossier's latest is kept in the
    //    history and changes nothing on the dossier or its applicant.
    const byDossier = new Map<string, { index: number; e: DossierEventInput }[]>();
    for (const item of toStore) byDossier.set(item.e.dossierCode, [...(byDossier.get(item.e.dossierCode) ?? []), item]);
    const eventRows: unknown[][] = [];
    const handoverRows: unknown[][] = [];
    const noticeRows: NewNotice[] = [];
    const dossierUpdates: DossierRow[] = [];
    const citizenUpdates = new Map<string, { name: string | null; phone: string | null }>();
    for (const [code, items] of byDossier) {
      const d = { ...dossiers.get(code)! };
      items.sort((a, b) => a.e.occurredAt.getTime() - b.e.occurredAt.getTime() || a.index - b.index);
      for (const { index, e } of items) {
        const applied = e.occurredAt.getTime() >= d.statusAt.getTime();
        if (applied) {
          if (e.procedureCode && procedures.has(e.procedureCode)) d.procedureCode = e.procedureCode;
          if (e.procedureName) d.procedureName = e.procedureName;
          else if (e.procedureCode && procedures.has(e.procedureCode) && !d.procedureName) d.procedureName = procedures.get(e.procedureCode)!;
          if (e.communeCode) d.communeCode = e.communeCode;
          if (e.channel) d.channel = e.channel;
          if (e.dueAt) d.dueAt = e.dueAt;
          if (e.newDueAt) d.newDueAt = e.newDueAt;
          if (e.status === "RECEIVED" && !d.receivedAt) d.receivedAt = e.occurredAt;
          if (source === "UPSTREAM" && e.phone && e.phone !== d.applicantPhone && reassignTo.has(e.phone)) {
            d.applicantId = reassignTo.get(e.phone)!;
            d.applicantPhone = e.phone;
          }
          // The applicant is upstream's: a staff event names no one. (The citizen record is shared
          // by every dossier of that phone, in any unit: staff of one commune would rename the
          // applicant of another's dossiers, and the name a delivery is handed over against.)
          if (source === "UPSTREAM" && (e.applicantName || e.phone)) citizenUpdates.set(d.applicantId, { name: e.applicantName, phone: e.phone });
          d.status = e.status;
          d.statusAt = e.occurredAt;
        }
        const eventDbId = randomUUID();
        eventRows.push([eventDbId, origin, e.eventId, d.id, e.status, e.occurredAt, e.note, source, applied, JSON.stringify(rawPayload(e))]);
        // A postal event is itself a hand-over with the post office (a line of form 05), recorded
        // once: a repeated event is a duplicate above and never reaches here.
        const handover = postalHandover(e, d, d.communeCode ? (communes.get(d.communeCode)?.name ?? null) : null, (source === "UPSTREAM" ? e.applicantName : null) ?? d.applicantName);
        if (handover) {
          handoverRows.push([randomUUID(), d.id, handover.fromUnit, handover.toUnit, handover.handedBy, handover.receivedBy, handover.handedAt, handover.result, handover.note, handover.postalReceipt, eventDbId, handover.bookingKind]);
        }
        let noticeCount = 0;
        const type = applied && options.notify !== false ? noticeTypeForStatus(e.status) : null;
        if (type) {
          const vars = this.variables(e, d, communes, options);
          noticeRows.push({ type, citizenId: d.applicantId, dossierId: d.id, eventId: eventDbId, variables: vars, urgent: NOTICE_POLICIES[type].urgent, dedupeKey: `event:${eventDbId}:${type}` });
          noticeCount = 1;
        }
        outcome.set(index, { eventId: e.eventId, dossierCode: code, outcome: "accepted", applied, notices: noticeCount });
      }
      dossierUpdates.push(d);
    }

    if (dossierUpdates.length) await this.updateDossiers(client, dossierUpdates);
    if (citizenUpdates.size) await this.updateApplicants(client, citizenUpdates);
    if (eventRows.length) await insertRows(client, `"DossierEvent" (id, origin, "eventId", "dossierId", status, "occurredAt", note, source, applied, payload)`, ["uuid", "text", "text", "uuid", '"DossierStatus"', "timestamptz", "text", '"EventSource"', "bool", "jsonb"], eventRows);
    if (handoverRows.length) {
      // One statement for them all. The postal receipt is the waybill in the event's note, else
      // the one the post office gave the dossier's booking of that kind (the desk's dispatch).
      const types = ["uuid", "uuid", "text", "text", "text", "text", "timestamptz", '"HandoverResult"', "text", "text", "uuid", '"BookingKind"'];
      await client.query(
        `INSERT INTO "Handover" (id, "dossierId", "fromUnit", "toUnit", "handedBy", "receivedBy", "handedAt", result, note, "postalReceipt", "eventId", "recordedByRef")
         SELECT t.id, t.dossier, t.from_unit, t.to_unit, t.hb, t.rb, t.at, t.result, t.note,
                COALESCE(t.receipt, (SELECT b."waybillCode" FROM "DeliveryBooking" b
                                      WHERE b."dossierId" = t.dossier AND b.kind = t.kind AND b."waybillCode" IS NOT NULL
                                      ORDER BY b."createdAt" DESC LIMIT 1)),
                t.event, 'event'
           FROM unnest(${types.map((type, i) => `$${i + 1}::${type}[]`).join(", ")}) AS t(id, dossier, from_unit, to_unit, hb, rb, at, result, note, receipt, event, kind)`,
        types.map((_, i) => handoverRows.map((r) => r[i] ?? null)),
      );
    }
    // The notices are the outbox rows of these events, written by their one owner in this transaction.
    const noticeIds = await createNotices(viaPg(client), noticeRows);
    input.forEach((_, index) => results.push(outcome.get(index)!));
    return {
      result: { accepted: results.filter((r) => r.outcome === "accepted").length, duplicates: results.filter((r) => r.outcome === "duplicate").length, results },
      noticeIds,
    };
  }

  private variables(e: DossierEventInput, d: DossierRow, communes: Map<string, { name: string }>, options: IngestOptions): NoticeVariables {
    const due = d.dueAt;
    const early = e.status === "RESULT_READY" && due !== null && dayKeyVi(e.occurredAt) < dayKeyVi(d.newDueAt ?? due);
    return {
      citizenName: e.applicantName,
      dossierCode: d.code,
      procedureName: d.procedureName,
      receivedDate: formatDateVi(d.receivedAt ?? e.occurredAt),
      dueDate: due ? formatDateVi(e.status === "DELAYED" ? due : (d.newDueAt ?? due)) : null,
      newDueDate: d.newDueAt ? formatDateVi(d.newDueAt) : null,
      note: e.note,
      communeName: d.communeCode ? (communes.get(d.communeCode)?.name ?? null) : null,
      submissionChannel: d.channel,
      early,
      link: options.lookupLink?.(d.code) ?? null,
    };
  }

  private async lockDossiers(client: pg.PoolClient, codes: string[]): Promise<Map<string, DossierRow>> {
    const rows = await client.query<DossierRow>(
      `SELECT d.id, d.code, d.status, d."statusAt", d."applicantId", (SELECT c.phone FROM "Citizen" c WHERE c.id = d."applicantId") AS "applicantPhone",
              (SELECT c."fullName" FROM "Citizen" c WHERE c.id = d."applicantId") AS "applicantName",
              d."procedureCode", d."procedureName", d."communeCode", d.channel, d."receivedAt", d."dueAt", d."newDueAt"
         FROM "Dossier" d WHERE d.code = ANY($1::text[]) ORDER BY d.code FOR UPDATE OF d`,
      [codes],
    );
    return new Map(rows.rows.map((r) => [r.code, r]));
  }

  private async createDossiers(client: pg.PoolClient, codes: string[], events: DossierEventInput[], procedures: Map<string, string>): Promise<void> {
    // Applicants: one citizen per phone (created if new); a dossier without a phone gets its own record.
    const firstByCode = new Map<string, DossierEventInput>();
    for (const e of [...events].sort((a, b) => a.occurredAt.getTime() - b.occurredAt.getTime())) {
      if (!firstByCode.has(e.dossierCode)) firstByCode.set(e.dossierCode, e);
      else if (!firstByCode.get(e.dossierCode)!.phone && e.phone) firstByCode.set(e.dossierCode, { ...firstByCode.get(e.dossierCode)!, phone: e.phone, applicantName: e.applicantName });
    }
    const phones = [...new Set(codes.map((c) => firstByCode.get(c)!.phone).filter((p): p is string => p !== null))];
    const byPhone = new Map<string, string>();
    if (phones.length) {
      const names = phones.map((p) => codes.map((c) => firstByCode.get(c)!).find((e) => e.phone === p)?.applicantName ?? null);
      await client.query(
        `INSERT INTO "Citizen" (id, phone, "fullName", "updatedAt")
           SELECT gen_random_uuid(), p, n, now() FROM unnest($1::text[], $2::text[]) AS t(p, n)
           ON CONFLICT (phone) DO NOTHING`,
        [phones, names],
      );
      const rows = await client.query<{ id: string; phone: string }>(`SELECT id, phone FROM "Citizen" WHERE phone = ANY($1::text[])`, [phones]);
      for (const r of rows.rows) byPhone.set(r.phone, r.id);
    }
    const dossierRows: unknown[][] = [];
    const anonymous: unknown[][] = [];
    for (const code of codes) {
      const e = firstByCode.get(code)!;
      let applicantId = e.phone ? byPhone.get(e.phone)! : null;
      if (!applicantId) {
        applicantId = randomUUID();
        anonymous.push([applicantId, e.applicantName]);
      }
      const procedureCode = e.procedureCode && procedures.has(e.procedureCode) ? e.procedureCode : null;
      // statusAt starts before any event so that the first one always applies.
      dossierRows.push([randomUUID(), code, procedureCode, e.procedureName ?? (procedureCode ? procedures.get(procedureCode)! : null), applicantId, e.communeCode, e.channel ?? "COUNTER", e.status, new Date(0)]);
    }
    if (anonymous.length) await insertRows(client, `"Citizen" (id, "fullName", "updatedAt")`, ["uuid", "text"], anonymous.map((r) => r), undefined, ["now()"]);
    await insertRows(
      client,
      `"Dossier" (id, code, "procedureCode", "procedureName", "applicantId", "communeCode", channel, status, "statusAt", "updatedAt")`,
      ["uuid", "text", "text", "text", "uuid", "text", '"SubmissionChannel"', '"DossierStatus"', "timestamptz"],
      dossierRows,
      `ON CONFLICT (code) DO NOTHING`,
      ["now()"],
    );
  }

  private async updateDossiers(client: pg.PoolClient, rows: DossierRow[]): Promise<void> {
    await client.query(
      `UPDATE "Dossier" AS d SET status = u.status, "statusAt" = u."statusAt", "procedureCode" = u."procedureCode", "procedureName" = u."procedureName",
              "communeCode" = u."communeCode", channel = u.channel, "receivedAt" = u."receivedAt", "dueAt" = u."dueAt", "newDueAt" = u."newDueAt",
              "applicantId" = u."applicantId", "updatedAt" = now()
         FROM unnest($1::uuid[], $2::"DossierStatus"[], $3::timestamptz[], $4::text[], $5::text[], $6::text[], $7::"SubmissionChannel"[], $8::timestamptz[], $9::timestamptz[], $10::timestamptz[], $11::uuid[])
              AS u(id, status, "statusAt", "procedureCode", "procedureName", "communeCode", channel, "receivedAt", "dueAt", "newDueAt", "applicantId")
        WHERE d.id = u.id`,
      [
        rows.map((r) => r.id),
        rows.map((r) => r.status),
        rows.map((r) => r.statusAt),
        rows.map((r) => r.procedureCode),
        rows.map((r) => r.procedureName),
        rows.map((r) => r.communeCode),
        rows.map((r) => r.channel),
        rows.map((r) => r.receivedAt),
        rows.map((r) => r.dueAt),
        rows.map((r) => r.newDueAt),
        rows.map((r) => r.applicantId),
      ],
    );
  }

  private async updateApplicants(client: pg.PoolClient, updates: Map<string, { name: string | null; phone: string | null }>): Promise<void> {
    const ids = [...updates.keys()];
    const names = ids.map((id) => updates.get(id)!.name);
    // Names follow the latest event; a phone is only filled in where none was known (and no one else has it).
    await client.query(
      `UPDATE "Citizen" AS c SET "fullName" = COALESCE(u.n, c."fullName"), "updatedAt" = now()
         FROM unnest($1::uuid[], $2::text[]) AS u(id, n)
        WHERE c.id = u.id AND u.n IS NOT NULL AND c."fullName" IS DISTINCT FROM u.n`,
      [ids, names],
    );
    const phoneFills = ids.filter((id) => updates.get(id)!.phone);
    if (phoneFills.length) {
      await client.query(
        `UPDATE "Citizen" AS c SET phone = u.p, "updatedAt" = now()
           FROM unnest($1::uuid[], $2::text[]) AS u(id, p)
          WHERE c.id = u.id AND c.phone IS NULL AND NOT EXISTS (SELECT 1 FROM "Citizen" o WHERE o.phone = u.p)`,
        [phoneFills, phoneFills.map((id) => updates.get(id)!.phone)],
      );
    }
  }
}

function rawPayload(e: DossierEventInput): Record<string, unknown> {
  return { ...e, occurredAt: e.occurredAt.toISOString(), dueAt: e.dueAt?.toISOString() ?? null, newDueAt: e.newDueAt?.toISOString() ?? null, phone: e.phone };
}

/**
 * An event's content in one canonical form, from the parsed event's stored payload (trimmed
 * text, the phone in E.164, times in UTC): two sendings of one event compare equal however they
 * were spelled, two different events do not.
 */
export function canonicalContent(payload: Record<string, unknown>): string {
  const p = payload as Record<string, string | null | undefined>;
  return JSON.stringify([
    p.eventId, p.dossierCode, p.status, p.occurredAt, p.procedureCode ?? null, p.procedureName ?? null, p.applicantName ?? null, p.phone ?? null,
    p.unknownCommuneCode ?? p.communeCode ?? null, p.channel ?? null, p.dueAt ?? null, p.newDueAt ?? null, p.note ?? null,
  ]);
}

/** INSERT of many rows through unnest (one statement, one round trip). */
async function insertRows(
  client: pg.PoolClient,
  target: string,
  types: string[],
  rows: unknown[][],
  suffix = "",
  constants: string[] = [],
): Promise<Record<string, unknown>[]> {
  const columns = types.map((type, i) => `$${i + 1}::${type}[]`);
  const names = types.map((_, i) => `c${i}`);
  const select = [...names, ...constants].join(", ");
  const sql = `INSERT INTO ${target} SELECT ${select} FROM unnest(${columns.join(", ")}) AS t(${names.join(", ")}) ${suffix}`;
  const params = types.map((_, i) => rows.map((r) => r[i] ?? null));
  const result = await client.query(sql, params);
  return result.rows;
}
