/**
 * Scoring a query against the indexed procedures, and the confidence that decides "no match".
 *
 * Every term (syllable or adjacent syllable pair) has an IDF-style weight computed over the
 * catalog: pairs weigh more than single syllables, generic administrative words ("giấy",
 * "đăng ký", "xác nhận") very little. For each procedure:
 *
 * - phrase coverage: how completely the query covers one of its names or aliases (the best one);
 * - query coverage: how much of what the query says (in catalog vocabulary) the procedure explains,
 *   strong fields (name, aliases) fully, weak ones (documents, field) in part;
 * - distinctive evidence: matched specific word pairs or codes. Without it there is no match,
 *   however much else matches ("xin giấy xác nhận" alone names no procedure).
 *
 * confidence = 0.55 · phrase coverage · min(1, query coverage / 0.5) + 0.45 · query coverage,
 * cut to 30 % without distinctive evidence, cut to 40 % when the query also names something
 * outside the catalog (passport, land title, tax...) and no name or alias is well covered by what
 * it asks (words that only say who it is for do not count: "làm căn cước cho người già"). The search
 * (index.ts) then scales each candidate by how close it comes to the best one and returns those
 * at or above MATCH_THRESHOLD. The constants were set on the dev questions and checked on the
 * held-out ones: right answers score 0.5–1, questions with no procedure stay under 0.4.
 */
import { isVietnameseSyllable } from "../../text/vietnamese.js";
import { genericity, termKind } from "./analyze.js";

/** Below this confidence a procedure is not returned. */
export const MATCH_THRESHOLD = 0.42;

/**
 * Distinctive evidence: specific word pairs ("khai sinh", "tạm trú") used by at most half of the
 * procedures, and specific codes ("ct07", "kt3", "bhyt") used by few, found in a name or alias.
 * Single ordinary syllables never count: without marks they are too ambiguous ("chủ" / "chữ").
 * A procedure needs at least this much of it (1 = one such term typed by the citizen).
 */
const MIN_DISTINCTIVE = 0.4;
const NOT_DISTINCTIVE_FACTOR = 0.3;
const DISTINCTIVE_PAIR_SHARE = 0.5;
const DISTINCTIVE_CODE_SHARE = 0.15;

/** Share of a weak-field (documents, field) match relative to a name / alias match. */
const WEAK_FIELD_SHARE = 0.3;

/** Weight of a word the query uses that appears nowhere in the catalog. */
const UNKNOWN_WORD_WEIGHT = 0.8;

/** Share of phrase coverage in the confidence (the rest is query coverage). */
const PHRASE_SHARE = 0.55;
/** Query coverage from which phrase coverage counts in full. */
const FULL_PHRASE_CREDIT = 0.5;

/** A partial match on a query that also names an out-of-catalog topic counts this much. */
const OUT_OF_SCOPE_FACTOR = 0.4;
/** ...unless a name or alias is covered at least this well. */
const OUT_OF_SCOPE_WAIVER = 0.8;

export interface Phrase {
  /** term → weight of the term in this phrase */
  terms: Map<string, number>;
  total: number;
  /** names and aliases count 1; parts of long names a little less */
  factor: number;
}

export interface IndexedProcedure {
  code: string;
  name: string;
  strong: Set<string>;
  weak: Set<string>;
  phrases: Phrase[];
}

export interface TermWeights {
  weight(term: string): number;
  /** share of the procedures whose names or aliases use the term (undefined: none do) */
  share(term: string): number | undefined;
}

export function termWeight(term: string, idf: number): number {
  const kind = termKind(term) === "pair" ? 1.5 : 1;
  const g = genericity(term);
  return idf * kind * (g === "generic" ? 0.2 : g === "junction" ? 0.5 : 1);
}

/** A concept the lexicon read into the query ("cưới" → "kết hôn"): one piece of evidence. */
export interface EvidenceGroup {
  terms: ReadonlySet<string>;
  /** how sure the lexicon is (1 = as good as typed) */
  weight: number;
  /** terms of the citizen's words the concept replaced (they set how much the concept weighs) */
  replaced: ReadonlySet<string>;
  /** how many of the replaced words the catalog does not know */
  replacedUnknown: number;
}

export interface QueryTerms {
  /** terms of the citizen's own words, with their weight (less in a purpose clause) */
  typed: ReadonlyMap<string, number>;
  groups: readonly EvidenceGroup[];
  /** every term with its factor (1 typed, the group weight for added ones) */
  all: ReadonlyMap<string, number>;
  /** the same without concepts read only from words describing the person ("người già") */
  withoutPersonOnly: ReadonlyMap<string, number>;
  unknownWords: number;
  /** the query names something outside the catalog: "none" | "partial" (a full match outweighs it) | "dominant" */
  outOfScope: "none" | "partial" | "dominant";
}

