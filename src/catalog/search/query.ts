/**
 * Reading a citizen's question: tokens (tokenize.ts), abbreviations expanded, typing slips
 * repaired (typos.ts), colloquial phrases read as the catalog's words (data/synonyms.json), then
 * weighted terms: folded syllables that are not stop words and pairs of adjacent syllables.
 */
import { isVietnameseSyllable } from "../../text/vietnamese.js";
import { sameToneKey, searchData, type Phrase, type PlainWordReading, type QuantityIdiom, type SearchData, type Synonym } from "./data.js";
import { plainTokens, tokenize, wordsOf, type Token } from "./tokenize.js";
import { repairPairs, repairTokens, toneOf, type Vocabulary } from "./typos.js";

/** Only the start of a very long message is read: a question is stated in its first lines. */
export const MAX_QUERY_CHARS = 500;

/** A question with this many words typed with marks, and this share of its words, is written with marks. */
const WRITTEN_MIN = 2;
const WRITTEN_SHARE = 0.5;

/** Weight of the words naming how the dossier is handed in ("… qua VNeID"), when others name the matter. */
const CHANNEL_WEIGHT = 0.5;

/** Weight of the words after a purpose marker ("… để vay vốn"), up to the end of its sentence. */
const PURPOSE_WEIGHT = 0.5;
/**
 * Weight of the catalog's words a synonym reads in the story before the clause stating the need
 * ("Ba tôi mất …, giờ muốn …": the death is a circumstance, not the death registration asked for).
 * The citizen's own words there keep their weight.
 */
const STORY_SYNONYM_WEIGHT = 0.7;

/**
 * In a question this long (in words), a story, the words just after a marker saying a step is
 * done ("đã có …", "đã được cấp …": data/stopwords.json doneStepMarkers) tell of a fact of the
 * story, a paper held or a step taken, not of what is asked: they weigh STORY_FACT_WEIGHT (up to
 * STORY_FACT_WINDOW words, never past the start of a clause stating a need).
 */
const STORY_FACT_WORDS = 20;
const STORY_FACT_WINDOW = 3;
const STORY_FACT_WEIGHT = 0.5;

/** The least share of the question a synonym's reading makes up for the words it read (readShare). */
const READ_SHARE_FLOOR = 0.5;

/**
 * How much of the question a synonym's reading makes up, against its weight: a reading of few
 * words as many content words ("vneid" as "tài khoản định danh điện tử") makes up the square root
 * of their ratio (never below READ_SHARE_FLOOR), so that it does not outweigh the rest of the
 * question because the catalog's name for it is long. It still covers a name it says in full.
 */
export function readShare(s: Synonym): number {
  const said = (s.say.parts ?? [s.say]).reduce((n, p) => n + p.keys.length, 0);
  const means = s.meansStops.filter((stop) => !stop).length;
  if (said === 0 || means <= said) return 1;
  return Math.max(READ_SHARE_FLOOR, Math.sqrt(said / means));
}

export function clip(query: string): string {
  if (query.length <= MAX_QUERY_CHARS) return query;
  const cut = query.slice(0, MAX_QUERY_CHARS);
  const space = cut.search(/\s\S*$/u);
  return space > 0 ? cut.slice(0, space) : cut;
}

/** A run of syllables read together (pairs are formed inside a segment only). */
export interface Segment {
  keys: string[];
  /** which keys are function words (by their marks when the citizen typed them) */
  stops: boolean[];
  /** tone signatures of the words the citizen typed with marks (undefined: typed without) */
  marks?: (string | undefined)[];
  weight: number;
  /** how much of the question its words make up, against their weight (readShare; 1 when unset) */
  share?: number;
  /** words the citizen typed (false: words a synonym put in their place) */
  typed: boolean;
  /** in the clause stating the need (the whole question when no story comes before one) */
  need: boolean;
  /** in a hearsay clause ("nghe nói …") */
  heard?: boolean;
  /** in the words naming a paper the question points back at ("giấy đó"), or in the sentence that points (referentSpans) */
  referred?: boolean;
}

export interface ReadQuery {
  /** the repaired tokens as typed (with their marks) */
  tokens: Token[];
  segments: Segment[];
  /** term → weight (syllables and "a b" pairs) */
  terms: Map<string, number>;
  /** the terms that make up less of the question than their weight (a long reading of few words): term → share */
  shares: Map<string, number>;
  /** the pairs among the terms that have a function word in them */
  stopPairs: Set<string>;
  /**
   * Those of them whose function word the citizen typed without marks: the letters may be another
   * word's ("tam vang": "vâng" yes, or "vắng" absent), a content word of the pair the catalog writes.
   */
  plainStopPairs: Set<string>;
  /** for terms the citizen typed with marks only: their tone signatures ("vang" → "vàng" as "vang2") */
  tones: Map<string, string>;
  /** every key the question says, typed or read in (for phrase conditions) */
  said: string[][];
  /** the same without the words a negator denies ("chưa cần tạm trú") and what a synonym reads from them (deniedPositions) */
  affirmed: string[][];
  /** ages the question states ("bé 3 tuổi" → 3) */
  ages: number[];
  /** years the question says something has held since ("từ năm 2001" → 2001; "từ những năm …", "từ hồi …" too; "từ trước năm 1990" → 1989) */
  since: number[];
  /** where a purpose clause starts ("… để xin việc"), when the words before it name something; else the length */
  purposeFrom: number;
  /** where that purpose clause ends: at the clause stating the need when one follows it ("… để nuôi, giờ muốn …"); else the length */
  purposeTo: number;
  /** where the purpose clause's own clause ends (after the comma that ends it: what it is for, then another clause), at most purposeTo: what the clause names ends there */
  purposeClauseTo: number;
  /** where the clause stating the need starts ("…, giờ muốn …"), when a story comes before it; else 0 */
  needFrom: number;
  /** the terms of that clause (empty when no story comes before one) */
  needTerms: Set<string>;
  /** where the clause that asks starts, against which out-of-scope topics told before it are weighed (outOfScopeTopic): in a long story whose later sentence states a need again ("… Tôi muốn …"), at that sentence's marker (needStart); else needFrom */
  askFrom: number;
  /** in a question of STORY_FACT_WORDS words or more, the terms of a hearsay clause ("nghe nói …"; up to the clause stating the need when one follows it, or the end of its sentence) */
  heardTerms: Set<string>;
  /** when the question points back at a paper named earlier ("giấy đó"), the terms of the words naming it and of the sentence that points back (referentSpans); else empty */
  referredTerms: Set<string>;
  /** tokens an "a + b" synonym read (an out-of-scope word among them does not count: "không + lương hưu") */
  consumed: boolean[];
}

/** Whether a message is typed with marks: enough of its words are (one marked word may be a repair or a slip). */
export function writtenWithMarks(tokens: readonly Token[]): boolean {
  let marked = 0;
  for (const t of tokens) if (t.marked) marked++;
  return marked >= WRITTEN_MIN && marked >= WRITTEN_SHARE * tokens.length;
}

/** Whether a phrase occurs in the tokens at position i (one-word phrases need the same marks). */
export function phraseAt(phrase: Phrase, tokens: readonly Token[], i: number, strict = false): boolean {
  const { keys } = phrase;
  if (keys.length === 0 || i + keys.length > tokens.length) return false;
  for (let j = 0; j < keys.length; j++) if (tokens[i + j]!.key !== keys[j]) return false;
  const data = searchData();
  // several words: a word the citizen typed with marks must have the phrase's ("mất gia …" is not
  // "mắt giả"; strict: "con mà" is not "con ma"); a word typed without marks matches by its letters,
  // unless (strict, a phrase without marks) every word is a function word so typed in a message
  // typed without marks (in one typed with marks, a word typed without them is meant so: "con ma"
  // there is the ghost, not "còn mà")
  if (phrase.tones && phrase.tones.length === keys.length) {
    let allFunctionWords = strict && !phrase.written;
    // strict, in a message typed with marks: a function word typed without any is that word, not
    // a marked word of the phrase ("cho con khi bố mẹ …" is "khi", not the animal "khỉ")
    const typedWithMarks = strict && phrase.written && writtenWithMarks(tokens);
    for (let j = 0; j < keys.length; j++) {
      const t = tokens[i + j]!;
      if ((phrase.written || strict) && t.marked && sameToneKey(t.tone) !== phrase.tones[j]) return false;
      if (typedWithMarks && plainFunctionWord(data, strict, t, phrase.tones[j]!) && sameToneKey(t.tone) !== phrase.tones[j]) return false;
      if (!plainFunctionWord(data, strict, t, phrase.tones[j]!)) allFunctionWords = false;
    }
    if (allFunctionWords && !writtenWithMarks(tokens)) return false;
  }
  // a one-word phrase: the same marks, or an unmarked word that is not also a function word,
  // unless the phrase is itself that function word ("không" of "không + lương hưu" typed "khong")
  // (strict: the same marks only)
  if (phrase.tone !== null) {
    const t = tokens[i]!;
    if (plainFunctionWord(data, strict, t, phrase.tone)) return false;
    return t.tone === phrase.tone || (!strict && !t.marked && (!data.stopWords.has(t.key) || data.stopTones.has(phrase.tone)));
  }
  return true;
}

/**
 * strict (names of animals and objects, out-of-scope topics): a word typed without marks that is
 * also a function word is that function word ("voi" is "với", not the elephant "voi"); the
 * phrase's word may be that very function word, one without marks ("xin", "ra" of a verb of asking).
 * (A function of its own, not a closure made at each phraseAt call: the index build calls
 * phraseAt for the synonyms at every word of every alias.)
 */
function plainFunctionWord(data: SearchData, strict: boolean, t: Token, tone: string): boolean {
  return strict && !t.marked && data.stopWords.has(t.key) && !data.stopTones.has(tone) && !(tone === t.key && data.plainStopWords.has(tone));
}

/** Whether a phrase occurs (by keys) in any of the key sequences. */
export function saysPhrase(said: readonly (readonly string[])[], phrase: Phrase): boolean {
  if (phrase.parts) return phrase.parts.every((p) => saysPhrase(said, p));
  for (const keys of said) {
    outer: for (let i = 0; i + phrase.keys.length <= keys.length; i++) {
      for (let j = 0; j < phrase.keys.length; j++) if (keys[i + j] !== phrase.keys[j]) continue outer;
      return true;
    }
  }
  return false;
}

