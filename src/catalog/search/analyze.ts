/**
 * Text analysis shared by the index (procedure names, aliases, documents) and by queries:
 * abbreviations expanded, lexicon rules applied (colloquial words → catalog terms, filler dropped,
 * out-of-catalog topics noted), then unigram and bigram terms produced.
 */
import { syllables, toneSignature } from "../../text/vietnamese.js";
import { ABBREVIATIONS, GENERIC_TERMS, NON_HUMAN_RULE, PURPOSE_MARKERS, RULES, STOP_WORDS, WORD_CLASSES, type LexiconRule } from "./lexicon.js";
import { compilePattern, matchAt, patternKeys, type Pattern, type PatternMatch } from "./patterns.js";
import { plainTokens, syllableKey, type Token } from "./tokenize.js";

interface CompiledRule {
  rule: LexiconRule;
  patterns: Pattern[];
  /** patterns by the key they can start with, and those that can start anywhere */
  byFirst: Map<string, Pattern[]>;
  anywhere: Pattern[];
  add: string[][];
  /** keys any match must start with (null: no such restriction) */
  first: ReadonlySet<string> | null;
}

function keysOf(text: string): string[] {
  return syllables(text).map(syllableKey);
}

const COMPILED_RULES: readonly CompiledRule[] = [...RULES, NON_HUMAN_RULE].map((rule) => {
  const patterns = rule.when.map((w) => compilePattern(w, WORD_CLASSES));
  let first: Set<string> | null = new Set();
  for (const p of patterns) {
    if (p.first === null) first = null;
    else if (first !== null) for (const k of p.first) first.add(k);
  }
  const byFirst = new Map<string, Pattern[]>();
  const anywhere: Pattern[] = [];
  for (const p of patterns) {
    if (p.first === null) anywhere.push(p);
    else for (const k of p.first) byFirst.set(k, [...(byFirst.get(k) ?? []), p]);
  }
  return { rule, patterns, byFirst, anywhere, add: (rule.add ?? []).map(keysOf), first };
});

/** Rules by the keys their matches can start with, to skip rules that cannot apply to a text. */
const RULES_BY_KEY = new Map<string, number[]>();
const UNRESTRICTED_RULES: number[] = [];
COMPILED_RULES.forEach((c, i) => {
  if (c.first === null) UNRESTRICTED_RULES.push(i);
  else for (const k of c.first) RULES_BY_KEY.set(k, [...(RULES_BY_KEY.get(k) ?? []), i]);
});

function candidateRules(tokens: readonly Token[]): number[] {
  const set = new Set<number>(UNRESTRICTED_RULES);
  for (const t of tokens) for (const i of RULES_BY_KEY.get(t.key) ?? []) set.add(i);
  return [...set].sort((a, b) => a - b);
}

const ABBREVIATION_KEYS: ReadonlyMap<string, string[]> = new Map(
  Object.entries(ABBREVIATIONS).map(([abbr, phrase]) => [syllableKey(abbr), keysOf(phrase)]),
);

export const STOP_KEYS: ReadonlySet<string> = new Set(STOP_WORDS.flatMap(keysOf));

/** Generic words and pairs (a longer generic phrase makes each of its pairs generic). */
const GENERIC_KEYS: ReadonlySet<string> = new Set(
  GENERIC_TERMS.flatMap((t) => {
    const keys = keysOf(t);
    if (keys.length <= 2) return [keys.join(" ")];
    return keys.slice(1).map((k, i) => `${keys[i]} ${k}`);
  }),
);

/** Every syllable the lexicon knows (it belongs to the vocabulary typo correction aims at). */
export function lexiconVocabulary(): Set<string> {
  return new Set(LEXICON_VOCABULARY);
}