export interface Scored {
  code: string;
  name: string;
  confidence: number;
  strength: number;
  phraseCoverage: number;
  queryCoverage: number;
  distinctive: number;
}

/** How well the terms cover the best-covered name or alias of the procedure. */
function bestPhraseCoverage(p: IndexedProcedure, terms: ReadonlyMap<string, number>): number {
  let best = 0;
  for (const phrase of p.phrases) {
    if (phrase.total === 0) continue;
    let covered = 0;
    for (const [term, w] of phrase.terms) {
      const f = terms.get(term);
      if (f !== undefined) covered += w * f;
    }
    best = Math.max(best, (phrase.factor * covered) / phrase.total);
  }
  return best;
}

export function scoreProcedures(procedures: readonly IndexedProcedure[], weights: TermWeights, query: QueryTerms): Scored[] {
  // An added concept weighs what the citizen's words it replaced weighed, or at least its most
  // telling term, however long its canonical phrase: "trợ cấp xã hội hằng tháng" read into
  // "mồ côi" must not outweigh the rest of the question, nor "xóa thường trú" read into
  // "xóa hộ khẩu" count for less than the words around it.
  const groups = query.groups.map((g) => {
    const termWeights = [...g.terms].map((t) => [t, weights.weight(t)] as const).filter(([, w]) => w > 0);
    const total = termWeights.reduce((a, [, w]) => a + w, 0);
    const top = termWeights.reduce((a, [, w]) => Math.max(a, w), 0);
    let replaced = g.replacedUnknown * UNKNOWN_WORD_WEIGHT;
    for (const t of g.replaced) replaced += weights.weight(t);
    return { termWeights, total, mass: Math.min(total, Math.max(top, replaced)) * g.weight };
  });
  let queryMass = query.unknownWords * UNKNOWN_WORD_WEIGHT;
  for (const [term, f] of query.typed) queryMass += weights.weight(term) * f;
  for (const g of groups) queryMass += g.mass;
  if (queryMass <= 0) return [];

  const scored: Scored[] = [];
  for (const p of procedures) {
    const field = (term: string): number => (p.strong.has(term) ? 1 : p.weak.has(term) ? WEAK_FIELD_SHARE : 0);
    let strength = 0;
    for (const [term, f] of query.typed) strength += weights.weight(term) * f * field(term);
    for (const g of groups) {
      if (g.total === 0) continue;
      let covered = 0;
      for (const [t, w] of g.termWeights) covered += w * field(t);
      strength += (g.mass * covered) / g.total;
    }
    if (strength === 0) continue;

    let distinctive = 0;
    for (const [term, factor] of query.all) {
      if (!p.strong.has(term) || genericity(term) !== "specific") continue;
      const share = weights.share(term) ?? 1;
      const pair = termKind(term) === "pair" && share <= DISTINCTIVE_PAIR_SHARE;
      const code = termKind(term) === "word" && !isVietnameseSyllable(term) && share <= DISTINCTIVE_CODE_SHARE;
      if (pair || code) distinctive += factor;
    }

    const phraseCoverage = bestPhraseCoverage(p, query.all);

    const queryCoverage = Math.min(1, strength / queryMass);
    // a name fully present in the question counts in full only if the procedure also explains
    // at least half of what the question says ("khai sinh" inside a question about a lost one)
    let confidence =
      PHRASE_SHARE * phraseCoverage * Math.min(1, queryCoverage / FULL_PHRASE_CREDIT) + (1 - PHRASE_SHARE) * queryCoverage;
    if (distinctive < MIN_DISTINCTIVE) confidence *= NOT_DISTINCTIVE_FACTOR;
    if (
      query.outOfScope === "dominant" ||
      (query.outOfScope === "partial" && bestPhraseCoverage(p, query.withoutPersonOnly) < OUT_OF_SCOPE_WAIVER)
    ) {
      confidence *= OUT_OF_SCOPE_FACTOR;
    }
    scored.push({
      code: p.code,
      name: p.name,
      confidence: Math.max(0, Math.min(1, confidence)),
      strength,
      phraseCoverage,
      queryCoverage,
      distinctive,
    });
  }
  return scored.sort((a, b) => b.confidence - a.confidence || b.strength - a.strength || (a.code < b.code ? -1 : 1));
}
