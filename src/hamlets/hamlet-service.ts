/**
 * Hamlets (ấp, khóm, thôn, tổ dân phố): the sub-areas of a commune that announcements can target.
 * Staff of the commune (or of its province) list, add, rename, confirm and merge them, or import a
 * list from CSV; citizens may name a new one in the bot (it is then flagged `proposedByCitizen`
 * until staff confirm, rename or merge it).
 *
 * Every method takes the principal and confines it to its unit through the guard's functions: a
 * commune outside the unit is refused (403), a hamlet outside it does not exist (404).
 *
 * Names are stored normalised (NFC, one space between words). Two names are the same hamlet when
 * they agree once marks are set aside ("Khóm 2", "khom  2"), unless both carry their marks and the
 * marks differ: "Tân Thành" and "Tân Thạnh" are two hamlets (after communes merged, one commune can
 * hold both); see `sameHamletName`. Every write of a commune's hamlets (staff, CSV import, a
 * citizen's proposal) holds the commune's lock (`lockCommuneHamlets`), so two writes cannot both
 * add the same name. CSV import: see `importCsv`.
 */
import { parse } from "csv-parse/sync";
import type { Db } from "../db/client.js";
import { AppError, NotFoundError, ValidationError } from "../errors.js";
import { canTouchCommune, ForbiddenError, unitScope, type CommuneRef, type Principal } from "../auth/guard.js";
import { hasDiacritics, normalizeInput, searchKey, toneSignature } from "../text/vietnamese.js";
import { HAMLET_MERGE_TEXT } from "../text/staff-vi.js";

export const HAMLET_NAME_MAX = 80;
export const HAMLET_CODE_PATTERN = /^[A-Za-z0-9._-]{1,20}$/;
/** An import is one commune's list: a few dozen rows; this bounds the work a request can ask for. */
export const IMPORT_MAX_ROWS = 1000;
export const IMPORT_MAX_CHARS = 200_000;

export interface HamletView {
  id: string;
  communeCode: string;
  code: string | null;
  name: string;
  proposedByCitizen: boolean;
  /** Active announcement subscriptions naming this hamlet. */
  subscribers: number;
  createdAt: Date;
}

export interface CommuneView {
  code: string;
  name: string;
  fullName: string;
  parentCode: string | null;
}

export interface HamletList {
  commune: CommuneView;
  hamlets: HamletView[];
  /** Active subscriptions to the whole commune (no hamlet). */
  wholeCommuneSubscribers: number;
}

export type ImportRowStatus = "new" | "exists" | "error";

export interface ImportRow {
  /** The line of the CSV text the row starts on (1-based, counting a header). */
  line: number;
  code: string | null;
  name: string;
  status: ImportRowStatus;
  /** Why the row cannot be imported (status "error"), or what it matched (status "exists"). */
  message: string | null;
}

export interface ImportResult {
  communeCode: string;
  committed: boolean;
  /** Rows to be added (preview) or added (commit). */
  created: number;
  /** Rows naming a hamlet the commune already has: nothing to do. */
  existing: number;
  errors: number;
  rows: ImportRow[];
}

export class ConflictError extends AppError {
  constructor(message: string, field?: string) {
    super("CONFLICT", message, field ? { field } : undefined);
  }
}

/** What a text decoded as UTF-8 from another encoding (Windows-1258, TCVN3, VNI) holds in place of each letter it could not read. */
const NOT_UTF8 = "tên có ký tự \"\uFFFD\": tệp không được lưu bằng bảng mã UTF-8 (Windows-1258, TCVN3, VNI…); hãy lưu lại dưới dạng \"CSV UTF-8\" rồi nhập lại";
/**
 * Characters no Vietnamese word has, which text in a legacy Vietnamese encoding (TCVN3/ABC, VNI,
 * Windows-1258) shows once read as Windows-1252: the Latin-1 symbols (TCVN3's "¸" for "á", "µ" for
 * "à", "®" for "đ") and the Latin-1 letters outside Vietnamese (VNI's "ñ" for "đ", "ö" for "ư";
 * Windows-1258's "Ð" for "Đ", "Þ" for its combining tilde).
 */