function computeLexiconVocabulary(): Set<string> {
  const words = new Set<string>(STOP_KEYS);
  for (const c of COMPILED_RULES) {
    for (const p of c.patterns) patternKeys(p, words);
    for (const a of c.add) for (const k of a) words.add(k);
  }
  for (const phrase of ABBREVIATION_KEYS.values()) for (const k of phrase) words.add(k);
  for (const t of GENERIC_KEYS) for (const k of t.split(" ")) words.add(k);
  return words;
}

const LEXICON_VOCABULARY: ReadonlySet<string> = computeLexiconVocabulary();

/** Bigrams of the phrases the lexicon adds (they count as known word pairs for typo repair). */
export function lexiconBigrams(): Set<string> {
  const pairs = new Set<string>();
  for (const c of COMPILED_RULES) for (const a of c.add) for (let i = 1; i < a.length; i++) pairs.add(`${a[i - 1]} ${a[i]}`);
  return pairs;
}

/** Pairs with a stop word in the phrases the lexicon adds ("nhận cha"): compound terms. */
export function lexiconCompounds(): string[] {
  return COMPILED_RULES.flatMap((c) => c.add.flatMap((keys) => stopWordPairs([addedSegment(keys, 1)])));
}

export function expandAbbreviations(tokens: readonly Token[]): Token[] {
  const out: Token[] = [];
  for (const t of tokens) {
    const phrase = ABBREVIATION_KEYS.get(t.key);
    if (phrase && !t.marked) out.push(...plainTokens(phrase));
    else out.push(t);
  }
  return out;
}

export interface Segment {
  keys: string[];
  /** which of the keys are stop words (decided with the marks when the citizen typed them) */
  stops: boolean[];
  /** how much the words of this segment count (1 for the citizen's own words) */
  weight: number;
  /** words the citizen typed (not added by the lexicon) */
  typed: boolean;
  /** for an added phrase: the citizen's words it stands for (when the rule replaced them) */
  replaced?: Segment;
  /** an added phrase read only from words describing the person concerned */
  describesPerson?: boolean;
}

export interface Analysis {
  segments: Segment[];
  outOfScope: string[];
  /** out-of-catalog topics that no full match outweighs */
  overriding: string[];
  veto: string[];
}

const STOP_TONES: ReadonlySet<string> = new Set(STOP_WORDS.map((w) => toneSignature(w)));

/** A stop word: by its marks when typed with them ("từ" is, "tử" is not), else by its key. */
export function isStopToken(token: Token): boolean {
  return token.marked ? STOP_TONES.has(token.tone) : STOP_KEYS.has(token.key);
}

function segmentOf(tokens: readonly Token[], weight: number, typed: boolean): Segment {
  return { keys: tokens.map((t) => t.key), stops: tokens.map(isStopToken), weight, typed };
}

function addedSegment(keys: readonly string[], weight: number): Segment {
  return { keys: [...keys], stops: keys.map((k) => STOP_KEYS.has(k)), weight, typed: false };
}

function joinSegments(a: Segment, b: Segment): Segment {
  return { ...a, keys: [...a.keys, ...b.keys], stops: [...a.stops, ...b.stops] };
}

