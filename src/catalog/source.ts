/**
 * The procedure catalog as shipped in prisma/seed/data/, checked entry by entry before anything is
 * published. An entry that fails a check is not seeded, and the seed says why.
 *
 * Two files, one record shape:
 * - procedures.json: 28 curated procedures (compiled and checked by hand; every fact required);
 * - procedures-commune.json: the national portal's commune-level list (procedures-commune.md),
 *   where the portal leaves a field empty it stays null and citizens are told it is unknown.
 * The curated records are authoritative for their codes: a portal record with a curated code is
 * set aside. procedures-portal-differences.json says, for staff, where the portal's copy of a
 * curated procedure disagrees with it.
 *
 * What gets published:
 * - `confidence: high` → PUBLISHED (shown as is, with its sources and "data as of").
 * - `medium` / `low` → NEEDS_REVIEW: still answered to citizens (the alternative is no answer at
 *   all) but flagged to staff and shown with a note to confirm at the desk.
 */
import { createHash } from "node:crypto";
import { existsSync, readdirSync, readFileSync } from "node:fs";
import { readFile } from "node:fs/promises";
import path from "node:path";
import { z } from "zod";
import { projectRoot } from "../paths.js";
import { normalizeInput, searchKey } from "../text/vietnamese.js";

const dataDir = path.join(projectRoot, "prisma", "seed", "data");
export const proceduresJsonPath = path.join(dataDir, "procedures.json");
export const portalProceduresJsonPath = path.join(dataDir, "procedures-commune.json");
export const portalDifferencesJsonPath = path.join(dataDir, "procedures-portal-differences.json");
/** Citizens' phrasings of procedures (the portal has none), beside the curated file's own: data of ours, by code. */
export const procedureAliasesDir = path.join(dataDir, "procedure-aliases");

/** Printed by `seed` (prisma/seed/data/procedures-commune.md has the details). */
export const PORTAL_PROCEDURES_ATTRIBUTION =
  "Commune-level procedures: the national public-service portal (dichvucong.gov.vn), as copied in the public repositories chatbot-tthc/chatbot_tthc (crawl of 2026-06-10) and dieuhanhcongviecxanuicam/ubnd-ttpvhcc-qr (portal export of 06/08/2026); see prisma/seed/data/procedures-commune.md.";

const text = z.string().transform(normalizeInput).pipe(z.string().min(1, "must not be empty"));
const optionalText = z
  .string()
  .nullish()
  .transform((v) => (v == null || normalizeInput(v) === "" ? null : normalizeInput(v)));

/**
 * Where in a record a problem is, counted as people count and as the difference counts them:
 * ["documents", 0, "name"] → "documents[1].name" (zod's paths count from 0).
 */
export function issuePath(path: readonly PropertyKey[]): string {
  return path.reduce<string>((out, key) => (typeof key === "number" ? `${out}[${key + 1}]` : `${out}${out ? "." : ""}${String(key)}`), "");
}

/** Legal and official texts a citizen can look up by name. */
const PUBLIC_DOCUMENT = /^(Hiến pháp|Bộ luật|Luật|Pháp lệnh|Nghị quyết|Nghị định|Thông tư liên tịch|Thông tư|Quyết định|Chỉ thị|Công văn)\s\S*.*\d/u;
/** An http(s) address, optionally followed by what it is in brackets. */
const PUBLIC_URL = /^https?:\/\/[^\s/]+\.[^\s]*(?: \(.+\))?$/u;

/** A source citizens may be shown: a public web page, or a public document named as such. */
export function isPublicSource(source: string): boolean {
  return PUBLIC_URL.test(source) || PUBLIC_DOCUMENT.test(source);
}

const publicSource = text.refine(isPublicSource, "must be an http(s) address or a named public document (no internal notes)");

const documentSchema = z.object({
  name: text,
  form: optionalText,
  original: z.number().int().min(0).default(0),
  copy: z.number().int().min(0).default(0),
  note: optionalText,
});

const procedureCode = z.string().regex(/^\d\.\d{6}$/, "must be a national procedure code such as 1.001193");

