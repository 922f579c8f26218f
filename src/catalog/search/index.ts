/**
 * Procedure-catalog search: "which procedure is this citizen asking about?"
 *
 * Pure (no I/O besides reading the data tables once). Build the index once from the whole
 * catalog (and again when it changes), then ask it per question.
 *
 *   question → tokens, abbreviations, typing slips, synonyms            query.ts, data/*.json
 *            → MiniSearch (BM25 over name, aliases, field; terms are
 *              folded syllables and syllable pairs); the documents'
 *              words are not indexed but count in the confidence       here
 *            → confidence from how much of the question each candidate
 *              explains and how much of its name the question covers  here
 *            → answer: match, choices (variants), out of scope, none   answer.ts, data/*.json
 */
// The retrieval is a maintained library (MiniSearch), as issue 8 §2 asks and the brief prefers to
// hand-written full-text search; make it faster around the library, not by replacing it. It
// indexes the texts and scores each term (BM25, termPostings); a question's terms are combined as
// its OR search combines them (bm25Hits), from each term's scores kept with the index.
import MiniSearch from "minisearch";
import { sameToneKey, searchData, useSearchData, type SearchData, type OutOfScopeTopic, type Phrase, type Synonym, type VariantGroup, type VariantMember } from "./data.js";
import type { AnswerResult, SearchAnswer } from "./answer.js";
import { type SynonymWordPairs, doneStepAt, expandAbbreviations, type ContentWordPair, namePairTables, phraseAt, phraseSpans, readAlias, readQuery, saysPhrase, writtenWithMarks, type ReadQuery } from "./query.js";
import { absurdSubject, askedFor, greetingOnly, suggestionOnly } from "./subjects.js";
import { extractProcedureCodes, syllableKey, tokenize, tokenizeWritten, type Token } from "./tokenize.js";
import { toneOf, type Vocabulary } from "./typos.js";

export interface SearchableProcedure {
  code: string;
  name: string;
  field?: string | null;
  aliases: string[];
  documentNames: string[];
  /** curated procedures (with citizens' phrasings) count a little more than the portal's list */
  origin?: "CURATED" | "PORTAL";
}

/** score in [0, 1], rounded to 2 decimals */
export interface SearchResult {
  code: string;
  name: string;
  score: number;
}

export interface SearchOptions {
  limit?: number;
}

declare const indexBrand: unique symbol;

/** Opaque: build with buildSearchIndex, use with searchCatalog / askCatalog. */
export interface CatalogSearchIndex {
  readonly [indexBrand]: true;
}

/** Below this confidence the best answer is not offered, nor anything else (a runner-up: RUNNER_UP_THRESHOLD). */
export const MATCH_THRESHOLD = 0.35;
/**
 * Below the best answer, a candidate this sure is still offered as a runner-up (shown at
 * MATCH_THRESHOLD at least): a long story often leaves the procedure it means just short of the
 * threshold beside one sure enough to answer, and a button costs less than the right procedure
 * missing. Whether anything is offered at all is still decided by the best answer's confidence.
 */
export const RUNNER_UP_THRESHOLD = 0.28;
/**
 * Behind the runners-up, a candidate this sure still fills the places left (in the order of the
 * ranking, after every runner-up): a question whose best answer is sure enough may mean a
 * procedure its words recall less surely, and a further button costs less than a missing one.
 */
export const FURTHER_THRESHOLD = 0.21;
/**
 * A question this long (in words) whose best candidate is this sure gets that candidate at
 * MATCH_THRESHOLD: the words of a long story (the family, the place, what happened) dilute the
 * confidence of the procedure it ends up asking for, where a short question that sure fits none.
 */
const LONG_QUESTION_WORDS = 20;
const LONG_QUESTION_FLOOR = 0.28;
/**
 * A question this short (in words) needs its best candidate this sure, unless the candidate says
 * a word of it this rare (a share of the rarest's weight), when a pair of its words this rare, or a
 * word the catalog never uses, is left unexplained by it: few words that a procedure explains this
 * little, by common words, ask about what it leaves out (a radio licence, a trade bloc's travel
 * card), where a long story's words spread over its circumstances.
 */
const FEW_WORDS = 16;
const FEW_WORDS_THRESHOLD = 0.4;
const FEW_WORDS_RARE = 0.65;
const FEW_WORDS_PAIR = 0.6;
/** A part of the question that alone names a procedure this surely outweighs an out-of-scope word. */
const REST_CONFIDENT = 0.6;
/**
 * A rest of the question this long (in words) that names the same procedure as the whole question,
 * both at least LONG_REST_CONFIDENT sure, outweighs an out-of-scope word too: a loan or a passport
 * mentioned in a long story is a circumstance, where in a short question it is the subject.
 */
const LONG_REST_WORDS = 16;
const LONG_REST_CONFIDENT = 0.5;
/** The same for a topic that is no administrative matter at all (the weather, a price): a procedure named less surely still outweighs it. */
const UNRELATED_REST_CONFIDENT = 0.45;
/**
 * How sure a long question, and the rest of it without an out-of-scope topic's words, must both be
 * of the same procedure for the topic to be a circumstance of the story, though the rest ranks
 * another procedure first (its need clause weighs): taxes paid, told of a plot asked a first
 * certificate for.
 */
const STORY_TOP_CONFIDENT = 0.44;
const NAMED_COVERED = 0.5;
/** How much of its name the question without an out-of-scope topic must say of a procedure that asks for that topic's paper (a circumstance then). */
const PAPER_NAMED = 0.35;
/** How sure the question must be of a procedure when it denies the out-of-scope topic it names. */
const NEGATED_CONFIDENT = 0.6;
/** The same when the topic is a paper brought to the procedure or one a record is matched against ("đúng với" a passport): a plainer circumstance. */
const PAPER_CONFIDENT = 0.45;
const NAMED_CONFIDENT = 0.65;
/** How sure the question must be of a procedure whose name names the out-of-scope topic beside the rest of what the question asks. */
const TOPIC_PART_CONFIDENT = 0.5;
/** How sure the clause stating the need must be of a procedure on its own when the story before it names an out-of-scope topic. */
const STORY_NEED_CONFIDENT = 0.5;
/** How much of the rare words of the clause stating the need a procedure the rest of the question names must explain, when the story before it names an out-of-scope topic. */
const STORY_NEED_EXPLAINED = 0.5;
const DEFAULT_LIMIT = 5;
/** A word used by this share of the procedures' names does not pick candidates (candidateTerms). */
const COMMON_SHARE = 0.3;
/** How many of MiniSearch's best candidates are scored in full. */
const CANDIDATES = 20;
/** Weight of a question word the catalog never uses (content the catalog does not explain). */
const UNKNOWN_IDF = 2.2;
/** Words found only in a procedure's documents or field explain a question only in part. */
const WEAK_FACTOR = 0.35;
const CURATED_BOOST = 1.04;
/** Curated procedures' BM25 scores count this much more (their names and aliases are citizens' words). */
const CURATED_BM25_BOOST = 1.15;
/** MiniSearch's BM25 score (relative to the best candidate's) breaks near ties in the ranking. */
const BM25_WEIGHT = 0.3;
/** After a story, how much of the clause stating the need (or of a hearsay clause standing for it) a candidate explains counts this much in the ranking. */
const NEED_WEIGHT = 0.6;
/**
 * How much of the question a candidate explains counts this much in the ranking, beside its
 * confidence (which weighs how much of a name or alias the question says more): a follow-up
 * procedure that explains the word asking for it ("lại", "chấm dứt", "thay đổi") is not left
 * behind a base procedure whose broad alias the rest of the question says whole.
 */
const EXPLAINED_WEIGHT = 0.25;
/** The rare words a need clause must say (a share of the rarity of a word used once) for it to count. */
const NEED_RARE = 0.44;
const GENERIC_FACTOR = 0.25;
/** A part of a long name ("A, B, C") stands for the procedure less than its whole name. */
const PART_FACTOR = 0.8;
/** Without a rare word, how much of a whole name (and of the question) common words must cover to count. */
const COMMON_WORDS_NAME = 0.75;
const COMMON_WORDS_QUESTION = 0.6;
/**
 * A pair with a function word ("con nuôi") is a word of its own when the catalog uses it this
 * rarely (by rarity, of the rarest) and neither of its words belongs to a generic pair of the
 * question that the data lists ("thủ tục | hành chính" is not a word "tục hành"; "khai tu | cho",
 * unmarked, is still "khai tử"): it names a procedure as a rare word does.
 */
const STOP_PAIR_DISTINCTIVE = 0.6;
/** How many words before a failed attempt's marker ("… không thành") tell of that attempt (the act, then whom and what it was about). */
const FAILED_WINDOW = 10;
/** How many words before a marker saying a step was granted ("… đã được công nhận") tell of that step. */
const ATTEMPT_WINDOW = 6;
/** How many words after a done step's marker ("đã có …") tell of that step. */
const DONE_WINDOW = 3;
/** Between near-identical siblings, a word of a sibling's own that the question only reads through a synonym counts this much of one typed. */
const READ_DIFFERENCE_FACTOR = 0.5;
/** A question covering this much of a procedure's own name (by rarity) names it outright. */
const NAMED_OUTRIGHT = 0.85;
/** A question of at most this many catalog words is short: each of its words says what it is about… */
const SHORT_WORDS = 5;
/** …so a word of it as rare as this (a share of the rarest's weight), that none of the best procedures (SHORT_OFFERED) says… */
const SHORT_RARE = 0.5;
/** …leaves the best one unsure below this: the question is about something else (no match). */
const SHORT_UNSURE = 0.45;
/** (of the procedures that would be offered: the best and the runners-up after it) */
const SHORT_OFFERED = 3;
/** How far behind the others (in rank) goes a procedure for an age range that every age the question states falls outside. */
const AGE_OUTSIDE = 1;
/** How far a procedure whose name states another value of a quality than the question's goes behind (data/variants.json exclusive). */
const OTHER_VALUE = 1;
/** How far a procedure for an act of an institution's life goes behind when the question asks for a benefit (data/variants.json lifecycleActs). */
const OTHER_ACT = 0.3;
const NONE: readonly string[] = [];

/** A procedure as MiniSearch indexes it (the aliases one a line). */
interface IndexedProcedure {
  id: number;
  name: string;
  aliases: string;
  field: string;
}

/**
 * MiniSearch, each term's entry found by a map while the catalog is added. MiniSearch keeps its
 * terms in a radix tree, and adding a document walked the tree for every term it says, letter by
 * letter over each node's children (a good part of the time it took to add the catalog: some 116,000
 * terms said, of 16,000 different ones). The tree is still what makes an entry and what a search
 * reads, and the entries are its own objects, counted in the same order: every score stays the
 * same. (Only while adding, when nothing is removed: an entry once found stays the term's.)
 */
class CatalogMiniSearch extends MiniSearch<IndexedProcedure> {
  override addAll(documents: readonly IndexedProcedure[]): void {
    const tree = this._index;
    const fetch = tree.fetch;
    const entries = new Map<string, NonNullable<ReturnType<typeof tree.get>>>();
    tree.fetch = (term, initial) => {
      let entry = entries.get(term);
      if (entry === undefined) entries.set(term, (entry = fetch.call(tree, term, initial)));
      return entry;
    };
    try {
      super.addAll(documents);
    } finally {
      tree.fetch = fetch;
    }
  }
}

/**
 * A value of each term the catalog uses (its rarity), by the term's number (TermTable): the terms'
 * numbers one map that the rarities share, the values in arrays. (Three maps of the ~22,000 terms,
 * one a rarity and one of each term's own string, grown a set at a time, were nearly a tenth of
 * the first build's profile, garbage collection aside.)
 */
class TermValues {
  constructor(
    readonly numbers: ReadonlyMap<string, number>,
    readonly values: Float64Array,
  ) {}

  get(term: string): number | undefined {
    const at = this.numbers.get(term);
    return at === undefined ? undefined : this.values[at];
  }

  has(term: string): boolean {
    return this.numbers.has(term);
  }

  /** each term's value, in the order of the terms' numbers */
  forEach(f: (value: number, term: string) => void): void {
    const { values } = this;
    this.numbers.forEach((at, term) => f(values[at]!, term));
  }
}

/** TermValues as a snapshot keeps them (node:v8 keeps an object's own values, not its class). */
interface StoredTermValues {
  numbers: ReadonlyMap<string, number>;
  values: Float64Array;
}

interface IndexData {
  /** null in an index read from a snapshot: every indexed term's postings are then in `stored` */
  mini: MiniSearch<IndexedProcedure> | null;
  /** each term's BM25 scores as MiniSearch gives them, asked the first time a question searches the term (termPostings) */
  postings: Map<string, TermPostings>;
  /** an index read from a snapshot: every indexed term's postings, taken out the first time a question searches the term */
  stored: StoredPostings | null;
  /** each procedure's aliases as read as a question is (readAlias) */
  readings: readonly (readonly string[])[];
  docs: Doc[];
  byCode: Map<string, Doc>;
  idf: TermValues;
  /** each term the catalog uses, by its number (idf.numbers), as the catalog's own string (a question's equal string finds the catalog's sets' entries at once) */
  terms: readonly string[];
  /** rarity without the damping of generic words, for how much of a name a question covers */
  nameIdf: TermValues;
  vocabulary: Vocabulary;
  groupsOf: Map<string, VariantGroup[]>;
  generic: ReadonlySet<string>;
  stop: ReadonlySet<string>;
  /** terms of some procedure's name or aliases */
  strongTerms: ReadonlySet<string>;
  /** the rarity of a term used once in the catalog */
  maxIdf: number;
  /** the rarity of a term used by COMMON_SHARE of the procedures */
  commonIdf: number;
  /** words that name the plain variant ("lần đầu", "trong nước"): unsaid, they do not make a sibling less plain */
  plainTerms: ReadonlySet<string>;
  /** pairs of names and aliases with a word spelt as a need marker, and whether one writes another word than the marker (query.ts needMarkerPairs) */
  markerPairs: ReadonlyMap<string, boolean>;
  /** the same of the one-word purpose markers ("đề nghị" beside "để": query.ts purposeMarkerPairs) */
  purposePairs: ReadonlyMap<string, boolean>;
  /** pairs of names and aliases with a word spelt as a function word but written as a content word (query.ts contentWordPairs) */
  contentPairs: ReadonlyMap<string, ContentWordPair>;
  /** pairs of names and aliases with a word spelt as a one-word synonym written with marks, and its tones there (query.ts synonymWordPairs) */
  wordPairs: SynonymWordPairs;
  /** the constants of the sibling and variant steps (SIBLING_TUNING) */
  sibling: Readonly<SiblingTuning>;
}

/** Tokens of a text, cached while an index is built (names and documents repeat across procedures). */
let tokenCache: Map<string, Token[]> | null = null;

function tokensOf(text: string): Token[] {
  if (tokenCache === null) return tokenize(text);
  let tokens = tokenCache.get(text);
  if (tokens === undefined) {
    // (a text of several lines, an alias as read: its lines' tokens one after another, as the
    // build reads each line too — no word runs across a line, nor does NFC or lower case)
    tokens = text.includes("\n") ? text.split("\n").flatMap(tokensOf) : tokenize(text);
    tokenCache.set(text, tokens);
  }
  return tokens;
}

const keysOf = (text: string): string[] => tokensOf(text).map((t) => t.key);

/**
 * Pairs of adjacent words ("a b", in MiniSearch too), one string each while an index is built:
 * the catalog repeats the same pairs thousands of times, and a string built anew for each was
 * hashed again by every set and map it went into and kept alive apart (most of the build's
 * garbage collection).
 */
let pairCache: Map<string, Map<string, string>> | null = null;

function pairOf(a: string, b: string): string {
  if (pairCache === null) return `${a} ${b}`;
  let after = pairCache.get(a);
  if (after === undefined) pairCache.set(a, (after = new Map()));
  let pair = after.get(b);
  if (pair === undefined) after.set(b, (pair = `${a} ${b}`));
  return pair;
}

/** Terms of catalog text, as MiniSearch indexes them: each line's folded syllables, then its adjacent pairs. */
function textTerms(text: string): string[] {
  const out: string[] = [];
  const lines = text.split("\n");
  for (let l = 0; l < lines.length; l++) {
    const tokens = tokensOf(lines[l]!);
    for (let i = 0; i < tokens.length; i++) out.push(tokens[i]!.key);
    for (let i = 1; i < tokens.length; i++) out.push(pairOf(tokens[i - 1]!.key, tokens[i]!.key));
  }
  return out;
}

/** The words and pairs of texts (their tokens) as written with marks (tone signatures), and the terms written with marks. */
function marksOf(texts: readonly (readonly Token[])[]): { strongTones: Set<string>; markedTerms: Set<string> } {
  const strongTones = new Set<string>();
  const markedTerms = new Set<string>();
  for (const tokens of texts) {
    let prev: Token | undefined;
    let prevTone = "";
    // a text written with marks writes its unmarked words as they are ("Giao đất" is not "giáo");
    // only a text typed wholly without marks (an alias such as "dang ky khai sinh") says nothing
    const written = tokens.some((t) => t.marked);
    for (const t of tokens) {
      const tone = sameToneKey(t.tone);
      strongTones.add(tone);
      if (written) markedTerms.add(t.key);
      if (prev) {
        strongTones.add(pairOf(prevTone, tone));
        if (written) markedTerms.add(pairOf(prev.key, t.key));
      }
      prev = t;
      prevTone = tone;
    }
  }
  return { strongTones, markedTerms };
}

/** Syllables (not function words, read by their marks) and pairs of a text, each once, in order. */
function termsOf(text: string, isStop: (t: Token) => boolean): readonly string[] {
  const own = new Set<string>();
  const lines = text.split("\n");
  for (let l = 0; l < lines.length; l++) {
    const tokens = tokensOf(lines[l]!);
    for (let i = 0; i < tokens.length; i++) {
      const t = tokens[i]!;
      if (!isStop(t)) own.add(t.key);
      if (i > 0) own.add(pairOf(tokens[i - 1]!.key, t.key));
    }
  }
  return [...own];
}

/** What a catalog text is to the index build (TermTable.numbersOf). */
const enum TextKind {
  /** an alias as read (readAlias): its terms only */
  Reading,
  /** a procedure's name or alias: its terms, the words it writes with marks and those it writes without (in a text written with marks) */
  Named,
  /** a document name or a field: its terms and the words it writes with marks */
  Document,
}

/**
 * The catalog's terms while an index is built, numbered in the order the build first counts them
 * (the order a map of them kept), and each catalog text's terms (termsOf) as numbers: the build
 * counts in how many procedures each term is used by number, in arrays, where a map looked every
 * term of every text up by its string for each procedure that uses the text (the same document
 * names come back across the catalog); a text's terms as strings are made when a procedure needs
 * them (Doc.strongTerms, weakTerms). Each text is read once, its marks too (written, tonesOf, flat).
 */
