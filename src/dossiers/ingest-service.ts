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
import { canTouchCommune, eventNamespace, eventSource, ForbiddenError, setsUpstreamFields, unitScope, type CommuneRef, type Principal } from "../auth/guard.js";
import type { DossierStatus } from "../generated/prisma/enums.js";
import { AppError, ValidationError } from "../errors.js";
import { NOTICE_POLICIES, noticeTypeForStatus, type NoticeVariables } from "../notifications/notice-types.js";
import { NOTICE_CHANNEL, noticeRows, type NewNotice } from "../notifications/notice-store.js";
import { dayKeyVi, formatDateVi } from "../text/dates.js";
import { nfc, STAFF_EVENT_STATUSES, type DossierEventInput } from "./event-schema.js";
import { FORMS_TEXT, type UpstreamField } from "../text/staff-vi.js";
import { postalHandover } from "./handover-rules.js";
import { hasResult } from "../calendar/lateness.js";
import { GroupCommit } from "../db/group-commit.js";

/** The relay's LISTEN channel (owned by the notice store). */
export { NOTICE_CHANNEL } from "../notifications/notice-store.js";

/** Staff events may be this far ahead of the server's clock (a device's clock drifts), no more. */
const STAFF_CLOCK_SKEW_MS = 30_000;
/**
 * A new staff event dated more than this before it arrives (beyond a device's clock, a slow link,
 * a queue) counts from its arrival: see step 4.
 */
const STAFF_RECORDING_DELAY_MS = 5 * 60_000;

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
  /**
   * The apology's DELAYED event (src/dossiers/apology-service.ts): the one staff event that moves
   * a date. Any other event of a staff principal has a status of `STAFF_EVENT_STATUSES` and names
   * no appointment date other than the dossier's.
   */
  apology?: boolean;
}

/** Concurrent single events of one sender written together: at most this many transactions at once… */
const GROUP_RUNNING = 4;
/** …of at most this many events each… */
const GROUP_MAX = 100;
/**
 * …and, while one is under way, another starts only for this many waiting events (fewer wait for
 * a transaction to end). Each transaction costs PostgreSQL about a millisecond of CPU beside its
 * events (two statements, the commit's flush) and the API two round trips: twenty clients shared
 * among four transactions made groups of five.
 */
const GROUP_MIN_BUSY = 10;

export class DossierIngestService {
  /** Single events waiting to be written together, per sender and options (see `ingestOne`). */
  private readonly groups = new Map<string, GroupCommit<DossierEventInput, IngestResult>>();
  /** Groups are per look-up link function too (its identity, numbered). */
  private readonly linkIds = new WeakMap<object, number>();
  private nextLinkId = 1;

  constructor(private readonly pool: pg.Pool) {}

  /**
   * One event, written together with the other single events of the same sender that arrive
   * while earlier ones are being written (group commit: one transaction for the group, each
   * event its own answer). The events of a group are applied per dossier in time order, as one
   * batch's are. When the group is refused or fails as a whole (an event of another unit, an
   * eventId reused with other content, a deadlock), each of its events is written again on its
   * own, so one bad event fails no other.
   */
  async ingestOne(event: DossierEventInput, options: IngestOptions): Promise<IngestResult> {
    const link = options.lookupLink;
    if (link && !this.linkIds.has(link)) this.linkIds.set(link, this.nextLinkId++);
    const key = JSON.stringify([options.principal ?? null, options.source ?? null, options.origin ?? null, options.notify ?? true, link ? this.linkIds.get(link) : null]);
    let group = this.groups.get(key);
    if (!group) {
      group = new GroupCommit<DossierEventInput, IngestResult>((items) => this.ingestGroup(items, options), {
        maxRunning: GROUP_RUNNING,
        maxGroup: GROUP_MAX,
        minBusyGroup: GROUP_MIN_BUSY,
        onIdle: () => {
          if (this.groups.get(key)?.idle) this.groups.delete(key);
        },
      });
      this.groups.set(key, group);
    }
    return group.submit(event);
  }