const LEGACY_ENCODING = /[\u00a1-\u00bf\u00c4-\u00c7\u00cb\u00ce-\u00d1\u00d6-\u00d8\u00db\u00dc\u00de-\u00df\u00e4-\u00e7\u00eb\u00ee-\u00f1\u00f6-\u00f8\u00fb\u00fc\u00fe\u00ff]/;

/**
 * Whether two hamlet names are one hamlet's: the same words once marks are set aside, unless both
 * are written with marks and the marks differ ("Tân Thành", "Tân Thạnh" are two hamlets; "Tan
 * Thanh" could be either, so it is the same name as both). Where the tone mark sits (hoà, hòa) and
 * hỏi against ngã (a common slip, alike in southern speech) make no difference.
 */
export function sameHamletName(a: string, b: string): boolean {
  if (searchKey(a) !== searchKey(b)) return false;
  if (!hasDiacritics(a) || !hasDiacritics(b)) return true;
  return markedKey(a) === markedKey(b);
}

function markedKey(name: string): string {
  return name.normalize("NFC").toLowerCase().split(/[^\p{L}\p{N}]+/u).filter(Boolean).map(toneSignature).join(" ");
}

/** Takes the commune's hamlet lock for the rest of the transaction: one write of its hamlets at a time. */
export async function lockCommuneHamlets(tx: Pick<Db, "$executeRaw">, communeCode: string): Promise<void> {
  await tx.$executeRaw`SELECT pg_advisory_xact_lock(hashtext(${`hamlets:${communeCode}`}))`;
}

/** A name as staff or a citizen typed it, checked and normalised; throws ValidationError naming `field`. */
export function checkHamletName(raw: string, field = "name"): { name: string; searchName: string } {
  const problem = hamletNameProblem(raw);
  if (problem) throw new ValidationError(`${field}: ${problem}`, { field });
  const name = normalizeInput(raw);
  return { name, searchName: searchKey(name) };
}

/** Why a name cannot be a hamlet's, or null. */
export function hamletNameProblem(raw: string): string | null {
  // Control and format characters (NUL, tabs, line breaks, zero-width and bidi controls…) and lone surrogates never belong in a name.
  if (/\p{Cc}|\p{Cf}|\p{Surrogate}/u.test(raw)) return "tên chứa ký tự điều khiển không hợp lệ";
  if (raw.includes("\uFFFD")) return NOT_UTF8;
  if (LEGACY_ENCODING.test(raw)) return "tên có ký tự của bảng mã cũ (TCVN3, VNI…), không phải chữ tiếng Việt Unicode: hãy chuyển mã sang Unicode (Unikey: Công cụ chuyển mã) rồi nhập lại";
  const name = normalizeInput(raw);
  if (name === "") return "chưa nhập tên ấp/khóm";
  if (/^[=+@]/.test(name)) return "tên không được bắt đầu bằng =, + hoặc @ (một công thức bảng tính, không phải tên ấp/khóm)";
  if (name.length > HAMLET_NAME_MAX) return `tên dài quá ${HAMLET_NAME_MAX} ký tự`;
  if (searchKey(name) === "") return "tên phải có chữ hoặc số";
  return null;
}

/** A hamlet's own code, checked; null when none is given. */
export function checkHamletCode(raw: string | null | undefined, field = "code"): string | null {
  const problem = hamletCodeProblem(raw);
  if (problem) throw new ValidationError(`${field}: ${problem}`, { field });
  return raw ? raw.trim() : null;
}

function hamletCodeProblem(raw: string | null | undefined): string | null {
  if (raw === null || raw === undefined || raw.trim() === "") return null;
  if (!HAMLET_CODE_PATTERN.test(raw.trim())) return "mã ấp chỉ gồm chữ không dấu, số, dấu chấm, gạch (tối đa 20 ký tự)";
  return null;
}

export class HamletService {
  constructor(private readonly db: Db) {}

  /** The communes a principal may choose among: its own commune, every commune of its province, or null (any: admin). */
  async communesFor(principal: Principal): Promise<CommuneView[] | null> {
    const scope = unitScope(principal);
    if (scope === null) return null;
    const rows = await this.db.adminUnit.findMany({
      where: { level: "COMMUNE", OR: [{ code: scope }, { parentCode: scope }] },
      select: { code: true, name: true, fullName: true, parentCode: true },
      orderBy: { searchName: "asc" },
    });
    return rows;
  }

