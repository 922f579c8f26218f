/**
 * Procedure-catalog search: "which procedure is this citizen asking about?"
 *
 * Pure (no I/O). Build the index once from the catalog (and again when it changes), then search
 * it per question. Results are ranked, each with a confidence in [0, 1]; an empty list means no
 * procedure in the catalog fits the question.
 *
 *   query → tokens (NFC, diacritic-free keys, tone signatures)        tokenize.ts
 *         → abbreviations, Telex/VNI remnants, joined words, typos    typos.ts
 *         → lexicon: colloquial → catalog terms, filler, off-topic     lexicon.ts, analyze.ts
 *         → unigram + bigram terms → per-procedure confidence          scoring.ts
 */
import {
  applyLexicon,
  contentWords,
  expandAbbreviations,
  genericity,
  lexiconBigrams,
  lexiconCompounds,
  lexiconVocabulary,
  plainAnalysis,
  segmentTerms,
  stopWordPairs,
  type Analysis,
} from "./analyze.js";
import { MATCH_THRESHOLD, scoreProcedures, termWeight, type IndexedProcedure, type Phrase, type Scored } from "./scoring.js";
import { extractProcedureCodes, tokenize } from "./tokenize.js";
import { repairPairs, repairTokens, type Vocabulary } from "./typos.js";

export { MATCH_THRESHOLD } from "./scoring.js";

export interface SearchableProcedure {
  code: string;
  name: string;
  field?: string | null;
  aliases: string[];
  documentNames: string[];
}

/** score in [0, 1], rounded to 2 decimals */
export interface SearchResult {
  code: string;
  name: string;
  score: number;
}

declare const indexBrand: unique symbol;

/** Opaque: build with buildSearchIndex, use with searchCatalog. */
export interface CatalogSearchIndex {
  readonly [indexBrand]: true;
}

interface IndexData {
  procedures: IndexedProcedure[];
  byCode: Map<string, IndexedProcedure>;
  idf: Map<string, number>;
  /** share of procedures using a term in a name or alias */
  share: Map<string, number>;
  /** word pairs with a stop word that are terms of the vocabulary ("xã hội", "nhà ở") */
  compounds: Set<string>;
  vocabulary: Vocabulary;
}

const DEFAULT_LIMIT = 5;
/** Parts of a long name ("A, B, C") are phrases too, but count a little less than whole names. */
const NAME_PART_FACTOR = 0.75;
const NAME_EXAMPLE_FACTOR = 0.65;

/**
 * Analyses of catalog texts, kept across builds: a rebuild after a catalog change only analyses
 * the texts that changed. (Analyses are never modified once made.)
 */
const textAnalyses = new Map<string, Analysis>();
const TEXT_CACHE_LIMIT = 20_000;

function analyzeText(text: string): Analysis {
  let analysis = textAnalyses.get(text);
  if (analysis === undefined) {
    analysis = applyLexicon(expandAbbreviations(tokenize(text)));
    if (textAnalyses.size >= TEXT_CACHE_LIMIT) textAnalyses.clear();
    textAnalyses.set(text, analysis);
  }
  return analysis;
}

/** "Liên thông điện tử: A, B, C (x, y)" → its parts, each with the factor it counts for. */
function nameParts(name: string): { text: string; factor: number }[] {
  const parts: { text: string; factor: number }[] = [];
  const outside = name.replace(/\(([^)]*)\)/g, (_, inner: string) => {
    for (const p of inner.split(/[,;]/)) parts.push({ text: p, factor: NAME_EXAMPLE_FACTOR });
    return ",";
  });
  for (const p of outside.split(/[,;:–]/)) parts.push({ text: p, factor: NAME_PART_FACTOR });
  return parts.length > 1 ? parts : [];
}