/** A curated entry: every fact is required. */
export const procedureEntrySchema = z.object({
  code: procedureCode,
  name: text,
  field: text,
  level: text,
  agency: text,
  processing_time: text,
  fee: text,
  postal: z.boolean().nullable(),
  documents: z.array(documentSchema).min(1, "must list at least one document"),
  to_show: z.array(text).default([]),
  legal_basis: z.array(text).min(1, "must cite a legal basis"),
  aliases: z.array(text).default([]),
  sources: z.array(publicSource).min(1, "must say where the facts come from"),
  confidence: z.enum(["high", "medium", "low"]),
  notes: z.array(text).default([]),
  data_as_of: optionalText,
});

/** A portal entry: what the portal leaves empty stays null (never filled in by guesswork). */
export const portalEntrySchema = z.object({
  code: procedureCode,
  name: text,
  field: text,
  level: text,
  agency: optionalText,
  processing_time: optionalText,
  fee: optionalText,
  postal: z.boolean().nullable(),
  documents: z.array(documentSchema),
  to_show: z.array(text).default([]),
  legal_basis: z.array(text).nullable().transform((v) => v ?? []),
  aliases: z.array(text).default([]),
  sources: z.array(publicSource),
  confidence: z.enum(["high", "medium", "low"]),
  notes: z.array(text).default([]),
  checked_at: z.string().regex(/^\d{4}-\d{2}$/, "must be the month the portal copy was taken, such as 2026-06"),
});

export const portalDifferenceSchema = z.object({
  code: procedureCode,
  field: z.enum(["name", "processing_time", "fee", "postal", "documents"]),
  portal: text,
  curated: text,
});
export type PortalDifference = Omit<z.output<typeof portalDifferenceSchema>, "code">;

const portalDifferencesFile = z.object({ differences: z.array(portalDifferenceSchema) });

export type ProcedureEntry = z.output<typeof procedureEntrySchema>;
export type PortalEntry = z.output<typeof portalEntrySchema>;
export type ProcedureOrigin = "CURATED" | "PORTAL";

export interface ProcedureRecord {
  code: string;
  name: string;
  field: string;
  level: string;
  /** null: the source leaves it empty (citizens are told it is unknown and where to ask). */
  agency: string | null;
  processingTime: string | null;
  fee: string | null;
  postalSubmission: boolean | null;
  postalReturn: boolean | null;
  legalBasis: string[];
  aliases: string[];
  toShow: string[];
  notes: string[];
  sources: string[];
  confidence: "HIGH" | "MEDIUM" | "LOW";
  reviewStatus: "PUBLISHED" | "NEEDS_REVIEW";
  dataAsOf: string | null;
  origin: ProcedureOrigin;
  /** Curated records only: where the portal's copy disagrees (for staff, never citizens). */
  portalDifferences: PortalDifference[] | null;
  sourceHash: string;
  documents: { position: number; name: string; formNumber: string | null; originals: number; copies: number; note: string | null }[];
}

export interface CatalogCheck {
  accepted: ProcedureRecord[];
  rejected: { file?: string; index: number; code: string | null; problems: string[] }[];
  /** Portal records set aside because a curated record has their code. */
  superseded?: string[];
}

type SourceDocument = ProcedureEntry["documents"][number];

/** A line of the portal's document table that introduces the papers after it ("…, thành phần hồ sơ bao gồm:", "… là một trong các giấy tờ sau:"). */
const HEADER_END = /\b(bao gom|gom|nhu sau|sau day|giay to sau|truong hop sau)$/;

/**
 * A heading of the document list, not a paper to hand in: it introduces the papers after it, and
 * is shown as such (unnumbered, without counts). See `cleanPortalDocuments`.
 */
export function isDocumentHeading(d: { name: string; originals: number; copies: number }): boolean {
  return d.originals === 0 && d.copies === 0 && d.name.endsWith(":");
}

/**
 * The portal's document list as citizens are shown it (the data file keeps the portal's rows):
 * - a header line ("…, thành phần hồ sơ bao gồm:", "… là một trong các giấy tờ sau:") is not a
 *   paper to hand in: it becomes a heading — its text ending in ":", no counts, no form
 *   (`isDocumentHeading`) — over the papers after it, as the portal lists them;
 * - a paper listed again under the same heading with the same note is listed once, with the
 *   larger counts; the same paper under another heading or note (another case) stays.
 */