class TermTable {
  /** by term number: the term, its syllables' key numbers (a syllable: its own and −1), and the counts */
  readonly terms: string[] = [];
  readonly firstKey: number[] = [];
  readonly secondKey: number[] = [];
  /** procedures that use it */
  readonly df: number[] = [];
  /** procedures whose name or aliases use it */
  readonly strongDf: number[] = [];
  /** the last procedure counted (a term a procedure says twice counts once) */
  readonly lastDoc: number[] = [];
  /** by term number: the last text whose terms listed it */
  private readonly listedIn: number[] = [];
  private readonly keyNumbers = new Map<string, number>();
  /** by key number: the key and its term number (−1 until a text uses it as a term, not as a function word) */
  readonly keys: string[] = [];
  private readonly keyTerm: number[] = [];
  /** by key number: a key that is no term as indexTerms gives it (behind a NUL), once asked */
  private readonly unindexed: string[] = [];
  /** the pairs' term numbers + 1 (0: a free slot), by their keys' numbers (open addressing: the slot after a taken one) */
  // (room for 32,768 pairs without growing: the catalog writes some 22,000)
  private pairSlots = new Int32Array(1 << 16);
  private pairCount = 0;
  /** by key number: whether a text written with marks writes it without (tonesOf has its 0), and whether a name or alias does (flat has it) */
  private readonly plainWritten: boolean[] = [];
  private readonly plainNamed: boolean[] = [];
  /**
   * Each text read, by number (its entry, by the text), and every text's terms one after another
   * (numbersOf): text e's from start[e] to end[e] of `numbers`. (One buffer for all: a typed array a
   * text was thousands of small allocations, kept the whole build.)
   */
  private readonly entryOf = new Map<string, number>();
  readonly start: number[] = [];
  readonly end: number[] = [];
  /** the kinds each text was read as (1 << TextKind) */
  private readonly kinds: number[] = [];
  // (room for 262,144 numbers without growing: the catalog's texts list some 222,000. A buffer
  // grown is a field set anew, and V8 then throws away the code it compiled meanwhile that read the
  // field as it was — count's loop, numbersOf — halfway through the build)
  numbers: Int32Array<ArrayBuffer> = new Int32Array(1 << 18);
  private used = 0;
  /**
   * A name's or alias's terms as MiniSearch indexes them (textTerms): its key numbers, then its
   * pairs' term numbers, from indexedAt[e] of `indexed` (−1: none kept), until it has (indexTerms).
   */
  // (room for 131,072 without growing, as `numbers`: the names and aliases need some 116,000)
  private indexed: Int32Array<ArrayBuffer> = new Int32Array(1 << 17);
  private indexedUsed = 0;
  private readonly indexedAt: number[] = [];
  private readonly indexedWords: number[] = [];
  /** the words the catalog writes with marks, as written (tone signatures) */
  readonly written = new Set<string>();
  /** the tones it writes each word with in texts written with marks (0 for a word written there without) */
  readonly tonesOf = new Map<string, Set<number>>();
  /** the words names and aliases written with marks write without them */
  readonly flat = new Set<string>();

  constructor(private readonly isStop: (t: Token) => boolean) {}

  private keyNumber(key: string): number {
    let k = this.keyNumbers.get(key);
    if (k === undefined) {
      k = this.keys.length;
      this.keyNumbers.set(key, k);
      this.keys.push(key);
      this.keyTerm.push(-1);
      this.plainWritten.push(false);
      this.plainNamed.push(false);
    }
    return k;
  }

  private newTerm(term: string, first: number, second: number): number {
    const n = this.terms.length;
    this.terms.push(term);
    this.firstKey.push(first);
    this.secondKey.push(second);
    this.df.push(0);
    this.strongDf.push(0);
    this.lastDoc.push(-1);
    this.listedIn.push(-1);
    return n;
  }

  /** The term number of the pair of two keys (numbered the first time). */
  private pairTerm(a: number, b: number): number {
    const slots = this.pairSlots;
    const mask = slots.length - 1;
    let h = Math.imul(a ^ Math.imul(b, 0x9e3779b1), 0x85ebca6b);
    for (h = (h ^ (h >>> 15)) & mask; slots[h] !== 0; h = (h + 1) & mask) {
      const n = slots[h]! - 1;
      if (this.firstKey[n] === a && this.secondKey[n] === b) return n;
    }
    const n = this.newTerm(`${this.keys[a]} ${this.keys[b]}`, a, b);
    slots[h] = n + 1;
    if (++this.pairCount * 2 > slots.length) this.growPairs();
    return n;
  }

  private growPairs(): void {
    const slots = new Int32Array(this.pairSlots.length * 2);
    const mask = slots.length - 1;
    for (let n = 0; n < this.terms.length; n++) {
      const a = this.firstKey[n]!;
      const b = this.secondKey[n]!;
      if (b < 0) continue;
      let h = Math.imul(a ^ Math.imul(b, 0x9e3779b1), 0x85ebca6b);
      for (h = (h ^ (h >>> 15)) & mask; slots[h] !== 0; h = (h + 1) & mask);
      slots[h] = n + 1;
    }
    this.pairSlots = slots;
  }

  /** The terms of a catalog text (termsOf) as numbers, read as `kind` says: the text's entry (its terms from start[e] to end[e] of `numbers`). */
  numbersOf(text: string, kind: TextKind): number {
    const entry = this.entryOf.get(text);
    if (entry !== undefined && (this.kinds[entry]! & (1 << kind)) !== 0) return entry;
    // (a document's tokens are not kept: the build reads each document name once, here)
    const lines = text.includes("\n") ? text.split("\n") : [text];
    const tokenLists = lines.map(kind === TextKind.Document ? tokenize : tokensOf);
    if (entry !== undefined) {
      // (read before as another kind: its marks only)
      this.kinds[entry]! |= 1 << kind;
      this.readMarks(tokenLists, kind);
      return entry;
    }
    // (a text has at most two terms a word)
    let size = 0;
    for (let l = 0; l < tokenLists.length; l++) size += 2 * tokenLists[l]!.length;
    if (this.numbers.length < this.used + size) this.numbers = grown(this.numbers, this.used + size);
    const list = this.numbers;
    let listed = this.used;
    const mark = this.start.length;
    this.entryOf.set(text, mark);
    this.start.push(listed);
    this.kinds.push(1 << kind);
    // (a name or alias of one line: its terms as MiniSearch indexes them too, its keys then its pairs, textTerms)
    const words = tokenLists[0]!.length;
    let indexed: Int32Array | undefined;
    let at = this.indexedUsed;
    if (kind === TextKind.Named && tokenLists.length === 1) {
      if (this.indexed.length < at + 2 * words) this.indexed = grown(this.indexed, at + 2 * words);
      indexed = this.indexed;
      this.indexedUsed += words > 0 ? 2 * words - 1 : 0;
    } else at = -1;
    this.indexedAt.push(at);
    this.indexedWords.push(words);
    for (let l = 0; l < tokenLists.length; l++) {
      const tokens = tokenLists[l]!;
      let prev = -1;
      for (let i = 0; i < tokens.length; i++) {
        const t = tokens[i]!;
        const k = this.keyNumber(t.key);
        if (indexed) indexed[at + i] = k;
        if (!this.isStop(t)) {
          let n = this.keyTerm[k]!;
          if (n < 0) this.keyTerm[k] = n = this.newTerm(t.key, k, -1);
          if (this.listedIn[n] !== mark) {
            this.listedIn[n] = mark;
            list[listed++] = n;
          }
        }
        if (i > 0) {
          const n = this.pairTerm(prev, k);
          if (indexed) indexed[at + words + i - 1] = n;
          if (this.listedIn[n] !== mark) {
            this.listedIn[n] = mark;
            list[listed++] = n;
          }
        }
        prev = k;
      }
    }
    this.used = listed;
    this.end.push(listed);
    this.readMarks(tokenLists, kind);
    return mark;
  }

  /**
   * A text written with marks (any word of it) writes its words as they are: the tone of each
   * (written, tonesOf; a word without marks there, 0), and for a name or alias the words without (flat).
   */
  private readMarks(tokenLists: readonly (readonly Token[])[], kind: TextKind): void {
    if (kind === TextKind.Reading || !anyMarked(tokenLists)) return;
    for (let l = 0; l < tokenLists.length; l++) {
      const tokens = tokenLists[l]!;
      for (let i = 0; i < tokens.length; i++) {
        const t = tokens[i]!;
        if (t.marked) {
          // (a tone signature is of one key: each once)
          if (this.written.has(t.tone)) continue;
          this.written.add(t.tone);
          this.tonesOfKey(t.key).add(toneOf(t.tone));
          continue;
        }
        const k = this.keyNumber(t.key);
        if (!this.plainWritten[k]) {
          this.plainWritten[k] = true;
          this.tonesOfKey(t.key).add(0);
        }
        if (kind === TextKind.Named && !this.plainNamed[k]) {
          this.plainNamed[k] = true;
          this.flat.add(t.key);
        }
      }
    }
  }

  private tonesOfKey(key: string): Set<number> {
    let tones = this.tonesOf.get(key);
    if (tones === undefined) this.tonesOf.set(key, (tones = new Set()));
    return tones;
  }

  /**
   * The terms of catalog text as MiniSearch indexes them (textTerms): a name's or alias's as the
   * build read it. A word that is no term (a function word wherever the catalog uses it) is given
   * as itself behind a NUL (unindexed): still one distinct token, as MiniSearch counts a field's
   * length, and dropped by processTerm at a glance, with no lookup of the word.
   */
  indexTerms(text: string): string[] {
    if (!text.includes("\n")) return this.lineTerms(text);
    const lines = text.split("\n");
    const out: string[] = [];
    for (let l = 0; l < lines.length; l++) {
      const terms = this.lineTerms(lines[l]!);
      for (let i = 0; i < terms.length; i++) out.push(terms[i]!);
    }
    return out;
  }

  /** textTerms of a line (indexTerms: a word that is no term behind a NUL): a name's or alias's from the numbers the build kept. */
  private lineTerms(line: string): string[] {
    const entry = this.entryOf.get(line);
    const at = entry === undefined ? -1 : (this.indexedAt[entry] ?? -1);
    if (at < 0) {
      // (a field: every word of it was read as a document's, numbersOf)
      const out = textTerms(line);
      for (let i = 0; i < out.length; i++) if (!out[i]!.includes(" ")) out[i] = this.indexedKey(this.keyNumbers.get(out[i]!)!);
      return out;
    }
    const words = this.indexedWords[entry!]!;
    const { indexed, terms } = this;
    const out = new Array<string>(words > 0 ? 2 * words - 1 : 0);
    for (let i = 0; i < words; i++) out[i] = this.indexedKey(indexed[at + i]!);
    for (let i = words; i < out.length; i++) out[i] = terms[indexed[at + i]!]!;
    return out;
  }

  /** The key of key number k as indexTerms gives it: itself, or behind a NUL when it is no term (made once a key). */
  private indexedKey(k: number): string {
    if (this.keyTerm[k]! >= 0) return this.keys[k]!;
    return (this.unindexed[k] ??= `\0${this.keys[k]!}`);
  }

  /**
   * The terms of a text, as termsOf makes them: from its numbers for a catalog text the build read.
   * (It lets go of the lists made for MiniSearch, `indexed`. The rest of the table stays alive as
   * long as the index: the build's closures that MiniSearch keeps, its tokenize and processTerm
   * options, share one scope with the table.)
   */
  reader(): (text: string) => readonly string[] {
    this.indexed = new Int32Array(0);
    this.indexedAt.length = 0;
    const { entryOf, start, end, terms, isStop } = this;
    const numbers = this.numbers.slice(0, this.used);
    return (text) => {
      const entry = entryOf.get(text);
      if (entry === undefined) return termsOf(text, isStop);
      const from = start[entry]!;
      const out = new Array<string>(end[entry]! - from);
      for (let i = 0; i < out.length; i++) out[i] = terms[numbers[from + i]!]!;
      return out;
    };
  }
}

/** Whether a word of the texts is written with marks. (Indexed loops, no closure: the build asks it of every catalog text.) */
function anyMarked(tokenLists: readonly (readonly Token[])[]): boolean {
  for (let l = 0; l < tokenLists.length; l++) {
    const tokens = tokenLists[l]!;
    for (let i = 0; i < tokens.length; i++) if (tokens[i]!.marked) return true;
  }
  return false;
}

/** A copy of `array` with room for `size` numbers at least (twice as many as it had, or more). */
function grown(array: Int32Array<ArrayBuffer>, size: number): Int32Array<ArrayBuffer> {
  const bigger = new Int32Array(Math.max(size, 2 * array.length));
  bigger.set(array);
  return bigger;
}

/** The terms of several texts (termsOf), each once, in order. */
function union(lists: readonly (readonly string[])[]): Set<string> {
  const set = new Set<string>();
  for (let i = 0; i < lists.length; i++) {
    const terms = lists[i]!;
    for (let j = 0; j < terms.length; j++) set.add(terms[j]!);
  }
  return set;
}

/** What the procedures' parts built on demand share: the function-word test, the name tails, the rarities. */
interface DocContext {
  isStop: (t: Token) => boolean;
  /** a text's terms (termsOf; of an index just built, from its TermTable) */
  termsOf: (text: string) => readonly string[];
  /** the plain variant's words (data/stopwords.json plainVariantWords: "lần đầu"), as keys */
  plainPhrases: readonly (readonly string[])[];
  tails: readonly RegExp[];
  nameIdf: { get(term: string): number | undefined };
}

/** A procedure's phrases' terms one after another (Doc.flatPhrases). */
interface FlatPhrases {
  /** where each phrase's terms start (and, last, where the last ends) */
  starts: readonly number[];
  /** each term's rarity (NamePhrase.idfs) */
  idfs: readonly number[];
  /** where each term is */
  placesOf: ReadonlyMap<string, readonly number[]>;
  /** the phrase of each place */
  phraseAt: readonly number[];
}

interface NamePhrase {
  terms: readonly string[];
  idfs: number[];
  total: number;
  whole: boolean;
  name: boolean;
  read: boolean;
}

/**
 * A procedure as the search scores it. The index build reads every text of every procedure once
 * (each text's tokens and terms: the rarities, MiniSearch and typo repair need them all); the
 * sets and phrases scoring reads are made from those the first time a question makes the
 * procedure a candidate (a question scores 20 of 440), in microseconds, and kept: the same
 * values, in the same order, as if built with the index.
 */
class Doc {
  private strongSet: Set<string> | undefined;
  private weakSet: Set<string> | undefined;
  private marks: { strongTones: Set<string>; markedTerms: Set<string> } | undefined;
  private phraseList: NamePhrase[] | undefined;
  private flat: FlatPhrases | undefined;
  private strongKeyList: string[][] | undefined;
  private aboutKeyList: string[][] | undefined;
  private paperKeyList: string[][] | undefined;
  private nameTermSet: Set<string> | undefined;
  private partKeyList: string[][] | undefined;
  private ageRangeOf: { min?: number; max?: number } | null | undefined;
  private namedValues: Map<string, Set<number>> | undefined;
  private strongTokenList: readonly (readonly Token[])[] | undefined;
  private strongTermList: readonly (readonly string[])[] | undefined;
  private weakTermList: readonly (readonly string[])[] | undefined;

  constructor(
    readonly id: number,
    readonly code: string,
    readonly name: string,
    readonly curated: boolean,
    private readonly field: string,
    private readonly aliasCount: number,
    /** the name, each alias, then each alias as read (readAlias) */
    readonly strongTexts: readonly string[],
    /** each document name, then the field */
    readonly weakTexts: readonly string[],
    private readonly context: DocContext,
  ) {}

  // The texts' tokens and terms, made on first use: a fresh build reads them all (for the
  // rarities), an index read from a snapshot (snapshot.ts) only those of the procedures a question
  // makes candidates; the same values either way (the build's caches only share them).

  /** the tokens of the name, each alias, then each alias as read */
  get strongTokens(): readonly (readonly Token[])[] {
    return (this.strongTokenList ??= this.strongTexts.map(tokensOf));
  }

  /** Reads the tokens of the name, aliases and readings now (while an index is built, from its cache). */
  keepTokens(): void {
    this.strongTokenList ??= this.strongTexts.map(tokensOf);
  }

  /** the terms of the name, each alias, then each alias as read */
  get strongTerms(): readonly (readonly string[])[] {
    return (this.strongTermList ??= this.strongTexts.map(this.context.termsOf));
  }

  /** the terms of each document name and of the field */
  get weakTerms(): readonly (readonly string[])[] {
    return (this.weakTermList ??= this.weakTexts.map(this.context.termsOf));
  }

  /** terms of the name and aliases */
  get strong(): Set<string> {
    return (this.strongSet ??= union(this.strongTerms));
  }

  /** terms of documents and field */
  get weak(): Set<string> {
    return (this.weakSet ??= union(this.weakTerms));
  }

  /** the name's and aliases' words and pairs as written with marks ("vắng" as "văng1") */
  get strongTones(): Set<string> {
    return (this.marks ??= marksOf(this.strongTokens)).strongTones;
  }

  /** the terms the name and aliases write with marks somewhere */
  get markedTerms(): Set<string> {
    return (this.marks ??= marksOf(this.strongTokens)).markedTerms;
  }

  /** the name (whole and without brackets), its parts and each alias: terms with their rarity */
  get phrases(): readonly NamePhrase[] {
    if (this.phraseList === undefined) {
      const { isStop, tails, nameIdf } = this.context;
      const plain = plainVariantTerms(this.name, this.context.plainPhrases);
      const phrase = (terms: readonly string[], whole: boolean, name: boolean, read: boolean): NamePhrase => {
        const idfs = terms.map((t) => (name && plain.has(t) ? 0 : nameIdf.get(t) ?? 0));
        return { terms, idfs, total: idfs.reduce((a, b) => a + b, 0), whole, name, read };
      };
      const aliasesEnd = 1 + this.aliasCount;
      this.phraseList = [
        ...nameParts(this.name, tails).map((text, i) => phrase(i === 0 ? this.strongTerms[0]! : termsOf(text, isStop), i < 2, true, false)),
        ...this.strongTerms.slice(1, aliasesEnd).map((terms) => phrase(terms, true, false, false)),
        ...this.strongTerms.slice(aliasesEnd).map((terms) => phrase(terms, true, false, true)),
      ].filter((ph) => ph.terms.length > 0);
    }
    return this.phraseList;
  }

  /**
   * The phrases' terms one after another (phrase p at starts[p], its terms' rarities in idfs),
   * and where each term is among them: how the question's terms are found in the phrases without
   * looking up every term of every phrase.
   */
  get flatPhrases(): FlatPhrases {
    if (this.flat === undefined) {
      const phrases = this.phrases;
      const starts: number[] = [];
      const idfs: number[] = [];
      const placesOf = new Map<string, number[]>();
      const phraseAt: number[] = [];
      for (let p = 0; p < phrases.length; p++) {
        starts.push(idfs.length);
        const { terms } = phrases[p]!;
        for (let i = 0; i < terms.length; i++) {
          const at = placesOf.get(terms[i]!);
          if (at === undefined) placesOf.set(terms[i]!, [idfs.length]);
          else at.push(idfs.length);
          idfs.push(phrases[p]!.idfs[i]!);
          phraseAt.push(p);
        }
      }
      starts.push(idfs.length);
      this.flat = { starts, idfs, placesOf, phraseAt };
    }
    return this.flat;
  }