  private async ingestGroup(items: { item: DossierEventInput; resolve: (r: IngestResult) => void; reject: (e: unknown) => void }[], options: IngestOptions): Promise<void> {
    const one = (r: IngestResult["results"][number]): IngestResult => ({ accepted: r.outcome === "accepted" ? 1 : 0, duplicates: r.outcome === "duplicate" ? 1 : 0, results: [r] });
    if (items.length > 1) {
      try {
        const result = await this.ingest(
          items.map((i) => i.item),
          { ...options, batch: false },
        );
        items.forEach((i, index) => i.resolve(one(result.results[index]!)));
        return;
      } catch {
        // Nothing of the group was stored: each event alone, in the order they came.
      }
    }
    for (const i of items) await this.ingest([i.item], options).then(i.resolve, i.reject);
  }

  async ingest(events: DossierEventInput[], options: IngestOptions): Promise<IngestResult> {
    // Two requests carrying the same new event id for different dossiers both pass the check for
    // stored ids; the second one's insert then meets the unique (origin, eventId) index. Likewise
    // two requests creating one new dossier, or one new citizen (the same phone). Run once more,
    // the request sees what the first one stored (a duplicate, a conflict, a known dossier).
    for (let attempt = 1; ; attempt++) {
      try {
        return await this.ingestOnce(events, options);
      } catch (error) {
        if (attempt < 3 && retryable(error)) continue;
        throw error;
      }
    }
  }

  private async ingestOnce(events: DossierEventInput[], options: IngestOptions): Promise<IngestResult> {
    const client = await this.pool.connect();
    try {
      // BEGIN goes with the read; COMMIT, and the relay's wake-up, with the write: two round trips for the request.
      const { result } = await this.ingestInTransaction(ownTransaction(client), events, options);
      client.release();
      return result;
    } catch (error) {
      await client.query("ROLLBACK").catch(() => undefined);
      client.release();
      throw error;
    }
  }

  /**
   * The same work inside a transaction the caller holds (the apology writes its row in the same
   * transaction as its DELAYED event). The caller commits, then wakes the relay with `noticeIds`.
   */
  async ingestWithin(client: pg.PoolClient, events: DossierEventInput[], options: IngestOptions): Promise<{ result: IngestResult; noticeIds: string[] }> {
    return this.ingestInTransaction(withinTransaction(client), events, options);
  }