export function cleanPortalDocuments(documents: readonly SourceDocument[]): SourceDocument[] {
  const out: SourceDocument[] = [];
  const at = new Map<string, number>();
  let heading = -1;
  documents.forEach((d, i) => {
    const text = d.name.replace(/[\s.:]+$/, "");
    if (i < documents.length - 1 && (d.name.trimEnd().endsWith(":") || HEADER_END.test(searchKey(text)))) {
      heading = out.length;
      // a note that only repeats the heading's words is not said twice
      const note = d.note !== null && searchKey(text).includes(searchKey(d.note)) ? null : d.note;
      out.push({ ...d, name: `${text}:`, form: null, original: 0, copy: 0, note });
      return;
    }
    const key = `${heading}|${searchKey(d.name)}|${searchKey(d.note ?? "")}`;
    const first = at.get(key);
    if (first === undefined) {
      at.set(key, out.length);
      out.push(d);
      return;
    }
    const kept = out[first]!;
    out[first] = { ...kept, form: kept.form ?? d.form, original: Math.max(kept.original, d.original), copy: Math.max(kept.copy, d.copy) };
  });
  return out;
}

/**
 * A portal name as citizens are shown it: the portal writes a few in capitals ("THỦ TỤC ĐĂNG KÝ
 * HOẠT ĐỘNG TÍN NGƯỠNG (CẤP XÃ)"), which reads as shouting on a phone and unlike every other name.
 * Such a name (mostly capital letters) is written in sentence case, without the "Thủ tục" the other
 * names do not carry; any other name is kept as the portal writes it.
 */
export function cleanPortalName(name: string): string {
  const letters = [...name].filter((c) => /\p{L}/u.test(c));
  const capitals = letters.filter((c) => c !== c.toLocaleLowerCase("vi")).length;
  if (letters.length === 0 || capitals * 2 <= letters.length) return name;
  const lower = name.trim().toLocaleLowerCase("vi").replace(/^thủ tục\s+/u, "");
  return lower.charAt(0).toLocaleUpperCase("vi") + lower.slice(1);
}

function toRecord(entry: ProcedureEntry | PortalEntry, origin: ProcedureOrigin, differences: PortalDifference[] | null = null): ProcedureRecord {
  const documents = (origin === "PORTAL" ? cleanPortalDocuments(entry.documents) : entry.documents).map((d, i) => ({
    position: i + 1,
    name: d.name,
    formNumber: d.form,
    originals: d.original,
    copies: d.copy,
    note: d.note,
  }));
  const record = {
    code: entry.code,
    name: origin === "PORTAL" ? cleanPortalName(entry.name) : entry.name,
    field: entry.field,
    level: entry.level,
    agency: entry.agency,
    processingTime: entry.processing_time,
    fee: entry.fee,
    postalSubmission: entry.postal,
    postalReturn: entry.postal,
    legalBasis: entry.legal_basis,
    aliases: [...new Set(entry.aliases)],
    toShow: entry.to_show,
    notes: entry.notes,
    sources: entry.sources,
    confidence: entry.confidence.toUpperCase() as ProcedureRecord["confidence"],
    reviewStatus: entry.confidence === "high" ? ("PUBLISHED" as const) : ("NEEDS_REVIEW" as const),
    dataAsOf: "checked_at" in entry ? entry.checked_at : entry.data_as_of,
    origin,
    portalDifferences: origin === "CURATED" && differences?.length ? differences : null,
    documents,
  };
  const sourceHash = createHash("sha256").update(JSON.stringify(record)).digest("hex");
  return { ...record, sourceHash };
}

/**
 * Checks every entry of one file; returns what can be published and what cannot (with the
 * reasons). `differences` (curated records only) are attached by code.
 */