  /** keys of the name and aliases (for "does this procedure name the topic itself"), and as the abbreviations they use read ("thẻ BHYT" names "bảo hiểm y tế") */
  get strongKeys(): string[][] {
    return (this.strongKeyList ??= this.strongTokens.flatMap((tokens) => {
      const keys = tokens.map((t) => t.key);
      const read = expandAbbreviations(tokens).map((x) => x.key);
      return read.length === keys.length ? [keys] : [keys, read];
    }));
  }

  /** keys of the name and field (what the procedure is about: livestock, forestry, vehicles…) */
  get aboutKeys(): string[][] {
    return (this.aboutKeyList ??= [this.strongTokens[0]!.map((t) => t.key), keysOf(this.field)]);
  }

  /** keys of each document name (the papers the procedure asks for) */
  get paperKeys(): string[][] {
    return (this.paperKeyList ??= this.weakTexts.slice(0, -1).map(keysOf));
  }

  /** terms of the name alone (what tells it from a near-identical sibling) */
  get nameTerms(): Set<string> {
    return (this.nameTermSet ??= new Set(termsOf(this.name.replace(/\([^)]*\)/g, " "), this.context.isStop)));
  }

  /** the ages the name is for ("… dưới 6 tuổi": at most 5; "… từ đủ 14 tuổi trở lên": 14 at least), or null */
  get ageRange(): { min?: number; max?: number } | null {
    if (this.ageRangeOf === undefined) {
      const keys = keysOf(this.name).join(" ");
      const under = /\bduoi (\d{1,3}) tuoi\b/.exec(keys);
      const from = /\btu (?:du )?(\d{1,3}) tuoi\b/.exec(keys);
      this.ageRangeOf = under || from ? { ...(under ? { max: Number(under[1]) - 1 } : {}), ...(from ? { min: Number(from[1]) } : {}) } : null;
    }
    return this.ageRangeOf;
  }

  /** the values of a quality (data/variants.json exclusive) the name states (valuesStated) */
  valuesNamed(quality: string, values: readonly (readonly Phrase[])[]): Set<number> {
    this.namedValues ??= new Map();
    let named = this.namedValues.get(quality);
    if (named === undefined) this.namedValues.set(quality, (named = valuesStated(tokensOf(this.name), values)));
    return named;
  }

  /** the keys of each part of a name of several ("A: B, C, D"; empty for a name of one part) */
  get partKeys(): string[][] {
    return (this.partKeyList ??= nameParts(this.name, this.context.tails).slice(2).map(keysOf));
  }
}

/**
 * The terms of a name that only say it is the plain variant ("Đăng ký, cấp biển số xe lần đầu"):
 * the words of "lần đầu" there and the pairs joining them to the name. A question that leaves them
 * unsaid still names the whole of such a name: the plain variant is the one meant when none is said.
 */
function plainVariantTerms(name: string, plainPhrases: readonly (readonly string[])[]): Set<string> {
  const out = new Set<string>();
  const keys = keysOf(name);
  for (const phrase of plainPhrases) {
    for (let i = 0; i + phrase.length <= keys.length; i++) {
      if (!phrase.every((k, j) => keys[i + j] === k)) continue;
      for (let j = i; j < i + phrase.length; j++) out.add(keys[j]!);
      for (let j = Math.max(1, i); j <= i + phrase.length && j < keys.length; j++) out.add(`${keys[j - 1]} ${keys[j]}`);
    }
  }
  return out;
}

/**
 * "A, B (x, y)" → the whole name, its core (without brackets and the boilerplate tail, such as
 * "thực hiện tại cấp tỉnh, cấp xã": data/stopwords.json nameTails), and each part of the core.
 */
function nameParts(name: string, tails: readonly RegExp[]): string[] {
  let head = name.replace(/\([^)]*\)/g, " ");
  for (const tail of tails) head = head.replace(tail, " ");
  const parts = head.split(/[,;:]/).map((p) => p.trim()).filter((p) => p.split(/\s+/).length >= 2);
  return [name, head, ...(parts.length > 1 ? parts : [])];
}

export function buildSearchIndex(procedures: readonly SearchableProcedure[]): CatalogSearchIndex {
  tokenCache = new Map();
  pairCache = new Map();
  try {
    return build(procedures);
  } finally {
    tokenCache = null;
    pairCache = null;
  }
}

/** The function-word test, the name tails and (set once the rarities are known) the rarities the procedures share. */
function docContext(data: SearchData): DocContext {
  const stop = data.stopWords;
  const isStop = (t: Token): boolean => (t.marked ? data.stopTones.has(t.tone) : stop.has(t.key));
  // a boilerplate tail starts at its first word and runs to the end of the name
  const tails = data.nameTails.map((t) => new RegExp(`\\s${t.replace(/[.*+?^${}()|[\]\\]/g, "\\$&")}(\\s.*)?$`, "iu"));
  return { isStop, termsOf: (text) => termsOf(text, isStop), tails, plainPhrases: data.plainVariantWords.map(keysOf), nameIdf: new Map() };
}

/** The procedures as the search scores them, their aliases read as `readings` says. */
function makeDocs(procedures: readonly SearchableProcedure[], readings: readonly (readonly string[])[], context: DocContext): Doc[] {
  return procedures.map(
    (p, id) => new Doc(id, p.code, p.name, p.origin === "CURATED", p.field ?? "", p.aliases.length, [p.name, ...p.aliases, ...readings[id]!], [...p.documentNames, p.field ?? ""], context),
  );
}

function build(procedures: readonly SearchableProcedure[]): CatalogSearchIndex {
  const data = searchData();
  const stop = data.stopWords;
  const context = docContext(data);
  // aliases are citizens' words, and a question's colloquial phrases are read as the catalog's
  // words (synonyms.json): an alias saying "sổ đỏ" never meets a question saying it, which reads
  // "giấy chứng nhận quyền sử dụng đất". So each alias is also read as a question is, and how much
  // of it a question covers counts that reading too. Not read: synonyms that keep the citizen's
  // words (the alias still meets them), those that count less than fully (a text has no weights),
  // and those whose meaning opens another procedure's name ("hộ nghèo" → "công nhận hộ nghèo, hộ
  // cận nghèo"): they would read the alias into that procedure (the alias of a school-cost support
  // saying "hộ nghèo" is not the recognition of poor households).
  const nameKeys = procedures.map((p) => ` ${keysOf(p.name).join(" ")} `);
  // (a name may open with "Thủ tục")
  // (by their first word: an opening is looked for only among the names that start with its word)
  const firstWord = (k: string): string => k.slice(1, k.indexOf(" ", 1));
  const nameOpenings = new Map<string, string[]>();
  for (let i = 0; i < nameKeys.length; i++) {
    const k = nameKeys[i]!.replace(/^ thu tuc /, " ");
    const same = nameOpenings.get(firstWord(k));
    if (same === undefined) nameOpenings.set(firstWord(k), [k]);
    else same.push(k);
  }
  const opensAName = (means: string): boolean => {
    const opening = ` ${means} `;
    return nameOpenings.get(firstWord(opening))?.some((k) => k.startsWith(opening)) ?? false;
  };
  // (decided once per synonym: true, never read; false, always read; a meaning, read only into
  // a procedure whose name says it)
  const notRead = new Map<Synonym, boolean | string>();
  const notReadOf = (s: Synonym): boolean | string => {
    let rule = notRead.get(s);
    if (rule === undefined) {
      const means = s.means.join(" ");
      rule = s.keep || s.weight < 1 || (opensAName(means) ? ` ${means} ` : false);
      notRead.set(s, rule);
    }
    return rule;
  };
  // (each alias tokenized once: its tokens stay in the build's cache, as tokensOf makes them)
  const readOf = procedures.map((p, id) =>
    p.aliases.flatMap((a) => {
      const written: string[] = [];
      const tokens = tokenizeWritten(a, written);
      if (!tokenCache!.has(a)) tokenCache!.set(a, tokens);
      return (
        readAlias(tokens, written, (s) => {
          const rule = notReadOf(s);
          return typeof rule === "string" ? !nameKeys[id]!.includes(rule) : rule;
        }) ?? []
      );
    }),
  );
  const docs = makeDocs(procedures, readOf, context);

  const n = Math.max(1, docs.length);
  // rarity among names and aliases (documents mention "bản sao có chứng thực" everywhere); words
  // found only in documents and fields take their rarity there
  // (The build runs once in a process, much of it before V8 has optimised it: its loops index
  // arrays and call forEach on maps, where a for…of would allocate an iterator result, and an
  // entry, for each step.)
  const table = new TermTable(context.isStop);
  const { df, strongDf, lastDoc, terms } = table;
  const strongTerms = new Set<string>();
  const count = (id: number, texts: readonly string[], strong: boolean): void => {
    // (a procedure's name and aliases, then its aliases as read; or its documents and field)
    const named = strong ? 1 + procedures[id]!.aliases.length : 0;
    for (let i = 0; i < texts.length; i++) {
      const entry = table.numbersOf(texts[i]!, !strong ? TextKind.Document : i < named ? TextKind.Named : TextKind.Reading);
      // (read after numbersOf: it may have grown)
      const { numbers } = table;
      for (let j = table.start[entry]!, end = table.end[entry]!; j < end; j++) {
        const t = numbers[j]!;
        if (lastDoc[t] === id) continue;
        lastDoc[t] = id;
        df[t]!++;
        if (strong && strongDf[t]!++ === 0) strongTerms.add(terms[t]!);
      }
    }
  };
  for (let id = 0; id < docs.length; id++) {
    // (the tokens of its name, aliases and readings, read here, stay with the procedure)
    docs[id]!.keepTokens();
    count(id, docs[id]!.strongTexts, true);
    count(id, docs[id]!.weakTexts, false);
  }

  const words = new Set<string>(stop);
  const bigrams = new Set<string>();
  const frequency = new Map<string, number>();
  // the words typo repair aims at: those of names, aliases and fields, and words documents use
  // more than twice (a rare word of a long document text is more likely a slip of the citizen's)
  // generic words count for little: their weight is a fraction of their rarity
  // a pair of two generic or function words ("xin giấy", "làm giấy") is generic too
  const generic = new Set(data.generic);
  // (by key number: 0 not asked yet, 1 no, 2 yes; not an array of holes filled out of order)
  const plainKeys = new Uint8Array(table.keys.length);
  const plain = (key: number): boolean => {
    let is = plainKeys[key]!;
    if (is === 0) {
      const k = table.keys[key]!;
      plainKeys[key] = is = data.generic.has(k) || stop.has(k) || /^\d+$/.test(k) ? 2 : 1;
    }
    return is === 2;
  };
  // (a name's generic words still tell siblings apart: "cấp lại" against "cấp đổi")
  const numbers = new Map<string, number>();
  const idfs = new Float64Array(terms.length);
  const nameIdfs = new Float64Array(terms.length);
  const { firstKey, secondKey } = table;
  for (let i = 0; i < terms.length; i++) {
    const t = terms[i]!;
    const f = df[i]!;
    const sf = strongDf[i]!;
    const pair = secondKey[i]! >= 0;
    if (sf > 0 || f > 2) {
      if (pair) bigrams.add(t);
      else {
        words.add(t);
        frequency.set(t, f);
      }
    }
    if (pair && plain(firstKey[i]!) && plain(secondKey[i]!)) generic.add(t);
  }
  for (let i = 0; i < terms.length; i++) {
    const t = terms[i]!;
    numbers.set(t, i);
    const used = strongDf[i]! > 0 ? strongDf[i]! : df[i]!;
    const v = Math.log(1 + (n - used + 0.5) / (used + 0.5));
    nameIdfs[i] = v;
    idfs[i] = generic.has(t) ? v * GENERIC_FACTOR : v;
  }
  const idf = new TermValues(numbers, idfs);
  const nameIdf = new TermValues(numbers, nameIdfs);
  context.nameIdf = nameIdf;
  // (the words and pairs of the synonyms' and topics' phrases: indexed loops, as above)
  const phraseWords = (keys: readonly string[]): void => {
    for (let i = 0; i < keys.length; i++) {
      words.add(keys[i]!);
      if (i > 0) bigrams.add(pairOf(keys[i - 1]!, keys[i]!));
    }
  };
  const { synonyms, topics } = data;
  for (let i = 0; i < synonyms.length; i++) {
    const s = synonyms[i]!;
    phraseWords(s.say.keys);
    for (let j = 0; j < s.means.length; j++) words.add(s.means[j]!);
  }
  for (let i = 0; i < topics.length; i++) for (let j = 0; j < topics[i]!.terms.length; j++) phraseWords(topics[i]!.terms[j]!.keys);
  for (const k of data.subjectKeys) words.add(k);
  for (const words2 of data.abbreviations.values()) for (const k of words2) words.add(k);

  // document names are long and only weak evidence: they are scored (Doc.weak), not indexed.
  // MiniSearch's terms are the catalog's (a pair is "a b": a query's terms are one a line).
  // A word no procedure's texts use but as a function word is never a question's term
  // (candidateTerms: only terms with a rarity are searched), so it is not indexed: MiniSearch
  // counts a field's length before processTerm, so every score stays the same.
  const mini = new CatalogMiniSearch({
    fields: ["name", "aliases", "field"],
    tokenize: (text) => table.indexTerms(text),
    // (a pair is always a term: numbersOf made one of each pair of every text; a word that is no
    // term comes behind a NUL, indexTerms)
    processTerm: (t) => (t.charCodeAt(0) === 0 ? null : t),
    searchOptions: { tokenize: (q) => q.split("\n").filter((t) => t !== ""), processTerm: (t) => t },
  });
  mini.addAll(
    procedures.map((p, id) => ({ id, name: p.name, aliases: p.aliases.join("\n"), field: p.field ?? "" })),
  );
  context.termsOf = table.reader();

  const byCode = new Map(docs.map((d) => [d.code, d]));
  const groupsOf = new Map<string, VariantGroup[]>();
  for (const g of data.groups) for (const m of g.members) if (byCode.has(m.code)) groupsOf.set(m.code, [...(groupsOf.get(m.code) ?? []), g]);

  // the words names and aliases written with marks write without them ("gia" of "gia hạn"); the
  // words the catalog writes with marks, as written (what typo repair leaves alone when typed so);
  // and the tones it writes each word with, in texts written with marks ("được": "duoc" is 5)
  const { flat, written, tonesOf } = table;
  // (the tokens each procedure kept of its name and aliases: the build's cache's, not looked up again)
  const texts: (readonly Token[])[] = [];
  for (let id = 0; id < docs.length; id++) {
    const strong = docs[id]!.strongTokens;
    for (let i = 0, named = 1 + procedures[id]!.aliases.length; i < named; i++) texts.push(strong[i]!);
  }
  // (the four tables of their pairs, read in one pass)
  const { needPairs, purposePairs, contentPairs, synonymPairs } = namePairTables(texts);
  const index: IndexData = { mini, postings: new Map(), stored: null, readings: readOf, docs, byCode, idf, terms, nameIdf, vocabulary: { words, bigrams, frequency, flat, written, tonesOf }, groupsOf, generic, stop, strongTerms, maxIdf: Math.log(1 + (n - 0.5) / 1.5), commonIdf: Math.log(1 + (n - COMMON_SHARE * n + 0.5) / (COMMON_SHARE * n + 0.5)), plainTerms: new Set(data.plainVariantWords.flatMap(keysOf)), markerPairs: needPairs, purposePairs, contentPairs, wordPairs: synonymPairs, sibling: SIBLING_TUNING };
  return index as unknown as CatalogSearchIndex;
}

/**
 * The words that pick candidates: not those a large share of names use ("đăng ký", "cấp"). They
 * tell nothing apart there, and each brings most of the catalog into MiniSearch's results (most
 * of a question's time); they still count in every candidate's score. A question of such words
 * alone picks with them.
 */
function candidateTerms(data: IndexData, known: readonly [string, number][]): string[] {
  const rare = known.filter(([t]) => (data.nameIdf.get(t) ?? 0) >= data.commonIdf).map(([t]) => t);
  return rare.length > 0 ? rare : known.map(([t]) => t);
}

/** MiniSearch's fields, in its order, and how much a term found in each counts. */
const FIELDS = ["name", "aliases", "field"] as const;
const FIELD_BOOSTS = [3, 3, 0.8] as const;

/** One term's BM25 score in each field (FIELDS), by procedure, in MiniSearch's order (procedures as added). */
type TermPostings = readonly { ids: number[]; scores: number[] }[];

/**
 * Every indexed term's postings, one after another: term i's postings of field f are ids and
 * scores from offsets[i × 3 + f] to offsets[i × 3 + f + 1] (read whole from a snapshot, in
 * typed arrays: no object a posting).
 */
interface StoredPostings {
  terms: Map<string, number>;
  offsets: Uint32Array;
  ids: Uint32Array;
  scores: Float64Array;
}

/**
 * A term's postings, asked of MiniSearch once a field (unboosted: its BM25 score itself) the
 * first time a question searches the term, and kept with the index: they depend on the catalog
 * alone, and the same few thousand terms come back question after question.
 */
function termPostings(data: IndexData, term: string): TermPostings {
  let postings = data.postings.get(term);
  if (postings === undefined) {
    const { mini, stored } = data;
    if (mini === null) {
      // (an index read from a snapshot: a term not stored has no postings)
      const at = stored!.terms.get(term);
      const { offsets, ids, scores } = stored!;
      postings = FIELDS.map((_, f) => {
        const from = at === undefined ? 0 : offsets[at * FIELDS.length + f]!;
        const to = at === undefined ? 0 : offsets[at * FIELDS.length + f + 1]!;
        return { ids: Array.from(ids.subarray(from, to)), scores: Array.from(scores.subarray(from, to)) };
      });
    } else {
      postings = FIELDS.map((field) => {
        const found = mini.search(term, { fields: [field] }).map((r) => ({ id: r.id as number, score: r.score }));
        // (MiniSearch lists a term's procedures in the order they were added: by id)
        found.sort((a, b) => a.id - b.id);
        return { ids: found.map((r) => r.id), scores: found.map((r) => r.score) };
      });
    }
    data.postings.set(term, postings);
  }
  return postings;
}

/**
 * The `limit` best of the procedures that use the terms, by BM25 score, best first: MiniSearch's OR search with the
 * field boosts and each term boosted by its weight (pairs more), to the last bit (the same
 * products, the same sums in the same order, multiplied by the number of terms matched, ties in
 * the same order), then curated procedures' scores boosted. Computed here from each term's
 * postings (termPostings): MiniSearch's search would score every posting of every term again
 * for each question, building objects and maps for each.
 */