  /** The commune named, or the principal's only one when none is named (staff of one commune). */
  async communeCodeFor(principal: Principal, given: string | undefined): Promise<string> {
    if (given) return given;
    const communes = await this.communesFor(principal);
    if (communes?.length === 1) return communes[0]!.code;
    throw new ValidationError("communeCode: chọn xã/phường (communeCode is required)", { field: "communeCode" });
  }

  /** A commune the principal may touch; 404 when there is no such commune, 403 when it is another unit's. */
  async commune(principal: Principal, communeCode: string): Promise<CommuneView> {
    const unit = /^\d{1,10}$/.test(communeCode)
      ? await this.db.adminUnit.findUnique({ where: { code: communeCode }, select: { code: true, name: true, fullName: true, parentCode: true, level: true } })
      : null;
    if (!unit || unit.level !== "COMMUNE") throw new NotFoundError(`Không có xã/phường mã ${JSON.stringify(communeCode)} (no such commune).`);
    if (!canTouchCommune(principal, unit)) {
      throw new ForbiddenError(`Xã/phường ${unit.code} không thuộc đơn vị của "${principal.name}" (another unit's commune).`, { field: "communeCode" });
    }
    return { code: unit.code, name: unit.name, fullName: unit.fullName, parentCode: unit.parentCode };
  }

  /** The commune's hamlets (by name), each with its active subscribers. */
  async list(principal: Principal, communeCode: string): Promise<HamletList> {
    const commune = await this.commune(principal, communeCode);
    const [hamlets, counts] = await Promise.all([
      this.db.hamlet.findMany({ where: { communeCode: commune.code } }),
      this.db.subscription.groupBy({ by: ["hamletId"], where: { kind: "AREA", communeCode: commune.code, cancelledAt: null }, _count: { _all: true } }),
    ]);
    const byHamlet = new Map(counts.map((c) => [c.hamletId, c._count._all]));
    const collator = new Intl.Collator("vi", { numeric: true, sensitivity: "base" });
    return {
      commune,
      wholeCommuneSubscribers: byHamlet.get(null) ?? 0,
      hamlets: hamlets
        .map((h) => ({ id: h.id, communeCode: h.communeCode, code: h.code, name: h.name, proposedByCitizen: h.proposedByCitizen, subscribers: byHamlet.get(h.id) ?? 0, createdAt: h.createdAt }))
        .sort((a, b) => collator.compare(a.name, b.name)),
    };
  }

  /** Adds a hamlet (confirmed: staff named it). 409 when the commune has one of that name or code. */
  async add(principal: Principal, input: { communeCode: string; name: string; code?: string | null | undefined }): Promise<HamletView> {
    const { name, searchName } = checkHamletName(input.name);
    const code = checkHamletCode(input.code);
    const commune = await this.commune(principal, input.communeCode);
    const h = await this.locked(commune.code, async (tx) => {
      await assertFree(tx, commune.code, name, code, null);
      return tx.hamlet.create({ data: { communeCode: commune.code, name, searchName, code, proposedByCitizen: false } });
    });
    return { ...view(h), subscribers: 0 };
  }

  /** Renames a hamlet (and sets or clears its code); staff have looked at it, so it is no longer "proposed". */
  async rename(principal: Principal, id: string, input: { name: string; code?: string | null | undefined }): Promise<HamletView> {
    const { name, searchName } = checkHamletName(input.name);
    const hamlet = await this.hamlet(principal, id);
    const code = input.code === undefined ? hamlet.code : checkHamletCode(input.code);
    const h = await this.locked(hamlet.communeCode, async (tx) => {
      await assertFree(tx, hamlet.communeCode, name, code, hamlet.id);
      return tx.hamlet.update({ where: { id: hamlet.id }, data: { name, searchName, code, proposedByCitizen: false } });
    });
    return { ...view(h), subscribers: await this.subscribers(h.id) };
  }

  /** One hamlet of the principal's unit (404 otherwise). */
  async get(principal: Principal, id: string): Promise<HamletView> {
    const h = await this.hamlet(principal, id);
    return { ...view(h), subscribers: await this.subscribers(h.id) };
  }

