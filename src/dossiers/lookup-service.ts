/**
 * Dossier look-up for citizens: only after proof (the last 4 digits of the applicant's phone, or
 * the applicant's own number shared as a contact). A wrong proof and an unknown code give the same
 * answer, so nothing is revealed.
 *
 * Guessing is bounded in PostgreSQL (so a Redis flush frees nothing), in fixed one-hour windows:
 * at most 5 wrong proofs per dossier code (known or not, from every channel and conversation
 * together) and 10 per client (the web chat's IP address, a Telegram or Zalo chat). A proof is
 * counted before it is checked and given back when it was right, so concurrent guesses cannot
 * slip past the limit; once either count is full, every proof is refused — the right one too —
 * with the same answer whether the code exists or not.
 */
import type { Db } from "../db/client.js";
import type { DossierStatus } from "../generated/prisma/enums.js";
import { lateness, resultTime, type Lateness } from "../calendar/lateness.js";
import type { WorkingCalendar } from "../calendar/working-days.js";

export interface DossierTimelineEntry {
  status: DossierStatus;
  occurredAt: Date;
  note: string | null;
}

export interface VerifiedDossier {
  id: string;
  code: string;
  status: DossierStatus;
  procedureName: string | null;
  procedureCode: string | null;
  postalReturn: boolean | null;
  channel: "COUNTER" | "ONLINE" | "POSTAL";
  receivedAt: Date | null;
  dueAt: Date | null;
  newDueAt: Date | null;
  /** When the current status was set. */
  statusAt: Date;
  communeName: string | null;
  applicantId: string;
  /** The applicant's name on record (a delivery is addressed to it); never shown in the chat. */
  applicantName: string | null;
  timeline: DossierTimelineEntry[];
  /**
   * The apology and new date, when the due date was moved: the commune's apology (form 04), or
   * upstream's DELAYED event with its new date; the reason as given (null when none was).
   */
  apology: { reason: string | null; newDueAt: Date | null; previousDueAt: Date | null } | null;
  /** Early / on time / late (with a result), or overdue / due soon / pending, in working days. */
  lateness: Lateness;
}

export type Proof = { kind: "digits"; digits: string } | { kind: "phone"; e164: string };

/** Who is guessing: the web chat's IP address, or the Telegram / Zalo chat. */
export interface LookupClient {
  channel: "WEB" | "TELEGRAM" | "ZALO_OA" | "SMS";
  /** WEB: the client's IP address; TELEGRAM / ZALO_OA: the chat id; SMS: the phone (E.164). */
  key: string;
}

export type LookupOutcome = { result: "verified"; dossier: VerifiedDossier } | { result: "no-match" } | { result: "locked" };

export interface LookupLimits {
  /** Wrong proofs per dossier code in a window. */
  perDossier: number;
  /** Wrong proofs per client in a window. */
  perClient: number;
  windowSeconds: number;
}

export const LOOKUP_LIMITS: LookupLimits = { perDossier: 5, perClient: 10, windowSeconds: 3600 };

/** The code as the counters key it: trimmed, upper case, at most 64 characters. */
const codeKey = (code: string) => code.trim().toUpperCase().slice(0, 64);
const clientKey = (client: LookupClient) => `${client.channel}:${client.key}`.slice(0, 200);

export class DossierLookupService {
  private calls = 0;

  constructor(
    private readonly db: Db,
    /** The working calendar (CalendarService), for lateness in working days. */
    private readonly calendar: { calendar(): Promise<WorkingCalendar> },
    private readonly limits: LookupLimits = LOOKUP_LIMITS,
    private readonly now: () => Date = () => new Date(),
  ) {}