function bm25Hits(data: IndexData, terms: readonly string[], weightOf: ReadonlyMap<string, number>, limit: number): { id: number; score: number }[] {
  const n = data.docs.length;
  const total = new Float64Array(n);
  const termScore = new Float64Array(n);
  const matched = new Uint16Array(n);
  const inTerm = new Uint8Array(n);
  const order: number[] = [];
  const touched: number[] = [];
  for (let i = 0; i < terms.length; i++) {
    const term = terms[i]!;
    const postings = termPostings(data, term);
    const boost = (weightOf.get(term) ?? 1) * (term.includes(" ") ? 1.5 : 1);
    touched.length = 0;
    for (let f = 0; f < FIELDS.length; f++) {
      const { ids, scores } = postings[f]!;
      const fieldBoost = FIELD_BOOSTS[f]!;
      for (let k = 0; k < ids.length; k++) {
        const id = ids[k]!;
        // (MiniSearch: term weight 1 × term boost × field boost × document boost 1 × BM25)
        const w = boost * fieldBoost * scores[k]!;
        if (inTerm[id] === 0) {
          inTerm[id] = 1;
          termScore[id] = w;
          touched.push(id);
        } else termScore[id] = termScore[id]! + w;
      }
    }
    for (let k = 0; k < touched.length; k++) {
      const id = touched[k]!;
      inTerm[id] = 0;
      if (matched[id] === 0) {
        order.push(id);
        total[id] = termScore[id]!;
      } else total[id] = total[id]! + termScore[id]!;
      matched[id] = matched[id]! + 1;
    }
  }
  // MiniSearch's score (times the number of terms matched) sorted best first, ties as found; then
  // with curated procedures' boost (a document's boost multiplies each of its term scores, so it is
  // applied to the sum here) sorted again: the order of (boosted score, score, as found). Only the
  // best `limit` are kept, in that order.
  const best: { id: number; score: number; plain: number; found: number }[] = [];
  const ahead = (score: number, plain: number, found: number, of: (typeof best)[number]): boolean => score > of.score || (score === of.score && (plain > of.plain || (plain === of.plain && found < of.found)));
  for (let found = 0; found < order.length; found++) {
    const id = order[found]!;
    const plain = total[id]! * matched[id]!;
    const score = data.docs[id]!.curated ? plain * CURATED_BM25_BOOST : plain;
    if (best.length === limit && !ahead(score, plain, found, best[limit - 1]!)) continue;
    let at = best.length;
    while (at > 0 && ahead(score, plain, found, best[at - 1]!)) at--;
    best.splice(at, 0, { id, score, plain, found });
    if (best.length > limit) best.pop();
  }
  return best;
}

interface Scored {
  doc: Doc;
  confidence: number;
  /** how much of the procedure's whole name or an alias the question covers */
  nameCovered: number;
  rank: number;
  /** after a story, how much of the rare words of the clause stating the need the procedure explains (0 without one) */
  needShare: number;
  /** in a short question (SHORT_WORDS), its rare words the procedure's name, aliases and documents never say */
  missing: readonly string[];
}

const contentPairsOf = new WeakMap<IndexData, Set<string>>();

/**
 * The pairs that names and aliases write with a word spelt as a function word but written as
 * another, a content word ("tạm vắng": "vang" is also "vâng"), found once per index, the first
 * time a question asks.
 */
function pairsWithContentWord(data: IndexData): Set<string> {
  let pairs = contentPairsOf.get(data);
  if (pairs !== undefined) return pairs;
  pairs = new Set<string>();
  const { stopWords, stopTones } = searchData();
  const keyOf = (tone: string): string => syllableKey(tone.replace(/\d$/u, ""));
  const content = (tone: string): boolean => {
    const key = keyOf(tone);
    return key !== tone && stopWords.has(key) && !stopTones.has(tone);
  };
  for (const doc of data.docs) {
    for (const tone of doc.strongTones) {
      const space = tone.indexOf(" ");
      if (space < 0) continue;
      const a = tone.slice(0, space);
      const b = tone.slice(space + 1);
      if (content(a) || content(b)) pairs.add(`${keyOf(a)} ${keyOf(b)}`);
    }
  }
  contentPairsOf.set(data, pairs);
  return pairs;
}

function scoreQuery(data: IndexData, q: ReadQuery): Scored[] {
  // a word said only as part of a generic pair ("gia" and "hạn" of "gia hạn") is generic too
  const inGenericPair = new Set<string>();
  for (const t of q.terms.keys()) if (t.includes(" ") && data.generic.has(t)) for (const k of t.split(" ")) inGenericPair.add(k);
  for (const t of q.terms.keys()) {
    if (!t.includes(" ") || data.generic.has(t) || !data.idf.has(t) || q.stopPairs.has(t)) continue;
    for (const k of t.split(" ")) inGenericPair.delete(k);
  }
  // the words of a generic pair the data names ("thủ tục"), not one made of two function words ("từ cho")
  const inListedGeneric = new Set<string>();
  const listed = searchData().generic;
  for (const t of q.terms.keys()) if (t.includes(" ") && listed.has(t)) for (const k of t.split(" ")) inListedGeneric.add(k);
  const terms = [...q.terms].map(([t, w]): [string, number] => [t, inGenericPair.has(t) ? w * GENERIC_FACTOR : w]);
  if (terms.length === 0) return [];
  const known = terms.filter(([t]) => data.idf.has(t));
  if (known.length === 0) return [];
  const weightOf = new Map(terms);
  const hits = bm25Hits(data, candidateTerms(data, known), weightOf, CANDIDATES);
  if (hits.length === 0) return [];

  // what the question says, weighed by rarity. Words the catalog never uses in a name or alias
  // are content it does not explain, pooled (a long story weighs less than as many catalog
  // words); pairs with a function word count only where a procedure has them.
  // (a pair whose function word was typed without marks, and that a name or alias writes with a
  // content word of those letters, is read as that pair: "tam vang" is "tạm vắng")
  const contentPairs = q.plainStopPairs.size > 0 ? pairsWithContentWord(data) : null;
  const stopPair = (t: string): boolean => q.stopPairs.has(t) && !(contentPairs !== null && q.plainStopPairs.has(t) && contentPairs.has(t));
  let total = 0;
  let loose = 0;
  // (a term a long reading of few words put in makes up its share of the question: query.ts readShare)
  for (const [t, w] of terms) {
    const idf = data.idf.get(t);
    if (stopPair(t)) continue;
    if (idf !== undefined && data.strongTerms.has(t)) total += w * (q.shares.get(t) ?? 1) * idf;
    else if (!t.includes(" ")) loose += w * (q.shares.get(t) ?? 1);
  }
  total += UNKNOWN_IDF * Math.sqrt(loose);
  const tones = new Map([...q.tones].map(([t, tone]) => [t, tone.split(" ").map(sameToneKey).join(" ")]));
  // the clause stating the need, after a story ("…, giờ muốn …"): how much of it a candidate explains breaks ties
  const rarity = (clause: ReadonlySet<string>): number => {
    let sum = 0;
    for (const t of clause) {
      const idf = data.idf.get(t);
      if (idf !== undefined && data.strongTerms.has(t) && !data.generic.has(t) && !inGenericPair.has(t)) sum += (weightOf.get(t) ?? 0) * idf;
    }
    // only a clause with a rare word says what is needed (one of function and generic words says nothing)
    return sum < data.maxIdf * NEED_RARE ? 0 : sum;
  };
  let needTerms = q.needTerms;
  let needTotal = rarity(needTerms);
  // a need clause that says nothing rare ("…, giờ làm sao?"), or none at all: a hearsay clause
  // ("nghe nói" and a support heard of) names what is hoped for, and counts as one
  if (needTotal === 0 && q.heardTerms.size > 0) {
    needTerms = q.heardTerms;
    needTotal = rarity(needTerms);
  }
  // a question that points back at a paper named earlier ("… tờ xác nhận …; tờ ấy nộp chỗ
  // nào?"): what is needed is that paper, asked for in the sentence that points back (when the
  // words naming it say something rare)
  const referredTotal = q.referredTerms.size > 0 ? rarity(q.referredTerms) : 0;
  if (referredTotal > 0) {
    needTerms = q.referredTerms;
    needTotal = referredTotal;
  }
  const topBm25 = hits[0]!.score;
  const scored: Scored[] = [];
  const pending: { doc: Doc; questionCovered: number; nameCovered: number; readDamped: number; wholeCovered: number; distinctive: number; outright: boolean; bm25: number; needGot: number; missing: readonly string[] }[] = [];
  // what each term the catalog knows counts for, found once for the question, not once a candidate
  // (the catalog's own string for the term: the sets and maps below then find it at once)
  const said: { t: string; w: number; idf: number; wi: number; tone: string | undefined; need: boolean; extra: boolean; distinctive: boolean; rare: boolean }[] = [];
  for (const [typed, w] of terms) {
    const at = data.idf.numbers.get(typed);
    if (at === undefined) continue;
    const idf = data.idf.values[at]!;
    const t = data.terms[at]!;
    const strongTerm = data.strongTerms.has(t);
    const generic = data.generic.has(t) || inGenericPair.has(t);
    said.push({
      t,
      w,
      idf,
      wi: w * (q.shares.get(typed) ?? 1) * idf,
      tone: tones.get(t),
      need: needTotal > 0 && needTerms.has(t) && strongTerm && !generic,
      extra: stopPair(t) || !strongTerm,
      rare: !t.includes(" ") && w >= 0.5 && !generic && idf >= data.maxIdf * SHORT_RARE,
      distinctive: w >= 0.5 && !generic && (stopPair(t) ? idf >= data.maxIdf * STOP_PAIR_DISTINCTIVE && !t.split(" ").some((k) => inListedGeneric.has(k)) : idf >= data.maxIdf * (t.includes(" ") ? 0.26 : 0.44)),
    });
  }
  // a short question: each of its words says what it is about
  const short = said.filter((x) => !x.t.includes(" ")).length <= SHORT_WORDS;
  // what each place of a candidate's phrases says of the question (0 where it says nothing), and
  // which phrases say something (kept zeroed between candidates)
  let share = new Float64Array(256);
  let touched = new Uint8Array(16);
  for (const hit of hits.slice(0, CANDIDATES)) {
    const doc = data.docs[hit.id as number]!;
    // a word typed with its marks matches only a name that writes it so (or an alias typed without)
    const toneOk = (x: (typeof said)[number]): boolean => x.tone === undefined || doc.strongTones.has(x.tone) || !doc.markedTerms.has(x.t);
    let strong = 0;
    let weak = 0;
    let extra = 0;
    let needGot = 0;
    let distinctive = 0;
    let missing: string[] | null = null;
    const { strong: strongSet, weak: weakSet } = doc;
    const { starts, idfs, placesOf, phraseAt } = doc.flatPhrases;
    if (share.length < idfs.length) share = new Float64Array(idfs.length * 2);
    if (touched.length < starts.length) touched = new Uint8Array(starts.length * 2);
    for (let i = 0; i < said.length; i++) {
      const x = said[i]!;
      const inStrong = strongSet.has(x.t);
      const at = placesOf.get(x.t);
      const ok = x.tone === undefined || ((inStrong || at !== undefined) && toneOk(x));
      if (inStrong && ok) {
        strong += x.wi;
        if (x.need) needGot += x.wi;
        if (x.extra) extra += x.wi;
        if (x.distinctive) distinctive = Math.max(distinctive, x.idf);
      } else if (weakSet.has(x.t)) {
        weak += x.wi * WEAK_FACTOR;
        if (x.extra) extra += x.wi * WEAK_FACTOR;
      } else if (x.rare && short && !inStrong) (missing ??= []).push(x.t);
      if (at === undefined || !ok) continue;
      for (let j = 0; j < at.length; j++) {
        const place = at[j]!;
        share[place] = idfs[place]! * Math.min(1, x.w);
        touched[phraseAt[place]!] = 1;
      }
    }
    // a question of function words alone weighs nothing: it covers nothing (not 0/0, which is NaN)
    const questionCovered = total + extra > 0 ? Math.min(1, (strong + weak) / (total + extra)) : 0;
    // how much of the name or an alias the question covers (a part of a long name counts less)
    let nameCovered = 0;
    let wholeCovered = 0;
    // the same, with the aliases as read counting as a part of a name does; and the name itself
    let readDamped = 0;
    let ownName = 0;
    // (a phrase the question says nothing of covers nothing; each phrase's share is summed in the
    // order of its terms, adding nothing for those the question does not say)
    const phrases = doc.phrases;
    for (let p = 0; p < phrases.length; p++) {
      if (touched[p] === 0) continue;
      touched[p] = 0;
      let got = 0;
      for (let place = starts[p]!; place < starts[p + 1]!; place++) {
        got += share[place]!;
        share[place] = 0;
      }
      const phrase = phrases[p]!;
      const all = phrase.total;
      if (all === 0) continue;
      nameCovered = Math.max(nameCovered, (got / all) * (phrase.whole ? 1 : PART_FACTOR));
      readDamped = Math.max(readDamped, (got / all) * (phrase.whole && !phrase.read ? 1 : PART_FACTOR));
      if (phrase.whole) wholeCovered = Math.max(wholeCovered, got / all);
      if (phrase.name && phrase.whole) ownName = Math.max(ownName, got / all);
    }
    pending.push({ doc, questionCovered, nameCovered, readDamped, wholeCovered, distinctive, outright: ownName >= NAMED_OUTRIGHT && distinctive > 0, bm25: hit.score / topBm25, needGot, missing: missing ?? NONE });
  }
  // a question that says a procedure's whole name outright: another's aliases as read (the
  // catalog's words put for a citizen's) count only as a part of a name does
  const outright = pending.some((c) => c.outright);
  for (const c of pending) {
    const nameCovered = outright && !c.outright ? c.readDamped : c.nameCovered;
    let confidence = Math.sqrt(c.questionCovered) * (0.3 + 0.7 * nameCovered);
    // no rare word: common words name a procedure only when they say most of its whole name
    // (each word of "con nuôi … trong nước" is shared with its siblings; together they are one name)
    if (c.distinctive === 0 && !(c.wholeCovered >= COMMON_WORDS_NAME && c.questionCovered >= COMMON_WORDS_QUESTION)) confidence = Math.min(0.3, confidence * 0.5);
    if (c.doc.curated) confidence = Math.min(1, confidence * CURATED_BOOST);
    const needShare = needTotal > 0 ? Math.min(1, c.needGot / needTotal) : 0;
    scored.push({ doc: c.doc, confidence, nameCovered: c.wholeCovered, rank: confidence + BM25_WEIGHT * c.bm25 + EXPLAINED_WEIGHT * c.questionCovered + (confidence >= MATCH_THRESHOLD ? NEED_WEIGHT * needShare : 0), needShare, missing: c.missing });
  }
  // a procedure for an age range that every age the question states falls outside ("con 16 tuổi"
  // beside "… cho trẻ em dưới 6 tuổi") is not the one asked for: it goes behind the others, while
  // another is sure enough to answer
  if (q.ages.length > 0) {
    const outside = (s: Scored): boolean => {
      const r = s.doc.ageRange;
      return r !== null && q.ages.every((a) => (r.min !== undefined && a < r.min) || (r.max !== undefined && a > r.max));
    };
    if (scored.some((s) => s.confidence >= MATCH_THRESHOLD && !outside(s))) for (const s of scored) if (outside(s)) s.rank -= AGE_OUTSIDE;
  }
  // so does one whose name states only other values of a quality than the one value the question
  // states (data/variants.json exclusive: a private school's support asked for a public school)
  for (const quality of searchData().exclusive) {
    const said = valuesStated(q.tokens, quality.values.map((v) => v.says));
    if (said.size !== 1) continue;
    const other = (s: Scored): boolean => {
      const named = s.doc.valuesNamed(quality.id, quality.values.map((v) => v.names));
      return named.size > 0 && !named.has([...said][0]!);
    };
    if (scored.some((s) => s.confidence >= MATCH_THRESHOLD && !other(s))) for (const s of scored) if (other(s)) s.rank -= OTHER_VALUE;
  }
  // a question asking for a benefit ("hỗ trợ học phí") and naming no act of an institution's life
  // is not about founding, merging, dissolving or converting the institution it names ("trường mầm
  // non tư thục"): a procedure for such an act (and no benefit) goes behind, while one for a benefit
  // is sure enough to answer (data/variants.json benefitActs, lifecycleActs)
  const { benefitActs, lifecycleActs } = searchData();
  const benefits = benefitActs.filter((t) => weightOf.has(t));
  if (benefits.length > 0 && !lifecycleActs.some((t) => weightOf.has(t))) {
    const names = (s: Scored, acts: readonly string[]): boolean => acts.some((t) => s.doc.nameTerms.has(t));
    if (scored.some((s) => s.confidence >= MATCH_THRESHOLD && names(s, benefits)))
      for (const s of scored) if (names(s, lifecycleActs) && !names(s, benefitActs)) s.rank -= OTHER_ACT;
  }
  scored.sort((a, b) => b.rank - a.rank || (a.doc.code < b.doc.code ? -1 : 1));
  // (a question that asks to end something, in any of a citizen's words: data/variants.json endingSays)
  const endingAsked = searchData().endingSays.some((p) => saysPhrase(q.affirmed, p));
  preferSaidDifferences(data, scored, weightOf, tones, q.tokens, endingAsked);
  // a procedure whose name restricts it to a party (a complaint about the police) is no answer to
  // a question that never names that party: a complaint about an employer, a shop or a price is
  // handled elsewhere (data/out-of-scope.json partyProcedures)
  const { partyProcedures } = searchData();
  if (partyProcedures.length === 0) return scored;
  const qKeys = [q.tokens.map((t) => t.key)];
  const unsaid = partyProcedures.filter((p) => !p.said.some((w) => saysPhrase(qKeys, w)));
  return unsaid.length === 0 ? scored : scored.filter((s) => !unsaid.some((p) => saysPhrase(s.doc.aboutKeys.slice(0, 1), p.name)));
}

/**
 * The values of a quality the tokens state (the index of each whose phrases occur), a phrase
 * inside a longer one of another value not counting ("công lập" of "ngoài công lập").
 */
function valuesStated(tokens: readonly Token[], values: readonly (readonly Phrase[])[]): Set<number> {
  const spans: { value: number; from: number; to: number }[] = [];
  for (let i = 0; i < tokens.length; i++)
    values.forEach((phrases, value) => {
      for (const p of phrases) if (phraseAt(p, tokens, i)) spans.push({ value, from: i, to: i + p.keys.length });
    });
  const stated = new Set<number>();
  for (const a of spans) if (!spans.some((b) => b.value !== a.value && b.to - b.from > a.to - a.from && b.from <= a.from && a.to <= b.to)) stated.add(a.value);
  return stated;
}

/**
 * The constants of the steps that tell siblings and variants apart (preferSaidDifferences,
 * withVariants). An index carries them (SIBLING_TUNING) so that scripts/fit-siblings.ts can ask
 * the same index with others (withSiblingTuning); the product always uses these.
 */