  private async ingestInTransaction(client: Statements, input: DossierEventInput[], options: IngestOptions): Promise<{ result: IngestResult; noticeIds: string[] }> {
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
    //    (The content is compared only when an id repeats: nearly every request has none.)
    const firstById = new Map<string, number>();
    const fresh: { index: number; e: DossierEventInput }[] = [];
    input.forEach((e, index) => {
      const first = firstById.get(e.eventId);
      if (first === undefined) {
        firstById.set(e.eventId, index);
        fresh.push({ index, e });
      } else if (canonicalContent(rawPayload(input[first]!)) === canonicalContent(rawPayload(e))) duplicate(index, e);
      else throw conflict(index, e, `by events[${first}] of this request`);
    });

    // 2. What the request needs to know, read (and the dossiers locked) in one statement: the
    //    dossiers, the communes named and those the dossiers already have (for the unit check),
    //    the procedures named (optional), and the events already stored under these ids.
    const codes = [...new Set(fresh.map(({ e }) => e.dossierCode))].sort();
    const state = await this.readState(client, {
      codes,
      communeCodes: [...new Set(fresh.map(({ e }) => e.communeCode).filter((c): c is string => c !== null))],
      procedureCodes: [...new Set(fresh.map(({ e }) => e.procedureCode).filter((c): c is string => c !== null))],
      origin,
      eventIds: fresh.map(({ e }) => e.eventId),
      phones: [...new Set(fresh.map(({ e }) => e.phone).filter((p): p is string => p !== null))],
    });
    const { dossiers, communes, procedures } = state;
    // The citizens as read (name, phone): an update of one that would change neither is not sent.
    const onRecord = new Map<string, { name: string | null; phone: string | null }>();
    for (const d of dossiers.values()) onRecord.set(d.applicantId, { name: d.applicantName, phone: d.applicantPhone });
    for (const [phone, c] of state.citizens) onRecord.set(c.id, { name: c.fullName, phone });
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
      /** Each dossier's status as the request's staff events so far leave it (they are checked in time order). */
      const staffStatus = new Map<string, DossierStatus>();
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
        // A unit's own system (an integration key with a unit) holds a dossier on record to the
        // phone, dates and channel upstream gave it (see the guard's setsUpstreamFields).
        if (source === "UPSTREAM" && stored && !setsUpstreamFields(principal)) {
          const refuse = (name: UpstreamField) => new ForbiddenError(FORMS_TEXT.unitSystemNotUpstream(field(index, name), name), { field: field(index, name) });
          if (e.phone && e.phone !== stored.applicantPhone) throw refuse("applicant.phone");
          for (const name of ["dueAt", "newDueAt"] as const) if (e[name] && e[name].getTime() !== stored[name]?.getTime()) throw refuse(name);
          if (e.channel && e.channel !== stored.channel) throw refuse("channel");
        }
        // Staff record what they did, not upstream's appointment or channel nor the post office's steps: a
        // date moved by an event would skip the apology's letter and its once-only rule, and hide
        // a late dossier (the list, the watch, the monthly report); a postal status would write the
        // post office's hand-over on form 05.
        if (source === "STAFF" && !options.apology) {
          if (!(STAFF_EVENT_STATUSES as readonly string[]).includes(e.status)) throw new ForbiddenError(FORMS_TEXT.staffStatusNotOwn(e.status), { field: field(index, "status") });
          for (const name of ["dueAt", "newDueAt"] as const) {
            const given = e[name];
            if (given && given.getTime() !== stored?.[name]?.getTime()) throw new ForbiddenError(FORMS_TEXT.staffDateNotOwn(name), { field: field(index, name) });
          }
          // How it came in is upstream's too (the monthly report counts those received through the post).
          if (e.channel && e.channel !== stored?.channel) throw new ForbiddenError(FORMS_TEXT.staffChannelNotOwn, { field: field(index, "channel") });
          // A result, once recorded, is not taken back by staff: lateness is judged by the day the
          // result was first ready, so a result recorded before the due date and then withdrawn
          // would keep the dossier early (or on time) however late its real result came.
          const current = staffStatus.get(e.dossierCode) ?? stored?.status;
          if (current && hasResult(current) && !hasResult(e.status)) throw new AppError("CONFLICT", FORMS_TEXT.staffResultNotUndone, { field: field(index, "status") });
          staffStatus.set(e.dossierCode, e.status);
        }
      }
    }

    // 4. Events already stored under this origin: the same content is a duplicate, other content a conflict.
    const storedContent = new Map(state.stored.map((r) => [r.eventId, canonicalContent(r.payload)]));
    const toStore = fresh.filter(({ index, e }) => {
      const content = storedContent.get(e.eventId);
      if (content === undefined) return true;
      if (content !== canonicalContent(rawPayload(e))) throw conflict(index, e, "earlier");
      duplicate(index, e);
      return false;
    });
    // Staff record a step when they take it (the console dates it then). One dated back — a result
    // "returned" before the due date it was in fact late for — would hide the lateness from the
    // dossier, the list, the overdue watch and the monthly report the unit sends up. So a new staff
    // event dated over STAFF_RECORDING_DELAY_MS before it arrives is taken (a step entered late is
    // still a step), but it counts from when it was recorded: its time in the history, the status's
    // time and the lateness are the arrival's. The payload keeps the time it named, so a retry of
    // it is the same duplicate however late it comes. Upstream's dates are its own, and the apology
    // dates its event itself.
    const namedPayload = new Map<number, Record<string, unknown>>();
    if (source === "STAFF" && principal && !options.apology) {
      const arrived = new Date();
      for (const item of toStore) {
        if (item.e.occurredAt.getTime() < arrived.getTime() - STAFF_RECORDING_DELAY_MS) {
          namedPayload.set(item.index, rawPayload(item.e));
          item.e = { ...item.e, occurredAt: arrived };
        }
      }
    }

    // 5. Dossiers of the events to store that are new, and their applicants (one citizen per
    //    phone, created if new; a dossier without a phone gets its own record): made here, written
    //    with the rest below. (A dossier or citizen another request creates meanwhile makes that
    //    write fail on its unique index, and the request runs again: see `ingest`.)
    const newCitizens = new Map<string, { id: string; phone: string | null; name: string | null }>();
    const citizenOf = (phone: string, name: string | null) => {
      const known = state.citizens.get(phone);
      if (known) return { id: known.id, name: known.fullName };
      let made = newCitizens.get(phone);
      if (!made) newCitizens.set(phone, (made = { id: randomUUID(), phone, name }));
      return { id: made.id, name: made.name };
    };
    const newDossiers = new Set<string>();
    const missing = [...new Set(toStore.map(({ e }) => e.dossierCode))].filter((c) => !dossiers.has(c)).sort();
    if (missing.length) {
      const firstByCode = new Map<string, DossierEventInput>();
      for (const { e } of [...toStore].sort((a, b) => a.e.occurredAt.getTime() - b.e.occurredAt.getTime())) {
        if (!firstByCode.has(e.dossierCode)) firstByCode.set(e.dossierCode, e);
        else if (!firstByCode.get(e.dossierCode)!.phone && e.phone) firstByCode.set(e.dossierCode, { ...firstByCode.get(e.dossierCode)!, phone: e.phone, applicantName: e.applicantName });
      }
      for (const code of missing) {
        const e = firstByCode.get(code)!;
        let applicant: { id: string; name: string | null };
        if (e.phone) applicant = citizenOf(e.phone, e.applicantName);
        else {
          applicant = { id: randomUUID(), name: e.applicantName };
          newCitizens.set(applicant.id, { id: applicant.id, phone: null, name: e.applicantName });
        }
        const procedureCode = e.procedureCode && procedures.has(e.procedureCode) ? e.procedureCode : null;
        const row: DossierRow = {
          id: randomUUID(),
          code,
          status: e.status,
          // Before any event, so that the first one always applies.
          statusAt: new Date(0),
          applicantId: applicant.id,
          applicantPhone: e.phone,
          applicantName: applicant.name,
          procedureCode,
          procedureName: e.procedureName ?? (procedureCode ? procedures.get(procedureCode)! : null),
          communeCode: e.communeCode,
          channel: e.channel ?? "COUNTER",
          receivedAt: null,
          dueAt: null,
          newDueAt: null,
        };
        dossiers.set(code, row);
        newDossiers.add(row.id);
      }
    }

    // The applicant is the person with the phone upstream names: an upstream event naming another
    // phone than the applicant's on record moves the dossier to that person (a correction, or a
    // code first taken by a unit's own system with a phone of its choosing), so the notices, the
    // look-up proof and the one-time codes follow upstream's word. Their records, created if new:
    const reassignTo = new Map<string, string>();
    if (source === "UPSTREAM") {
      for (const { e } of toStore) if (e.phone && dossiers.get(e.dossierCode)?.applicantPhone !== e.phone) reassignTo.set(e.phone, citizenOf(e.phone, null).id);
    }

    // 6. Apply per dossier in time order. An event older than the dossier's latest is kept in the
    //    history and changes nothing on the dossier or its applicant.
    const byDossier = new Map<string, { index: number; e: DossierEventInput }[]>();
    for (const item of toStore) byDossier.set(item.e.dossierCode, [...(byDossier.get(item.e.dossierCode) ?? []), item]);
    const eventRows: EventRow[] = [];
    const handoverRows: HandoverRow[] = [];
    const newNotices: NewNotice[] = [];
    const dossierUpdates: DossierRow[] = [];
    const citizenUpdates = new Map<string, { name: string | null; phone: string | null }>();
    const createdHere = new Set([...newCitizens.values()].map((c) => c.id));
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
          // An integration key confined to a unit (a commune's own system) names only the citizens
          // it brings in: one already on record may be the applicant of another unit's dossiers.
          if (source === "UPSTREAM" && (e.applicantName || e.phone)) {
            citizenUpdates.set(d.applicantId, { name: scope && !createdHere.has(d.applicantId) ? null : e.applicantName, phone: e.phone });
          }
          d.status = e.status;
          d.statusAt = e.occurredAt;
        }
        const eventDbId = randomUUID();
        eventRows.push({ id: eventDbId, origin, eventId: e.eventId, dossierId: d.id, status: e.status, occurredAt: e.occurredAt, note: e.note, source, applied, payload: namedPayload.get(index) ?? rawPayload(e) });
        // A postal event is itself a hand-over with the post office (a line of form 05), recorded
        // once: a repeated event is a duplicate above and never reaches here.
        const handover = postalHandover(e, d, d.communeCode ? (communes.get(d.communeCode)?.name ?? null) : null, (source === "UPSTREAM" ? e.applicantName : null) ?? d.applicantName);
        if (handover) {
          handoverRows.push({
            id: randomUUID(), dossier: d.id, from_unit: handover.fromUnit, to_unit: handover.toUnit, hb: handover.handedBy, rb: handover.receivedBy, at: handover.handedAt,
            result: handover.result, note: handover.note, receipt: handover.postalReceipt, event: eventDbId, kind: handover.bookingKind,
          });
        }
        let noticeCount = 0;
        const type = applied && options.notify !== false ? noticeTypeForStatus(e.status) : null;
        if (type) {
          const vars = this.variables(e, d, communes, options);
          newNotices.push({ type, citizenId: d.applicantId, dossierId: d.id, eventId: eventDbId, variables: vars, urgent: NOTICE_POLICIES[type].urgent, dedupeKey: `event:${eventDbId}:${type}` });
          noticeCount = 1;
        }
        outcome.set(index, { eventId: e.eventId, dossierCode: code, outcome: "accepted", applied, notices: noticeCount });
      }
      dossierUpdates.push(d);
    }

    // New citizens are written with their final name; the others are updated.
    const created = [...newCitizens.values()].map((c) => ({ ...c, name: citizenUpdates.get(c.id)?.name ?? c.name }));
    for (const c of created) citizenUpdates.delete(c.id);
    // A name the citizen already has, and a phone offered to one who has a phone (a phone is
    // never taken away), change nothing: they are not sent, nor an update left with neither (most
    // status changes of a known dossier name its applicant as on record), so the write looks
    // nothing up for them.
    for (const [id, c] of citizenUpdates) {
      const read = onRecord.get(id);
      if (!read) continue;
      const name = c.name === read.name ? null : c.name;
      const phone = read.phone === null ? c.phone : null;
      if (name === null && phone === null) citizenUpdates.delete(id);
      else citizenUpdates.set(id, { name, phone });
    }
    const noticeIds = await this.write(client, {
      newCitizens: created,
      newDossiers: dossierUpdates.filter((d) => newDossiers.has(d.id)),
      dossiers: dossierUpdates.filter((d) => !newDossiers.has(d.id)),
      citizens: citizenUpdates,
      events: eventRows,
      handovers: handoverRows,
      notices: newNotices,
    });
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

  /**
   * One statement (`dossier_ingest_read`, a function of the migrations): locks the dossiers (in
   * code order, so that concurrent requests on one dossier serialise without deadlock) and reads
   * them with their applicant, the communes named and those of the dossiers, the procedures named,
   * the events already stored under these ids, and the citizens with the phones named.
   */
  private async readState(
    client: Statements,
    q: { codes: string[]; communeCodes: string[]; procedureCodes: string[]; origin: string; eventIds: string[]; phones: string[] },
  ): Promise<{
    dossiers: Map<string, DossierRow>;
    citizens: Map<string, { id: string; fullName: string | null }>;
    communes: Map<string, { name: string; parentCode: string | null }>;
    procedures: Map<string, string>;
    stored: { eventId: string; payload: Record<string, unknown> }[];
  }> {
    const row = await client.read<{
      dossiers: (Omit<DossierRow, "statusAt" | "receivedAt" | "dueAt" | "newDueAt"> & Record<"statusAt" | "receivedAt" | "dueAt" | "newDueAt", string | null>)[] | null;
      communes: { code: string; name: string; parentCode: string | null }[] | null;
      procedures: { code: string; name: string }[] | null;
      stored: { eventId: string; payload: Record<string, unknown> }[] | null;
      citizens: { id: string; phone: string; fullName: string | null }[] | null;
    }>(JSON.stringify(q));
    // json_agg writes a timestamp without its zone; the columns hold UTC.
    const utc = (v: string | null) => (v === null ? null : new Date(`${v}Z`));
    return {
      dossiers: new Map(
        (row.dossiers ?? []).map((d) => [d.code, { ...d, statusAt: utc(d.statusAt)!, receivedAt: utc(d.receivedAt), dueAt: utc(d.dueAt), newDueAt: utc(d.newDueAt) }]),
      ),
      communes: new Map((row.communes ?? []).map((c) => [c.code, { name: c.name, parentCode: c.parentCode }])),
      procedures: new Map((row.procedures ?? []).map((p) => [p.code, p.name])),
      stored: row.stored ?? [],
      citizens: new Map((row.citizens ?? []).map((c) => [c.phone, { id: c.id, fullName: c.fullName }])),
    };
  }

  /**
   * The writes, in one statement (`dossier_ingest_write`, a function of the migrations): the new
   * citizens and dossiers, the known dossiers' new state, their applicants' names (and a phone
   * where none was known), the events, the postal hand-overs and the notices (the outbox rows of
   * these events, as the notice store writes them). The ids of the notices written.
   */
  private async write(
    client: Statements,
    w: {
      newCitizens: { id: string; phone: string | null; name: string | null }[];
      newDossiers: DossierRow[];
      dossiers: DossierRow[];
      citizens: Map<string, { name: string | null; phone: string | null }>;
      events: EventRow[];
      handovers: HandoverRow[];
      notices: NewNotice[];
    },
  ): Promise<string[]> {
    const dossierRow = (r: DossierRow) => ({
      id: r.id, code: r.code, procedureCode: r.procedureCode, procedureName: r.procedureName, applicantId: r.applicantId, communeCode: r.communeCode,
      channel: r.channel, status: r.status, statusAt: r.statusAt, receivedAt: r.receivedAt, dueAt: r.dueAt, newDueAt: r.newDueAt,
    });
    const rows = {
      newCitizens: w.newCitizens.map((c) => ({ id: c.id, phone: c.phone, fullName: c.name })),
      newDossiers: w.newDossiers.map(dossierRow),
      dossiers: w.dossiers.map(dossierRow),
      // Names follow the latest event; a phone is only filled in where none was known (and no one else has it).
      citizens: [...w.citizens].map(([id, c]) => ({ id, n: c.name, p: c.phone })),
      events: w.events,
      handovers: w.handovers,
      notices: noticeRows(w.notices),
    };
    // Every row of the request in one JSON parameter: one JSON.stringify.
    const nothing = Object.values(rows).every((list) => list.length === 0);
    return client.write(nothing ? null : JSON.stringify(rows), rows.notices.map((n) => n.id));
  }
}