  /**
   * Checks a proof for a code, within the limits: "verified" with the dossier, "no-match" (unknown
   * code or wrong proof alike), or "locked" (too many wrong proofs for this code or from this client).
   */
  async verify(code: string, proof: Proof, client: LookupClient): Promise<LookupOutcome> {
    const keys = { dossier: codeKey(code), client: clientKey(client) };
    // Count the proof before checking it: parallel guesses each take a slot, and none is checked past the limit.
    const counts = await this.count(keys, 1);
    if (counts.dossier > this.limits.perDossier || counts.client > this.limits.perClient) {
      await this.count(keys, -1); // a refused proof was not checked: it does not lengthen the lock
      return { result: "locked" };
    }
    this.prune();
    const d = await this.load(code);
    const phone = d?.phone;
    const ok = Boolean(d && phone && (proof.kind === "digits" ? /^\d{4}$/.test(proof.digits) && phone.endsWith(proof.digits) : proof.e164 === phone));
    if (ok && d) {
      await this.count(keys, -1);
      return { result: "verified", dossier: this.view(d) };
    }
    if (counts.dossier >= this.limits.perDossier || counts.client >= this.limits.perClient) return { result: "locked" };
    return { result: "no-match" };
  }

  /** True while the code or the client may not try a proof (the same for a code that does not exist). */
  async locked(code: string, client: LookupClient): Promise<boolean> {
    const rows = await this.db.$queryRaw<{ n: number }[]>`
      SELECT count(*)::int AS n FROM "LookupFailure"
       WHERE "windowStart" > now() - make_interval(secs => ${this.limits.windowSeconds})
         AND ((scope = 'DOSSIER' AND key = ${codeKey(code)} AND count >= ${this.limits.perDossier})
           OR (scope = 'CLIENT' AND key = ${clientKey(client)} AND count >= ${this.limits.perClient}))`;
    return (rows[0]?.n ?? 0) > 0;
  }

  /** Adds `delta` to both counters (a new window starts when the last one is over); the counts now. */
  private async count(keys: { dossier: string; client: string }, delta: 1 | -1): Promise<{ dossier: number; client: number }> {
    const window = this.limits.windowSeconds;
    const rows =
      delta === 1
        ? await this.db.$queryRaw<{ scope: string; count: number }[]>`
            INSERT INTO "LookupFailure" AS f (scope, key, "windowStart", count)
            VALUES ('DOSSIER', ${keys.dossier}, now(), 1), ('CLIENT', ${keys.client}, now(), 1)
            ON CONFLICT (scope, key) DO UPDATE SET
              count = CASE WHEN f."windowStart" <= now() - make_interval(secs => ${window}) THEN 1 ELSE f.count + 1 END,
              "windowStart" = CASE WHEN f."windowStart" <= now() - make_interval(secs => ${window}) THEN now() ELSE f."windowStart" END
            RETURNING scope, count`
        : await this.db.$queryRaw<{ scope: string; count: number }[]>`
            UPDATE "LookupFailure" SET count = GREATEST(count - 1, 0)
             WHERE (scope = 'DOSSIER' AND key = ${keys.dossier}) OR (scope = 'CLIENT' AND key = ${keys.client})
            RETURNING scope, count`;
    return { dossier: rows.find((r) => r.scope === "DOSSIER")?.count ?? 0, client: rows.find((r) => r.scope === "CLIENT")?.count ?? 0 };
  }

  /** Now and then, forgets windows long over (codes typed once, clients gone). */
  private prune(): void {
    this.calls += 1;
    if (this.calls % 500 !== 0) return;
    // Staff sign-in failures keep windows of their own length (STAFF_LOCKOUT_SECONDS, up to a day): theirs to prune.
    void this.db.$executeRaw`DELETE FROM "LookupFailure" WHERE "windowStart" < now() - make_interval(secs => ${this.limits.windowSeconds * 2}) AND scope NOT LIKE 'STAFF_SIGNIN%'`.catch(() => undefined);
  }

  /** For a code this conversation already proved a link to (kept in its session). */
  async verifyTrusted(code: string): Promise<VerifiedDossier | null> {
    const d = await this.load(code);
    return d ? this.view(d) : null;
  }