export interface SiblingTuning {
  /** Candidates this close to the best (in rank) are told apart by the words their names do not share… */
  closeRank: number;
  /** …among this many of the best candidates (the best included). */
  closeMax: number;
  /** Names sharing this much (by rarity, of the shorter) are near-identical siblings. */
  siblingShare: number;
  /** How much saying more of its own words than the best says of its own moves a sibling. */
  differenceWeight: number;
  /** How much being the plain variant (adding no word the question does not say) moves a sibling. */
  unsaidWeight: number;
  /** How much surer of another variant than of the group's default the search must be to answer it when the question says neither's own words. */
  variantClearlyAhead: number;
  /** How much a sibling whose every own word the question mentions moves ahead of the plain variant (one with no own word). */
  saidOverPlain: number;
}

export const SIBLING_TUNING: Readonly<SiblingTuning> = Object.freeze({
  closeRank: 0.3,
  closeMax: 6,
  siblingShare: 0.6,
  differenceWeight: 0.35,
  unsaidWeight: 0.3,
  variantClearlyAhead: 0.15,
  saidOverPlain: 0.3,
});

/** The same index with other sibling constants (for fitting them; nothing else is rebuilt). */
export function withSiblingTuning(index: CatalogSearchIndex, tuning: Partial<SiblingTuning>): CatalogSearchIndex {
  const data = index as unknown as IndexData;
  return { ...data, sibling: Object.freeze({ ...data.sibling, ...tuning }) } as unknown as CatalogSearchIndex;
}

/**
 * Near-identical procedures ("Cấp", "Cấp lại", "Cấp đổi Bằng …"; "… về ADN", "… về giọng nói …")
 * share most words: a sibling close to the best moves up by how much more of the words that set
 * it apart from the best (the words of its name the best's lacks; not a pair of two words the
 * best's name has too, which only says that a word stands between them there) the question says
 * than of the best's own (the words of the best's name it lacks). When the question says neither's own words
 * (nor any word that sets another close sibling apart from the best, or the best from it),
 * the plain variant wins: the sibling that adds no word the question leaves unsaid (but the plain
 * variant's own, data/stopwords.json plainVariantWords: "lần đầu") over one that does ("lại",
 * "Xóa"). Reorders `scored` in place.
 */
function preferSaidDifferences(data: IndexData, scored: Scored[], weightOf: ReadonlyMap<string, number>, tones: ReadonlyMap<string, string>, tokens: readonly Token[], endingAsked: boolean): void {
  const best = scored[0];
  if (!best || best.confidence < MATCH_THRESHOLD) return;
  // the plain variant's words ("lần đầu") say the plain variant only where the citizen typed them:
  // a synonym that reads them from a thing's name ("biển số" → "… cấp biển số xe lần đầu") only
  // names the common case, which the plain variant's preference below already stands for
  const typed = new Set<string>();
  for (let i = 0; i < tokens.length; i++) {
    typed.add(tokens[i]!.key);
    if (i > 0) typed.add(`${tokens[i - 1]!.key} ${tokens[i]!.key}`);
  }
  // the words just before a failed attempt (a mediation that came to nothing) tell of a step
  // already taken (data/stopwords.json failedAttemptMarkers): they do not ask for that sibling
  const attempted = new Set<string>();
  const { failedAttemptMarkers } = searchData();
  for (let i = 0; i < tokens.length; i++) {
    if (!failedAttemptMarkers.some((m) => phraseAt({ keys: m.keys, tone: null }, tokens, i))) continue;
    for (let j = Math.max(0, i - FAILED_WINDOW); j < i; j++) {
      attempted.add(tokens[j]!.key);
      if (j > 0) attempted.add(`${tokens[j - 1]!.key} ${tokens[j]!.key}`);
    }
  }
  // and so do those just after words saying a step is done (data/stopwords.json doneStepMarkers:
  // "đã có …", "đã qua …" an appraisal): the next step is asked for, not that one
  // (not one made a wish or a denial by the words before it: "muốn được công nhận …" wished, "không được công nhận …" denied)
  for (let i = 0; i < tokens.length; i++) {
    const marker = doneStepAt(tokens, i);
    if (marker === undefined) continue;
    const from = i + marker.keys.length;
    for (let j = from; j < Math.min(tokens.length, from + DONE_WINDOW); j++) {
      attempted.add(tokens[j]!.key);
      if (j > from) attempted.add(`${tokens[j - 1]!.key} ${tokens[j]!.key}`);
    }
  }
  // and so do those just before words saying a step was granted, and those words themselves
  // (data/stopwords.json doneAfterMarkers: a founding committee "đã được công nhận"): the next step is asked for
  const { doneAfterMarkers } = searchData();
  for (let i = 0; i < tokens.length; i++) {
    const marker = doneAfterMarkers.find((m) => phraseAt({ keys: m.keys, tone: null }, tokens, i));
    if (marker === undefined) continue;
    for (let j = Math.max(0, i - ATTEMPT_WINDOW); j < Math.min(tokens.length, i + marker.keys.length); j++) {
      attempted.add(tokens[j]!.key);
      if (j > 0) attempted.add(`${tokens[j - 1]!.key} ${tokens[j]!.key}`);
    }
  }
  const readPlain = (t: string): boolean => attempted.has(t) || (!typed.has(t) && t.split(" ").some((k) => data.plainTerms.has(k) && !typed.has(k)));
  // the question's pairs that are catalog terms ("đăng ký"): their words are said as that pair,
  // not on their own ("ký" of "đăng ký" is not the "kỳ" of "định kỳ"), unless the citizen typed
  // the word with the marks the sibling writes it with: then it is that word ("lại" of "làm lại"
  // is the "lại" of "Đăng ký lại …", "tổ" of "có tổ" the "tổ" of "tổ trưởng")
  const pairs = [...weightOf.keys()].filter((t) => t.includes(" ") && data.strongTerms.has(t));
  // a word typed with marks the name does not write it with is another word ("nói" is not the "nội" of "nội dung")
  const typedOtherwise = (doc: Doc, t: string): boolean => {
    const tone = tones.get(t);
    return tone !== undefined && !doc.strongTones.has(tone) && doc.markedTerms.has(t);
  };
  const inOtherPair = (doc: Doc, t: string): boolean => pairs.some((p) => !doc.nameTerms.has(p) && p.split(" ").includes(t));
  const onlyInOtherPair = (doc: Doc, t: string): boolean => inOtherPair(doc, t) && !pairs.some((p) => doc.nameTerms.has(p) && p.split(" ").includes(t));
  const saidIn = (doc: Doc, t: string): number | undefined => {
    const w = weightOf.get(t);
    if (w === undefined || readPlain(t)) return undefined;
    const tone = tones.get(t);
    if (typedOtherwise(doc, t)) return undefined;
    const typedAsWritten = tone !== undefined && doc.strongTones.has(tone);
    if (!t.includes(" ") && !typedAsWritten && inOtherPair(doc, t)) return undefined;
    // (a word only read through a synonym, not typed, tells siblings apart less: "tổ hòa giải" read as
    // "hòa giải viên" is still the words of "… tổ trưởng tổ hòa giải")
    return typed.has(t) ? w : w * READ_DIFFERENCE_FACTOR;
  };
  const listedGeneric = searchData().generic;
  const weigh = (doc: Doc, other: ReadonlySet<string>): { own: number; said: number; shared: number; mentioned: number; unsaid: number; unsaidChosen: number; done: number; words: string[] } => {
    let own = 0, said = 0, shared = 0, mentioned = 0, unsaid = 0, unsaidChosen = 0, done = 0;
    const words: string[] = [];
    // (the other name's words, function words too: the words of its pairs)
    const otherWords = new Set<string>();
    for (const t of other) for (const k of t.split(" ")) otherWords.add(k);
    // (a name of several parts, "Cấp gia hạn, điều chỉnh …: Trồng cây lâu năm; Hoạt động của
    // phương tiện …": the parts of which the question says some word of this name's own are
    // those it chooses; a word only of parts it does not choose is an alternative left unasked)
    const parts = doc.partKeys;
    const chosen = parts.filter((p) => p.some((k) => !otherWords.has(k) && weightOf.has(k) && !readPlain(k)));
    const unchosen = (t: string): boolean => chosen.length > 0 && parts.some((p) => p.includes(t)) && !chosen.some((p) => p.includes(t));
    for (const t of doc.nameTerms) {
      const idf = data.nameIdf.get(t) ?? 0;
      // (a pair of two words the other's name has too is only the absence of a word between them:
      // "ký việc" of "Đăng ký việc nuôi con nuôi" against "Đăng ký lại việc …")
      if (other.has(t) || (t.includes(" ") && t.split(" ").every((k) => otherWords.has(k)))) {
        shared += idf;
        continue;
      }
      own += idf;
      // (its own words the question says only of a step already taken or tried: "hòa giải … không thành")
      if (weightOf.has(t) && attempted.has(t)) done += idf;
      const w = saidIn(doc, t);
      if (w !== undefined) said += idf * Math.min(1, w);
      // its own words the question mentions in any way, and those it does not (but the plain
      // variant's: "lần đầu"); an own pair (one with a word the other's name lacks) said as
      // typed mentions that word, even a function word that is no term alone ("thôi" of
      // "thôi hưởng" beside "Thủ tục hưởng …"), unless it is a generic pair the data lists ("thủ tục")
      if (t.includes(" ")) {
        if (w !== undefined && !listedGeneric.has(t)) {
          mentioned += idf;
          words.push(t);
        }
        continue;
      }
      // (not a word typed with other marks, "nói" beside "nội dung", nor one a synonym reads only as
      // part of a pair the name lacks: the "nội" of "… thủy nội địa" read from "xuồng")
      if (weightOf.has(t) && !readPlain(t) && !typedOtherwise(doc, t) && !(!typed.has(t) && onlyInOtherPair(doc, t))) {
        mentioned += idf;
        words.push(t);
      }
      else if (!data.plainTerms.has(t)) {
        unsaid += idf;
        if (!unchosen(t)) unsaidChosen += idf;
      }
    }
    return { own, said, shared, mentioned, unsaid, unsaidChosen, done, words };
  };
  // (a lone word typed without marks in a question typed wholly without them may be another word:
  // the "han" of "người han" is not the "hạn" of "Gia hạn …")
  const unmarked = !tokens.some((t) => t.marked);
  const surelySaid = (t: string): boolean => t.includes(" ") || !unmarked || !typed.has(t);
  const { endingActs } = searchData();
  const ending = (t: string): boolean => endingActs.some((act) => (act.includes(" ") ? ` ${t} `.includes(` ${act} `) : t.split(" ").includes(act)));
  const endsSomething = (doc: Doc): boolean => [...doc.nameTerms].some(ending);
  let moved = false;
  const close: { s: Scored; mine: ReturnType<typeof weigh>; theirs: ReturnType<typeof weigh> }[] = [];
  for (const s of scored.slice(1, data.sibling.closeMax)) {
    if (s.confidence < MATCH_THRESHOLD || s.rank < best.rank - data.sibling.closeRank) continue;
    const mine = weigh(s.doc, best.doc.nameTerms);
    const theirs = weigh(best.doc, s.doc.nameTerms);
    if (mine.shared < data.sibling.siblingShare * Math.min(mine.shared + mine.own, theirs.shared + theirs.own)) continue;
    close.push({ s, mine, theirs });
  }
  // a question that mentions a word setting some close sibling apart from the best, or the best
  // from some close sibling ("đổi" of "Cấp đổi Bằng …" beside "Cấp lại Bằng …" and "Cấp Bằng …"),
  // asks for a variant that is not the plain one, even when it says neither word of the two compared
  // (but not a word both of the two compared have: "trồng" setting "… Trồng cây lâu năm; …" apart from a
  // sibling without it does not tell it from "… trồng cây lâu năm …")
  const variantSaid = (a: Doc, b: Doc): boolean =>
    close.some((c) => [...c.mine.words, ...c.theirs.words].some((t) => !(a.nameTerms.has(t) && b.nameTerms.has(t))));
  for (const { s, mine, theirs } of close) {
    const frac = (x: { own: number; said: number }): number => (x.own > 0 ? x.said / x.own : 0);
    // with neither's own words said (nor any close sibling's), a sibling that adds nothing but the plain variant's words
    // ("lần đầu") is the common variant and wins over one that adds words the question does not say ("lại")
    const said = variantSaid(s.doc, best.doc);
    const plainer = (a: typeof mine, b: typeof mine): boolean => !said && a.mentioned === 0 && b.mentioned === 0 && a.unsaid === 0 && b.unsaid > 0;
    // and the other way round: a sibling whose own words the question mentions, every one of them
    // (a paper lost: "Cấp lại …", read from "đánh rơi"), wins over the plain variant, which has none
    // to say (however little of its own words' rarity the question's reading makes up; of a name
    // of several parts, every one of the words of the parts the question chooses)
    const saidAll = (a: typeof mine, b: typeof mine): boolean => b.own === 0 && a.mentioned > 0 && a.unsaidChosen === 0 && a.words.some(surelySaid);
    // and a sibling whose own words the question mentions include an act ending what the other
    // begins or grants ("thôi hưởng", "chấm dứt", "hủy bỏ": data/variants.json endingActs), beside
    // one whose name ends nothing, wins over it whatever else its name adds ("… bảo hiểm y tế"):
    // the ending is what the citizen asks for
    // (or whose name ends something when the question asks to end something in other words, a
    // citizen's "xin thôi" or "khép lại" read as "chấm dứt": data/variants.json endingSays)
    const ends = (a: typeof mine, doc: Doc, other: Doc): boolean => (a.words.some(ending) || (endingAsked && endsSomething(doc))) && !endsSomething(other);
    const favoured = (a: typeof mine, b: typeof mine, doc: Doc, other: Doc): boolean => saidAll(a, b) || ends(a, doc, other);
    // and a sibling whose own words the question says only of a step already taken or tried (a
    // mediation that failed, "hòa giải … không thành") goes behind one whose own words it mentions
    // otherwise (the chairman asked to decide): the next step is asked for
    const stepTaken = (a: typeof mine, b: typeof mine): boolean => a.done > 0 && a.mentioned === 0 && b.mentioned > 0 && (b.words.length > 1 || b.words.some(surelySaid));
    const { differenceWeight, unsaidWeight, saidOverPlain } = data.sibling;
    const delta =
      differenceWeight * (frac(mine) - frac(theirs)) +
      (plainer(mine, theirs) ? unsaidWeight : plainer(theirs, mine) ? -unsaidWeight : 0) +
      (favoured(mine, theirs, s.doc, best.doc) ? saidOverPlain : favoured(theirs, mine, best.doc, s.doc) ? -saidOverPlain : 0) +
      (stepTaken(theirs, mine) ? saidOverPlain : stepTaken(mine, theirs) ? -saidOverPlain : 0);
    if (delta !== 0) {
      s.rank += delta;
      moved = true;
    }
  }
  if (moved) scored.sort((a, b) => b.rank - a.rank || (a.doc.code < b.doc.code ? -1 : 1));
}

/**
 * Results whose confidence is above the threshold, in the order of the ranking that chose the best
 * (the runners-up too: what ranks a candidate second is what the question says of it, as for the
 * best); a candidate behind the best is shown scaled by (its confidence / the best's)², never
 * below the threshold (it is still a candidate worth offering, well behind the best), nor above
 * the one before it.
 */
function ranked(scored: readonly Scored[], limit: number): AnswerResult[] {
  const top = scored[0]?.confidence ?? 0;
  if (top < MATCH_THRESHOLD) return [];
  let shown = Infinity;
  const offered = scored.filter((s) => s.confidence >= (s === scored[0] ? MATCH_THRESHOLD : RUNNER_UP_THRESHOLD));
  const further = scored.filter((s) => s !== scored[0] && s.confidence >= FURTHER_THRESHOLD && s.confidence < RUNNER_UP_THRESHOLD);
  return [...offered, ...further]
    .slice(0, limit)
    .map((s) => {
      const c = s === scored[0] ? s.confidence : Math.max(MATCH_THRESHOLD, Math.min(top, s.confidence * (s.confidence / top) ** 2));
      shown = Math.min(shown, round(c));
      return { code: s.doc.code, name: s.doc.name, score: shown };
    });
}

const round = (x: number): number => Math.round(Math.min(1, x) * 100) / 100;

/** The procedures whose national codes the question names ("1.000080"), if the index holds them. */
export function findByCodes(index: CatalogSearchIndex, query: string): SearchResult[] {
  const data = index as unknown as IndexData;
  const found: SearchResult[] = [];
  for (const code of extractProcedureCodes(query)) {
    const d = data.byCode.get(code);
    if (d && !found.some((r) => r.code === code)) found.push({ code, name: d.name, score: 1 });
  }
  return found;
}

function conditionHolds(q: ReadQuery, c: VariantMember["when"][number][number], denialsToo = false): boolean {
  const within = (r: { min?: number; max?: number }, x: number): boolean => (r.min === undefined || x >= r.min) && (r.max === undefined || x <= r.max);
  if ("age" in c) return q.ages.some((a) => within(c.age, a));
  if ("since" in c) return q.since.some((y) => within(c.since, y));
  // a thing the question says only in words a negator denies (an ID card not wanted yet, "chưa
  // cần" before it): the variant without it is asked for
  if ("denied" in c) return c.denied.some((p) => saysPhrase(q.said, p) && !saysPhrase(q.affirmed, p) && !typedOtherwise(q, p));
  // a phrase the question says only in words a negator denies ("chưa cần tạm trú") does not hold;
  // one that is itself a denial ("chưa từng", "không còn") is read in all the question says, and so
  // are the others of an alternative such a denial holds for (what "không lưu sổ" denies is its subject)
  return c.phrases.some((p) => saysPhrase(denialsToo || opensWithNegator(p) ? q.said : q.affirmed, p) && !typedOtherwise(q, p));
}

/**
 * Whether the citizen typed a one-word phrase's letters only as another word (marks the phrase
 * does not write: the southern "hông" for "không" is not "hỏng", broken): the question does not
 * say it. (The letters of several words together are seldom other words: there a mark left off or
 * mistyped is a slip.)
 */
function typedOtherwise(q: ReadQuery, p: Phrase): boolean {
  if (p.keys.length === 0) return p.parts?.some((part) => typedOtherwise(q, part)) ?? false;
  if (p.keys.length > 1) return false;
  let typed = false;
  for (let i = 0; i + p.keys.length <= q.tokens.length; i++) {
    if (!p.keys.every((k, j) => q.tokens[i + j]!.key === k)) continue;
    if (phraseAt(p, q.tokens, i)) return false;
    typed = true;
  }
  return typed;
}

/** Whether a phrase (its first part) opens with a negator (data/out-of-scope.json negation). */
function opensWithNegator(p: Phrase): boolean {
  const keys = (p.parts?.[0] ?? p).keys;
  return searchData().topicNegation.negators.some((n) => n.keys.every((k, i) => keys[i] === k));
}