export function expandAbbreviations(tokens: readonly Token[], closing?: ReadonlySet<Token>): Token[] {
  const { abbreviationTokens, closingTags, abbreviationsAfter } = searchData();
  const out: Token[] = [];
  for (let i = 0; i < tokens.length; i++) {
    const t = tokens[i]!;
    // a chat spelling that closes the question or a clause after a word asking whether
    // ("… được hk?") is a question tag, "không", not the abbreviation it is elsewhere ("nhập hk");
    // as the question's last word it is the tag unless the word before takes the abbreviation
    // ("đk kết hôn hk?" asks whether; "muốn nhập hk" names the household registration)
    const tag = closing !== undefined && !t.marked ? closingTags.get(t.key) : undefined;
    const before = i > 0 ? tokens[i - 1]!.key : undefined;
    if (tag !== undefined && before !== undefined && (i === tokens.length - 1 || closing!.has(t)) && (tag.after.has(before) || (i === tokens.length - 1 && i >= 2 && tag.lastUnlessAfter !== null && !tag.lastUnlessAfter.has(before)))) {
      out.push(...tag.means.map((m) => ({ ...m })));
      continue;
    }
    // a shortcut that means other words right after a word that takes them ("lớp mn" is a
    // preschool class, though "mn" alone is "mọi người")
    const after = !t.marked && before !== undefined ? abbreviationsAfter.get(t.key) : undefined;
    if (after !== undefined && after.after.has(before!)) {
      out.push(...after.means.map((m) => ({ ...m })));
      continue;
    }
    // the words as the table writes them, marks and all: a question written with marks would
    // otherwise read them as typed without ("cmnd" as "chung minh", not "chứng minh")
    const words = abbreviationTokens.get(t.key);
    if (words && (!t.marked || !isVietnameseSyllable(t.key))) out.push(...words);
    else out.push(t);
  }
  return out;
}

const AGE = /(duoi\s*)?(\d{1,3})\s*(tuoi|t)\b/g;
const MONTHS = /\d{1,2}\s*thang\s*tuoi|so sinh|moi sinh|moi de/;

// (a year after "từ trước" is a time before it: "từ trước năm 1990" is since some year up to 1989;
// "từ hồi …", "từ thời …", "từ khoảng …", "từ đầu …", "từ cuối …" a year are since it too)
const SINCE = /\btu\s+(truoc\s+)?(?:(?:hoi|thoi|khoang|dau|cuoi)\s+)?(?:(?:nhung\s+)?nam\s+)?((?:19|20)\d\d)\b/g;

function sinceOf(tokens: readonly Token[]): number[] {
  const text = tokens.map((t) => t.key).join(" ");
  return [...text.matchAll(SINCE)].map((m) => Number(m[2]) - (m[1] ? 1 : 0));
}

function agesOf(tokens: readonly Token[]): number[] {
  const text = tokens.map((t) => t.key).join(" ");
  const ages: number[] = [];
  if (MONTHS.test(text)) ages.push(0);
  for (const m of text.matchAll(AGE)) ages.push(Number(m[2]) - (m[1] ? 1 : 0));
  return ages;
}

/** Where each part of a phrase occurs in the tokens (start, length), or null if one is missing. */
export function phraseSpans(phrase: Phrase, tokens: readonly Token[], free: (i: number) => boolean = () => true, strict = false, keys?: ReadonlySet<string>): [number, number][] | null {
  // (with the set of the tokens' keys, a phrase with a word not among them is ruled out at once)
  if (keys && !(phrase.parts ?? [phrase]).every((p) => p.keys.every((k) => keys.has(k)))) return null;
  const spans: [number, number][] = [];
  for (const part of phrase.parts ?? [phrase]) {
    let found = -1;
    for (let i = 0; i < tokens.length && found < 0; i++) if (phraseAt(part, tokens, i, strict) && part.keys.every((_, j) => free(i + j))) found = i;
    if (found < 0) return null;
    spans.push([found, part.keys.length]);
  }
  return spans;
}

/** Whether the tokens at j say an amount ("50 triệu", "200k") of an idiom's units. */
function isAmount(idiom: QuantityIdiom, tokens: readonly Token[], j: number): boolean {
  const t = tokens[j];
  if (t === undefined || !/^\d/.test(t.key)) return false;
  if (/^\d+$/.test(t.key)) return idiom.amounts.some((p) => phraseAt({ keys: p.keys, tone: null }, tokens, j + 1));
  const unit = t.key.replace(/^[\d.,]+/, "");
  return idiom.amounts.some((p) => p.keys.length === 1 && p.keys[0] === unit);
}

/**
 * The tokens without the words a quantity idiom makes function words ("mất bao lâu", "mất phí":
 * how long it takes, not "lost"; data/stopwords.json quantityIdioms). "bị mất", "làm mất" stay, but
 * before a fee ("có bị mất phí không": is there a charge).
 */
export function dropQuantityIdioms(tokens: readonly Token[]): Token[] {
  const { quantityIdioms } = searchData();
  const dropped = new Set<number>();
  for (const idiom of quantityIdioms) {
    for (let i = 0; i + 1 < tokens.length; i++) {
      if (!phraseAt(idiom.word, tokens, i, true) && !(tokens[i]!.key === idiom.word.keys.join(" ") && !tokens[i]!.marked)) continue;
      const j = i + idiom.word.keys.length;
      const quantity = (idiom.number && /^\d+$/.test(tokens[j]?.key ?? "")) || idiom.before.some((p) => phraseAt({ keys: p.keys, tone: null }, tokens, j)) || isAmount(idiom, tokens, j);
      if (!quantity) continue;
      const even = idiom.evenAfterPrev.some((p) => phraseAt({ keys: p.keys, tone: null }, tokens, j));
      if (!even && idiom.unlessPrev.some((p) => i - p.keys.length >= 0 && phraseAt({ keys: p.keys, tone: null }, tokens, i - p.keys.length))) continue;
      if (idiom.unlessNumberAfter && !tokens[i]!.marked && idiom.before.some((p) => phraseAt({ keys: p.keys, tone: null }, tokens, j) && /^\d/.test(tokens[j + p.keys.length]?.key ?? ""))) continue;
      for (let k = i; k < j; k++) dropped.add(k);
    }
  }
  return dropped.size === 0 ? [...tokens] : tokens.filter((_, i) => !dropped.has(i));
}

/**
 * The positions of the words that say how a dossier is handed in: a channel marker and the way
 * after it ("trên vneid", "qua mạng"; data/stopwords.json channels).
 */
export function channelPositions(tokens: readonly Token[]): Set<number> {
  const { markers, ways } = searchData().channels;
  const at = new Set<number>();
  for (let i = 0; i + 1 < tokens.length; i++) {
    for (const m of markers) {
      if (!phraseAt(m, tokens, i)) continue;
      const j = i + m.keys.length;
      const way = ways.find((w) => phraseAt({ keys: w.keys, tone: null }, tokens, j));
      if (way === undefined) continue;
      for (let k = i; k < j + way.keys.length; k++) at.add(k);
    }
  }
  return at;
}

/**
 * The tokens with each word typed without marks that spells a function word and a content word
 * alike read as the function word where the words after it make it one (data/stopwords.json
 * plainFunctionWords: "de lam" is "để làm", so no synonym reads "mới đẻ" in "moi de lam giay"),
 * as though typed with its marks; and each such word read as the content word where the words
 * after it make it one (plainContentWords: "hoi cuu …" is "hội cựu …", the association, not
 * "hỏi"), so that the synonyms written with that word read it. An entry with `after` reads the
 * word so after one of those words, unless one of its `unlessNext` follows ("hoc lai" is "học
 * lại", so the driving lessons of "học lái" are not read there; "hoc lai xe" still is "học lái xe").
 */
export function readPlainFunctionWords(tokens: readonly Token[]): Token[] {
  const { plainFunctionWords } = searchData();
  const out = [...tokens];
  const readAt = (w: PlainWordReading, i: number): boolean =>
    w.before.length > 0
      ? (!w.first || i === 0) && w.before.some((p) => phraseAt(p, out, i + 1))
      : w.after.some((p) => i - p.keys.length >= 0 && phraseAt({ keys: p.keys, tone: null }, out, i - p.keys.length)) && !w.unlessNext.some((p) => phraseAt({ keys: p.keys, tone: null }, out, i + 1));
  for (let i = 0; i < out.length; i++) {
    const t = out[i]!;
    const word = t.marked ? undefined : plainFunctionWords.get(t.key)?.find((w) => readAt(w, i));
    if (word !== undefined) out[i] = { key: t.key, tone: word.tone, marked: true };
  }
  return out;
}

/**
 * Whether a one-word marker typed without marks at position i is the word of a catalog pair it
 * makes with a neighbour ("can cuoc": "căn cước"), not the marker: the catalog's names and aliases
 * write that pair with another word than the marker (`otherWord`; undefined when they do not
 * write it at all, and then any pair the catalog knows will do, unless `written`); with the next
 * word only, unless `withPrevious`.
 */
function pairWordAt(tokens: readonly Token[], i: number, knownPair: (pair: string) => boolean, otherWord: (pair: string) => boolean | undefined, written = false, withPrevious = true): boolean {
  const t = tokens[i]!;
  const pairWord = (pair: string): boolean => knownPair(pair) && (otherWord(pair) ?? !written);
  const prev = withPrevious ? tokens[i - 1] : undefined;
  const next = tokens[i + 1];
  return !t.marked && ((prev !== undefined && pairWord(`${prev.key} ${t.key}`)) || (next !== undefined && pairWord(`${t.key} ${next.key}`)));
}

/**
 * Where a purpose clause starts (after a marker), or -1. A one-word marker typed without marks
 * that is, with the next word, a pair the catalog's names and aliases write with another word is
 * none ("de nghi" is "đề nghị": pairWordAt).
 */
