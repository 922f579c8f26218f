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

/**
 * Tokens of one word, cached: the same few thousand words come back again and again. The cache
 * is looked up with the word still in its text (its characters from `start` to `end`, and their
 * hash, worked out as the text is read): tokenize makes no string of a word already seen (the index
 * build reads some 160,000 words of the catalog, of fewer than 2,000 different ones). Open
 * addressing: a word's slot is its hash's, or the next free one after.
 */
const WORD_CACHE_LIMIT = 50_000;
// (room for 4,096 words without growing: the tables and the catalog write some 3,000, and the cache
// grown in the middle of the first index build sent wordTokensAt, compiled by then, down a path it
// had not run, and V8 threw the compiled code away)
let wordSlots = new Int32Array(1 << 13);
let slotWords: string[] = [];
let slotTokens: (readonly Token[])[] = [];
let wordCount = 0;

/** The hash of a word: FNV-1a over its UTF-16 code units (wordHash continues one with a unit). */
const HASH_SEED = 0x811c9dc5 | 0;
const wordHash = (hash: number, unit: number): number => Math.imul(hash ^ unit, 0x01000193);

function hashOf(word: string): number {
  let hash = HASH_SEED;
  for (let i = 0; i < word.length; i++) hash = wordHash(hash, word.charCodeAt(i));
  return hash;
}

function wordTokens(word: string): readonly Token[] {
  return wordTokensAt(word, 0, word.length, hashOf(word));
}

/** The word wordTokensAt last looked up, as the cache keeps it (tokenizeWritten's word as written, not sliced again). */
let wordRead = "";

/** wordTokens of text.slice(start, end), whose hash is `hash`. */
function wordTokensAt(text: string, start: number, end: number, hash: number): readonly Token[] {
  const length = end - start;
  let mask = wordSlots.length - 1;
  let h = (hash ^ (hash >>> 15)) & mask;
  for (let at = wordSlots[h]!; at !== 0; h = (h + 1) & mask, at = wordSlots[h]!) {
    const word = slotWords[at - 1]!;
    if (word.length !== length) continue;
    let same = true;
    for (let j = 0; j < length; j++) {
      if (word.charCodeAt(j) !== text.charCodeAt(start + j)) {
        same = false;
        break;
      }
    }
    if (same) {
      wordRead = word;
      return slotTokens[at - 1]!;
    }
  }
  const word = start === 0 && end === text.length ? text : text.slice(start, end);
  wordRead = word;
  const tokens = syllableTokens(word) ?? partTokens(word);
  if (wordCount >= WORD_CACHE_LIMIT) {
    wordSlots = new Int32Array(wordSlots.length);
    slotWords = [];
    slotTokens = [];
    wordCount = 0;
    h = (hash ^ (hash >>> 15)) & mask;
    while (wordSlots[h] !== 0) h = (h + 1) & mask;
  }
  slotWords.push(word);
  slotTokens.push(tokens);
  wordSlots[h] = ++wordCount;
  if (wordCount * 2 > wordSlots.length) {
    // (grown: each word's slot again, from its hash)
    const slots = new Int32Array(wordSlots.length * 2);
    mask = slots.length - 1;
    for (let at = 1; at <= wordCount; at++) {
      const wh = hashOf(slotWords[at - 1]!);
      let k = (wh ^ (wh >>> 15)) & mask;
      while (slots[k] !== 0) k = (k + 1) & mask;
      slots[k] = at;
    }
    wordSlots = slots;
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

/** Whether the code unit c at i opens a surrogate pair (the pair is read as one character). */
const pairAt = (text: string, i: number, c: number): boolean => c >= 0xd800 && c < 0xdc00 && i + 1 < text.length && (text.charCodeAt(i + 1) & 0xfc00) === 0xdc00;

/** The kind of the character at i: the code unit c, or (width 2) the pair it opens. */
function kindAt(text: string, i: number, c: number, width: number): CharKind {
  let kind: CharKind;
  if (width === 2) {
    const point = text.codePointAt(i)!;
    kind = astralKinds.get(point) ?? CharKind.Unknown;
    if (kind === CharKind.Unknown) astralKinds.set(point, (kind = kindOf(String.fromCodePoint(point))));
  } else {
    kind = unitKinds[c]!;
    if (kind === CharKind.Unknown) unitKinds[c] = kind = kindOf(String.fromCharCode(c));
  }
  return kind;
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
    const width = pairAt(text, i, c) ? 2 : 1;
    const kind = kindAt(text, i, c, width);
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
  // One pass over the text (the index tokenizes the whole catalog, ~650 KB), as wordsOf reads it:
  // each word's tokens found in the cache while the word is read (wordTokensAt: no string a word).
  // Invisible format characters (zero-width, bidi marks, a soft hyphen) pasted inside a word do
  // not split it: they are taken out of the word, which is then composed again.
  // (Indexed loops: the index build tokenizes every catalog text before V8 has optimised this,
  // and a for…of allocates an iterator result for each step.)
  const lower = text.normalize("NFC").toLowerCase();
  const n = lower.length;
  let start = -1;
  let hash = HASH_SEED;
  let format = false;
  for (let i = 0; i <= n; ) {
    let kind = CharKind.Other;
    let width = 1;
    if (i < n) {
      const c = lower.charCodeAt(i);
      width = pairAt(lower, i, c) ? 2 : 1;
      kind = kindAt(lower, i, c, width);
      if (kind === CharKind.Word || kind === CharKind.Format) {
        if (start < 0) {
          start = i;
          hash = HASH_SEED;
          format = false;
        }
        if (kind === CharKind.Format) format = true;
        hash = wordHash(hash, c);
        if (width === 2) hash = wordHash(hash, lower.charCodeAt(i + 1));
        i += width;
        continue;
      }
    }
    if (start >= 0) {
      let word: string;
      let wordTokenList: readonly Token[];
      if (format) {
        word = lower.slice(start, i).replace(FORMAT_ALL, "").normalize("NFC");
        wordTokenList = word === "" ? [] : wordTokens(word);
      } else {
        wordTokenList = wordTokensAt(lower, start, i, hash);
        word = wordRead;
      }
      for (let j = 0; j < wordTokenList.length; j++) tokens.push(wordTokenList[j]!);
      if (written !== null && wordTokenList.length > 0) {
        if (wordTokenList.length === 1) written.push(word);
        else for (let j = 0; j < wordTokenList.length; j++) written.push(wordTokenList[j]!.key);
      }
      start = -1;
    }
    i += width;
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
