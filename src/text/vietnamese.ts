/**
 * Vietnamese text helpers shared by search, SMS and name matching.
 *
 * - `asTyped`: compatibility characters folded (full-width letters and digits), for what citizens type.
 * - `normalizeInput`: NFC, trimmed, inner whitespace collapsed (some keyboards and macOS
 *   input produce combining marks; everything is compared in NFC).
 * - `stripDiacritics`: removes every combining mark (a letter can carry two: ệ = e + ^ + .),
 *   and maps đ→d, Đ→D (đ does not decompose). Case is kept.
 * - `searchKey`: lower-case, diacritic-free, punctuation turned into spaces: the form in which
 *   old and new tone placement (hoà / hòa, thuý / thúy) and typed-without-marks text all agree.
 */

const COMBINING_MARKS = /[\u0300-\u036f]/g;

/**
 * What a citizen typed, read as the letters and digits it shows: compatibility characters folded
 * (NFKC) — full-width "ＨＵＹ" or "０９１２" from a phone's wide keyboard or a copied PDF are
 * "HUY" and "0912", "①" is "1" — and composed as NFC (no Vietnamese letter has a compatibility
 * form, so marks are unchanged).
 */
export function asTyped(text: string): string {
  return text.normalize("NFKC");
}

export function normalizeInput(text: string): string {
  return text.normalize("NFC").replace(/\s+/gu, " ").trim();
}

export function stripDiacritics(text: string): string {
  return text
    .normalize("NFD")
    .replace(COMBINING_MARKS, "")
    .replace(/đ/g, "d")
    .replace(/Đ/g, "D")
    .normalize("NFC");
}

export function searchKey(text: string): string {
  return stripDiacritics(text.normalize("NFC"))
    .toLowerCase()
    .replace(/[^a-z0-9]+/g, " ")
    .trim();
}

/** Syllables of a search key ("Đăng ký khai-sinh" → ["dang", "ky", "khai", "sinh"]). */
export function syllables(text: string): string[] {
  const key = searchKey(text);
  return key === "" ? [] : key.split(" ");
}

/** Tone marks (combining characters in NFD) and their conventional numbers (VNI order). */
const TONE_NUMBERS: ReadonlyMap<string, number> = new Map([
  ["\u0301", 1], // sắc
  ["\u0300", 2], // huyền
  ["\u0309", 3], // hỏi
  // ngã is read as hỏi: southern speech (where the pilot is) says them alike, and people often
  // type one for the other ("khai tữ" is "khai tử")
  ["\u0303", 3], // ngã
  ["\u0323", 5], // nặng
]);

/** True when the text carries any Vietnamese diacritic (tone or vowel mark, or đ). */
export function hasDiacritics(text: string): boolean {
  const nfc = text.normalize("NFC");
  return stripDiacritics(nfc) !== nfc;
}

/**
 * A word in lower case with its tone mark taken off and appended as a digit (1 sắc, 2 huyền,
 * 3 hỏi or ngã, 5 nặng; nothing for the level tone), vowel marks and đ kept. Where the tone mark
 * sits no longer matters ("hoà" and "hòa" both give "hoa2"), but words that differ only by their
 * marks stay apart ("chó" → "cho1", "cho" → "cho").
 */
export function toneSignature(word: string): string {
  // (an indexed loop over the code units, the runs between tone marks taken whole: the search's
  // index build asks this of every word it reads first and of its tables' phrases, and a for…of
  // made a string of each character; a tone mark is one code unit, never half of a pair)
  const decomposed = word.normalize("NFD").toLowerCase();
  let tone = 0;
  let base = "";
  let from = 0;
  for (let i = 0; i < decomposed.length; i++) {
    const c = decomposed.charCodeAt(i);
    if (c < 0x300 || c > 0x323) continue;
    const t = TONE_NUMBERS.get(decomposed[i]!);
    if (t === undefined) continue;
    base += decomposed.slice(from, i);
    from = i + 1;
    tone = t;
  }
  base += decomposed.slice(from);
  return base.normalize("NFC") + (tone === 0 ? "" : String(tone));
}

/**
 * Spelling variants of one syllable in search-key form: a consonant followed by a lone "y" is
 * written with "i" too (kí/ký, lí/lý, mĩ/mỹ, qui/quy), so both map to the "i" form.
 * "uy" as in "huy", "thuỷ" is a different rhyme and is left alone.
 */
export function canonicalSyllable(key: string): string {
  return /^(?:qu|ch|gh|gi|kh|ng|nh|ph|th|tr|[bcdghklmnprstvx])y$/.test(key) ? key.slice(0, -1) + "i" : key;
}

const ONSETS = [
  "ngh", "ch", "gh", "gi", "kh", "ng", "nh", "ph", "qu", "th", "tr",
  "b", "c", "d", "g", "h", "k", "l", "m", "n", "p", "r", "s", "t", "v", "x", "",
];

/** Rhymes of Vietnamese syllables in search-key form (vowel marks and tones removed). */
const RHYMES: ReadonlySet<string> = new Set(
  [
    "a ac ach ai am an ang anh ao ap at au ay",
    "e ec ech em en eng enh eo ep et eu",
    "i ia ich iec iem ien ieng iep iet ieu im in inh ip it iu",
    "o oa oac oach oai oam oan oang oanh oao oap oat oay oc oe oen oeo oet oi om on ong ooc oong op ot",
    "u ua uac uan uang uanh uat uay uc ue uech uen uenh uet ui um un ung uo uoc uoi uom uon uong uop uot uou up ut uu uy uya uych uyen uyet uynh uyt uyu",
    "y yen yet yeu yem",
  ]
    .join(" ")
    .split(" "),
);

/**
 * Whether a search-key syllable (no diacritics) could be a Vietnamese syllable: a known onset
 * followed by a known rhyme. "khai", "nghieng", "quy" pass; "khaisinh", "sinhf", "kahi" fail.
 */
export function isVietnameseSyllable(key: string): boolean {
  if (!/^[a-z]+$/.test(key)) return false;
  for (const onset of ONSETS) {
    if (!key.startsWith(onset)) continue;
    const rhyme = key.slice(onset.length);
    if (RHYMES.has(rhyme)) return true;
    // "gi" and "qu" carry their own vowel: "gì" is g + i, "gia" is gi + a.
    if (onset === "gi" && (rhyme === "" || RHYMES.has("i" + rhyme))) return true;
  }
  return false;
}
