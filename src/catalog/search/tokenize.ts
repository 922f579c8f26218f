/**
 * From raw citizen text to tokens: one per syllable, each with its diacritic-free key (the form
 * everything is matched in) and its tone signature (used only where marks tell words apart,
 * e.g. "chó" dog vs "cho" for).
 */
import { canonicalSyllable, hasDiacritics, normalizeInput, searchKey, toneSignature } from "../../text/vietnamese.js";

export interface Token {
  /** search key of the syllable, spelling variants unified ("ký" → "ki"). */
  key: string;
  /** tone signature of the word as typed ("chó" → "cho1"); equals key for unmarked words. */
  tone: string;
  /** whether the citizen typed this word with diacritics. */
  marked: boolean;
}

/** National procedure codes: one digit, a dot, six digits ("1.001193"). */
const CODE_PATTERN = /(?<![\d.])(\d)[.,]\s?(\d{6})(?![\d.])/gu;

export function extractProcedureCodes(text: string): string[] {
  const codes: string[] = [];
  for (const m of normalizeInput(text).matchAll(CODE_PATTERN)) codes.push(`${m[1]}.${m[2]}`);
  return codes;
}

/** Key of a single syllable in canonical form. */
export function syllableKey(word: string): string {
  return canonicalSyllable(searchKey(word));
}

/** A syllable that ends in a stop consonant (its search key)… */
const CHECKED_ENDING = /^[a-z]+(?:p|t|c|ch)$/;
/** …is written with the acute or the dot below (decomposed). */
const CHECKED_TONE = /[\u0301\u0323]/u;

/** Tokens of one word, cached: the same few thousand words come back again and again. */
const wordCache = new Map<string, readonly Token[]>();
const WORD_CACHE_LIMIT = 50_000;

function wordTokens(word: string): readonly Token[] {
  let tokens = wordCache.get(word);
  if (tokens === undefined) {
    tokens = syllableTokens(word) ?? partTokens(word);
    if (wordCache.size >= WORD_CACHE_LIMIT) wordCache.clear();
    wordCache.set(word, tokens);
  }
  return tokens;
}

/** The tokens of a word (searchKey's parts, each a syllable key). */
function partTokens(word: string): Token[] {
  const parts = searchKey(word).split(" ").filter((p) => p !== "");
  // a syllable ending in p, t, c or ch carries the acute or the dot below: one typed without
  // either ("kêt") has its marks half typed, and is read as typed without them
  const marked = hasDiacritics(word) && !(parts.length === 1 && CHECKED_ENDING.test(parts[0]!) && !CHECKED_TONE.test(word.normalize("NFD")));
  return parts.map((part) => {
    const key = canonicalSyllable(part);
    return { key, tone: marked && parts.length === 1 ? toneSignature(word) : key, marked };
  });
}

/**
 * The token of a word of lower-case a–z, digits, đ and combining marks once decomposed (every
 * Vietnamese word), read from one decomposition — the same token partTokens makes with its
 * several passes (searchKey and hasDiacritics each compose and decompose the word again: most of
 * the time of the index's first build, where each word of the catalog is new) — or null for
 * another word.
 */
function syllableTokens(word: string): Token[] | null {
  const decomposed = word.normalize("NFD");
  // its letters without marks (đ as d: its searchKey), whether it has a mark (hasDiacritics), and the acute or the dot below (CHECKED_TONE)
  let letters = "";
  let diacritics = false;
  let acuteOrDot = false;
  for (let i = 0; i < decomposed.length; i++) {
    const c = decomposed.charCodeAt(i);
    if (c >= 0x300 && c <= 0x36f) {
      diacritics = true;
      if (c === 0x301 || c === 0x323) acuteOrDot = true;
    } else if (c === 0x111) {
      diacritics = true;
      letters += "d";
    } else if ((c >= 0x61 && c <= 0x7a) || (c >= 0x30 && c <= 0x39)) letters += decomposed[i];
    else return null;
  }
  if (letters === "") return null;
  const marked = diacritics && !(CHECKED_ENDING.test(letters) && !acuteOrDot);
  const key = canonicalSyllable(letters);
  return [{ key, tone: marked ? toneSignature(word) : key, marked }];
}

/** What a character is to a word: not looked up yet, none of it, a letter, mark or digit, or a format character. */
const enum CharKind {
  Unknown,
  Other,
  Word,
  Format,
}
const WORD_CHAR = /^[\p{L}\p{M}\p{N}]$/u;
const FORMAT_CHAR = /^\p{Cf}$/u;
/** each UTF-16 code unit's kind, looked up the first time it is read (a code unit of a surrogate pair is read with its pair) */
const unitKinds = new Uint8Array(0x10000);
const astralKinds = new Map<number, CharKind>();