/** A row of "DossierEvent" as `dossier_ingest_write` reads it. */
interface EventRow {
  id: string;
  origin: string;
  eventId: string;
  dossierId: string;
  status: DossierStatus;
  occurredAt: Date;
  note: string | null;
  source: "UPSTREAM" | "STAFF";
  applied: boolean;
  payload: Record<string, unknown>;
}

/** A row of "Handover" as `dossier_ingest_write` reads it (`kind`: the booking whose waybill is the receipt when the note has none). */
interface HandoverRow {
  id: string;
  dossier: string;
  from_unit: string;
  to_unit: string;
  hb: string | null;
  rb: string | null;
  at: Date;
  result: string;
  note: string | null;
  receipt: string | null;
  event: string;
  kind: string | null;
}

/** The ingest's two statements: the read (which locks) and the write; each one JSON argument. */
interface Statements {
  read<R>(json: string): Promise<R>;
  /** `json` null: nothing to write. `noticeIds`: the ids of the notices in `json`. The ids of the notices written. */
  write(json: string | null, noticeIds: string[]): Promise<string[]>;
}

const readSql = (json: string) => `SELECT * FROM dossier_ingest_read(${json}::jsonb)`;
const writeSql = (json: string) => `SELECT id FROM dossier_ingest_write(${json}::jsonb) AS id`;