export function buildSearchIndex(procedures: SearchableProcedure[]): CatalogSearchIndex {
  const analysisOf = analyzeText;

  // Compound terms: pairs with a stop word in the names, fields and the lexicon's own phrases.
  const compounds = new Set<string>(lexiconCompounds());
  for (const p of procedures) {
    for (const text of [p.name, p.field ?? ""]) for (const pair of stopWordPairs(analysisOf(text).segments)) compounds.add(pair);
  }
  const termsOf = (text: string): Map<string, number> => segmentTerms(analysisOf(text).segments, compounds);
  // Document names are long and only weak evidence: their words are indexed as written.
  const weakTermsOf = (text: string): Map<string, number> =>
    segmentTerms(plainAnalysis(expandAbbreviations(tokenize(text))).segments, compounds);

  const draft: { p: SearchableProcedure; phrases: Omit<Phrase, "total">[]; weak: Set<string> }[] = [];
  for (const p of procedures) {
    const phrases: Omit<Phrase, "total">[] = [];
    const addPhrase = (text: string, factor: number): void => {
      const terms = termsOf(text);
      // a part of a name needs two specific words to stand for the procedure ("mẹ", "văn bản" do not)
      const words = [...terms.keys()].filter((t) => !t.includes(" ") && genericity(t) === "specific");
      if (terms.size > 0 && (words.length >= 2 || factor === 1)) phrases.push({ terms, factor });
    };
    addPhrase(p.name, 1);
    for (const part of nameParts(p.name)) addPhrase(part.text, part.factor);
    for (const alias of p.aliases) addPhrase(alias, 1);
    const weak = new Set<string>();
    for (const text of [...p.documentNames, p.field ?? ""]) for (const t of weakTermsOf(text).keys()) weak.add(t);
    draft.push({ p, phrases, weak });
  }

  const n = Math.max(1, draft.length);
  const strongDf = new Map<string, number>();
  const weakDf = new Map<string, number>();
  for (const d of draft) {
    const strong = new Set(d.phrases.flatMap((ph) => [...ph.terms.keys()]));
    for (const t of strong) strongDf.set(t, (strongDf.get(t) ?? 0) + 1);
    for (const t of d.weak) weakDf.set(t, (weakDf.get(t) ?? 0) + 1);
  }
  const idf = new Map<string, number>();
  for (const t of new Set([...strongDf.keys(), ...weakDf.keys()])) {
    const df = strongDf.get(t) ?? weakDf.get(t) ?? 1;
    idf.set(t, Math.log(1 + (n - df + 0.5) / (df + 0.5)));
  }
  const weightOf = (t: string): number => termWeight(t, idf.get(t) ?? 0);

  const indexed: IndexedProcedure[] = draft.map(({ p, phrases, weak }) => {
    const strong = new Set<string>();
    const finished: Phrase[] = phrases.map(({ terms, factor }) => {
      const weighted = new Map<string, number>();
      let total = 0;
      for (const [t, f] of terms) {
        strong.add(t);
        const w = weightOf(t) * f;
        weighted.set(t, w);
        total += w;
      }
      return { terms: weighted, total, factor };
    });
    return { code: p.code, name: p.name, strong, weak, phrases: finished };
  });

  const words = lexiconVocabulary();
  const bigrams = lexiconBigrams();
  const frequency = new Map<string, number>();
  for (const t of idf.keys()) {
    if (t.includes(" ")) bigrams.add(t);
    else {
      words.add(t);
      frequency.set(t, (strongDf.get(t) ?? 0) + (weakDf.get(t) ?? 0));
    }
  }

  const data: IndexData = {
    procedures: indexed,
    byCode: new Map(indexed.map((p) => [p.code, p])),
    idf,
    share: new Map([...strongDf].map(([t, df]) => [t, df / n])),
    compounds,
    vocabulary: { words, bigrams, frequency },
  };
  return data as unknown as CatalogSearchIndex;
}

export interface SearchOptions {
  limit?: number;
}

/** The procedures whose national codes the question names ("1.000080"), if the index holds them. */
export function findByCodes(index: CatalogSearchIndex, query: string): SearchResult[] {
  const data = index as unknown as IndexData;
  const found: SearchResult[] = [];
  for (const code of extractProcedureCodes(query)) {
    const p = data.byCode.get(code);
    if (p && !found.some((r) => r.code === code)) found.push({ code, name: p.name, score: 1 });
  }
  return found;
}