/** Apply the lexicon rules to a token sequence. */
function applyRules(input: readonly Token[], weight: number): Analysis {
  // Dropped tokens are taken out of the sequence at once, so later rules see the text without
  // the filler ("sổ hộ tịch [ở xã] cũng không còn"); a bigram never spans a removed token.
  let tokens = [...input];
  let claimed = new Array<boolean>(tokens.length).fill(false);
  let breakBefore = new Array<boolean>(tokens.length).fill(false);
  const added = new Map<string, Segment>();
  const outOfScope = new Set<string>();
  const overriding = new Set<string>();
  const veto = new Set<string>();

  for (const ri of candidateRules(tokens)) {
    const { rule, byFirst, anywhere, add } = COMPILED_RULES[ri]!;
    let dropped: boolean[] | null = null;
    for (let i = 0; i < tokens.length; i++) {
      if (claimed[i]) continue;
      let best: PatternMatch | null = null;
      const starting = byFirst.get(tokens[i]!.key);
      if (starting === undefined && anywhere.length === 0) continue;
      for (const p of starting === undefined ? anywhere : [...starting, ...anywhere]) {
        const m = matchAt(p, tokens, i, claimed);
        if (m && (best === null || m.end > best.end)) best = m;
      }
      if (!best) continue;
      for (let j = best.focusStart; j < best.focusEnd; j++) {
        claimed[j] = true;
        if (rule.drop) (dropped ??= new Array<boolean>(tokens.length).fill(false))[j] = true;
      }
      const replaced = rule.drop ? segmentOf(tokens.slice(best.focusStart, best.focusEnd), weight, true) : undefined;
      for (const phrase of add) {
        const w = (rule.weight ?? 1) * weight;
        const id = phrase.join(" ");
        const previous = added.get(id);
        if (previous && previous.weight >= w) {
          // the same concept said twice: it stands for both sets of words
          if (replaced && previous.replaced) previous.replaced = joinSegments(previous.replaced, replaced);
          if (!rule.describesPerson) delete previous.describesPerson;
          continue;
        }
        added.set(id, {
          ...addedSegment(phrase, w),
          ...(replaced ? { replaced } : {}),
          ...(rule.describesPerson ? { describesPerson: true } : {}),
        });
      }
      if (rule.outOfScope) outOfScope.add(rule.outOfScope);
      if (rule.outOfScope && rule.overridesMatch) overriding.add(rule.outOfScope);
      if (rule.veto) veto.add(rule.veto);
      i = best.end - 1;
    }
    if (dropped !== null) {
      const gone = dropped;
      const nextBreak: boolean[] = [];
      let pendingBreak = false;
      tokens.forEach((_, i) => {
        if (gone[i]) pendingBreak = true;
        else {
          nextBreak.push(breakBefore[i]! || pendingBreak);
          pendingBreak = false;
        }
      });
      tokens = tokens.filter((_, i) => !gone[i]);
      claimed = claimed.filter((_, i) => !gone[i]);
      breakBefore = nextBreak;
    }
  }

  const segments: Segment[] = [];
  let run: Token[] = [];
  tokens.forEach((t, i) => {
    if (breakBefore[i] && run.length > 0) {
      segments.push(segmentOf(run, weight, true));
      run = [];
    }
    run.push(t);
  });
  if (run.length > 0) segments.push(segmentOf(run, weight, true));
  return {
    segments: [...segments, ...added.values()],
    outOfScope: [...outOfScope],
    overriding: [...overriding],
    veto: [...veto],
  };
}

const PURPOSE_PATTERN: Pattern = compilePattern(
  `(${PURPOSE_MARKERS.filter((m) => m !== "để").join("|")})`,
  WORD_CLASSES,
);
const DE_TONE = toneSignature("để");

/** Weight of the words after a purpose marker ("... để làm hồ sơ vay vốn"). */
export const PURPOSE_WEIGHT = 0.5;

function purposeAt(tokens: readonly Token[], i: number): number {
  const t = tokens[i]!;
  if (t.key === "de") {
    if (t.marked && t.tone !== DE_TONE) return -1;
    return tokens[i + 1]?.key === "lai" ? -1 : i + 1; // "để lại" = to leave (a bequest)
  }
  return matchAt(PURPOSE_PATTERN, tokens, i, null)?.end ?? -1;
}

function hasContent(analysis: Analysis): boolean {
  return analysis.segments.some((s) => !s.typed || s.keys.some((k, i) => !s.stops[i] && genericity(k) === "specific"));
}

/** Plain segments without the lexicon rules (for long descriptive text such as document names). */
export function plainAnalysis(tokens: readonly Token[]): Analysis {
  return { segments: tokens.length > 0 ? [segmentOf(tokens, 1, true)] : [], outOfScope: [], overriding: [], veto: [] };
}