function kindOf(char: string): CharKind {
  return WORD_CHAR.test(char) ? CharKind.Word : FORMAT_CHAR.test(char) ? CharKind.Format : CharKind.Other;
}

/** Whether words were read with format characters in them (the last wordsOf that kept them). */
let formatRead = false;

/**
 * The words of a text: its runs of letters, marks and digits (\p{L}, \p{M}, \p{N}) and, when
 * `format`, format characters (\p{Cf}) — what text.match(/[\p{L}\p{M}\p{N}(\p{Cf})]+/gu) finds, read
 * a character at a time from a table of what each character is (the index build reads the whole
 * catalog, ~650 KB, and a regular expression of Unicode classes was most of the time of its tokens).
 */
export function wordsOf(text: string, format: boolean): string[] {
  const words: string[] = [];
  const n = text.length;
  let start = -1;
  formatRead = false;
  for (let i = 0; i < n; ) {
    const c = text.charCodeAt(i);
    let width = 1;
    let kind: CharKind;
    if (c >= 0xd800 && c < 0xdc00 && i + 1 < n && (text.charCodeAt(i + 1) & 0xfc00) === 0xdc00) {
      const point = text.codePointAt(i)!;
      width = 2;
      kind = astralKinds.get(point) ?? CharKind.Unknown;
      if (kind === CharKind.Unknown) astralKinds.set(point, (kind = kindOf(String.fromCodePoint(point))));
    } else {
      kind = unitKinds[c]!;
      if (kind === CharKind.Unknown) unitKinds[c] = kind = kindOf(String.fromCharCode(c));
    }
    if (kind === CharKind.Word || (kind === CharKind.Format && format)) {
      if (start < 0) start = i;
      if (kind === CharKind.Format) formatRead = true;
    } else if (start >= 0) {
      words.push(text.slice(start, i));
      start = -1;
    }
    i += width;
  }
  if (start >= 0) words.push(text.slice(start));
  return words;
}

const FORMAT = /\p{Cf}/u;
const FORMAT_ALL = /\p{Cf}/gu;

/** Split text into syllable tokens. Punctuation and symbols separate words and are dropped. */
export function tokenize(text: string): Token[] {
  return tokensOfText(text, null);
}

/**
 * tokenize, and each token as written in `written`: its word, or its key for a word of several
 * tokens (query.ts readAlias writes an alias's words that no synonym reads so).
 */
export function tokenizeWritten(text: string, written: string[]): Token[] {
  return tokensOfText(text, written);
}

function tokensOfText(text: string, written: string[] | null): Token[] {
  const tokens: Token[] = [];
  // One pass over the text (the index tokenizes the whole catalog, ~650 KB). Invisible format
  // characters (zero-width, bidi marks, a soft hyphen) pasted inside a word do not split it: they
  // are taken out of the word, which is then composed again.
  // (looked for in a word only when the text has some: most texts have none)
  // (Indexed loops: the index build tokenizes every catalog text before V8 has optimised this,
  // and a for…of allocates an iterator result for each step.)
  const words = wordsOf(text.normalize("NFC").toLowerCase(), true);
  const formatted = formatRead;
  for (let i = 0; i < words.length; i++) {
    let word = words[i]!;
    if (formatted && FORMAT.test(word)) {
      word = word.replace(FORMAT_ALL, "").normalize("NFC");
      if (word === "") continue;
    }
    const wordTokenList = wordTokens(word);
    for (let j = 0; j < wordTokenList.length; j++) tokens.push(wordTokenList[j]!);
    if (written !== null) for (let j = 0; j < wordTokenList.length; j++) written.push(wordTokenList.length === 1 ? word : wordTokenList[j]!.key);
  }
  return tokens;
}

/** Tokens for text that we produced ourselves (lexicon phrases, repairs): no marks kept. */
export function plainTokens(keys: readonly string[]): Token[] {
  return keys.map((key) => ({ key, tone: key, marked: false }));
}

/** Folded syllables of a text and the pairs of adjacent ones ("khai sinh"), in order. */
export interface TextTokens {
  syllables: string[];
  pairs: string[];
}

/**
 * The token API for readers outside the search (the bot's intents): NFC, lower case, diacritics
 * folded (đ → d; "hoà" and "hòa" alike), spelling variants unified, then every syllable and every
 * pair of adjacent syllables. Abbreviations and typos are not repaired here.
 */
export function textTokens(text: string): TextTokens {
  const syllables = tokenize(text).map((t) => t.key);
  const pairs: string[] = [];
  for (let i = 1; i < syllables.length; i++) pairs.push(`${syllables[i - 1]} ${syllables[i]}`);
  return { syllables, pairs };
}