/**
 * The members of a group the question selects (best alternative: most conditions, then priority),
 * and whether a stated age decided it (an alternative with an age condition selected the members).
 */
function selectVariants(q: ReadQuery, group: VariantGroup): { members: VariantMember[]; byAge: boolean } {
  let best: { members: VariantMember[]; score: number; byAge: boolean } = { members: [], score: 0, byAge: false };
  for (const m of group.members) {
    let score = 0;
    let byAge = false;
    for (const alt of m.when) {
      const denial = alt.some((c) => "phrases" in c && c.phrases.some((p) => opensWithNegator(p) && saysPhrase(q.said, p)));
      if (!alt.every((c) => conditionHolds(q, c, denial))) continue;
      const s = alt.length * 10 + m.priority;
      if (s > score || (s === score && !byAge)) byAge = alt.some((c) => "age" in c);
      score = Math.max(score, s);
    }
    if (score === 0) continue;
    if (score > best.score) best = { members: [m], score, byAge };
    else if (score === best.score) {
      best.members.push(m);
      best.byAge = best.byAge && byAge;
    }
  }
  return { members: best.members, byAge: best.byAge };
}

/** How many words the item before a list joiner may have for a negator before it to reach past the joiner (negatedAt). */
const LIST_ITEM_WORDS = 4;

/**
 * Whether the words before position `at` deny what follows (a negator, then perhaps "có" or
 * "đóng"), or what follows is the next item of a short list so denied ("không có X hay Y").
 */
function negatedAt(tokens: readonly Token[], at: number): boolean {
  const { negators, between, listJoiners } = searchData().topicNegation;
  const negatorEndsAt = (end: number): boolean => negators.some((n) => end - n.keys.length >= 0 && phraseAt({ keys: n.keys, tone: null }, tokens, end - n.keys.length));
  const deniedFrom = (from: number): boolean => negatorEndsAt(from) || between.some((b) => from - b.keys.length >= 0 && phraseAt({ keys: b.keys, tone: null }, tokens, from - b.keys.length) && negatorEndsAt(from - b.keys.length));
  if (deniedFrom(at)) return true;
  if (paperAt(tokens, at)) return true;
  return listJoiners.some((j) => {
    const item = at - j.keys.length;
    if (item < 1 || !phraseAt({ keys: j.keys, tone: null }, tokens, item)) return false;
    for (let from = item - 1; from >= Math.max(0, item - LIST_ITEM_WORDS); from--) if (deniedFrom(from)) return true;
    return false;
  });
}

/**
 * Whether the topic at `at` is a paper brought to a procedure ("mang theo" a passport) or one a
 * record is matched against ("đúng với" it): a circumstance, as a denied topic is (said
 * with the paper word's own marks where the citizen typed marks: "mạng" is no "mang").
 */
function paperAt(tokens: readonly Token[], at: number): boolean {
  return searchData().topicNegation.papers.some((p) => at - p.keys.length >= 0 && phraseAt(p, tokens, at - p.keys.length));
}

/** A topic has fewer terms than this (topicTermsByFirstKey). */
const TOPIC_TERMS = 65536;
const topicIndexes = new WeakMap<readonly OutOfScopeTopic[], { topics: readonly OutOfScopeTopic[]; byFirstKey: Map<string, number[]>; always: number[] }>();

/**
 * The out-of-scope table's terms by the first word of their first part (topic index ×
 * TOPIC_TERMS + term index), made once per table: a question is checked only against the terms
 * whose first word it says (a term needs all its words said), not against the whole table.
 */
function topicTermsByFirstKey(topics: readonly OutOfScopeTopic[]): { topics: readonly OutOfScopeTopic[]; byFirstKey: Map<string, number[]>; always: number[] } {
  let index = topicIndexes.get(topics);
  if (index === undefined) {
    const byFirstKey = new Map<string, number[]>();
    const always: number[] = [];
    topics.forEach((topic, i) => {
      topic.terms.forEach((term, j) => {
        const first = (term.parts?.[0] ?? term).keys[0];
        if (first === undefined) always.push(i * TOPIC_TERMS + j);
        else byFirstKey.set(first, [...(byFirstKey.get(first) ?? []), i * TOPIC_TERMS + j]);
      });
    });
    index = { topics, byFirstKey, always };
    topicIndexes.set(topics, index);
  }
  return index;
}

/** The spans, when each takes in some word no synonym read (else null). */
function widerThanSynonym(spans: [number, number][] | null, consumed: readonly boolean[]): [number, number][] | null {
  if (spans === null) return null;
  return spans.every(([at, len]) => Array.from({ length: len }, (_, j) => at + j).some((i) => !consumed[i])) ? spans : null;
}

/** Whether the question opens with a need ("tôi muốn …": only function words before its marker) said before position `at`. */
function openingNeedBefore(tokens: readonly Token[], at: number): boolean {
  const { needMarkers, stopWords } = searchData();
  for (let i = 0; i < at; i++) {
    if (needMarkers.some((m) => i + m.keys.length <= at && phraseAt(m, tokens, i, true))) return true;
    if (!stopWords.has(tokens[i]!.key)) return false;
  }
  return false;
}

/** Whether the words before position `at` tell a cause ("do", "vì": what follows is a circumstance). */
function causedAt(tokens: readonly Token[], at: number): boolean {
  return searchData().unrelatedCauses.some((c) => at - c.keys.length >= 0 && phraseAt(c, tokens, at - c.keys.length));
}

interface TopicFound {
  topic: OutOfScopeTopic;
  term: Phrase;
  /** the question without the topic's words (and without a purpose clause) */
  rest: Token[];
  /** the whole question without the topic's words */
  without: Token[];
  /** said as what the citizen does not have ("chưa có …"), or as a paper brought or matched against */
  negated: boolean;
  /** so said, as a paper (paperAt) */
  paper: boolean;
  /** told only in the story before the clause stating the need */
  inStory: boolean;
  /** so told, but right after a need that opens the question ("tôi muốn …") */
  afterOpeningNeed: boolean;
  /** named as what the procedure is asked for ("cho …", "của …") */
  asked: boolean;
  /** the topic's other terms the question says by words apart from the term's ("vay vốn", then "lãi suất") */
  apart?: readonly Phrase[];
}

/**
 * Whether the words at `at` follow a verb of asking, wanting or going there ("xin …", "muốn …",
 * "ra …") in a question that asks for one thing: where a joiner followed by a verb of asking
 * ("và làm …") adds a second request, the topic is one of two asks, and where an alternative
 * ("hay", "hoặc") offers it beside the commune, it is no request of its own: the rest is then
 * weighed as for any topic. A joiner of two things ("sắt và thép") leaves one request. A word
 * that asks only as the question's opening ("thủ tục …") counts with only function words before it.
 */
function requestedAt(tokens: readonly Token[], at: number): boolean {
  const { requestedAfter, requestedOpening, requestedCompounds, requestJoiners, requestAlternatives, stopWords } = searchData();
  const before = (p: Phrase): boolean => at - p.keys.length >= 0 && phraseAt(p, tokens, at - p.keys.length, true);
  // (a noun that ends in such a verb, "quyết định", "quy định": the topic is what the paper or the rule is about)
  if (requestedCompounds.some(before)) return false;
  // (a word that asks only as the question's opening, "thủ tục …": later in a story it tells what was being done)
  const opening = (p: Phrase): boolean => before(p) && tokens.slice(0, at - p.keys.length).every((t) => stopWords.has(t.key));
  if (!requestedAfter.some(before) && !requestedOpening.some(opening)) return false;
  return !tokens.some((_, i) => requestAlternatives.some((j) => phraseAt(j, tokens, i, true)) || requestJoiners.some((j) => phraseAt(j, tokens, i, true) && requestedAfter.some((p) => phraseAt(p, tokens, i + j.keys.length, true))));
}

/** How many words may stand between an out-of-scope topic and the words asking for a permit (how long the fireworks last, then "… xin phép"). */
const PERMISSION_WITHIN = 6;
/** How many words may stand between an out-of-scope topic and the words asking how much (a land price, the kind of land and the year, then "… bao nhiêu"). */
const AMOUNT_WITHIN = 8;

/**
 * Whether the words right after the span, within a few, ask for a permit (fireworks, then
 * "… xin phép"): the topic is what the question asks about, not the occasion told around it (a
 * wedding, a shop's opening).
 */
function permissionAfter(tokens: readonly Token[], end: number): boolean {
  const { permissionAfter, amountAfter } = searchData();
  for (let j = end; j <= Math.min(tokens.length - 1, end + PERMISSION_WITHIN); j++) if (permissionAfter.some((p) => phraseAt(p, tokens, j, true))) return true;
  // (or how much: an interest rate, then "… bao nhiêu"; what is priced may take a few more words)
  for (let j = end; j <= Math.min(tokens.length - 1, end + AMOUNT_WITHIN); j++) if (amountAfter.some((p) => phraseAt(p, tokens, j, true))) return true;
  return false;
}

/**
 * Whether the topic at the span opens the question (only function words before it) and the words
 * right after it say what it wants or what befell it ("… muốn …", "… bị sai …"): the topic is
 * the question's subject, and what the rest asks for is done to it (a company renamed, a
 * pension book corrected), not a procedure of its own.
 */
function subjectAt(tokens: readonly Token[], at: number, len: number): boolean {
  const { subjectActs, stopWords, topicNegation } = searchData();
  // (a "why" that opens the question, "sao", "tại sao", "răng mà", asks about what befell the topic too)
  if (!tokens.slice(0, at).every((t) => stopWords.has(t.key) || WHY_WORDS.has(t.key))) return false;
  // a topic the citizen says they lack, by a negator before it or in its own term ("không có …"),
  // is no subject: what the rest asks for is the question
  for (let i = 0; i < at + len; i++) if (topicNegation.negators.some((n) => phraseAt(n, tokens, i, true))) return false;
  return subjectActs.some((p) => phraseAt(p, tokens, afterOwner(tokens, at + len), true));
}

/** Words asking why, typed with or without marks (as keys): "sao", "tại sao", "vì sao", the central "răng". */
const WHY_WORDS = new Set(["sao", "tai", "vi", "rang"]);
/** Kin words that may own a paper ("của con tôi", "của mẹ tôi"), as keys, besides function words. */
const OWNER_KIN = new Set(["con", "bo", "me", "ba", "ma", "cha", "ong", "anh", "chi", "em"]);

/**
 * Where the words after a topic go on past whose it is ("của tôi", "của con tui"): "của", then at
 * most three function or kin words (else `at` itself).
 */
function afterOwner(tokens: readonly Token[], at: number): number {
  // (the asker's own pronoun right after the topic, without "của")
  const owner = searchData().subjectOwners.find((p) => phraseAt(p, tokens, at, true));
  if (owner !== undefined) return at + owner.keys.length;
  if (tokens[at]?.key !== "cua") return at;
  const { stopWords } = searchData();
  let j = at + 1;
  while (j < tokens.length && j <= at + 3 && (stopWords.has(tokens[j]!.key) || OWNER_KIN.has(tokens[j]!.key)) && !searchData().subjectActs.some((p) => phraseAt(p, tokens, j, true))) j++;
  return j > at + 1 ? j : at;
}

/**
 * Whether the topic at the span opens the clause that begins at `from` (only function words
 * before it there) and the words right after it make it that clause's subject ("… thì …", "… quá
 * …", or what befell it): after the comma that ends a purpose clause, such a clause is a new
 * statement, not the purpose (the land taken for a road, then the compensation too low); a topic
 * only listed there beside the purpose ("…, vay vốn nữa") is still the purpose's.
 */
function clauseSubjectAt(tokens: readonly Token[], from: number, at: number, len: number): boolean {
  const { clauseSubjectActs, subjectActs, stopWords } = searchData();
  if (at < from || !tokens.slice(from, at).every((t) => stopWords.has(t.key))) return false;
  return [...clauseSubjectActs, ...subjectActs].some((p) => phraseAt(p, tokens, at + len, true));
}

/** In a question of this many words or more (a story), a topic before words demanding a paper is who demands it (storyDemandAfter). */
const STORY_DEMAND_WORDS = 30;

/** Whether the words at `at` demand a paper of the citizen ("bắt nộp", "đòi phải có": out-of-scope.json agencyAsks.storyAfter). */
function storyDemandAfter(tokens: readonly Token[], at: number): boolean {
  return searchData().agencyAsks.storyAfter.some((a) => phraseAt(a, tokens, at, true));
}

/** Whether the institution at the span asks for a paper ("nộp cho ngân hàng", "ngân hàng đòi …"): a circumstance. */
function askingAgency(tokens: readonly Token[], at: number, len: number): boolean {
  const { before, after } = searchData().agencyAsks;
  return before.some((b) => at - b.keys.length >= 0 && phraseAt(b, tokens, at - b.keys.length, true)) || after.some((a) => phraseAt(a, tokens, at + len, true));
}

/**
 * Whether, after position `from`, an institution demands a paper of the citizen (an agency's
 * term, then a word of agencyAsks.after: the bank, then "bắt có …") or the words demand one
 * ("bắt phải", "đòi nộp": agencyAsks.storyAfter): what the citizen wanted before it is held up by
 * that paper, which is what is asked for.
 */
function paperDemandedAfter(tokens: readonly Token[], from: number): boolean {
  const { topics, agencyAsks } = searchData();
  for (let j = from; j < tokens.length; j++) {
    if (agencyAsks.storyAfter.some((a) => phraseAt(a, tokens, j, true))) return true;
    for (const t of topics) {
      if (!t.agency) continue;
      for (const term of t.terms) if (term.parts === undefined && phraseAt(term, tokens, j, true) && agencyAsks.after.some((a) => phraseAt(a, tokens, j + term.keys.length, true))) return true;
    }
  }
  return false;
}

/** Per index: the pair of an out-of-scope term's words the catalog writes otherwise (writtenOtherwise), found once a term. */
const otherwiseWritten = new WeakMap<IndexData, Map<Phrase, string | null>>();

/** Among how many of the best candidates a procedure writing a term's letters otherwise reads them as its own. */
const OTHERWISE_NAMED = 3;

/**
 * A pair of a term's words (as keys) that the catalog's names and aliases write with other marks
 * and never with the term's own, if any: typed without marks, the letters may be the catalog's
 * word rather than the topic's. Only terms of several words written with marks; worked out when
 * a question first says the term.
 */
function writtenOtherwise(data: IndexData, term: Phrase): string | null {
  if (term.tones === undefined || term.keys.length < 2 || term.parts !== undefined) return null;
  let known = otherwiseWritten.get(data);
  if (known === undefined) otherwiseWritten.set(data, (known = new Map()));
  const found = known.get(term);
  if (found !== undefined) return found;
  let answer: string | null = null;
  const tones = term.tones.map(sameToneKey);
  for (let i = 1; i < term.keys.length && answer === null; i++) {
    const pair = pairOf(term.keys[i - 1]!, term.keys[i]!);
    const tonePair = pairOf(tones[i - 1]!, tones[i]!);
    if (tonePair === pair) continue;
    let other = false;
    let own = false;
    for (const doc of data.docs) {
      if (!doc.markedTerms.has(pair)) continue;
      if (doc.strongTones.has(tonePair)) own = true;
      else other = true;
    }
    if (other && !own) answer = pair;
  }
  known.set(term, answer);
  return answer;
}

/**
 * The out-of-scope topic the question names (not counting words a synonym read otherwise; the
 * first in the table, unless another named by overlapping words takes in more of them),
 * the rest of the question, and whether the topic is told only in the story before the clause
 * stating the need (a loan told before "giờ muốn …").
 */