/**
 * In a transaction of the ingest's own: BEGIN is sent with the read and COMMIT with the write,
 * each pair as one simple-protocol query (which cannot carry parameters: the JSON is written into
 * the text, dollar-quoted). Planning the call is trivial; the statements inside the functions are
 * planned once per connection. A failed write never reaches its COMMIT; the caller rolls back.
 * A write larger than `LITERAL_MAX` (a batch's) goes as a parameter instead, its COMMIT after it:
 * PostgreSQL lexes a literal character by character and copies it twice before parsing it as
 * JSON, which for a batch of 1,000 events (about 1.7 MB) cost more than the round trip saved.
 *
 * The relay is woken by a NOTIFY of the new notices' ids sent after the COMMIT in the same query
 * (`wakeSql`): it runs in a transaction of its own once the commit is on disk (NOTIFY inside the
 * ingest's transaction would hold PostgreSQL's global notify lock through the commit's flush,
 * serialising every ingest), without a round trip of its own. A lost wake-up (a crash between the
 * two) is caught by the relay's sweep. The ids are those the request wrote: the write skips a
 * notice whose dedupeKey exists, which an ingest's never does (its key holds the new event's id).
 * Should the NOTIFY itself fail (PostgreSQL's notify queue full, a listener stuck for gigabytes),
 * the request fails after its commit: sent again, its events are answered as duplicates.
 */