  /** Confirms a hamlet a citizen proposed, as it is. */
  async confirm(principal: Principal, id: string): Promise<HamletView> {
    const hamlet = await this.hamlet(principal, id);
    const h = await this.db.hamlet.update({ where: { id: hamlet.id }, data: { proposedByCitizen: false } });
    return { ...view(h), subscribers: await this.subscribers(h.id) };
  }

  /**
   * Merges hamlet `id` into `intoId` (same commune), in one transaction: its subscriptions,
   * bookings and announcement targets move to the kept hamlet, then it is deleted; an urgent
   * announcement approved for one of the two and not started goes back to awaiting approval. A subscription
   * that would duplicate one the same chat already has on the kept hamlet is cancelled instead.
   */
  async merge(
    principal: Principal,
    id: string,
    intoId: string,
  ): Promise<{
    kept: HamletView;
    moved: { subscriptions: number; cancelledDuplicates: number; bookings: number; broadcasts: number; recipients: number };
    /** Urgent announcements sent back for approval: approved for one of the two hamlets, not started yet. */
    reapproval: { id: string; title: string }[];
    /** What staff are told about them (null: none). */
    message: string | null;
  }> {
    if (id === intoId) throw new ValidationError("intoId: không thể gộp một ấp vào chính nó (cannot merge a hamlet into itself)", { field: "intoId" });
    const from = await this.hamlet(principal, id);
    const into = await this.hamlet(principal, intoId, "intoId");
    if (from.communeCode !== into.communeCode) {
      throw new ValidationError("intoId: chỉ gộp được hai ấp/khóm của cùng một xã/phường (both hamlets must be of one commune)", { field: "intoId" });
    }
    const done = await this.db.$transaction(async (tx) => {
      // Lock both rows, in a fixed order, so two merges touching them run one after the other.
      await tx.$queryRaw`SELECT id FROM "Hamlet" WHERE id IN (${from.id}::uuid, ${into.id}::uuid) ORDER BY id FOR UPDATE`;
      const still = await tx.hamlet.count({ where: { id: { in: [from.id, into.id] } } });
      if (still !== 2) throw new NotFoundError("Ấp/khóm vừa bị gộp hoặc xóa bởi người khác (the hamlet was merged meanwhile).");
      const kept = await tx.subscription.findMany({ where: { hamletId: into.id, cancelledAt: null }, select: { identityId: true, kind: true } });
      const keptIdentities = new Set(kept.map((s) => `${s.kind}:${s.identityId}`));
      const moving = await tx.subscription.findMany({ where: { hamletId: from.id, cancelledAt: null }, select: { id: true, identityId: true, kind: true } });
      const duplicates = moving.filter((s) => keptIdentities.has(`${s.kind}:${s.identityId}`)).map((s) => s.id);
      const now = new Date();
      if (duplicates.length) await tx.subscription.updateMany({ where: { id: { in: duplicates } }, data: { cancelledAt: now } });
      // The audience approved is the audience sent: an urgent announcement approved for one of the
      // two hamlets and not started yet would now reach the other's residents too, whom no second
      // person approved. It goes back to awaiting approval (its approval cleared), in this
      // transaction: its start waits on the row and then finds it no longer SENDING. One approved
      // for both reaches the same people and stays approved.
      const reapproval = await tx.$queryRaw<{ id: string; title: string }[]>`
        UPDATE "Broadcast" b SET status = 'AWAITING_APPROVAL', "approvedBy" = NULL, "approvedByName" = NULL, "approvedAt" = NULL, "updatedAt" = now()
         WHERE b.urgent AND b.status IN ('SCHEDULED', 'SENDING') AND b."startedAt" IS NULL AND b."approvedBy" IS NOT NULL
           AND EXISTS (SELECT 1 FROM "BroadcastHamlet" h WHERE h."broadcastId" = b.id AND h."hamletId" = ${from.id}::uuid)
            <> EXISTS (SELECT 1 FROM "BroadcastHamlet" h WHERE h."broadcastId" = b.id AND h."hamletId" = ${into.id}::uuid)
        RETURNING b.id::text AS id, b.title`;
      const subscriptions = await tx.subscription.updateMany({ where: { hamletId: from.id }, data: { hamletId: into.id } });
      const bookings = await tx.deliveryBooking.updateMany({ where: { hamletId: from.id }, data: { hamletId: into.id } });
      // An announcement that targeted both keeps one target row.
      await tx.broadcastHamlet.deleteMany({ where: { hamletId: from.id, broadcast: { hamlets: { some: { hamletId: into.id } } } } });
      const broadcasts = await tx.broadcastHamlet.updateMany({ where: { hamletId: from.id }, data: { hamletId: into.id } });
      const recipients = await tx.broadcastRecipient.updateMany({ where: { hamletId: from.id }, data: { hamletId: into.id } });
      await tx.hamlet.delete({ where: { id: from.id } });
      await tx.hamlet.update({ where: { id: into.id }, data: { proposedByCitizen: false } });
      return {
        moved: { subscriptions: subscriptions.count - duplicates.length, cancelledDuplicates: duplicates.length, bookings: bookings.count, broadcasts: broadcasts.count, recipients: recipients.count },
        reapproval: [...reapproval].sort((a, b) => a.title.localeCompare(b.title, "vi")),
      };
    });
    const h = await this.db.hamlet.findUniqueOrThrow({ where: { id: into.id } });
    const { moved, reapproval } = done;
    return { kept: { ...view(h), subscribers: await this.subscribers(h.id) }, moved, reapproval, message: reapproval.length ? HAMLET_MERGE_TEXT.reapproval(reapproval.length, reapproval.map((b) => b.title)) : null };
  }