function outOfScopeTopic(data: IndexData, q: ReadQuery): TopicFound | null {
  let denied: TopicFound | null = null;
  let found: { words: ReadonlySet<number>; topic: TopicFound } | null = null;
  // the words each term the question says plainly takes in
  const said: { topic: OutOfScopeTopic; term: Phrase; words: ReadonlySet<number> }[] = [];
  const keys = new Set(q.tokens.map((t) => t.key));
  // (only the terms whose first word the question says, in the table's order)
  const { topics, byFirstKey, always } = topicTermsByFirstKey(searchData().topics);
  const purposeAsked = purposeIsAsked(q);
  const places = [...always];
  for (const k of keys) {
    const found = byFirstKey.get(k);
    if (found !== undefined) for (const place of found) places.push(place);
  }
  places.sort((a, b) => a - b);
  for (const place of places) {
    const topic = topics[Math.floor(place / TOPIC_TERMS)]!;
    const term = topic.terms[place % TOPIC_TERMS]!;
    // a topic named only in a purpose clause (after "để") is not what the question is about
    // (unless a how-question asks for it: "… làm sao để …")
    const outsidePurpose = (i: number): boolean => purposeAsked || i < q.purposeFrom || i >= q.purposeTo;
    // (a term of three words or more that takes in a synonym's words and more is the term: "phòng
    // công chứng" is the private notary's office, though "công chứng" alone reads as certifying)
    // (or after the comma that ends the purpose clause's own clause, asked for there: a machine
    // bought with a loan, then the rate and how much it is)
    const afterPurposeClause = (i: number): boolean => !q.consumed[i] && i >= q.purposeClauseTo;
    const clauseSpans = q.purposeClauseTo < q.purposeTo && term.parts === undefined ? phraseSpans(term, q.tokens, afterPurposeClause, true, keys) : null;
    const spans = phraseSpans(term, q.tokens, (i) => !q.consumed[i] && outsidePurpose(i), true, keys) ?? (term.parts === undefined && term.keys.length >= 3 ? widerThanSynonym(phraseSpans(term, q.tokens, outsidePurpose, true, keys), q.consumed) : null) ?? (clauseSpans?.some(([at, len]) => requestedAt(q.tokens, at) || permissionAfter(q.tokens, at + len) || clauseSubjectAt(q.tokens, q.purposeClauseTo, at, len)) ? clauseSpans : null);
    if (spans === null) continue;
    const dropped = new Set(spans.flatMap(([at, len]) => Array.from({ length: len }, (_, j) => at + j)));
    // the rest keeps the marks the citizen typed ("mật ong" is not "mất")
    // after a story, a topic named in the clause stating the need: only that clause can outweigh it
    // (not for a topic that is no administrative matter: any procedure the question names outweighs it)
    const inNeed = !topic.unrelated && q.askFrom > 0 && spans.every(([at]) => at >= q.askFrom);
    // a topic asked for, then what it is for (a purpose clause, "… để …"): the purpose is not
    // another question (a procedure it names is not the paper asked for)
    const { rest, without } = questionWithout(q, dropped, inNeed);
    // a term typed without marks whose letters the catalog writes with other marks, and never
    // with the term's, is the catalog's word when the question's other words name a procedure
    // that writes them so ("bao hanh" of a child and an intervention is "bạo hành", not a warranty)
    const otherPair = without.length > 0 && [...dropped].every((i) => !q.tokens[i]!.marked) ? writtenOtherwise(data, term) : null;
    if (otherPair !== null) {
      const others = scoreQuery(data, read(data, without));
      if ((others[0]?.confidence ?? 0) >= MATCH_THRESHOLD && others.slice(0, OTHERWISE_NAMED).some((s) => s.doc.markedTerms.has(otherPair))) continue;
    }
    // a topic told only in the story before the clause stating the need (a topic said again in
    // that clause is what the clause asks about; not an institution, a weaker sign, which a long
    // story names again as where things happened)
    const saidInNeed = !topic.agency && phraseSpans(term, q.tokens, (i) => i >= q.askFrom && !q.consumed[i] && outsidePurpose(i), true, keys) !== null;
    const inStory = q.askFrom > 0 && spans.every(([at]) => at < q.askFrom) && !saidInNeed;
    // (one right after a need that opens the question, "tôi muốn …", is asked for too: the
    // clause after it only adds a second ask, which must name its procedure fully to answer)
    const afterOpeningNeed = inStory && !topic.agency && spans.some(([at]) => openingNeedBefore(q.tokens, at));
    // a matter that is no administrative one, told as a cause ("thiệt hại do thời tiết"), is a circumstance
    if (topic.unrelated && spans.some(([at]) => causedAt(q.tokens, at))) continue;
    // an institution that asks for the paper ("ngân hàng … đòi", "nộp cho trường") is a circumstance
    if (topic.agency && spans.some(([at, len]) => askingAgency(q.tokens, at, len))) continue;
    // so is, in a long story, any topic right before words demanding a paper (an office that "bắt nộp" a paper)
    if (q.tokens.length >= STORY_DEMAND_WORDS && spans.some(([at, len]) => storyDemandAfter(q.tokens, at + len))) continue;
    // a topic the citizen says they do not have is more likely a circumstance of the question
    // than its topic: it counts only when no topic is named plainly
    if (spans.some(([at]) => negatedAt(q.tokens, at))) {
      denied ??= { topic, term, rest, without, negated: true, paper: spans.some(([at]) => paperAt(q.tokens, at)), inStory, afterOpeningNeed, asked: false };
      continue;
    }
    said.push({ topic, term, words: dropped });
    // the topic is what a procedure is asked for ("… cho máy ủi"), or right after a verb of asking,
    // wanting or going there ("xin …", "muốn …", "ra …"): it decides the question
    // (not an institution: "cho ngân hàng" is who asks for the paper)
    // (or followed by words asking for a permit: fireworks, then "… xin phép")
    // (not when an institution then demands a paper: a savings book wanted, then the bank's "bắt có …", asks for the paper)
    const asked = !topic.unrelated && !topic.agency && spans.some(([at, len]) => askedFor(q.tokens, at) || requestedAt(q.tokens, at) || permissionAfter(q.tokens, at + len)) && !spans.some(([at, len]) => paperDemandedAfter(q.tokens, at + len));
    // of two topics named by overlapping words, the more specific: the one whose words take in more
    // of the question ("học lái máy bay" is a pilot's licence, though "học lái" is a driving
    // licence's); of topics named apart, the first
    const prev = found as { words: ReadonlySet<number>; topic: TopicFound } | null;
    const overlaps = prev !== null && [...dropped].some((i) => prev.words.has(i));
    // two terms of one topic said by overlapping words are one mention of it, by the longer term,
    // asked for when either is (the longer term of a card or a code after a verb of asking, though
    // the topic's shorter term comes first in the table; a verb of asking before the shorter one)
    if (prev !== null && overlaps && topic === prev.topic.topic) {
      const longer = dropped.size > prev.words.size;
      found = longer ? { words: dropped, topic: { topic, term, rest, without, negated: false, paper: false, inStory, afterOpeningNeed, asked: prev.topic.asked || asked } } : { words: prev.words, topic: { ...prev.topic, asked: prev.topic.asked || asked } };
    } else if (prev === null || (overlaps && dropped.size > prev.words.size)) found = { words: dropped, topic: { topic, term, rest, without, negated: false, paper: false, inStory, afterOpeningNeed, asked } };
  }
  if (found === null) return denied;
  const chosen = found;
  // a topic that opens the question as its subject ("… muốn đổi tên", "… bị sai …") is no story:
  // what the rest asks is done to it, and it is asked about (by the words of the topic's terms
  // that overlap the one read, from the first to the last: a paper's noun before the topic's name)
  const subject = (): boolean => {
    if (chosen.topic.topic.unrelated || chosen.topic.topic.agency) return false;
    const cover = new Set(chosen.words);
    for (const s of said) if (s.topic === chosen.topic.topic && [...s.words].some((i) => cover.has(i))) for (const i of s.words) cover.add(i);
    const first = Math.min(...cover);
    return subjectAt(q.tokens, first, Math.max(...cover) + 1 - first);
  };
  if (subject()) found = { words: chosen.words, topic: { ...chosen.topic, asked: true, inStory: false, afterOpeningNeed: false } };
  // the rest is the question without the words of the topic's terms that overlap the chosen one
  // and go on after it, not only the chosen term's: the words after a noun qualify it ("bán vàng"
  // and "vàng cưới" are one sale of wedding gold, not a sale and a wedding); a term that begins
  // before it ("đốt" of "đốt pháo" beside "pháo hoa") adds what is done with it, which the rest
  // still weighs; a term of two parts said anywhere ("thuế + nhà trọ") is the topic's by both, a
  // tax on a rented room, not a stay (unless a verb of registering before the topic asks for the
  // activity too: registering a household business, then its tax, asks for both); a term of
  // the topic said apart stays in the rest, a second mention of it
  const all = new Set(found.words);
  const { registering } = searchData();
  const registered = q.tokens.some((_, i) => i < Math.min(...all) && registering.some((r) => phraseAt(r, q.tokens, i, true)));
  for (let grown = true; grown; ) {
    grown = false;
    const first = Math.min(...all);
    const last = Math.max(...all);
    for (const s of said) {
      if (s.topic !== found.topic.topic || [...s.words].every((i) => all.has(i)) || ![...s.words].some((i) => all.has(i))) continue;
      if (s.term.parts === undefined ? Math.min(...s.words) < first || Math.max(...s.words) <= last : registered) continue;
      for (const i of s.words) all.add(i);
      grown = true;
    }
  }
  // (the topic's other terms said apart: a second mention of it, by other words)
  const apart = said.filter((s) => s.topic === found.topic.topic && ![...s.words].some((i) => all.has(i))).map((s) => s.term);
  if (all.size === found.words.size) return { ...found.topic, apart };
  const inNeed = !found.topic.topic.unrelated && q.askFrom > 0 && [...all].every((i) => i >= q.askFrom);
  return { ...found.topic, apart, ...questionWithout(q, all, inNeed) };
}

/**
 * The question without the words at `dropped` (a topic's): whole, and as the rest that may name
 * a procedure of its own (without a purpose clause, and, for a topic named in the clause stating
 * the need, only that clause).
 */
function questionWithout(q: ReadQuery, dropped: ReadonlySet<number>, inNeed: boolean): { rest: Token[]; without: Token[] } {
  // (the purpose clause's marker goes with it: a "de" left alone reads as "đẻ", a birth; a clause
  // a how-question asks for stays, without its marker)
  const purposeFrom = q.purposeFrom - purposeMarkerLength(q);
  const purposeTo = purposeIsAsked(q) ? q.purposeFrom : q.purposeTo;
  return {
    rest: q.tokens.filter((_, i) => !dropped.has(i) && (!inNeed || i >= q.askFrom) && (i < purposeFrom || i >= purposeTo)),
    without: q.tokens.filter((_, i) => !dropped.has(i)),
  };
}

/**
 * Whether the question's purpose clause is what it asks for: a how-question ("làm sao", "làm gì")
 * stands right before the clause's marker ("… làm sao để …"), so that nothing else is asked that
 * the clause would only say the purpose of.
 */
function purposeIsAsked(q: ReadQuery): boolean {
  if (q.purposeFrom >= q.purposeTo) return false;
  const at = q.purposeFrom - purposeMarkerLength(q);
  return searchData().purposeAsked.some((p) => at - p.keys.length >= 0 && phraseAt(p, q.tokens, at - p.keys.length, true));
}

/** How many words the marker of the question's purpose clause ("để", "để mà") takes, right before the clause (0 when it has none). */
function purposeMarkerLength(q: ReadQuery): number {
  if (q.purposeFrom >= q.purposeTo) return 0;
  // (the longest that ends there: "dùng để", not its "để")
  let length = 0;
  for (const m of searchData().purposeMarkers) {
    if (m.keys.length > length && q.purposeFrom - m.keys.length >= 0 && m.keys.every((k, j) => q.tokens[q.purposeFrom - m.keys.length + j]!.key === k)) length = m.keys.length;
  }
  return length;
}

function read(data: IndexData, query: string | readonly Token[]): ReadQuery {
  return readQuery(query, data.vocabulary, (pair) => data.idf.has(pair), data.markerPairs, data.purposePairs, data.contentPairs, data.wordPairs);
}

/** The confidence of a variant a stated age decides, in a group the question names. */
const AGE_DECIDED = 0.8;
/** A group without its own words to say is named by the question when the best answer is this sure. */
const AGE_GROUP_NAMED = 0.5;

/** At most this many variants are offered as choices, whatever the limit. */
const MAX_CHOICES = 6;
/** A best variant less than this far ahead of the best procedure outside its group (the lead of a sure answer) leaves the question perhaps about neither: that procedure is offered third. */
const CHOICES_LEAD = 0.2;

/** The kind of answer a question gets (answer.ts): match, choices, out of scope or no match. */
export function askCatalog(index: CatalogSearchIndex, query: string, options: SearchOptions = {}): SearchAnswer {
  const data = index as unknown as IndexData;
  const limit = Math.max(1, Math.floor(options.limit ?? DEFAULT_LIMIT));
  const byCode = findByCodes(index, query);
  if (byCode.length > 0) return { kind: "match", results: byCode.slice(0, limit) };
  if (query.trim() === "") return { kind: "no-match" };
  // one letter or digit alone names nothing: not the letters a name lists ("chiến trường B, C, K")
  if (/^[^\p{L}\p{N}]*[\p{L}\p{N}][^\p{L}\p{N}]*$/u.test(query)) return { kind: "no-match" };

  const q = read(data, query);
  // a greeting, perhaps to the bot, asks about nothing, and a request for a suggestion naming no procedure's act asks for advice
  if (greetingOnly(q) || suggestionOnly(q)) return { kind: "no-match" };
  const scored = scoreQuery(data, q);
  const top = scored[0];
  // a long question's best candidate, short of the threshold but as sure as a runner-up, is offered
  // at the threshold: a long story spreads over many words that no procedure explains
  if (top && top.confidence < MATCH_THRESHOLD && top.confidence >= LONG_QUESTION_FLOOR && q.tokens.length >= LONG_QUESTION_WORDS) top.confidence = MATCH_THRESHOLD;

  if (top && top.confidence >= MATCH_THRESHOLD && absurdSubject(q, top.doc)) return { kind: "no-match" };

  const oos = outOfScopeTopic(data, q);
  // a denied topic ("chưa có …"), or a paper, is a circumstance of a procedure the question names surely enough
  // (or of a procedure whose name itself names the topic: "… chưa tham gia bảo hiểm xã hội")
  if (oos?.negated && top !== undefined && (top.confidence >= (oos.paper ? PAPER_CONFIDENT : NEGATED_CONFIDENT) || (top.confidence >= MATCH_THRESHOLD && namesTerm(top.doc, oos.term, q, true)))) return withVariants(data, q, scored, limit);
  // a topic told only in the story is a circumstance when the clause stating the need names a
  // procedure of its own (a story ending in "giờ phải làm sao" still asks about the topic)
  if (oos?.inStory && top !== undefined && top.confidence >= MATCH_THRESHOLD) {
    const needQuery = read(data, q.tokens.slice(q.askFrom));
    const need = scoreQuery(data, needQuery);
    // (when that clause itself names an out-of-scope matter plainly, or the topic follows a need
    // that opens the question, its procedure must be one whose name it covers: "… cần sổ tiết
    // kiệm bao nhiêu" after a visa asks about no procedure, whatever its words recall)
    const needTopic = outOfScopeTopic(data, needQuery);
    const needAsksTopic = (oos.afterOpeningNeed || (needTopic !== null && !needTopic.negated && !needTopic.topic.unrelated && !needTopic.topic.agency)) && (need[0]?.nameCovered ?? 0) < NAMED_COVERED;
    // (and says half the name of that procedure or of an alias: a clause that shares only a word or
    // two with a long name asks about the story's topic in words any matter uses, such as a fraud
    // to denounce beside the procedure for denouncing an officer)
    if ((need[0]?.confidence ?? 0) >= STORY_NEED_CONFIDENT && !needAsksTopic && (need[0]?.nameCovered ?? 0) >= NAMED_COVERED) return withVariants(data, q, scored, limit);
    // (or when the rest of the question, without the topic's words, names a procedure that
    // explains half of the rare words of that clause and says nearly half its name, as a part of a
    // name counts (a clause's rare words shared with a long name are not that procedure: a school
    // and its papers, told after a school transfer), or whose name it says half of: a topic in the
    // story weighs less than one said plainly, where the rest must name a procedure surely; the
    // rest ranks, as the topic's words are only the story's, but an institution's words may be
    // the procedure's own, as below)
    // (not when that clause names nothing at all, asking only whether a permit is needed: the
    // story's topic is then what is asked; nor when the procedure whose name the rest says
    // explains no rare word of that clause and is not the one the clause names best: a clause
    // asking for an act of its own, a lock undone, asks for it on the story's topic, and the
    // procedure the rest names is only what the story told of)
    if (!oos.topic.unrelated && !needAsksTopic && (need[0]?.confidence ?? 0) >= MATCH_THRESHOLD) {
      const rest = scoreQuery(data, read(data, oos.rest));
      const best = rest[0];
      if (best !== undefined && best.confidence >= MATCH_THRESHOLD && ((best.needShare >= STORY_NEED_EXPLAINED && best.nameCovered >= NAMED_COVERED * PART_FACTOR) || (best.nameCovered >= NAMED_COVERED && (best.needShare > 0 || best.doc === need[0]?.doc)))) return withVariants(data, q, oos.topic.agency ? scored : rest, limit);
    }
  }
  if (oos) {
    // an answer beside the topic says where to go for it too, unless the topic is no administrative
    // matter or an institution, or the procedure answered itself names it
    const alsoSaid = (answered: SearchAnswer): SearchAnswer =>
      (answered.kind !== "match" && answered.kind !== "choices") || oos.topic.unrelated || oos.topic.agency || namesTerm(data.byCode.get(answered.results[0]!.code)!, oos.term, q)
        ? answered
        : { ...answered, alsoOutOfScope: { topic: oos.topic.topic, whereToGo: oos.topic.whereToGo } };
    // a procedure that itself names the topic, and whose name the question covers well, answers;
    // but a name or alias naming the topic says what sets the procedure apart too ("hợp tác xã" of
    // an alias "hợp tác xã lập công ty"): a question that says none of that asks about the topic
    // (by the term the question says, or, when the topic is not what the question asks for, in
    // its own words, by another term of the topic that the question does not say: a
    // cooperative's notice of "thành lập doanh nghiệp" for "công ty TNHH")
    const topicTerms = oos.asked ? [oos.term] : [oos.term, ...oos.topic.terms.filter((t) => t !== oos.term && !saysPhrase(q.said, t))];
    // (and names every other term of the topic the question says apart: a procedure naming a loan
    // does not answer the interest rate the question asks about too, a bank's matter)
    const named = top !== undefined && (top.confidence >= NAMED_CONFIDENT || top.nameCovered >= NAMED_COVERED) && topicTerms.some((term) => namesTerm(top.doc, term, q) && saysRestOfTopicText(data, top.doc, term, q)) && (oos.apart ?? []).every((term) => namesTerm(top.doc, term, q));
    // else the rest of the question must name a procedure on its own
    const restQuery = named ? null : read(data, oos.rest);
    const rest = restQuery === null ? [] : scoreQuery(data, restQuery);
    // a procedure of several parts ("…: A, B, C"), one of which names the topic, when the rest of
    // the question names another of its parts by a rare word (a birth, a residence and the
    // child's health-insurance card, done as one): the topic is a part of that procedure, not a
    // question of its own
    const partOfTop = !named && top !== undefined && top.confidence >= TOPIC_PART_CONFIDENT && restQuery !== null && namesOtherPart(data, top.doc, oos.term, restQuery);
    // a long story whose best procedure itself names the topic, and which the rest without the
    // topic's words still ranks first as surely, asks for that procedure: the topic is only the
    // word it shares with the procedure's own name (a passport among the costs a support covers)
    const ownTopic = !named && !partOfTop && top !== undefined && restQuery !== null && restQuery.tokens.length >= LONG_QUESTION_WORDS && rest[0]?.doc === top.doc && Math.min(rest[0].confidence, top.confidence) >= UNRELATED_REST_CONFIDENT && namesTerm(top.doc, oos.term, q);
    if (ownTopic) return withVariants(data, q, scored, limit);
    // a topic the procedure is asked for ("… cho máy ủi") is the question's object: a
    // procedure the rest names is done for something else
    if (!named && !partOfTop && oos.asked) return { kind: "out-of-scope", topic: oos.topic.topic, whereToGo: oos.topic.whereToGo };
    if (!named && !partOfTop && restQuery !== null) {
      const best = rest[0];
      // (a topic that is no administrative matter at all, the weather or a recipe: an honest no match)
      // (a rest that names another out-of-scope topic plainly is no procedure of its own either,
      // unless that procedure itself names it: suing a neighbour in court over a broken "hụi" is a
      // court case and a debt, not the commune's mediation its words recall; the ID card that takes in the health-insurance card
      // and the driving licence names both)
      // (an institution, "ngân hàng … đòi", is not another topic: it may be who asks for the paper)
      const otherTopic = oos.topic.unrelated ? null : outOfScopeTopic(data, restQuery);
      const namesOtherTopic = (doc: Doc): boolean => otherTopic !== null && !otherTopic.negated && !otherTopic.topic.unrelated && !otherTopic.topic.agency && !namesTerm(doc, otherTopic.term, q);
      // (an institution is a weaker sign than a topic: the rest needs to name a procedure as surely
      // as beside a matter that is no administrative one)
      const restConfident = oos.topic.unrelated || oos.topic.agency ? UNRELATED_REST_CONFIDENT : REST_CONFIDENT;
      // (in a long question, a topic among many other words is a circumstance of the story when
      // the whole question and the rest without it name the same procedure, less surely)
      const longStory = best !== undefined && best.doc === top?.doc && restQuery.tokens.length >= LONG_REST_WORDS && Math.min(best.confidence, top.confidence) >= LONG_REST_CONFIDENT;
      // (so too when the rest, weighing its need clause, ranks another procedure first, but is as
      // sure as the whole question of the one the whole question names, and says half its name:
      // taxes paid or years in the army told of a plot or a veteran are the story's; the whole
      // question ranks then)
      const topInRest = top === undefined ? undefined : rest.find((s) => s.doc === top.doc);
      const circumstance = !longStory && top !== undefined && topInRest !== undefined && restQuery.tokens.length >= LONG_REST_WORDS && Math.min(topInRest.confidence, top.confidence) >= STORY_TOP_CONFIDENT && topInRest.nameCovered >= NAMED_COVERED && !namesOtherTopic(top.doc);
      if (circumstance) return alsoSaid(withVariants(data, q, scored, limit));
      // (or, in a long rest, a procedure whose name it says nearly whole, as surely as a long
      // story's: a long story spreads over words no name explains, but a name said whole is asked)
      const restSaysName = best !== undefined && restQuery.tokens.length >= LONG_REST_WORDS && best.confidence >= LONG_REST_CONFIDENT && best.nameCovered >= NAMED_OUTRIGHT;
      const restNames = best !== undefined && (best.confidence >= restConfident || longStory || restSaysName) && best.nameCovered >= NAMED_COVERED && !namesOtherTopic(best.doc);
      if (!restNames && oos.topic.unrelated) return { kind: "no-match" };
      if (!restNames) return paperOfProcedure(data, q, oos, scored, limit) ?? { kind: "out-of-scope", topic: oos.topic.topic, whereToGo: oos.topic.whereToGo };
      // the rest is answered, and the topic is said too (where to go for it); the variant is the
      // one the whole question names (the joint procedure that includes the topic), and one that
      // itself names the topic needs no word of where else to go
      // (an institution is a circumstance then, and its words may be the procedure's own: "lên đại
      // học" of the support for a student; the whole question ranks)
      if (oos.topic.agency) return withVariants(data, q, scored, limit);
      return alsoSaid(withVariants(data, q, rest, limit));
    }
  }
  // a short question with a rare word none of the best procedures says, that leaves the best one
  // unsure, is about something the catalog has no procedure for (swiftlets, "nuôi chim yến", beside
  // the aquaculture procedures that share "nuôi")
  if (top !== undefined && top.confidence < SHORT_UNSURE && top.missing.some((t) => scored.slice(1, SHORT_OFFERED).every((c) => c.missing.includes(t)))) return { kind: "no-match" };
  // a question of few words that its best procedure explains this little, by no rare word of
  // its, while a rare pair of its words or a word the catalog never uses goes unexplained, is
  // about that thing, which no procedure is for: each word of a short question counts, where a
  // long story's words spread over its circumstances
  if (top !== undefined && top.confidence < FEW_WORDS_THRESHOLD && q.tokens.length <= FEW_WORDS && rarestExplained(data, q, top.doc) < FEW_WORDS_RARE && unexplainedObject(data, q, top.doc)) return { kind: "no-match" };
  return withVariants(data, q, scored, limit);
}