function ownTransaction(client: pg.PoolClient): Statements {
  return {
    async read<R>(json: string) {
      const results = (await client.query(`BEGIN;\n${readSql(dollarQuoted(json))}`)) as unknown as pg.QueryResult[];
      return results[1]!.rows[0] as R;
    },
    async write(json: string | null, noticeIds: string[]) {
      const commit = ["COMMIT", ...wakeSql(noticeIds)].join(";\n");
      if (json === null) {
        await client.query(commit);
        return [];
      }
      if (json.length > LITERAL_MAX) {
        const { rows } = await client.query<{ id: string }>({ name: "dossier_ingest_write", text: writeSql("$1"), values: [json] });
        await client.query(commit);
        return rows.map((r) => r.id);
      }
      const results = (await client.query(`${writeSql(dollarQuoted(json))};\n${commit}`)) as unknown as pg.QueryResult[];
      return (results[0]!.rows as { id: string }[]).map((r) => r.id);
    },
  };
}

/**
 * The relay's wake-up for these notice ids, as statements to send after the COMMIT (the relay's
 * LISTEN channel; payloads of at most 200 ids, under NOTIFY's 8000 bytes, as `wakeRelay` sends).
 */
function wakeSql(noticeIds: string[]): string[] {
  // Written into the query's text: ids of our own making (randomUUID), checked all the same.
  if (!noticeIds.every((id) => UUID.test(id))) throw new Error("a notice id is not a UUID");
  const statements: string[] = [];
  for (let i = 0; i < noticeIds.length; i += 200 * 10) {
    const calls: string[] = [];
    for (let j = i; j < Math.min(noticeIds.length, i + 200 * 10); j += 200) calls.push(`pg_notify('${NOTICE_CHANNEL}', '${noticeIds.slice(j, j + 200).join(",")}')`);
    statements.push(`SELECT ${calls.join(", ")}`);
  }
  return statements;
}

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