  /**
   * Checks a CSV list of a commune's hamlets and, with `commit` and only when no row has an
   * error, adds the new ones in one transaction. The text: UTF-8 (a BOM is dropped), comma- or
   * semicolon-separated, one hamlet a row: `name`, or `code,name`; a first row naming the columns
   * (name/tên, code/mã) is a header, and then the columns may come in any order. Empty rows are
   * skipped. Each row is one of:
   * - "new": to be added;
   * - "exists": the commune already has a hamlet of that name (and no other code): skipped, not an
   *   error, so the same list can be imported twice;
   * - "error": a bad name or code, a name or code repeated in the file, or a code another hamlet
   *   of the commune has, or a name the commune has under another code.
   */
  async importCsv(principal: Principal, input: { communeCode: string; csv: string; commit: boolean }): Promise<ImportResult> {
    const commune = await this.commune(principal, input.communeCode);
    const parsed = parseHamletCsv(input.csv);
    const analyse = async (db: Pick<Db, "hamlet">): Promise<ImportResult> => {
      const existing = await db.hamlet.findMany({ where: { communeCode: commune.code }, select: { name: true, searchName: true, code: true } });
      const byName = new Map<string, typeof existing>();
      for (const h of existing) byName.set(h.searchName, [...(byName.get(h.searchName) ?? []), h]);
      const byCode = new Map(existing.filter((h) => h.code).map((h) => [h.code!.toLowerCase(), h]));
      const seenNames = new Map<string, { name: string; line: number }[]>();
      const seenCodes = new Map<string, number>();
      const rows: ImportRow[] = parsed.map((r) => {
        const row: ImportRow = { line: r.line, code: r.code, name: r.name, status: "new", message: null };
        const fail = (message: string) => ({ ...row, status: "error" as const, message });
        if (r.problem) return fail(r.problem);
        const nameProblem = hamletNameProblem(r.name);
        if (nameProblem) return fail(nameProblem);
        const codeProblem = hamletCodeProblem(r.code);
        if (codeProblem) return fail(codeProblem);
        const name = normalizeInput(r.name);
        const key = searchKey(name);
        const code = r.code?.trim() || null;
        row.name = name;
        row.code = code;
        const earlier = seenNames.get(key)?.find((s) => sameHamletName(s.name, name));
        if (earlier) return fail(`trùng tên với dòng ${earlier.line}`);
        seenNames.set(key, [...(seenNames.get(key) ?? []), { name, line: r.line }]);
        if (code) {
          const codeLine = seenCodes.get(code.toLowerCase());
          if (codeLine !== undefined) return fail(`trùng mã với dòng ${codeLine}`);
          seenCodes.set(code.toLowerCase(), r.line);
        }
        const same = byName.get(key)?.find((h) => sameHamletName(h.name, name));
        if (same) {
          if (code && same.code && same.code.toLowerCase() !== code.toLowerCase()) return fail(`xã đã có "${same.name}" với mã khác (${same.code})`);
          if (code && !same.code && byCode.has(code.toLowerCase())) return fail(`mã ${code} đã dùng cho "${byCode.get(code.toLowerCase())!.name}"`);
          return { ...row, status: "exists" as const, message: `đã có: ${same.name}` };
        }
        if (code && byCode.has(code.toLowerCase())) return fail(`mã ${code} đã dùng cho "${byCode.get(code.toLowerCase())!.name}"`);
        return row;
      });
      return {
        communeCode: commune.code,
        committed: false,
        created: rows.filter((r) => r.status === "new").length,
        existing: rows.filter((r) => r.status === "exists").length,
        errors: rows.filter((r) => r.status === "error").length,
        rows,
      };
    };
    if (!input.commit) return analyse(this.db);
    try {
      return await this.db.$transaction(async (tx) => {
        // One import per commune at a time: the check and the inserts see the same list.
        await lockCommuneHamlets(tx, commune.code);
        const result = await analyse(tx);
        if (result.errors > 0 || result.created === 0) return result;
        const fresh = result.rows.filter((r) => r.status === "new");
        await tx.hamlet.createMany({ data: fresh.map((r) => ({ communeCode: commune.code, name: r.name, searchName: searchKey(r.name), code: r.code, proposedByCitizen: false })) });
        return { ...result, committed: true };
      });
    } catch (error) {
      throw uniqueToConflict(error);
    }
  }