function purposeStart(tokens: readonly Token[], knownPair: (pair: string) => boolean, otherWord: (pair: string) => boolean | undefined): number {
  const { purposeMarkers } = searchData();
  for (let i = 1; i < tokens.length; i++) {
    for (const m of purposeMarkers) {
      const unmarkedSingle = m.tone !== null && !tokens[i]!.marked && tokens[i]!.key === m.keys[0];
      if (phraseAt(m, tokens, i) || unmarkedSingle) {
        if (tokens[i + m.keys.length]?.key === "lai") continue; // "để lại" = leave (a bequest)
        if (m.keys.length === 1 && pairWordAt(tokens, i, knownPair, otherWord, true, false)) continue;
        return i + m.keys.length;
      }
    }
  }
  return -1;
}

/** In a question of this many words or more, a later sentence may state the need again (needStart). */
const LATER_NEED_WORDS = 30;
/** How many words naming something a need stated again in a later sentence says at least. */
const LATER_NEED_CONTENT = 2;
/**
 * Markers that do not state the need again in a later sentence: there "cần" asks what is needed
 * ("… cần những gì?") and "xin" opens a question ("Xin hỏi …").
 */
const LATER_NEED_SKIP = new Set(["can", "xin"]);

/**
 * Where the clause stating the need starts (at its marker: "muốn", "cần", "giờ"…), when words
 * before it tell a story and words after it name something; else 0. A marker typed without marks
 * that makes a catalog pair with a neighbour ("can cuoc", "thue muon") is that pair's word, unless
 * the catalog's names and aliases write that pair only with the marker itself (an alias's "muốn
 * tách …": `otherWord` says whether they write it with another word, undefined when they do not
 * write it at all). `later`: in a long story (LATER_NEED_WORDS) whose last sentence stating a need
 * is not the first one's, the first marker of that sentence (not "cần" or "xin": LATER_NEED_SKIP),
 * when that sentence names something from it (LATER_NEED_CONTENT words): a paper another body
 * needs told first ("… cần …"), then "… muốn …" in the last sentence, asks there; else the first.
 */
function needStart(tokens: readonly Token[], content: (t: Token) => boolean, knownPair: (pair: string) => boolean, otherWord: (pair: string) => boolean | undefined, sentenceEnd: readonly number[] | null): { first: number; later: number } {
  const { needMarkers } = searchData();
  const lookalike = insideLookalike(tokens);
  let contentBefore = false;
  const found: number[] = [];
  for (let i = 1; i < tokens.length; i++) {
    contentBefore ||= content(tokens[i - 1]!);
    if (!contentBefore) continue;
    for (const m of needMarkers) {
      const t = tokens[i]!;
      const unmarkedSingle = m.tone !== null && !t.marked && t.key === m.keys[0];
      if (!(phraseAt(m, tokens, i) || unmarkedSingle) || lookalike(i, i + m.keys.length)) continue;
      if (m.keys.length === 1 && pairWordAt(tokens, i, knownPair, otherWord)) continue;
      if (tokens.slice(i + m.keys.length).some(content)) {
        if (found.length === 0 || !LATER_NEED_SKIP.has(m.keys.join(" "))) found.push(i);
        break;
      }
    }
    if (found.length > 0 && (sentenceEnd === null || tokens.length < LATER_NEED_WORDS)) break;
  }
  const first = found[0] ?? 0;
  const last = found[found.length - 1] ?? 0;
  if (sentenceEnd === null || sentenceEnd[last] === sentenceEnd[first]) return { first, later: first };
  const later = found.find((i) => sentenceEnd[i] === sentenceEnd[last])!;
  return { first, later: tokens.slice(later, sentenceEnd[later]).filter(content).length >= LATER_NEED_CONTENT ? later : first };
}

/**
 * A sentence ends at ".", "?", "!", ";" or "…" (closing quotes or brackets may follow) before a
 * space, or at a line break: a clause opened by a hearsay marker ("nghe nói …") ends with it.
 */