/**
 * Lexicon analysis of a token sequence. When a purpose marker follows a part of the text that
 * already names something, the rest counts for PURPOSE_WEIGHT.
 */
export function applyLexicon(tokens: readonly Token[]): Analysis {
  for (let i = 1; i < tokens.length; i++) {
    const rest = purposeAt(tokens, i);
    if (rest < 0) continue;
    const head = applyRules(tokens.slice(0, i), 1);
    if (!hasContent(head)) return applyRules(tokens, 1);
    const tail = applyRules(tokens.slice(rest), PURPOSE_WEIGHT);
    return {
      segments: [...head.segments, ...tail.segments],
      outOfScope: [...new Set([...head.outOfScope, ...tail.outOfScope])],
      overriding: [...new Set([...head.overriding, ...tail.overriding])],
      veto: [...new Set([...head.veto, ...tail.veto])],
    };
  }
  return applyRules(tokens, 1);
}

export type TermKind = "word" | "pair";

export function termKind(term: string): TermKind {
  return term.includes(" ") ? "pair" : "word";
}

export type Genericity = "generic" | "junction" | "specific";

const genericityCache = new Map<string, Genericity>();

/** Generic terms never make a match on their own; a pair with one generic word is a "junction". */
export function genericity(term: string): Genericity {
  let g = genericityCache.get(term);
  if (g === undefined) {
    g = computeGenericity(term);
    if (genericityCache.size > 100_000) genericityCache.clear();
    genericityCache.set(term, g);
  }
  return g;
}

function computeGenericity(term: string): Genericity {
  if (GENERIC_KEYS.has(term)) return "generic";
  if (/^\d+$/.test(term)) return "generic";
  const parts = term.split(" ");
  if (parts.length === 2) {
    const generic = parts.filter((p) => GENERIC_KEYS.has(p) || /^\d+$/.test(p)).length;
    if (generic === 2) return "generic";
    if (generic === 1) return "junction";
  }
  return "specific";
}

/**
 * Unigram and bigram terms of the segments, each with the largest weight it gets. Stop words make
 * no unigram. A bigram with one stop word is kept only if it is a compound of the administrative
 * vocabulary ("xã hội", "nhà ở", "khai tử" typed as "khai tu"): `compounds`, or every such bigram
 * when `compounds` is null (used to collect them from procedure names).
 */
export function segmentTerms(segments: readonly Segment[], compounds: ReadonlySet<string> | null): Map<string, number> {
  const terms = new Map<string, number>();
  const put = (term: string, weight: number): void => {
    if ((terms.get(term) ?? 0) < weight) terms.set(term, weight);
  };
  for (const { keys, stops, weight } of segments) {
    keys.forEach((key, i) => {
      if (!stops[i]) put(key, weight);
      if (i === 0) return;
      const pair = `${keys[i - 1]} ${key}`;
      const stopCount = (stops[i - 1] ? 1 : 0) + (stops[i] ? 1 : 0);
      if (stopCount === 0 || (stopCount === 1 && (compounds === null || compounds.has(pair)))) put(pair, weight);
    });
  }
  return terms;
}

/** Bigrams with a stop word in them (candidates for the compound list). */
export function stopWordPairs(segments: readonly Segment[]): string[] {
  const pairs: string[] = [];
  for (const { keys } of segments) {
    for (let i = 1; i < keys.length; i++) {
      const a = keys[i - 1]!;
      const b = keys[i]!;
      if (STOP_KEYS.has(a) !== STOP_KEYS.has(b)) pairs.push(`${a} ${b}`);
    }
  }
  return pairs;
}

/** Content words of the segments typed by the citizen (for unknown-word accounting). */
export function contentWords(segments: readonly Segment[]): string[] {
  return segments.filter((s) => s.typed).flatMap((s) => s.keys.filter((k, i) => !s.stops[i] && !/^\d+$/.test(k)));
}
