/**
 * Dossier look-up for citizens: only after proof (the last 4 digits of the applicant's phone, or
 * the applicant's own number shared as a contact). A wrong proof and an unknown code give the same
 * answer, so nothing is revealed.
 */
import type { Db } from "../db/client.js";
import type { DossierStatus } from "../generated/prisma/enums.js";

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
  communeName: string | null;
  applicantId: string;
  timeline: DossierTimelineEntry[];
}

export type Proof = { kind: "digits"; digits: string } | { kind: "phone"; e164: string };

export class DossierLookupService {
  constructor(private readonly db: Db) {}

  /** The dossier when the proof matches its applicant; null otherwise (unknown code or wrong proof alike). */
  async verify(code: string, proof: Proof): Promise<VerifiedDossier | null> {
    const d = await this.load(code);
    const phone = d?.phone;
    if (!d || !phone) return null;
    const ok = proof.kind === "digits" ? /^\d{4}$/.test(proof.digits) && phone.endsWith(proof.digits) : proof.e164 === phone;
    return ok ? this.view(d) : null;
  }

  /** For a code this conversation already proved a link to (kept in its session). */
  async verifyTrusted(code: string): Promise<VerifiedDossier | null> {
    const d = await this.load(code);
    return d ? this.view(d) : null;
  }

  /** One plain query (dossier, applicant's phone, procedure, commune, history): look-ups are frequent. */
  private async load(code: string): Promise<(VerifiedDossier & { phone: string | null }) | null> {
    const rows = await this.db.$queryRaw<(Omit<VerifiedDossier, "timeline"> & { phone: string | null; timeline: { status: DossierStatus; occurredAt: string; note: string | null }[] })[]>`
      SELECT d.id, d.code, d.status::text AS status, COALESCE(d."procedureName", p.name) AS "procedureName", d."procedureCode",
             p."postalReturn", d.channel::text AS channel, d."receivedAt", d."dueAt", d."newDueAt", u."fullName" AS "communeName",
             d."applicantId", c.phone,
             COALESCE((SELECT json_agg(json_build_object('status', e.status, 'occurredAt', e."occurredAt", 'note', e.note) ORDER BY e."occurredAt", e."receivedAt")
                         FROM "DossierEvent" e WHERE e."dossierId" = d.id), '[]'::json) AS timeline
        FROM "Dossier" d
        JOIN "Citizen" c ON c.id = d."applicantId"
        LEFT JOIN "Procedure" p ON p.code = d."procedureCode"
        LEFT JOIN "AdminUnit" u ON u.code = d."communeCode"
       WHERE d.code = ${code.trim().toUpperCase()}`;
    const row = rows[0];
    if (!row) return null;
    return { ...row, timeline: row.timeline.map((e) => ({ ...e, occurredAt: new Date(`${e.occurredAt}Z`.replace(/ZZ$/, "Z")) })) };
  }

  private view(d: VerifiedDossier & { phone: string | null }): VerifiedDossier {
    const { phone: _phone, ...dossier } = d;
    return dossier;
  }

  /** Links a chat to the dossier's applicant, with consent, and subscribes it to the dossier. */
  async subscribe(dossier: VerifiedDossier, channel: "TELEGRAM" | "ZALO_OA", externalId: string): Promise<void> {
    const now = new Date();
    await this.db.$transaction(async (tx) => {
      const identity = await tx.channelIdentity.upsert({
        where: { channel_externalId: { channel, externalId } },
        create: { channel, externalId, citizenId: dossier.applicantId, consentAt: now, lastInteractionAt: now },
        update: { citizenId: dossier.applicantId, consentAt: now, optedOutAt: null, reachable: true, lastInteractionAt: now },
      });
      const existing = await tx.subscription.findFirst({ where: { kind: "DOSSIER", identityId: identity.id, dossierId: dossier.id, cancelledAt: null } });
      if (!existing) await tx.subscription.create({ data: { kind: "DOSSIER", identityId: identity.id, citizenId: dossier.applicantId, dossierId: dossier.id } });
    });
  }
}