  /** The dossier a one-time code was issued for (its subject is the dossier id). */
  async byId(id: string): Promise<VerifiedDossier | null> {
    if (!/^[0-9a-f-]{36}$/.test(id)) return null;
    const row = await this.db.dossier.findUnique({ where: { id }, select: { code: true } });
    return row ? this.verifyTrusted(row.code) : null;
  }

  /** One plain query (dossier, applicant's phone, procedure, commune, history): look-ups are frequent. */
  private async load(code: string): Promise<(VerifiedDossier & { phone: string | null }) | null> {
    type Row = Omit<VerifiedDossier, "timeline" | "apology" | "lateness"> & {
      phone: string | null;
      timeline: { status: DossierStatus; occurredAt: string; note: string | null }[];
      apologyReason: string | null;
      apologyNewDueAt: Date | null;
      apologyPreviousDueAt: Date | null;
      delayed: { note: string | null; newDueAt: string | null } | null;
    };
    const [rows, calendar] = await Promise.all([
      this.db.$queryRaw<Row[]>`
      SELECT d.id, d.code, d.status::text AS status, COALESCE(d."procedureName", p.name) AS "procedureName", d."procedureCode",
             p."postalReturn", d.channel::text AS channel, d."receivedAt", d."dueAt", d."newDueAt", d."statusAt", u."fullName" AS "communeName",
             d."applicantId", c."fullName" AS "applicantName", c.phone,
             COALESCE((SELECT json_agg(json_build_object('status', e.status, 'occurredAt', e."occurredAt", 'note', e.note) ORDER BY e."occurredAt", e."receivedAt")
                         FROM "DossierEvent" e WHERE e."dossierId" = d.id), '[]'::json) AS timeline,
             a.reason AS "apologyReason", a."newDueAt" AS "apologyNewDueAt", a."previousDueAt" AS "apologyPreviousDueAt",
             (SELECT json_build_object('note', e.note, 'newDueAt', e.payload->>'newDueAt')
                FROM "DossierEvent" e WHERE e."dossierId" = d.id AND e.status = 'DELAYED'
               ORDER BY e."occurredAt" DESC, e."receivedAt" DESC LIMIT 1) AS delayed
        FROM "Dossier" d
        JOIN "Citizen" c ON c.id = d."applicantId"
        LEFT JOIN "Procedure" p ON p.code = d."procedureCode"
        LEFT JOIN "AdminUnit" u ON u.code = d."communeCode"
        LEFT JOIN "Apology" a ON a."dossierId" = d.id
       WHERE d.code = ${code.trim().toUpperCase()}`,
      this.calendar.calendar(),
    ]);
    const row = rows[0];
    if (!row) return null;
    const { apologyReason, apologyNewDueAt, apologyPreviousDueAt, delayed, ...rest } = row;
    const timeline = row.timeline.map((e) => ({ ...e, occurredAt: new Date(`${e.occurredAt}Z`.replace(/ZZ$/, "Z")) }));
    const delayedDue = delayed?.newDueAt ? new Date(delayed.newDueAt) : null;
    const apology =
      apologyNewDueAt !== null
        ? { reason: apologyReason, newDueAt: apologyNewDueAt, previousDueAt: apologyPreviousDueAt }
        : delayed
          ? { reason: delayed.note?.trim() || null, newDueAt: row.newDueAt ?? (delayedDue && !Number.isNaN(delayedDue.getTime()) ? delayedDue : null), previousDueAt: row.dueAt }
          : null;
    const late = lateness({ status: row.status, dueAt: row.dueAt, newDueAt: row.newDueAt, resultAt: resultTime(timeline), statusAt: row.statusAt }, calendar, this.now());
    return { ...rest, timeline, apology, lateness: late };
  }

  private view(d: VerifiedDossier & { phone: string | null }): VerifiedDossier {
    const { phone: _phone, ...dossier } = d;
    return dossier;
  }
}