/** The rarity (a share of the rarest's) of the rarest word of the question the procedure's name or aliases say. */
function rarestExplained(data: IndexData, q: ReadQuery, doc: Doc): number {
  let rarest = 0;
  for (const [t, w] of q.terms) {
    if (t.includes(" ") || w < 0.5 || data.generic.has(t) || !doc.strong.has(t)) continue;
    rarest = Math.max(rarest, (data.idf.get(t) ?? 0) / data.maxIdf);
  }
  return rarest;
}

/** Whether the question says a rare pair of content words (FEW_WORDS_PAIR), or a word the catalog never uses, that none of the procedure's texts says. */
function unexplainedObject(data: IndexData, q: ReadQuery, doc: Doc): boolean {
  for (const [t, w] of q.terms) {
    if (w < 0.5 || data.generic.has(t) || data.stop.has(t) || doc.strong.has(t) || doc.weak.has(t)) continue;
    const idf = data.idf.get(t);
    if (t.includes(" ") ? idf !== undefined && !q.stopPairs.has(t) && idf >= data.maxIdf * FEW_WORDS_PAIR : idf === undefined && !/\d/.test(t)) return true;
  }
  return false;
}

/**
 * Whether the procedure's name or an alias (only the name: nameOnly) says an out-of-scope term.
 * In a question typed with marks, the name must write the term's marks too: a lease ("cho
 * thuê") does not name a tax ("thuế"), though their letters are the same; typed without marks,
 * the letters may be either ("ra khoi" is "ra khỏi" as well as "ra khơi"). A term an abbreviation
 * of the name reads ("thẻ BHYT") counts by its letters.
 */
function namesTerm(doc: Doc, term: Phrase, q: ReadQuery, nameOnly = false): boolean {
  if (!writtenWithMarks(q.tokens)) return saysPhrase(nameOnly ? doc.strongKeys.slice(0, 1) : doc.strongKeys, term);
  if (term.parts) return term.parts.every((p) => namesTerm(doc, p, q, nameOnly));
  return (nameOnly ? doc.strongTokens.slice(0, 1) : doc.strongTokens).some((tokens) =>
    saysPhrase([tokens.map((t) => t.key)], term) ? tokens.some((_, i) => phraseAt(term, tokens, i)) : saysPhrase([expandAbbreviations(tokens).map((t) => t.key)], term),
  );
}

/**
 * A topic that is one of the papers the procedure the question names asks for (a health
 * certificate or a criminal record of a work permit, a passport of the support for working
 * abroad, a retirement decision) is a circumstance of that procedure: the answer, when the question
 * without the topic's words still names such a procedure, by a good part of its name (else null;
 * a topic asked for, "xin …", is answered out of scope before this is asked).
 */
function paperOfProcedure(data: IndexData, q: ReadQuery, oos: TopicFound, scored: Scored[], limit: number): SearchAnswer | null {
  const top = scored[0];
  if (top === undefined || top.confidence < MATCH_THRESHOLD) return null;
  const without = scoreQuery(data, read(data, oos.without));
  const best = without[0];
  if (best === undefined || best.confidence < MATCH_THRESHOLD || best.nameCovered < PAPER_NAMED || !asksForPaper(best.doc, oos.term)) return null;
  // (the topic's other terms said apart are the paper's or the procedure's too: a loan's interest rate asked beside it is the bank's)
  if ((oos.apart ?? []).some((term) => !asksForPaper(best.doc, term) && !namesTerm(best.doc, term, q))) return null;
  return withVariants(data, q, best.doc === top.doc ? scored : without, limit);
}

/** Whether one of the procedure's documents says the term, each part's words in order with at most one other between them ("vay vốn ngân hàng" of a bank loan). */
function asksForPaper(doc: Doc, term: Phrase): boolean {
  const parts = term.parts ?? [term];
  return doc.paperKeys.some((paper) => parts.every((p) => p.keys.length > 0 && saysLoosely(paper, p.keys)));
}

/** Whether the keys say the words in order, with at most one other word among them. */
function saysLoosely(keys: readonly string[], words: readonly string[]): boolean {
  for (let i = 0; i < keys.length; i++) {
    if (keys[i] !== words[0]) continue;
    let at = i + 1;
    let skipped = 0;
    let j = 1;
    while (j < words.length && at < keys.length && skipped <= 1) {
      if (keys[at] === words[j]) j++;
      else skipped++;
      at++;
    }
    if (j === words.length && skipped <= 1) return true;
  }
  return false;
}

/**
 * Whether a text of the procedure (name or alias) that names the topic has nothing else to say,
 * or the question says at least half of its other content words ("hợp tác xã" of "hợp tác xã lập
 * công ty"): a question saying only the topic asks about the topic, not about the procedure.
 */
function saysRestOfTopicText(data: IndexData, doc: Doc, term: Phrase, q: ReadQuery): boolean {
  const said = new Set(q.said.flat());
  for (const keys of doc.strongKeys) {
    if (!saysPhrase([keys], term)) continue;
    const inTerm = new Set(term.parts ? term.parts.flatMap((p) => p.keys) : term.keys);
    const others = keys.filter((k) => !inTerm.has(k) && !data.stop.has(k) && !data.generic.has(k));
    if (others.length === 0 || others.filter((k) => said.has(k)).length * 2 >= others.length) return true;
  }
  return false;
}

/** Whether a part of the name names the phrase and the question says a rare word of another part. */
function namesOtherPart(data: IndexData, doc: Doc, term: Phrase, q: ReadQuery): boolean {
  const topicPart = doc.partKeys.findIndex((keys) => saysPhrase([keys], term));
  if (topicPart < 0) return false;
  return doc.partKeys.some((keys, i) => i !== topicPart && !saysPhrase([keys], term) && keys.some((k, j) => {
    const pair = j > 0 ? `${keys[j - 1]} ${k}` : "";
    return [k, pair].some((t) => t !== "" && q.terms.has(t) && !data.generic.has(t) && (data.nameIdf.get(t) ?? 0) >= data.maxIdf * (t.includes(" ") ? 0.26 : 0.44));
  }));
}

/**
 * How much of the words of a procedure's name that another's lacks the question says: a share,
 * by rarity, of its own syllables (not pairs, which only say the order of the words around them;
 * not the plain variant's words, "trong nước").
 */
function ownWordsSaid(data: IndexData, q: ReadQuery, doc: Doc, other: Doc): number {
  let own = 0;
  let said = 0;
  for (const t of doc.nameTerms) {
    if (t.includes(" ") || other.nameTerms.has(t) || data.plainTerms.has(t)) continue;
    const idf = data.nameIdf.get(t) ?? 0;
    own += idf;
    const w = q.terms.get(t);
    if (w !== undefined) said += idf * Math.min(1, w);
  }
  return own > 0 ? said / own : 0;
}

function withVariants(data: IndexData, q: ReadQuery, scored: Scored[], limit: number): SearchAnswer {
  const results = ranked(scored, limit);
  const first = results[0];
  if (!first) return { kind: "no-match" };
  // the group of the best answer that the question is about
  const group = (data.groupsOf.get(first.code) ?? []).find((g) => g.says.length === 0 || g.says.some((p) => saysPhrase(q.said, p)));
  if (!group) return { kind: "match", results };

  // each variant's own confidence, whatever the limit (one the search did not offer at all: the least offered)
  const all = ranked(scored, scored.length);
  const scoreOf = (code: string): number => all.find((r) => r.code === code)?.score ?? MATCH_THRESHOLD;
  const resultOf = (m: VariantMember, score: number): AnswerResult => ({ code: m.code, name: data.byCode.get(m.code)!.name, score: round(score), variant: m.label });
  const present = group.members.filter((m) => data.byCode.has(m.code));
  const selection = selectVariants(q, group);
  const selected = selection.members.filter((m) => data.byCode.has(m.code));
  const put = (code: string, score = first.score): AnswerResult[] => {
    const chosen = present.find((m) => m.code === code)!;
    const rest = results.filter((r) => r.code !== code);
    // the chosen variant takes the best answer's confidence (or more); the others keep theirs, well
    // behind, but still offered as runners-up are (ranked: at the threshold at least), so that a
    // variant chosen with little confidence does not hide the candidates behind it
    return [resultOf(chosen, score), ...rest.map((r) => ({ ...r, score: Math.max(MATCH_THRESHOLD, Math.min(r.score, round(first.score - 0.25))) })).sort((a, b) => b.score - a.score)]
      .slice(0, limit);
  };
  // a stated age that decides the variant of a group the question names ("căn cước … bé 9 tuổi")
  // leaves nothing to guess: the words around the age (who it is) do not make the answer less sure
  const named = group.says.length > 0 || first.score >= AGE_GROUP_NAMED;
  if (selected.length === 1 && selection.byAge && named) return { kind: "match", results: put(selected[0]!.code, Math.max(first.score, AGE_DECIDED)) };
  if (selected.length === 1) return { kind: "match", results: put(selected[0]!.code) };
  if (selected.length === 0 && group.default && data.byCode.has(group.default)) {
    // the best answer is another variant whose own words the question says, more of them than
    // of the default's ("hết hạn" of "Gia hạn giấy phép", not "mới" of "Cấp giấy phép … mới"),
    // or, saying as many, that the question fits clearly better (its other words: "đổi thiết kế"
    // for "Cấp điều chỉnh giấy phép"): the search's choice stands; else the default (the
    // question does not tell them apart)
    const best = data.byCode.get(first.code)!;
    const plain = data.byCode.get(group.default)!;
    const confidenceOf = (doc: Doc): number => scored.find((x) => x.doc === doc)?.confidence ?? 0;
    const mine = ownWordsSaid(data, q, best, plain);
    const theirs = ownWordsSaid(data, q, plain, best);
    // (a member answered only when its words are said, a joint procedure of several acts asked for
    // together, is no such choice: one of its acts said in a story, the parents' residence or ID
    // card, leaves the single act, the default)
    const chosen = best !== plain && present.some((m) => m.code === first.code && !m.selectedOnly) && (mine > theirs || (mine === theirs && confidenceOf(best) - confidenceOf(plain) >= data.sibling.variantClearlyAhead));
    return { kind: "match", results: put(chosen ? first.code : group.default) };
  }
  const offered = selected.length > 1 ? selected : present;
  // the variants are a closed set: all of them, even past a short limit (a reader showing three
  // buttons must not drop the variant that fits), but never a wall of buttons; best first (the
  // table's order among equals)
  const byScore = offered.map((m) => resultOf(m, Math.min(scoreOf(m.code), first.score))).sort((a, b) => b.score - a.score);
  // the search's best procedure outside the group comes third, before the rest of the variants,
  // when the best variant is not a sure answer's lead ahead of it and it is at least as sure as the
  // third variant: past the two a choice needs, a variant the search hardly finds (offered only
  // because the set is closed) is no likelier than the procedure the question may be about instead
  // (a grandfather registering a birth on his son's behalf is no certification of a signature); it
  // takes a place of the six, and the answer stays best first
  const outside = all.filter((r) => !group.members.some((m) => m.code === r.code));
  const runnerUp = outside[0];
  const third = byScore.length > 2 && runnerUp !== undefined && runnerUp.score >= byScore[2]!.score && byScore[0]!.score - runnerUp.score < CHOICES_LEAD ? runnerUp : undefined;
  const variants = byScore.slice(0, Math.max(limit, MAX_CHOICES) - (third ? 1 : 0));
  const unlabelled = (r: AnswerResult, most: number): AnswerResult => ({ code: r.code, name: r.name, score: Math.min(r.score, most) });
  // after them, up to the limit, the search's next best other procedures (no variant label, never
  // surer than the last variant): the question may not be about this group at all; the members
  // the question's words ruled out stay out
  const lowest = variants[variants.length - 1]!.score;
  const others = outside
    .filter((r) => r !== third)
    .slice(0, Math.max(0, limit - variants.length - (third ? 1 : 0)))
    .map((r) => unlabelled(r, lowest));
  const shown = third ? [variants[0]!, variants[1]!, unlabelled(third, variants[1]!.score), ...variants.slice(2)] : variants;
  return { kind: "choices", prompt: group.prompt, results: [...shown, ...others] };
}

/** Ranked procedures for a question, best first (the procedures a "match" or "choices" answer offers). */
export function searchCatalog(index: CatalogSearchIndex, query: string, options: SearchOptions = {}): SearchResult[] {
  const limit = Math.max(0, Math.floor(options.limit ?? DEFAULT_LIMIT));
  if (limit === 0) return [];
  const answer = askCatalog(index, query, { limit });
  if (answer.kind !== "match" && answer.kind !== "choices") return [];
  return answer.results.slice(0, limit).map(({ code, name, score }) => ({ code, name, score }));
}

/** Every candidate with its confidence, before the threshold (for tuning and the eval's misses). */
export function explainSearch(index: CatalogSearchIndex, query: string): { code: string; confidence: number }[] {
  const data = index as unknown as IndexData;
  return scoreQuery(data, read(data, query)).map((s) => ({ code: s.doc.code, confidence: Math.round(s.confidence * 1000) / 1000 }));
}

/**
 * An index as a snapshot keeps it (snapshot.ts writes it with node:v8's serializer, which keeps
 * maps, sets and shared objects as they are): the search's data tables as read (data.ts), every
 * value of the index but those made of the procedures themselves (the procedures' own objects,
 * made again on first use) and every indexed term's postings as MiniSearch scores them
 * (termPostings: all a search asks of MiniSearch). Read back with the very procedures it was
 * built from (indexFromSnapshot).
 */
export interface SearchIndexSnapshot {
  data: SearchData;
  index: Omit<IndexData, "mini" | "postings" | "docs" | "byCode" | "terms" | "sibling" | "idf" | "nameIdf"> & { idf: StoredTermValues; nameIdf: StoredTermValues };
}

/** The snapshot of an index buildSearchIndex built (every indexed term's postings asked of MiniSearch now). */
export function searchIndexSnapshot(index: CatalogSearchIndex): SearchIndexSnapshot {
  const { mini, postings: _postings, docs: _docs, byCode: _byCode, terms: _terms, sibling: _sibling, ...rest } = index as unknown as IndexData;
  if (mini === null) throw new Error("searchIndexSnapshot: this index was read from a snapshot");
  const data = index as unknown as IndexData;
  const terms = new Map<string, number>();
  const offsets: number[] = [0];
  const ids: number[] = [];
  const scores: number[] = [];
  data.idf.forEach((_, t) => {
    const found = termPostings(data, t);
    if (found.every((f) => f.ids.length === 0)) return;
    terms.set(t, terms.size);
    for (const f of found) {
      ids.push(...f.ids);
      scores.push(...f.scores);
      offsets.push(ids.length);
    }
  });
  const stored: StoredPostings = { terms, offsets: Uint32Array.from(offsets), ids: Uint32Array.from(ids), scores: Float64Array.from(scores) };
  const stores = (v: TermValues): StoredTermValues => ({ numbers: v.numbers, values: v.values });
  return { data: searchData(), index: { ...rest, idf: stores(rest.idf), nameIdf: stores(rest.nameIdf), stored } };
}

/**
 * The index a snapshot describes, over the procedures it was built from (snapshot.ts keys the
 * snapshot by them and by the search's code and data, and installs its data tables first:
 * useSearchData). Answers exactly as the index buildSearchIndex builds of them.
 */
export function indexFromSnapshot(procedures: readonly SearchableProcedure[], snapshot: SearchIndexSnapshot): CatalogSearchIndex {
  const { index } = snapshot;
  if (index.readings.length !== procedures.length || index.stored === null) throw new Error("search index snapshot: not of these procedures");
  const context = docContext(useSearchData(snapshot.data));
  // (the rarities share their map of the terms' numbers: node:v8 reads it back once)
  const idf = new TermValues(index.idf.numbers, index.idf.values);
  const nameIdf = new TermValues(index.nameIdf.numbers, index.nameIdf.values);
  context.nameIdf = nameIdf;
  const docs = makeDocs(procedures, index.readings, context);
  const terms: string[] = [];
  idf.numbers.forEach((at, t) => {
    terms[at] = t;
  });
  const data: IndexData = { ...index, idf, nameIdf, mini: null, postings: new Map(), docs, byCode: new Map(docs.map((d) => [d.code, d])), terms, sibling: SIBLING_TUNING };
  return data as unknown as CatalogSearchIndex;
}