const SENTENCE_BREAK = /(?<=[.?!;…]["'”’)\]]*)\s+|\n+/u;

/**
 * The tokens of a text, each an object of its own (the tokenizer shares one a word), and those
 * that end a sentence or start the next one: whichever a reading step (a repair, an abbreviation
 * expanded) keeps tells where the sentence ends.
 */
function sentenceTokens(text: string): { tokens: Token[]; ends: Set<Token>; starts: Set<Token>; clauseEnds: Set<Token> } {
  const tokens: Token[] = [];
  const ends = new Set<Token>();
  const starts = new Set<Token>();
  const clauseEnds = new Set<Token>();
  for (const sentence of text.split(SENTENCE_BREAK)) {
    // (the words of each clause, to the comma that ends it)
    const words: Token[] = [];
    for (const clause of sentence.split(CLAUSE_BREAK)) {
      const clauseWords = tokenize(clause).map((t) => ({ ...t }));
      if (clauseWords.length === 0) continue;
      if (words.length > 0) clauseEnds.add(words[words.length - 1]!);
      words.push(...clauseWords);
    }
    if (words.length === 0) continue;
    if (tokens.length > 0) {
      ends.add(tokens[tokens.length - 1]!);
      starts.add(words[0]!);
    }
    tokens.push(...words);
  }
  return { tokens, ends, starts, clauseEnds };
}

/** Where the purpose clause from `from` ends at the comma that ends its clause (at most `to`). */
function purposeClauseEnd(tokens: readonly Token[], from: number, to: number, clauseEnds: ReadonlySet<Token> | undefined): number {
  if (clauseEnds === undefined) return to;
  for (let j = from; j < to; j++) if (clauseEnds.has(tokens[j]!)) return j + 1;
  return to;
}

/** A clause ends at a comma before a space (not one between digits: "1,5"). */
const CLAUSE_BREAK = /,(?=\s)/u;

/** Where the sentence of each position ends (the question's length for tokens read without its text). */
function sentenceEnds(tokens: readonly Token[], sentences: { ends: Set<Token>; starts: Set<Token> } | null): number[] {
  const out = new Array<number>(tokens.length);
  let end = tokens.length;
  for (let i = tokens.length - 1; i >= 0; i--) {
    if (sentences !== null && i + 1 < tokens.length && (sentences.ends.has(tokens[i]!) || sentences.starts.has(tokens[i + 1]!))) end = i + 1;
    out[i] = end;
  }
  return out;
}

/**
 * Whether the words of a marker at [from, to) lie inside a phrase that holds it but says something
 * else (data/stopwords.json markerLookalikes: "đã qua đời" is a death, not a step passed; "giờ
 * đã …" tells what holds now, not what is asked; "không còn cần" is what is no longer needed).
 */
function insideLookalike(tokens: readonly Token[]): (from: number, to: number) => boolean {
  const spans: [number, number][] = [];
  for (const p of searchData().markerLookalikes) {
    for (let i = 0; i < tokens.length; i++) if (phraseAt(p, tokens, i)) spans.push([i, i + p.keys.length]);
  }
  return (from, to) => spans.some(([a, z]) => a <= from && to <= z);
}

/** Where a hearsay clause ("nghe nói …": data/stopwords.json hearsayMarkers) starts, or -1. */
function hearsayStart(tokens: readonly Token[]): number {
  const { hearsayMarkers } = searchData();
  for (let i = 0; i < tokens.length; i++) if (hearsayMarkers.some((m) => phraseAt(m, tokens, i))) return i;
  return -1;
}

/** Words after a paper that ask which it is ("giấy gì"): such a mention names no paper. */
const QUESTION_AFTER_PAPER = new Set(["gi", "nao"]);

/**
 * A paper the question points back at ("giấy đó": data/stopwords.json backReferences, the last
 * one said) and named earlier: the words from the last earlier mention of that paper word up to
 * the end of its sentence, the pointer or a contrast (contrastMarkers: what it is not), and the
 * sentence that points back, from its start (from the pointer when the paper is named in that
 * sentence). What is asked is that paper ("… tờ xác nhận …. Tờ ấy?"), not the story around it.
 * Null when there is no pointer, no earlier mention, or the last one names nothing.
 */
function referentSpans(tokens: readonly Token[], sentenceEnd: readonly number[]): { from: number; to: number; askFrom: number } | null {
  const { backReferences, contrastMarkers } = searchData();
  const pointerAt = (i: number): boolean => backReferences.some((m) => phraseAt(m, tokens, i));
  let r = -1;
  for (let i = tokens.length - 1; i > 0 && r < 0; i--) if (pointerAt(i)) r = i;
  if (r < 0) return namedPointer(tokens, sentenceEnd);
  const paper = tokens[r]!;
  for (let p = r - 1; p >= 0; p--) {
    const t = tokens[p]!;
    if (t.key !== paper.key || (t.marked && paper.marked && t.tone !== paper.tone) || pointerAt(p)) continue;
    // (a paper that says "A chứ không phải B" is A: its words end at the contrast; one asked
    // about, "giấy gì", names none)
    if (QUESTION_AFTER_PAPER.has(tokens[p + 1]?.key ?? "")) return null;
    let to = Math.min(sentenceEnd[p]!, r);
    for (let j = p + 1; j < to; j++) if (contrastMarkers.some((m) => phraseAt(m, tokens, j))) to = j;
    if (to - p < 2) return null;
    let askFrom = r;
    while (askFrom > 0 && sentenceEnd[askFrom - 1] === sentenceEnd[r]) askFrom--;
    // (the pointer's own sentence from its start, or from the pointer when the paper is named in it)
    return { from: p, to, askFrom: askFrom <= p ? r : askFrom };
  }
  return null;
}

/** How many words may name a paper between its word and the word pointing at it ("giấy ủy quyền đó"). */
const NAMED_POINTER_WORDS = 3;

/**
 * A paper pointed at with its name between its word and the pointer ("giấy ủy quyền đó", "tờ
 * xác nhận ấy": a paper word and a pointer of backReferences), the last one said in a question
 * of several sentences: what is asked is that paper, named there, so its words and the sentence
 * that points count as the clause stating the need does (referentSpans). Null when there is none.
 */
function namedPointer(tokens: readonly Token[], sentenceEnd: readonly number[]): { from: number; to: number; askFrom: number } | null {
  const { backReferences } = searchData();
  if (sentenceEnd[0] === tokens.length) return null;
  const marks = writtenWithMarks(tokens);
  for (let r = tokens.length - 1; r > 1; r--) {
    for (const m of backReferences) {
      // (each word by its letters, and by its marks when typed with them, or when the question is:
      // "số … này" is no "sổ", and "giấy … do ông ký" no "đó")
      const word = (t: Token, j: number): boolean => t.key === m.keys[j] && (m.tones === undefined || (t.marked ? sameToneKey(t.tone) === m.tones[j] : !marks));
      if (m.keys.length !== 2 || !word(tokens[r]!, 1)) continue;
      for (let p = r - 2; p >= Math.max(0, r - 1 - NAMED_POINTER_WORDS); p--) {
        if (!word(tokens[p]!, 0) || sentenceEnd[p] !== sentenceEnd[r]) continue;
        let askFrom = r;
        while (askFrom > 0 && sentenceEnd[askFrom - 1] === sentenceEnd[r]) askFrom--;
        return { from: p, to: r, askFrom };
      }
    }
  }
  return null;
}

/**
 * The marker of a step done at position `i` (data/stopwords.json doneStepMarkers: "đã có …",
 * "được công nhận …"), if any: not right after words making it a wish or a denial
 * (doneStepNotAfter: "muốn được công nhận" wished, "không được công nhận" denied: the step is asked for or lacking).
 */
export function doneStepAt(tokens: readonly Token[], i: number): Phrase | undefined {
  const { doneStepMarkers, doneStepNotAfter } = searchData();
  const m = doneStepMarkers.find((p) => phraseAt({ keys: p.keys, tone: null }, tokens, i));
  if (m === undefined) return undefined;
  return doneStepNotAfter.some((p) => i - p.keys.length >= 0 && phraseAt({ keys: p.keys, tone: null }, tokens, i - p.keys.length)) ? undefined : m;
}

/**
 * The positions of the words telling of a step done: those just after a marker of a step done, up
 * to the start of a clause stating a need ("đã có giấy …, giờ muốn …") or the end of its sentence,
 * unless the marker lies inside another phrase (insideLookalike: "đã qua đời" is a death, not a
 * step passed). In a story (STORY_FACT_WORDS), they tell a fact of it.
 */
function doneStepWords(tokens: readonly Token[], sentenceEnd: readonly number[]): Set<number> {
  const facts = new Set<number>();
  const { needMarkers } = searchData();
  const lookalike = insideLookalike(tokens);
  for (let i = 0; i < tokens.length; i++) {
    const m = doneStepAt(tokens, i);
    if (m === undefined || lookalike(i, i + m.keys.length)) continue;
    const from = i + m.keys.length;
    for (let j = from; j < Math.min(sentenceEnd[i]!, from + STORY_FACT_WINDOW); j++) {
      if (needMarkers.some((p) => phraseAt(p, tokens, j))) break;
      facts.add(j);
    }
  }
  return facts;
}

/**
 * The pairs of the texts (names, aliases) with a word spelt as a one-word need marker ("muon",
 * "can"): whether some text writes the pair with another word than the marker ("thuê mướn",
 * "căn cước": true) or only with the marker itself ("muốn tách": false). Texts written without
 * marks say nothing.
 */
export function needMarkerPairs(texts: readonly (readonly Token[])[]): Map<string, boolean> {
  return namePairTables(texts).needPairs;
}

/** The same of the one-word purpose markers ("để": "đề nghị" writes another word, "để làm" the marker). */
export function purposeMarkerPairs(texts: readonly (readonly Token[])[]): Map<string, boolean> {
  return namePairTables(texts).purposePairs;
}

/** Whether a word of the tokens is typed with marks. (An indexed loop, no closure: the index build asks it of every name and alias.) */
function anyMarked(tokens: readonly Token[]): boolean {
  for (let i = 0; i < tokens.length; i++) if (tokens[i]!.marked) return true;
  return false;
}

/** The one-word markers written with marks, by their key: the tone they are written with ("muốn" for "muon"). */
function markerTones(markerPhrases: readonly Phrase[]): Map<string, string> {
  const markers = new Map<string, string>();
  // (a marker written without marks, "xin", is spelt like no other word: its pairs are the catalog's words)
  for (const m of markerPhrases) if (m.keys.length === 1 && m.tone !== null && m.tone !== m.keys[0]) markers.set(m.keys[0]!, m.tone);
  return markers;
}

/** A pair of a marker table: whether some text writes it with another word than the marker (needMarkerPairs). */
function markPair(pairs: Map<string, boolean>, pair: string, other: boolean): void {
  pairs.set(pair, (pairs.get(pair) ?? false) || other);
}

/**
 * A pair of adjacent words of the catalog's names and aliases (written with marks) with a word
 * spelt as a function word that they write there only as a content word ("xe máy": "may" is also
 * "mấy"; "hưởng trợ cấp": "huong" is also "hướng"): that word's tone signature in each of the two
 * places (null where there is none such, or it is written there too seldom), and the pair's tone
 * signatures as written.
 */
export interface ContentWordPair {
  tones: readonly [string | null, string | null];
  /** whether the word of each place is written there as the function word (then its tone is null) */
  functionWord: readonly [boolean, boolean];
  written: ReadonlySet<string>;
}

/** How many texts must write a pair with a content word for a place to be that word's (one alias's slip says nothing). */
const CONTENT_PAIR_WRITTEN = 2;

/** The content words written in a place of a pair, and how often: the first one's count, the others' (in the order first written) once there are others. */
class ContentTones {
  n = 1;
  more: Map<string, number> | null = null;
  constructor(readonly tone: string) {}

  add(tone: string): void {
    if (tone === this.tone) this.n++;
    else {
      this.more ??= new Map();
      this.more.set(tone, (this.more.get(tone) ?? 0) + 1);
    }
  }

  /** the tone written most, CONTENT_PAIR_WRITTEN times at least (the first so written of those written as often), or null */
  most(): string | null {
    let best = this.n >= CONTENT_PAIR_WRITTEN ? this.tone : null;
    let most = this.n;
    this.more?.forEach((n, tone) => {
      if (n >= CONTENT_PAIR_WRITTEN && (best === null || n > most)) {
        best = tone;
        most = n;
      }
    });
    return best;
  }
}

/**
 * A place of a pair as the texts are read: undefined until its word is found spelt as a function
 * word there, null once written there as the function word, else the content words written there.
 */
type ContentPlace = ContentTones | null | undefined;

/** A pair as the texts are read: its two places, and its words' tone signatures as first written (and the pair's as written, once it is written otherwise too). */
class PairFound {
  at0: ContentPlace = undefined;
  at1: ContentPlace = undefined;
  moreWritten: Set<string> | null = null;
  constructor(
    readonly key: string,
    readonly tone0: string,
    readonly tone1: string,
  ) {}

  write(tone0: string, tone1: string): void {
    if (tone0 === this.tone0 && tone1 === this.tone1) return;
    this.moreWritten ??= new Set([`${this.tone0} ${this.tone1}`]);
    this.moreWritten.add(`${tone0} ${tone1}`);
  }
}

/**
 * The pairs with no content word in either place, by whether each place writes the function word:
 * one shared object each (their tones as written are never read: readContentWords reads them beside
 * a content word only).
 */
const NO_CONTENT_WORD: readonly (readonly ContentWordPair[])[] = [false, true].map((fw0) => [false, true].map((fw1) => ({ tones: [null, null], functionWord: [fw0, fw1], written: new Set<string>() })));

/**
 * The content-word pairs (ContentWordPair) of the texts' tokens: in each place, the content word
 * written there most (CONTENT_PAIR_WRITTEN times at least), unless a text writes the function word
 * there.
 */
export function contentWordPairs(texts: readonly (readonly Token[])[]): Map<string, ContentWordPair> {
  return namePairTables(texts).contentPairs;
}

/** The four tables of pairs of the catalog's names and aliases (needMarkerPairs, purposeMarkerPairs, contentWordPairs, synonymWordPairs). */
export interface NamePairTables {
  needPairs: Map<string, boolean>;
  purposePairs: Map<string, boolean>;
  contentPairs: Map<string, ContentWordPair>;
  synonymPairs: Map<string, [Set<string> | null, Set<string> | null]>;
}

/** What a word (by its key) is to the pair tables: the tone of the need or purpose marker it is spelt as, whether it is spelt as a function word, or as a one-word synonym written with marks. */
interface PairWord {
  need: string | undefined;
  purpose: string | undefined;
  stop: boolean;
  synonym: boolean;
}

/**
 * The four pair tables of the texts' tokens (texts written without marks say nothing to any of
 * them), read in one pass: the index build reads every name and alias here, before V8 has
 * optimised it. Each word is looked up once, in one map of the words some table cares about
 * (most words are none of them); a pair's string is made only where a table keeps it.
 */
export function namePairTables(texts: readonly (readonly Token[])[]): NamePairTables {
  const { stopWords, stopTones, needMarkers, purposeMarkers } = searchData();
  const pairWords = new Map<string, PairWord>();
  const pairWord = (key: string): PairWord => {
    let w = pairWords.get(key);
    if (w === undefined) pairWords.set(key, (w = { need: undefined, purpose: undefined, stop: false, synonym: false }));
    return w;
  };
  markerTones(needMarkers).forEach((tone, key) => (pairWord(key).need = tone));
  markerTones(purposeMarkers).forEach((tone, key) => (pairWord(key).purpose = tone));
  for (const key of stopWords) pairWord(key).stop = true;
  for (const key of markedSynonymKeys()) pairWord(key).synonym = true;

  const needPairs = new Map<string, boolean>();
  const purposePairs = new Map<string, boolean>();
  const synonymPairs = new Map<string, [Set<string> | null, Set<string> | null]>();
  const addSynonym = (pair: string, place: 0 | 1, tone: string): void => {
    let entry = synonymPairs.get(pair);
    if (entry === undefined) synonymPairs.set(pair, (entry = [null, null]));
    (entry[place] ??= new Set()).add(sameToneKey(tone));
  };
  // (contentWordPairs: a place's counts only made when it is needed, and a pair is looked up by its
  // two words: one object a pair, and no string for a pair met again — the catalog writes some
  // 30,000 pairs with a function word, of 9,000 different ones)
  const byFirst = new Map<string, Map<string, PairFound>>();
  const found: PairFound[] = [];
  const count = (place: ContentPlace, t: Token): ContentPlace => {
    if (place === null || !t.marked || stopTones.has(t.tone)) return null;
    if (place === undefined) return new ContentTones(t.tone);
    place.add(t.tone);
    return place;
  };
  for (let x = 0; x < texts.length; x++) {
    const tokens = texts[x]!;
    if (!anyMarked(tokens)) continue;
    let a = tokens[0];
    let aw = a === undefined ? undefined : pairWords.get(a.key);
    for (let i = 1; i < tokens.length; i++) {
      const b = tokens[i]!;
      const bw = pairWords.get(b.key);
      if (aw !== undefined || bw !== undefined) {
        // (the pair's string, for the marker and synonym tables: only where one of them keeps it)
        const keptByKey = aw?.need !== undefined || bw?.need !== undefined || aw?.purpose !== undefined || bw?.purpose !== undefined || aw?.synonym === true || bw?.synonym === true;
        const pair = keptByKey ? `${a!.key} ${b.key}` : "";
        if (aw?.need !== undefined) markPair(needPairs, pair, a!.tone !== aw.need);
        if (bw?.need !== undefined) markPair(needPairs, pair, b.tone !== bw.need);
        if (aw?.purpose !== undefined) markPair(purposePairs, pair, a!.tone !== aw.purpose);
        if (bw?.purpose !== undefined) markPair(purposePairs, pair, b.tone !== bw.purpose);
        const aStop = aw?.stop === true;
        const bStop = bw?.stop === true;
        if (aStop || bStop) {
          let after = byFirst.get(a!.key);
          if (after === undefined) byFirst.set(a!.key, (after = new Map()));
          let entry = after.get(b.key);
          if (entry === undefined) {
            after.set(b.key, (entry = new PairFound(`${a!.key} ${b.key}`, a!.tone, b.tone)));
            found.push(entry);
          } else entry.write(a!.tone, b.tone);
          if (aStop) entry.at0 = count(entry.at0, a!);
          if (bStop) entry.at1 = count(entry.at1, b);
        }
        if (aw?.synonym === true) addSynonym(pair, 0, a!.tone);
        if (bw?.synonym === true) addSynonym(pair, 1, b.tone);
      }
      a = b;
      aw = bw;
    }
  }
  const contentPairs = new Map<string, ContentWordPair>();
  for (let i = 0; i < found.length; i++) {
    const { key, at0, at1 } = found[i]!;
    const tones: [string | null, string | null] = [at0 ? at0.most() : null, at1 ? at1.most() : null];
    if (tones[0] === null && tones[1] === null) contentPairs.set(key, NO_CONTENT_WORD[at0 === null ? 1 : 0]![at1 === null ? 1 : 0]!);
    else contentPairs.set(key, { tones, functionWord: [at0 === null, at1 === null], written: found[i]!.moreWritten ?? new Set([`${found[i]!.tone0} ${found[i]!.tone1}`]) });
  }
  return { needPairs, purposePairs, contentPairs, synonymPairs };
}

/**
 * The words typed without marks that are spelt as a function word, but make with a neighbour (a
 * content word) a pair the catalog writes only with a content word of those letters
 * (contentWordPairs): they are read as content words ("xe may" is "xe máy", "khai bao tam vang"
 * "khai báo tạm vắng"; "co may" stays "có mấy"). A neighbour typed with marks must be the pair's
 * word as written. (Their letters are still what phrases match: "mo to nuoc" is "mô tô nước".)
 * Each such word's token is replaced by a copy of its own, the one the set returned holds
 * (tokenize gives every occurrence of a word the same token).
 */
export function readContentWords(tokens: Token[], pairs: ReadonlyMap<string, ContentWordPair>): Set<Token> {
  const { stopWords } = searchData();
  const content = new Set<Token>();
  const typed = [...tokens];
  for (let i = 0; i < typed.length; i++) {
    const t = typed[i]!;
    if (t.marked || !stopWords.has(t.key)) continue;
    const prev = typed[i - 1];
    const next = typed[i + 1];
    const before = prev === undefined ? undefined : pairs.get(`${prev.key} ${t.key}`);
    const after = next === undefined ? undefined : pairs.get(`${t.key} ${next.key}`);
    const fromBefore = before?.tones[1] != null && !stopWords.has(prev!.key) && (!prev!.marked || before.written.has(`${prev!.tone} ${before.tones[1]}`)) ? before.tones[1] : null;
    const fromAfter = after?.tones[0] != null && !stopWords.has(next!.key) && (!next!.marked || after.written.has(`${after.tones[0]} ${next!.tone}`)) ? after.tones[0] : null;
    if (fromBefore === null && fromAfter === null) continue;
    // the neighbour on the other side may make it a function word instead: a pair the catalog
    // writes with the function word there, or another function word typed without marks ("doi the
    // nao" is "đổi thế nào", though "đổi thẻ" is a catalog pair)
    const functionWith = (n: Token | undefined, pair: ContentWordPair | undefined, at: 0 | 1): boolean =>
      n !== undefined && (pair?.functionWord[at] === true || (pair?.tones[at] == null && !n.marked && stopWords.has(n.key)));
    if (fromBefore === null ? functionWith(prev, before, 1) : fromAfter === null && functionWith(next, after, 0)) continue;
    tokens[i] = { ...t };
    content.add(tokens[i]!);
  }
  return content;
}

/**
 * The catalog's pairs of adjacent words (names and aliases written with marks) with a word spelt
 * as a one-word synonym written with marks ("hiến", "mất"): by pair, the tone signatures that
 * word is written with in each place (null where the place is not such a word). "hiện tại" and
 * "vắng mặt" tell that "hien tai" and "vang mat" typed without marks are not "hiến", "mất".
 */
export type SynonymWordPairs = ReadonlyMap<string, readonly [ReadonlySet<string> | null, ReadonlySet<string> | null]>;

/** The keys of the one-word synonyms written with marks (their say's tone is not their letters). */
function markedSynonymKeys(): Set<string> {
  const keys = new Set<string>();
  for (const s of searchData().synonyms) if (!s.say.parts && s.say.keys.length === 1 && s.say.tone !== null && s.say.tone !== s.say.keys[0]) keys.add(s.say.keys[0]!);
  return keys;
}

export function synonymWordPairs(texts: readonly (readonly Token[])[]): Map<string, [Set<string> | null, Set<string> | null]> {
  return namePairTables(texts).synonymPairs;
}

/**
 * Whether a one-word synonym written with marks ("hiến") is not what a word typed without them
 * says at position i: a neighbour typed without marks makes with it a pair the catalog writes
 * only with another word of those letters ("vang mat" is "vắng mặt"; synonymWordPairs), and no
 * neighbour makes one written with the synonym's word.
 */
function otherWordOfPair(s: Synonym, tokens: readonly Token[], i: number, pairs: SynonymWordPairs): boolean {
  const t = tokens[i]!;
  if (t.marked || s.say.parts || s.say.keys.length !== 1 || s.say.tone === null) return false;
  const tone = sameToneKey(s.say.tone);
  let other = false;
  const prev = tokens[i - 1];
  const next = tokens[i + 1];
  const places: [Token | undefined, string, 0 | 1][] = [
    [prev, `${prev?.key} ${t.key}`, 1],
    [next, `${t.key} ${next?.key}`, 0],
  ];
  for (const [n, pair, place] of places) {
    // (a next word that a number follows is the number's unit: "cuoi nam 2005" may be the wedding
    // of that year as well as its end)
    if (n === undefined || n.marked || (place === 0 && /^\d/.test(tokens[i + 2]?.key ?? ""))) continue;
    const tones = pairs.get(pair)?.[place];
    if (!tones) continue;
    if (tones.has(tone)) return false;
    other = true;
  }
  return other;
}

/**
 * The words typed without marks that are function words only as a word of a stop phrase of
 * several words ("gia" of "gia đình"; data/stopwords.json words), said outside it, whose letters
 * the catalog's texts use as a content word (a term of the index: "già", "giá"): they are that
 * content word there ("bo gia yeu" is "bố già yếu"), as readContentWords reads one (its set, with
 * these tokens replaced by copies of their own, added).
 */
export function readOutsideStopPhrases(tokens: Token[], content: ReadonlySet<Token> | undefined, vocabulary: Vocabulary): ReadonlySet<Token> | undefined {
  const { stopPhrasesOf } = searchData();
  let out: Set<Token> | undefined;
  for (let i = 0; i < tokens.length; i++) {
    const t = tokens[i]!;
    const phrases = t.marked || !vocabulary.frequency.has(t.key) ? undefined : stopPhrasesOf.get(t.key);
    if (phrases === undefined) continue;
    if (phrases.some((p) => p.keys.some((k, j) => k === t.key && i - j >= 0 && phraseAt({ keys: p.keys, tone: null }, tokens, i - j)))) continue;
    out ??= new Set(content);
    tokens[i] = { ...t };
    out.add(tokens[i]!);
  }
  return out ?? content;
}

const tonesOfTable = new WeakMap<readonly unknown[], Set<string>>();

/** The tone signatures of the words some phrases of a table write with marks, found once per table. */
function tonesOnce(table: readonly unknown[], phrases: () => Iterable<Phrase>): Set<string> {
  let tones = tonesOfTable.get(table);
  if (tones === undefined) {
    tones = new Set<string>();
    for (const phrase of phrases()) {
      for (const p of phrase.parts ?? [phrase]) {
        if (p.tone !== null) tones.add(sameToneKey(p.tone));
        for (const tone of p.tones ?? []) tones.add(tone);
      }
    }
    tonesOfTable.set(table, tones);
  }
  return tones;
}

/** The words the synonym table writes with marks, by tone signature ("dưng" of "người dưng"). */
function lexiconTones(): Set<string> {
  const { synonyms } = searchData();
  return tonesOnce(synonyms, () => synonyms.map((s) => s.say));
}

/** The words the out-of-scope topics' terms write with marks, by tone signature ("tiêm" of "tiêm chủng"). */
function topicTones(): Set<string> {
  const { topics } = searchData();
  return tonesOnce(topics, () => topics.flatMap((topic) => topic.terms));
}

const byFirstPartKey = new WeakMap<readonly Synonym[], { byKey: Map<string, number[]>; always: number[] }>();

/**
 * The "a + b" synonyms whose first part's first word the question says, in the table's order
 * (the table indexed by that word once): the others are not said (phraseSpans).
 */
function partsSaidFirst(list: readonly Synonym[], keys: ReadonlySet<string>): Synonym[] {
  let index = byFirstPartKey.get(list);
  if (index === undefined) {
    const byKey = new Map<string, number[]>();
    const always: number[] = [];
    list.forEach((s, i) => {
      const first = (s.say.parts?.[0] ?? s.say).keys[0];
      if (first === undefined) always.push(i);
      else byKey.set(first, [...(byKey.get(first) ?? []), i]);
    });
    index = { byKey, always };
    byFirstPartKey.set(list, index);
  }
  const found = [...index.always];
  for (const k of keys) {
    const at = index.byKey.get(k);
    if (at !== undefined) for (const i of at) found.push(i);
  }
  return found.sort((a, b) => a - b).map((i) => list[i]!);
}

/** How many words after a negator (and the words data/out-of-scope.json negation.between lets stand between) it denies. */
const DENIED_WORDS = 3;

/**
 * The positions of the words a negator denies (data/out-of-scope.json negation): the few words
 * after it, past the words that may stand between ("chưa cần tạm trú", "không xin tạm trú":
 * a residence not asked for), and those just before "thì" and a negator ("cư trú thì không cần");
 * not after a negator that ends a question ("… được không": negation.questionTags). The negator
 * itself is not denied ("chưa từng" still says what it says).
 */
function deniedPositions(tokens: readonly Token[], clauseEnds: ReadonlySet<Token>): Set<number> {
  const { negators, between, questionTags } = searchData().topicNegation;
  const denied = new Set<number>();
  const lengthAt = (list: readonly Phrase[], i: number): number => Math.max(0, ...list.filter((p) => phraseAt({ keys: p.keys, tone: null }, tokens, i)).map((p) => p.keys.length));
  for (let i = 0; i < tokens.length; i++) {
    const n = lengthAt(negators, i);
    if (n === 0) continue;
    // (a negator ending a question, "… được không", denies nothing)
    if (questionTags.some((t) => i - t.keys.length >= 0 && phraseAt({ keys: t.keys, tone: null }, tokens, i - t.keys.length))) {
      i += n - 1;
      continue;
    }
    let from = i + n;
    const b = lengthAt(between, from);
    from += b;
    // (never past the end of its clause: "…, sổ gốc hết lưu, xin cấp lại …" asks for what follows)
    for (let j = from; j < Math.min(tokens.length, from + DENIED_WORDS); j++) {
      denied.add(j);
      if (clauseEnds.has(tokens[j]!)) break;
    }
    // "… thì không cần": the words before "thì" are what is not needed
    if (i > 0 && tokens[i - 1]!.key === "thi") for (let j = Math.max(0, i - 1 - DENIED_WORDS); j < i - 1; j++) denied.add(j);
    i += n - 1;
  }
  return denied;
}

/** Whether an "a + b" phrase opens with a negator (data/out-of-scope.json negation). */
function negatorFirst(phrase: Phrase): boolean {
  const first = phrase.parts?.[0];
  if (first === undefined) return false;
  const key = first.keys.join(" ");
  return searchData().topicNegation.negators.some((n) => n.keys.join(" ") === key);
}

/** How many words before a synonym's phrase the word it must follow may stand ("bà nội tôi đã | đi rồi"). */
const AFTER_WINDOW = 4;

/** Whether one of the phrases ends within AFTER_WINDOW words before position i (by their letters). */
function saidBefore(phrases: readonly Phrase[], tokens: readonly Token[], i: number): boolean {
  return phrases.some((p) => {
    for (let at = Math.max(0, i - AFTER_WINDOW - p.keys.length + 1); at + p.keys.length <= i; at++) if (phraseAt({ keys: p.keys, tone: null }, tokens, at)) return true;
    return false;
  });
}

/** The synonyms of one first word by their second (each list in the table's order, with those of one word). */
const bySecondOf = new WeakMap<readonly Synonym[], { single: Synonym[]; bySecond: Map<string, Synonym[]> }>();

/**
 * The synonyms starting with a word that can be said before the next word: those of one word and
 * those whose second word it is (made once per list: a phrase whose second word is another is
 * not said there).
 */
function synonymsBefore(candidates: readonly Synonym[], next: Token | undefined): readonly Synonym[] {
  let index = bySecondOf.get(candidates);
  if (index === undefined) {
    // (each list in the candidates' order, made in two passes: a filter of all the candidates for
    // each second word grew with the square of a long list)
    const single: Synonym[] = [];
    const bySecond = new Map<string, Synonym[]>();
    const lists: Synonym[][] = [];
    for (let c = 0; c < candidates.length; c++) {
      const second = candidates[c]!.say.keys[1];
      if (second !== undefined && !bySecond.has(second)) {
        const list: Synonym[] = [];
        bySecond.set(second, list);
        lists.push(list);
      }
    }
    for (let c = 0; c < candidates.length; c++) {
      const s = candidates[c]!;
      if (s.say.keys.length === 1) {
        single.push(s);
        for (let l = 0; l < lists.length; l++) lists[l]!.push(s);
      } else if (s.say.keys[1] !== undefined) bySecond.get(s.say.keys[1])!.push(s);
    }
    index = { single, bySecond };
    bySecondOf.set(candidates, index);
  }
  return (next === undefined ? undefined : index.bySecond.get(next.key)) ?? index.single;
}

/**
 * Whether the words before a synonym's phrase at position i rule it out (its `unlessPrev`), or
 * rule out a longer phrase of the same entry that ends with it: a copied household book is a paper,
 * and so is its "hộ khẩu".
 */
function ruledOutBefore(s: Synonym, tokens: readonly Token[], i: number): boolean {
  return s.unlessPrev.length > 0 && ruledOutByUnlessPrev(s, tokens, i);
}

/** ruledOutBefore of a synonym with an `unlessPrev` (a function of its own: its closures' scope is made only for such a synonym). */
function ruledOutByUnlessPrev(s: Synonym, tokens: readonly Token[], i: number): boolean {
  const before = (at: number): boolean => s.unlessPrev.some((p) => at - p.keys.length >= 0 && phraseAt({ keys: p.keys, tone: null }, tokens, at - p.keys.length));
  if (before(i)) return true;
  return s.entrySays.some((p) => {
    const from = i - (p.keys.length - s.say.keys.length);
    return from >= 0 && from < i && phraseAt(p, tokens, from) && before(from);
  });
}

/** The longest synonym whose phrase is said at position i (and not ruled out by the words around it), or null. */
function synonymAt(tokens: readonly Token[], i: number, skip?: (s: Synonym) => boolean, functionWord?: (t: Token) => boolean, knownPair?: (pair: string) => boolean): Synonym | null {
  let best: Synonym | null = null;
  const all = searchData().synonymsByFirst.get(tokens[i]!.key);
  if (all === undefined) return null;
  const candidates = synonymsBefore(all, tokens[i + 1]);
  // (an indexed loop: the index build reads every alias with this before V8 has optimised it)
  for (let c = 0; c < candidates.length; c++) {
    const s = candidates[c]!;
    if (best !== null && s.say.keys.length <= best.say.keys.length) continue;
    if (!phraseAt(s.say, tokens, i)) continue;
    if (skip?.(s)) continue;
    const next = tokens[i + s.say.keys.length];
    // a next word typed with marks must be the table's word ("căn", not "cần"); one typed without,
    // its key — unless the question reads it as a function word that the table does not write
    // there ("mat can" before a verb is "mất cần", not "mất căn")
    const unless = next ? s.unlessNext.get(next.key) : undefined;
    if (next && unless && (next.marked ? unless.has(next.tone) : !functionWord?.(next) || writesFunctionWord(unless))) continue;
    // (so too past a count and a classifier: "một chiếc" before the car imported)
    if (s.unlessNext.size > 0 && ruledOutPastCount(s, tokens, i + s.say.keys.length)) continue;
    if (ruledOutBefore(s, tokens, i)) continue;
    if (classifiesNext(s.say, tokens, i, knownPair)) continue;
    if (s.after.length > 0 && !saidBefore(s.after, tokens, i)) continue;
    // a procedure the question names outright outweighs one an ambiguous word would imply
    if ((s.say.keys.length === 1 && saysAnyOf(s.yieldTo, tokens)) || saysAnyOf(s.yieldAlways, tokens)) continue;
    best = s;
  }
  return best;
}

/** Number words that may stand, with a noun classifier, between a phrase and the noun it is said of ("một chiếc xe"). */
const COUNT_WORDS = new Set(["mot", "hai", "ba", "bon", "nam", "may", "vai", "cac", "nhung"]);

/**
 * Whether, past a count ("một", "2", "mấy") and a noun classifier ("chiếc", "cái") right after a
 * synonym's phrase, the next word is one of its `unlessNext` (typed with marks, its own; without,
 * its letters): the goods counted are what the phrase is said of, as if they followed it.
 */
function ruledOutPastCount(s: Synonym, tokens: readonly Token[], at: number): boolean {
  let j = at;
  const count = tokens[j];
  if (count === undefined || !(COUNT_WORDS.has(count.key) || /^\d+$/.test(count.key))) return false;
  j++;
  const classifier = tokens[j];
  if (classifier === undefined || !searchData().nounClassifiers.some((c) => c.keys.length === 1 && c.keys[0] === classifier.key && (!classifier.marked || c.tone === null || sameToneKey(c.tone) === sameToneKey(classifier.tone)))) return false;
  const next = tokens[j + 1];
  const unless = next ? s.unlessNext.get(next.key) : undefined;
  return next !== undefined && unless !== undefined && (!next.marked || unless.has(next.tone));
}

/**
 * Whether the word two overlapping phrases share, typed without marks, is a different word in each
 * ("qua doi" then "doi nha": 'đời' of a death, 'dời' of moving a house): the citizen typed one word,
 * the one the first phrase reads, so the second is not read there.
 */
function sharedWordDiffers(first: Phrase, second: Phrase, shared: Token): boolean {
  if (shared.marked) return false;
  const a = first.tones?.[first.keys.length - 1];
  const b = second.tones?.[0];
  return a !== undefined && b !== undefined && a !== b;
}

/**
 * Whether a phrase of several words that ends in a classifier ("… cái", "… con") is typed at i
 * without marks, in a message typed without marks, right before a content word: the windows
 * overlap, and the classifier's letters classify that next word ("bo cai lenh": something dropped,
 * "cái" then a noun), not close the phrase before it (a herd's female).
 */
function classifiesNext(say: Phrase, tokens: readonly Token[], i: number, knownPair?: (pair: string) => boolean): boolean {
  const n = say.keys.length;
  const last = say.tones?.[n - 1];
  const next = tokens[i + n];
  if (n < 2 || last === undefined || next === undefined || next.marked || /^\d/.test(next.key)) return false;
  const data = searchData();
  if (data.stopWords.has(next.key) || !classifierTones(data).has(sameToneKey(last))) return false;
  // (unless the classifier's word and the next make a pair the names and aliases write: both
  // windows are words then, "nhận con" then "con chung", a child the two have together)
  if (knownPair?.(`${say.keys[n - 1]} ${next.key}`)) return false;
  for (let j = i; j < i + n; j++) if (tokens[j]!.marked) return false;
  return !writtenWithMarks(tokens);
}

/** The tables' one-word noun classifiers as tone signatures (the kí / ký spelling unified), by the tables read (classifiesNext asks at most words of every alias while the index is built). */
let classifierTonesOf: { data: SearchData; tones: Set<string> } | null = null;

function classifierTones(data: SearchData): Set<string> {
  if (classifierTonesOf?.data !== data) {
    const tones = new Set<string>();
    for (const c of data.nounClassifiers) if (c.keys.length === 1 && c.tone !== null) tones.add(sameToneKey(c.tone));
    classifierTonesOf = { data, tones };
  }
  return classifierTonesOf.tones;
}

/**
 * Whether one of the phrases is said anywhere in the tokens. (A function of its own: a closure over
 * synonymAt's tokens made it allocate its scope at every call, and the index build calls it at
 * every word of every alias.)
 */
function saysAnyOf(phrases: readonly Phrase[], tokens: readonly Token[]): boolean {
  for (let p = 0; p < phrases.length; p++) for (let j = 0; j < tokens.length; j++) if (phraseAt(phrases[p]!, tokens, j)) return true;
  return false;
}

/** Whether a synonym's next words (unlessNext: tone signatures of one key) write a function word ("bao" of "bao lâu"). */
function writesFunctionWord(tones: ReadonlySet<string>): boolean {
  const { stopTones } = searchData();
  for (const tone of tones) if (stopTones.has(tone)) return true;
  return false;
}

/**
 * A catalog alias (citizens' words: "làm lại sổ đỏ") read as a question is read by the synonym
 * table: its colloquial phrases as the catalog's words, so that it meets the question that says
 * the same in the same words. The reading as text, one line per run read together (a phrase a
 * synonym read is a line of its own, as it is a segment of its own in a question), or null when
 * no synonym applies. The alias as its tokens and each token as written (tokenize.ts
 * tokenizeWritten: the build tokenizes each alias once). `skip`: synonyms not to read.
 * (Abbreviations stay as written: spelling them out too measured worse on the dev questions.)
 */
export function readAlias(tokens: readonly Token[], written: readonly string[], skip: (s: Synonym) => boolean): string | null {
  // (the lines only once a synonym applies: a third of the aliases have none)
  let lines: string[] | null = null;
  // where the run of words not read starts
  let from = 0;
  for (let i = 0; i < tokens.length; ) {
    const s = synonymAt(tokens, i, skip);
    if (s === null) {
      i++;
      continue;
    }
    lines ??= [];
    if (i > from) lines.push(written.slice(from, i).join(" "));
    lines.push(s.meansText);
    i += s.say.keys.length;
    from = i;
  }
  if (lines === null) return null;
  if (from < tokens.length) lines.push(written.slice(from).join(" "));
  return lines.join("\n");
}

/**
 * Reads a question (or tokens already read: a part of a question, with the marks the citizen
 * typed, as when the words naming an out-of-scope topic are set aside).
 */
export function readQuery(query: string | readonly Token[], vocabulary: Vocabulary, knownPair: (pair: string) => boolean, markerPairs?: ReadonlyMap<string, boolean>, purposePairs?: ReadonlyMap<string, boolean>, contentPairs?: ReadonlyMap<string, ContentWordPair>, wordPairs?: SynonymWordPairs): ReadQuery {
  const { synonymsByFirst, stopWords, stopTones, generic, subjectKeys } = searchData();
  // (the words typed without marks that their neighbours make content words: readContentWords)
  let content: ReadonlySet<Token> | undefined;
  const isStop = (t: Token): boolean => (t.marked ? stopTones.has(t.tone) : stopWords.has(t.key) && content?.has(t) !== true);
  // (a word typed without marks read as a function word)
  const plainStop = (t: Token): boolean => !t.marked && isStop(t);
  // a function word is what it says, never a respelling of a catalog word (nor is an animal's or
  // object's name: "con rùa" is not a typo)
  const named = subjectKeys;
  const sentences = typeof query === "string" ? sentenceTokens(clip(query)) : null;
  const tokens =
    typeof query === "string"
      ? readPlainFunctionWords(dropQuantityIdioms(repairPairs(repairTokens(expandAbbreviations(sentences!.tokens, new Set([...sentences!.ends, ...sentences!.clauseEnds])), vocabulary), vocabulary, (t) => stopWords.has(t.key) || named.has(t.key))))
      : [...query];
  // (where sentences and clauses end, by position: the reading steps below that give a word a new
  // object, a tone read or a mark added, keep its place, and the end of its clause with it)
  const boundaries = sentences === null ? null : [sentences.ends, sentences.starts, sentences.clauseEnds].map((set) => tokens.flatMap((t, i) => (set.has(t) ? [i] : [])));
  // a word typed with marks no catalog text writes it with, whose letters are a word the catalog
  // uses, has its marks misplaced ("khảu" for "khẩu"): it is read by its letters, as typed without
  // them (not a function word, nor an animal's or object's name: their marks tell them apart;
  // nor a word typed with a tone mark the catalog never gives those letters: "hiển" of a screen is
  // no misplaced "hiến", a gift of land, but a word the catalog lacks; a tone left out, "tuôi",
  // is a slip)
  if (vocabulary.written) {
    const lexicon = lexiconTones();
    const { tonesOf } = vocabulary;
    // (a tone left out of a word whose letters the catalog writes with one tone only, pairing with
    // both neighbours, is that word, an object's name too: a "giây" between two words it pairs
    // with is the paper, "giấy", read with its marks, and a "mất" before it is a loss, no death;
    // not a word an out-of-scope topic writes so, "tiêm")
    const retoned = (i: number): Token | undefined => {
      const t = tokens[i]!;
      const tones = tonesOf?.get(t.key);
      if (toneOf(t.tone) !== 0 || tones === undefined || tones.size !== 1 || topicTones().has(sameToneKey(t.tone))) return undefined;
      const prev = tokens[i - 1], next = tokens[i + 1];
      if (prev === undefined || next === undefined || !knownPair(`${prev.key} ${t.key}`) || !knownPair(`${t.key} ${next.key}`)) return undefined;
      const tone = [...tones][0]!;
      const signature = `${t.tone}${tone === 0 ? "" : tone}`;
      return vocabulary.written!.has(signature) ? { key: t.key, tone: signature, marked: true } : undefined;
    };
    for (let i = 0; i < tokens.length; i++) {
      const t = tokens[i]!;
      if (!t.marked || vocabulary.written.has(t.tone) || lexicon.has(sameToneKey(t.tone)) || !vocabulary.words.has(t.key) || stopWords.has(t.key)) continue;
      const fix = retoned(i);
      if (fix !== undefined) tokens[i] = fix;
      else if (!named.has(t.key) && (toneOf(t.tone) === 0 || tonesOf?.get(t.key)?.has(toneOf(t.tone)) !== false)) tokens[i] = { key: t.key, tone: t.key, marked: false };
    }
  }
  // in a question written with marks, a word typed without them that the catalog writes so is
  // written as it is ("nộp tiền, gia hạn": "tiền gia" is not "tiền già"); another may be a slip
  // ("căn cuoc")
  const marked = tokens.filter((t) => t.marked).length;
  if (vocabulary.flat && marked >= WRITTEN_MIN && marked >= WRITTEN_SHARE * tokens.length) {
    for (let i = 0; i < tokens.length; i++) {
      const t = tokens[i]!;
      // (not a function word the table writes only without marks: "cho", "ko")
      if (!t.marked && vocabulary.flat.has(t.key) && (!stopWords.has(t.key) || stopTones.has(t.key))) tokens[i] = { ...t, marked: true };
    }
  }
  if (contentPairs !== undefined) content = readContentWords(tokens, contentPairs);
  content = readOutsideStopPhrases(tokens, content, vocabulary);
  if (sentences !== null && boundaries !== null) {
    [sentences.ends, sentences.starts, sentences.clauseEnds].forEach((set, k) => {
      set.clear();
      for (const i of boundaries[k]!) set.add(tokens[i]!);
    });
  }
  const purpose = purposeStart(tokens, knownPair, (pair) => purposePairs?.get(pair));
  const hasContentBefore = purpose > 0 && tokens.slice(0, purpose).some((t) => !isStop(t) && !generic.has(t.key) && vocabulary.words.has(t.key));
  const sentenceEnd = sentenceEnds(tokens, sentences);
  const { first: need, later: askFrom } = needStart(tokens, (t) => !isStop(t) && !generic.has(t.key) && vocabulary.words.has(t.key), knownPair, (pair) => markerPairs?.get(pair), sentences === null ? null : sentenceEnd);
  // a purpose clause ends where the clause stating the need begins ("… để nuôi, giờ muốn …")
  const purposeTo = hasContentBefore && need > purpose ? need : tokens.length;
  // the way the dossier is handed in ("… qua VNeID") counts for less when other words name the
  // matter: the words and what a synonym reads in them ("tài khoản định danh điện tử")
  const channel = channelPositions(tokens);
  const channelWeak = channel.size > 0 && tokens.some((t, i) => !channel.has(i) && !isStop(t) && !generic.has(t.key) && vocabulary.words.has(t.key));
  const done = doneStepWords(tokens, sentenceEnd);
  const facts = tokens.length < STORY_FACT_WORDS ? new Set<number>() : done;
  // a hearsay clause ("nghe nói …"), up to the clause stating the need when one follows it, and
  // never past the end of its sentence
  const hearsay = tokens.length >= STORY_FACT_WORDS ? hearsayStart(tokens) : -1;
  const heardTo = hearsay >= 0 ? Math.min(need > hearsay ? need : tokens.length, sentenceEnd[hearsay]!) : -1;
  const heard = (i: number): boolean => i >= hearsay && i < heardTo;
  const referent = referentSpans(tokens, sentenceEnd);
  // (the purpose clause weighs less only to the end of its sentence: the next sentence says
  // something else)
  const purposeWeightTo = hasContentBefore ? Math.min(purposeTo, sentenceEnd[purpose] ?? tokens.length) : purposeTo;
  const weightAt = (i: number): number => (hasContentBefore && i >= purpose && i < purposeWeightTo ? PURPOSE_WEIGHT : 1) * (channelWeak && channel.has(i) ? CHANNEL_WEIGHT : 1) * (facts.has(i) ? STORY_FACT_WEIGHT : 1);

  // a one-word synonym written with marks is not read in a word typed without them that a
  // neighbour makes another word of a catalog pair ("vang mat": otherWordOfPair)
  const otherWordAt = (i: number): ((s: Synonym) => boolean) | undefined => (wordPairs === undefined ? undefined : (s) => otherWordOfPair(s, tokens, i, wordPairs));
  const segments: Segment[] = [];
  // (the segments read from words a negator denies: they say nothing the question affirms)
  const deniedSegments = new Set<Segment>();
  const denied = deniedPositions(tokens, sentences?.clauseEnds ?? new Set());
  const referred = (i: number): boolean => referent !== null && ((i >= referent.from && i < referent.to) || i >= referent.askFrom);
  const consumed = new Array<boolean>(tokens.length).fill(false);
  const crossesClause = (at: number, len: number): boolean => sentences !== null && tokens.slice(at, at + len - 1).some((t) => sentences.clauseEnds.has(t) || sentences.ends.has(t));
  let run: Token[] = [];
  let runWeight = 1;
  let runNeed = need === 0;
  let runHeard = heard(0);
  let runReferred = referred(0);
  const flush = (): void => {
    if (run.length > 0) segments.push({ keys: run.map((t) => t.key), stops: run.map(isStop), marks: run.map((t) => (t.marked ? t.tone : undefined)), weight: runWeight, typed: true, need: runNeed, heard: runHeard, referred: runReferred });
    run = [];
  };
  for (let i = 0; i < tokens.length; ) {
    const found = synonymAt(tokens, i, otherWordAt(i), plainStop, knownPair);
    // (a synonym is read within one clause: the last word before a comma and the first after it are no phrase)
    const best = found !== null && crossesClause(i, found.say.keys.length) ? null : found;
    const w = weightAt(i);
    if (w !== runWeight || (i >= need) !== runNeed || heard(i) !== runHeard || referred(i) !== runReferred) {
      flush();
      runWeight = w;
      runNeed = i >= need;
      runHeard = heard(i);
      runReferred = referred(i);
    }
    if (best === null) {
      run.push(tokens[i]!);
      i++;
      continue;
    }
    segments.push({ keys: best.means, stops: best.meansStops, share: readShare(best), weight: w * best.weight * (need > 0 && i < need ? STORY_SYNONYM_WEIGHT : 1), typed: false, need: i >= need, heard: heard(i), referred: referred(i) });
    if (denied.has(i)) deniedSegments.add(segments[segments.length - 1]!);
    if (best.keep) {
      // the citizen's words stay, and a longer phrase starting inside them can still be read
      run.push(tokens[i]!);
      i++;
      continue;
    }
    flush();
    const end = i + best.say.keys.length;
    i = end;
    // a phrase starting at this one's last word and ending past it is read too: the word they share
    // belongs to both ("cưới chồng" then "chồng Hàn"), unless it says again what this one read ("mở
    // tiệm" then "tiệm tạp hóa")
    const over = best.say.keys.length > 1 ? synonymAt(tokens, end - 1, otherWordAt(end - 1), plainStop, knownPair) : null;
    if (over !== null && over.say.keys.length > 1 && !over.means.some((k) => best.means.includes(k)) && !sharedWordDiffers(best.say, over.say, tokens[end - 1]!)) {
      segments.push({ keys: over.means, stops: over.meansStops, share: readShare(over), weight: weightAt(end - 1) * over.weight * (need > 0 && end - 1 < need ? STORY_SYNONYM_WEIGHT : 1), typed: false, need: end - 1 >= need, heard: heard(end - 1), referred: referred(end - 1) });
      if (denied.has(end - 1)) deniedSegments.add(segments[segments.length - 1]!);
      if (!over.keep) i = end - 1 + over.say.keys.length;
    }
  }
  flush();
  // "a + b" synonyms: both parts said anywhere
  const tokenKeys = new Set(tokens.map((t) => t.key));
  for (const s of partsSaidFirst(synonymsByFirst.get("") ?? [], tokenKeys)) {
    const spans = phraseSpans(s.say, tokens, undefined, false, tokenKeys);
    if (spans === null) continue;
    // a negator ("không + lương hưu") denies what follows it, not a word said before it: "lương
    // hưu … chưa về" is a pension that has not arrived, not a person without one
    if (negatorFirst(s.say) && spans.slice(1).some(([at]) => at < spans[0]![0])) continue;
    // (a procedure the question names outright outweighs what the two parts imply)
    if (saysAnyOf(s.yieldTo, tokens) || saysAnyOf(s.yieldAlways, tokens)) continue;
    // a part said only of a step already done (the child's birth, registered long ago, beside a
    // father not married to the mother) is a fact of the story: what the two imply is not asked
    if (spans.some(([at, len]) => done.has(at) && done.has(at + len - 1))) continue;
    const inStory = need > 0 && spans.every(([at]) => at < need);
    segments.push({ keys: s.means, stops: s.meansStops, share: readShare(s), weight: s.weight * (inStory ? STORY_SYNONYM_WEIGHT : 1), typed: false, need: !inStory, heard: spans.every(([at]) => heard(at)), referred: spans.every(([at]) => referred(at)) });
    for (const [at, len] of spans) for (let j = at; j < at + len; j++) consumed[j] = true;
  }

  const terms = new Map<string, number>();
  const stopPairs = new Set<string>();
  const plainStopPairs = new Set<string>();
  // (in a question written with marks, a word typed without them is written as it is)
  const written = writtenWithMarks(tokens);
  // (a term said in several places makes up the most any of them makes up)
  const shareOf = new Map<string, number>();
  let segmentShare = 1;
  const put = (t: string, w: number): void => {
    if ((terms.get(t) ?? 0) < w) terms.set(t, w);
    shareOf.set(t, Math.max(shareOf.get(t) ?? 0, segmentShare));
  };
  const tones = new Map<string, string>();
  const needTerms = new Set<string>();
  const heardTerms = new Set<string>();
  const referredTerms = new Set<string>();
  for (const { keys, stops, weight, marks, need: inNeed, heard: inHeard, referred: inReferred, share } of segments) {
    segmentShare = share ?? 1;
    keys.forEach((k, i) => {
      if (marks) {
        if (marks[i] !== undefined && !terms.has(k)) tones.set(k, marks[i]!);
        if (i > 0 && marks[i] !== undefined && marks[i - 1] !== undefined) tones.set(`${keys[i - 1]} ${k}`, `${marks[i - 1]} ${marks[i]}`);
      }
      const stop = stops[i]! || /^\d+$/.test(k);
      if (!stop) put(k, weight);
      if (!stop && inNeed && need > 0) needTerms.add(k);
      if (!stop && inHeard) heardTerms.add(k);
      if (!stop && inReferred) referredTerms.add(k);
      if (i === 0) return;
      const prev = keys[i - 1]!;
      const pair = `${prev} ${k}`;
      const prevStop = stops[i - 1]! || /^\d+$/.test(prev);
      if (!stop && !prevStop) {
        put(pair, weight);
        if (inNeed && need > 0) needTerms.add(pair);
        if (inHeard) heardTerms.add(pair);
        if (inReferred) referredTerms.add(pair);
      }
      else if (knownPair(pair)) {
        put(pair, weight);
        stopPairs.add(pair);
        // (words the citizen typed, each function word without marks; a number is no other word)
        const plain = (j: number): boolean => !/^\d+$/.test(keys[j]!) && (!stops[j]! || (marks !== undefined && marks[j] === undefined));
        if (!written && plain(i - 1) && plain(i)) plainStopPairs.add(pair);
      }
    });
  }
  const shares = new Map([...shareOf].filter(([, f]) => f < 1));
  // (the typed words in runs between denied ones, and what synonyms read from words not denied)
  const affirmedRuns: string[][] = [[]];
  tokens.forEach((t, i) => (denied.has(i) ? affirmedRuns.push([]) : affirmedRuns[affirmedRuns.length - 1]!.push(t.key)));
  const affirmed = denied.size === 0 ? null : [...affirmedRuns.filter((r) => r.length > 0), ...segments.filter((s) => !s.typed && !deniedSegments.has(s)).map((s) => s.keys)];
  const said = [tokens.map((t) => t.key), ...segments.map((s) => s.keys)];
  return { tokens, segments, terms, shares, stopPairs, plainStopPairs, tones, said, affirmed: affirmed ?? said, ages: agesOf(tokens), since: sinceOf(tokens), consumed, purposeFrom: hasContentBefore ? purpose : tokens.length, purposeTo, purposeClauseTo: purposeClauseEnd(tokens, hasContentBefore ? purpose : tokens.length, purposeTo, sentences?.clauseEnds), needFrom: need, askFrom, needTerms, heardTerms, referredTerms };
}
