/**
 * The apology and new appointment (form 04, "Phiếu xin lỗi và hẹn lại ngày trả kết quả"). Staff
 * of the dossier's commune give a reason and a new date; in ONE transaction the Apology row is
 * written and a DELAYED event with the new date goes through the ingest (so the citizen gets the
 * DELAYED notice and the dossier's `newDueAt` moves). A date is moved once only: a second apology,
 * or one after upstream already moved the date, is refused (409 DUE_DATE_ALREADY_MOVED). The
 * dossier row is locked first, so two submissions at once make exactly one apology (the unique
 * dossierId backs it). One issued on or after the due date is accepted and marked late.
 */
import type pg from "pg";
import { z } from "zod";
import { canTouchCommune, type Principal } from "../auth/guard.js";
import { dayKey } from "../calendar/working-days.js";
import { AppError, NotFoundError, ValidationError } from "../errors.js";
import type { DossierStatus } from "../generated/prisma/enums.js";
import { viaPg, wakeRelay } from "../notifications/notice-store.js";
import { formatDateVi } from "../text/dates.js";
import { FORMS_TEXT } from "../text/staff-vi.js";
import { dossierEventSchema, staffAppointment } from "./event-schema.js";
import { staffText } from "./staff-text.js";
import { RESULT_OR_ENDED } from "./history-service.js";
import type { DossierIngestService } from "./ingest-service.js";

export const APOLOGY_REASON_MAX = 1000;

/** `POST /api/v1/dossiers/{code}/apology`: the new date (ISO 8601; a date alone means 17:00 that day, Vietnam time) and the reason. */
export const apologyInput = z
  .object({
    newDueAt: staffAppointment,
    reason: staffText(APOLOGY_REASON_MAX),
  })
  .strict();

export type ApologyInput = z.output<typeof apologyInput>;

export interface ApologyView {
  dossierCode: string;
  reason: string;
  previousDueAt: Date | null;
  newDueAt: Date;
  issuedAt: Date;
  late: boolean;
  issuedByName: string;
  /** Notices the DELAYED event made for the citizen (1, or 0 when the event arrived older than the dossier's latest). */
  notices: number;
}

interface LockedDossier {
  id: string;
  code: string;
  status: DossierStatus;
  dueAt: Date | null;
  newDueAt: Date | null;
  communeCode: string | null;
  parentCode: string | null;
  apologyId: string | null;
}

export class ApologyService {
  constructor(
    private readonly pool: pg.Pool,
    private readonly ingest: DossierIngestService,
  ) {}

  /** `lookupLink`: the link the citizen's notice carries (as the event routes give it). */
  async issue(principal: Principal, code: string, input: ApologyInput, options: { lookupLink?: (dossierCode: string) => string | null; now?: Date } = {}): Promise<ApologyView> {
    const now = options.now ?? new Date();
    const client = await this.pool.connect();
    let noticeIds: string[] = [];
    try {
      await client.query("BEGIN");
      // Locked first: a second submission waits here, then finds the first one's apology.
      const row = (
        await client.query<LockedDossier>(
          `SELECT d.id, d.code, d.status, d."dueAt", d."newDueAt", d."communeCode", u."parentCode",
                  (SELECT a.id FROM "Apology" a WHERE a."dossierId" = d.id) AS "apologyId"
             FROM "Dossier" d LEFT JOIN "AdminUnit" u ON u.code = d."communeCode"
            WHERE d.code = $1 FOR UPDATE OF d`,
          [code],
        )
      ).rows[0];
      if (!row || !canTouchCommune(principal, row.communeCode ? { code: row.communeCode, parentCode: row.parentCode } : null)) {
        throw new NotFoundError(`Không có hồ sơ ${code} trong đơn vị của bạn (no such dossier in your unit).`);
      }
      if (row.apologyId || row.newDueAt) throw new AppError("DUE_DATE_ALREADY_MOVED", FORMS_TEXT.apologyOnce);
      if (RESULT_OR_ENDED.includes(row.status)) throw new AppError("DOSSIER_CLOSED", FORMS_TEXT.apologyClosed);
      if (!row.dueAt) throw new AppError("CONFLICT", FORMS_TEXT.apologyNoDueDate);
      const newDueAt = new Date(input.newDueAt);
      if (dayKey(newDueAt) <= dayKey(row.dueAt)) {
        throw new ValidationError(`newDueAt: ${FORMS_TEXT.apologyNotAfter} (${formatDateVi(row.dueAt)})`, { field: "newDueAt" });
      }
      if (newDueAt.getTime() <= now.getTime()) throw new ValidationError("newDueAt: Ngày hẹn mới phải ở tương lai", { field: "newDueAt" });
      const late = dayKey(now) >= dayKey(row.dueAt);

      // The DELAYED event, the commune's own ("unit:<code>"), through the one ingest path.
      const event = dossierEventSchema.parse({
        eventId: `apology-${row.id}`,
        dossierCode: row.code,
        status: "DELAYED",
        occurredAt: now.toISOString(),
        newDueAt: newDueAt.toISOString(),
        note: input.reason,
      });
      const origin = `unit:${row.communeCode ?? "none"}`;
      const ingested = await this.ingest.ingestWithin(client, [event], { principal, source: "STAFF", origin, lookupLink: options.lookupLink, apology: true });
      noticeIds = ingested.noticeIds;
      const eventRow = (await client.query<{ id: string }>(`SELECT id FROM "DossierEvent" WHERE origin = $1 AND "eventId" = $2`, [origin, event.eventId])).rows[0];
      // The date moves even when the event is older than the dossier's latest status (it then changes no status).
      await client.query(`UPDATE "Dossier" SET "newDueAt" = $2, "updatedAt" = now() WHERE id = $1`, [row.id, newDueAt]);
      await client.query(
        `INSERT INTO "Apology" (id, "dossierId", reason, "previousDueAt", "newDueAt", "issuedAt", late, "issuedBy", "issuedByName", "eventId", "createdAt")
         VALUES (gen_random_uuid(), $1, $2, $3, $4, $5, $6, $7, $8, $9, $5)`,
        [row.id, input.reason, row.dueAt, newDueAt, now, late, `${principal.kind}:${principal.id}`, principal.name, eventRow?.id ?? null],
      );
      await client.query("COMMIT");
      await wakeRelay(viaPg(client), noticeIds).catch(() => undefined);
      return {
        dossierCode: row.code,
        reason: input.reason,
        previousDueAt: row.dueAt,
        newDueAt,
        issuedAt: now,
        late,
        issuedByName: principal.name,
        notices: ingested.result.results[0]?.notices ?? 0,
      };
    } catch (error) {
      await client.query("ROLLBACK").catch(() => undefined);
      if ((error as { code?: string; constraint?: string }).code === "23505" && (error as { constraint?: string }).constraint === "Apology_dossierId_key") {
        throw new AppError("DUE_DATE_ALREADY_MOVED", FORMS_TEXT.apologyOnce);
      }
      throw error;
    } finally {
      client.release();
    }
  }
}