  /** A hamlet the principal may touch; another unit's is as missing as one that does not exist. */
  private async hamlet(principal: Principal, id: string, field = "id") {
    const h = UUID.test(id) ? await this.db.hamlet.findUnique({ where: { id }, include: { commune: { select: { code: true, parentCode: true } } } }) : null;
    if (!h || !canTouchCommune(principal, h.commune as CommuneRef)) throw new HamletNotFound(id, field);
    return h;
  }

  /** Runs `write` in a transaction holding the commune's hamlet lock. */
  private async locked<T>(communeCode: string, write: (tx: Pick<Db, "hamlet">) => Promise<T>): Promise<T> {
    try {
      return await this.db.$transaction(async (tx) => {
        await lockCommuneHamlets(tx, communeCode);
        return write(tx);
      });
    } catch (error) {
      throw uniqueToConflict(error);
    }
  }

  private subscribers(hamletId: string): Promise<number> {
    return this.db.subscription.count({ where: { hamletId, kind: "AREA", cancelledAt: null } });
  }
}

class HamletNotFound extends NotFoundError {
  constructor(id: string, readonly field: string) {
    super(`Không có ấp/khóm ${JSON.stringify(id.slice(0, 40))} trong đơn vị của bạn (no such hamlet).`);
  }
}

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

function view(h: { id: string; communeCode: string; code: string | null; name: string; proposedByCitizen: boolean; createdAt: Date }): Omit<HamletView, "subscribers"> {
  return { id: h.id, communeCode: h.communeCode, code: h.code, name: h.name, proposedByCitizen: h.proposedByCitizen, createdAt: h.createdAt };
}

/** 409 when the commune has another hamlet of the same name (see `sameHamletName`) or code. Run under the commune's lock. */
async function assertFree(db: Pick<Db, "hamlet">, communeCode: string, name: string, code: string | null, exceptId: string | null): Promise<void> {
  const clashes = await db.hamlet.findMany({
    // A code in other capitals is the same code (as the CSV import compares them).
    where: { communeCode, OR: [{ searchName: searchKey(name) }, ...(code ? [{ code: { equals: code, mode: "insensitive" as const } }] : [])], ...(exceptId ? { id: { not: exceptId } } : {}) },
    select: { name: true, code: true },
  });
  const sameName = clashes.find((h) => sameHamletName(h.name, name));
  if (sameName) throw new ConflictError(`Xã/phường đã có ấp/khóm "${sameName.name}" (a hamlet of that name exists).`, "name");
  const sameCode = clashes.find((h) => code && h.code?.toLowerCase() === code.toLowerCase());
  if (sameCode) throw new ConflictError(`Mã ${code} đã dùng cho "${sameCode.name}" (that code is taken).`, "code");
}