export function searchCatalog(index: CatalogSearchIndex, query: string, options: SearchOptions = {}): SearchResult[] {
  const data = index as unknown as IndexData;
  const limit = Math.max(0, Math.floor(options.limit ?? DEFAULT_LIMIT));
  if (query.trim() === "" || limit === 0) return [];

  const byCode: SearchResult[] = [];
  for (const code of extractProcedureCodes(query)) {
    const p = data.byCode.get(code);
    if (p && !byCode.some((r) => r.code === code)) byCode.push({ code, name: p.name, score: 1 });
  }
  if (byCode.length > 0) return byCode.slice(0, limit);

  const { scored, veto } = scoreQuery(data, query);
  if (veto) return [];
  const top = scored[0]?.confidence ?? 0;
  return (
    scored
      // a candidate far behind the best one is less likely than its own match suggests: its
      // confidence is scaled by how close it comes to the best ("đăng ký khai sinh" is the
      // procedure of that name, and only much less likely the linked 3-in-1 one)
      .map((s) => ({ ...s, confidence: top > 0 ? s.confidence * (s.confidence / top) : 0 }))
      .filter((s) => s.confidence >= MATCH_THRESHOLD)
      .slice(0, limit)
      .map((s) => ({ code: s.code, name: s.name, score: Math.round(s.confidence * 100) / 100 }))
  );
}

/** Every procedure with any evidence, before the threshold, with the parts of its score. */
export function explainSearch(index: CatalogSearchIndex, query: string): Scored[] {
  return scoreQuery(index as unknown as IndexData, query).scored;
}

/** Only the start of a very long message is read: a question is stated in its first lines. */
const MAX_QUERY_CHARS = 500;

function clip(query: string): string {
  if (query.length <= MAX_QUERY_CHARS) return query;
  const cut = query.slice(0, MAX_QUERY_CHARS);
  const space = cut.search(/\s\S*$/u);
  return space > 0 ? cut.slice(0, space) : cut;
}

function scoreQuery(data: IndexData, rawQuery: string): { scored: Scored[]; veto: boolean } {
  const query = clip(rawQuery);
  // abbreviations first ("cccd" is not a typo), then repairs, then the lexicon
  const tokens = repairPairs(repairTokens(expandAbbreviations(tokenize(query)), data.vocabulary), data.vocabulary);
  const analysis = applyLexicon(tokens);
  const typed = segmentTerms(
    analysis.segments.filter((s) => s.typed),
    data.compounds,
  );
  const groups = analysis.segments
    .filter((s) => !s.typed)
    .map((s) => ({
      terms: new Set(segmentTerms([s], data.compounds).keys()),
      weight: s.weight,
      replaced: new Set(s.replaced ? segmentTerms([s.replaced], data.compounds).keys() : []),
      replacedUnknown: s.replaced ? contentWords([s.replaced]).filter((w) => !data.idf.has(w)).length : 0,
    }))
    // a concept the citizen also typed in full adds nothing
    .filter((g) => [...g.terms].some((t) => !typed.has(t)));
  const all = segmentTerms(analysis.segments, data.compounds);
  const withoutPersonOnly = segmentTerms(
    analysis.segments.filter((s) => !s.describesPerson),
    data.compounds,
  );
  // words of the question the catalog never uses (known to the lexicon or not) are content the
  // procedures do not explain
  const unknownWords = contentWords(analysis.segments).filter((w) => !data.idf.has(w)).length;
  const scored = scoreProcedures(
    data.procedures,
    { weight: (t) => termWeight(t, data.idf.get(t) ?? 0), share: (t) => data.share.get(t) },
    {
      typed,
      groups,
      all,
      withoutPersonOnly,
      unknownWords,
      outOfScope: analysis.overriding.length > 0 ? "dominant" : analysis.outOfScope.length > 0 ? "partial" : "none",
    },
  );
  return { scored, veto: analysis.veto.length > 0 };
}