/** The largest write sent as a literal with its COMMIT (characters of JSON: a few dozen events). */
export const LITERAL_MAX = 64 * 1024;

/** In the caller's transaction (which the caller commits): named prepared statements. */
function withinTransaction(client: pg.PoolClient): Statements {
  return {
    read: async <R,>(json: string) => (await client.query({ name: "dossier_ingest_read", text: readSql("$1"), values: [json] })).rows[0] as R,
    write: async (json: string | null, _noticeIds: string[]) =>
      json === null ? [] : ((await client.query({ name: "dossier_ingest_write", text: writeSql("$1"), values: [json] })).rows as { id: string }[]).map((r) => r.id),
  };
}

/**
 * Text as a dollar-quoted literal, with a tag that does not occur in it (so nothing inside is read
 * as SQL): `$q$`, else `$q1$`, `$q2$`, … (JSON text holds a `$` only inside a string value).
 */
function dollarQuoted(text: string): string {
  let tag = "$q$";
  for (let n = 1; text.includes(tag); n++) tag = `$q${n}$`;
  return `${tag}${text}${tag}`;
}

/** The unique indexes a concurrent request may have beaten this one to (see `ingest`). */
const RACED = new Set(["DossierEvent_origin_eventId_key", "Dossier_code_key", "Citizen_phone_key"]);

function retryable(error: unknown): boolean {
  const e = error as { code?: string; constraint?: string };
  // 40P01: a deadlock with another request (one of the two is cancelled and may run again).
  return (e.code === "23505" && RACED.has(e.constraint ?? "")) || e.code === "40P01";
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
  // Text in NFC: events stored before the schema composed it compare equal to their resending.
  return JSON.stringify([
    p.eventId, p.dossierCode, p.status, p.occurredAt, p.procedureCode ?? null, nfc(p.procedureName) ?? null, nfc(p.applicantName) ?? null, p.phone ?? null,
    p.unknownCommuneCode ?? p.communeCode ?? null, p.channel ?? null, p.dueAt ?? null, p.newDueAt ?? null, nfc(p.note) ?? null,
  ]);
}