function uniqueToConflict(error: unknown): unknown {
  if ((error as { code?: string }).code === "P2002") return new ConflictError("Ấp/khóm trùng tên hoặc mã với một ấp vừa được thêm (a hamlet of that name or code was just added).");
  return error;
}

export interface ParsedCsvRow {
  line: number;
  code: string | null;
  name: string;
  problem: string | null;
}

const NAME_HEADERS = new Set(["name", "ten", "ten ap", "ten khom", "ten ap khom", "hamlet"]);
const CODE_HEADERS = new Set(["code", "ma", "ma ap", "ma khom", "ma ap khom"]);

/**
 * The rows of a hamlet CSV (see HamletService.importCsv). A text that is not CSV at all (an
 * unclosed quote), too long, or with too many rows is a ValidationError for the whole file.
 */
export function parseHamletCsv(text: string): ParsedCsvRow[] {
  if (text.length > IMPORT_MAX_CHARS) throw new ValidationError(`csv: tệp dài quá ${IMPORT_MAX_CHARS.toLocaleString("vi-VN")} ký tự`, { field: "csv" });
  if (/\u0000|\p{Surrogate}/u.test(text)) throw new ValidationError("csv: tệp chứa ký tự không hợp lệ (NUL hoặc không phải UTF-8)", { field: "csv" });
  // A file in another encoding read as UTF-8: every Vietnamese letter it holds became U+FFFD; no row of it is right.
  if (text.includes("\uFFFD")) throw new ValidationError(`csv: ${NOT_UTF8.replace(/^tên/, "tệp")}`, { field: "csv" });
  const body = text.replace(/^\uFEFF/, "");
  // Lines end in LF, CRLF, or a bare CR (Excel for Mac's "CSV (Macintosh)").
  const firstLine = body.split(/\r\n|\r|\n/, 1)[0] ?? "";
  const delimiter = firstLine.includes(";") && !firstLine.includes(",") ? ";" : ",";
  let records: { record: string[]; info: { lines: number } }[];
  try {
    records = parse(body, { delimiter, bom: true, relax_column_count: true, skip_empty_lines: true, info: true, trim: false }) as unknown as { record: string[]; info: { lines: number } }[];
  } catch (error) {
    const line = (error as { lines?: number }).lines;
    throw new ValidationError(`csv: không đọc được tệp CSV${line ? ` (dòng ${line})` : ""}: kiểm tra dấu ngoặc kép`, { field: "csv" });
  }
  // A row of only empty cells (",,") is an empty row too.
  records = records.filter((r) => r.record.some((c) => c.trim() !== ""));
  if (records.length === 0) throw new ValidationError("csv: tệp không có dòng nào", { field: "csv" });
  let nameAt = -1;
  let codeAt = -1;
  const head = records[0]!.record.map((c) => searchKey(c));
  if (head.length <= 2 && head.some((c) => NAME_HEADERS.has(c)) && head.every((c) => NAME_HEADERS.has(c) || CODE_HEADERS.has(c))) {
    nameAt = head.findIndex((c) => NAME_HEADERS.has(c));
    codeAt = head.findIndex((c) => CODE_HEADERS.has(c));
    records = records.slice(1);
  }
  if (records.length > IMPORT_MAX_ROWS) throw new ValidationError(`csv: nhiều quá ${IMPORT_MAX_ROWS} dòng`, { field: "csv" });
  return records.map(({ record, info }) => {
    // info.lines: the line the record ends on; a quoted cell may span lines, so count back.
    const line = info.lines - (record.join(",").match(/\n/g)?.length ?? 0);
    if (nameAt >= 0) {
      if (record.length > head.length) return { line, code: null, name: record.join(delimiter), problem: `có ${record.length} cột, tiêu đề chỉ có ${head.length}` };
      return { line, code: codeAt >= 0 ? (record[codeAt] ?? "").trim() || null : null, name: record[nameAt] ?? "", problem: null };
    }
    if (record.length === 1) return { line, code: null, name: record[0]!, problem: null };
    if (record.length === 2) return { line, code: record[0]!.trim() || null, name: record[1]!, problem: null };
    return { line, code: null, name: record.join(delimiter), problem: `có ${record.length} cột; mỗi dòng là "tên" hoặc "mã,tên"` };
  });
}