export function checkCatalog(
  raw: unknown,
  origin: ProcedureOrigin = "CURATED",
  differences: Map<string, PortalDifference[]> = new Map(),
  extraAliases: Map<string, string[]> = new Map(),
): CatalogCheck {
  if (!Array.isArray(raw)) return { accepted: [], rejected: [{ index: -1, code: null, problems: ["the file must hold a JSON array"] }] };
  const schema = origin === "CURATED" ? procedureEntrySchema : portalEntrySchema;
  const accepted: ProcedureRecord[] = [];
  const rejected: CatalogCheck["rejected"] = [];
  const seen = new Set<string>();
  raw.forEach((item, index) => {
    const code = typeof (item as { code?: unknown })?.code === "string" ? (item as { code: string }).code : null;
    const parsed = schema.safeParse(item);
    if (!parsed.success) {
      rejected.push({ index, code, problems: parsed.error.issues.map((i) => `${issuePath(i.path) || "entry"}: ${i.message}`) });
      return;
    }
    if (seen.has(parsed.data.code)) {
      rejected.push({ index, code, problems: [`code ${parsed.data.code} appears twice`] });
      return;
    }
    seen.add(parsed.data.code);
    const extra = extraAliases.get(parsed.data.code);
    const entry = extra ? { ...parsed.data, aliases: [...parsed.data.aliases, ...extra] } : parsed.data;
    accepted.push(toRecord(entry, origin, differences.get(parsed.data.code) ?? null));
  });
  return { accepted, rejected };
}

/** Both files merged: the curated records, then the portal's for every other code. */
export function mergeCatalogs(curated: CatalogCheck, portal: CatalogCheck): CatalogCheck {
  const curatedCodes = new Set(curated.accepted.map((p) => p.code));
  // A curated entry that failed its checks still keeps its code from the portal copy: fix the entry.
  for (const r of curated.rejected) if (r.code) curatedCodes.add(r.code);
  const superseded = portal.accepted.filter((p) => curatedCodes.has(p.code)).map((p) => p.code);
  return {
    accepted: [...curated.accepted, ...portal.accepted.filter((p) => !curatedCodes.has(p.code))],
    rejected: [...curated.rejected.map((r) => ({ ...r, file: "procedures.json" })), ...portal.rejected.map((r) => ({ ...r, file: "procedures-commune.json" }))],
    superseded,
  };
}

export async function readPortalDifferences(file = portalDifferencesJsonPath): Promise<Map<string, PortalDifference[]>> {
  const { differences } = portalDifferencesFile.parse(JSON.parse(await readFile(file, "utf8")));
  const byCode = new Map<string, PortalDifference[]>();
  for (const { code, ...d } of differences) byCode.set(code, [...(byCode.get(code) ?? []), d]);
  return byCode;
}

const aliasesFile = z.object({
  about: text,
  entries: z.array(z.object({ code: procedureCode, aliases: z.array(text).min(1) })),
});

/**
 * The aliases of prisma/seed/data/procedure-aliases/*.json, by code (several files may add to one
 * code). Read synchronously: the search evaluation reads the catalog files the same way.
 */
export function readProcedureAliases(dir = procedureAliasesDir): Map<string, string[]> {
  const byCode = new Map<string, string[]>();
  if (!existsSync(dir)) return byCode;
  for (const name of readdirSync(dir).filter((f) => f.endsWith(".json")).sort()) {
    const parsed = aliasesFile.safeParse(JSON.parse(readFileSync(path.join(dir, name), "utf8")));
    if (!parsed.success) throw new Error(`prisma/seed/data/procedure-aliases/${name}: ${parsed.error.issues.map((i) => `${issuePath(i.path)}: ${i.message}`).join("; ")}`);
    for (const { code, aliases } of parsed.data.entries) byCode.set(code, [...(byCode.get(code) ?? []), ...aliases]);
  }
  return byCode;
}

/** One curated file alone (tests, tools). */
export async function readCatalogSource(file = proceduresJsonPath, extraAliases: Map<string, string[]> = new Map()): Promise<CatalogCheck> {
  return checkCatalog(JSON.parse(await readFile(file, "utf8")), "CURATED", await readPortalDifferences(), extraAliases);
}

/** The whole shipped catalog: curated and portal records, as `seed` publishes it. */
export async function readCatalogSources(files: { curated?: string; portal?: string } = {}): Promise<CatalogCheck> {
  const aliases = readProcedureAliases();
  const curated = await readCatalogSource(files.curated, aliases);
  const portal = checkCatalog(JSON.parse(await readFile(files.portal ?? portalProceduresJsonPath, "utf8")), "PORTAL", new Map(), aliases);
  return mergeCatalogs(curated, portal);
}
