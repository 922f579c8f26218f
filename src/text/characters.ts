/**
 * The characters typed text is checked for, in one place: what staff write (announcements, forms,
 * notes, calendar names) is refused when it holds any of them, because a citizen's phone or a
 * printed form would show them as garbage or, worse, hide or reverse part of the text.
 */

/** Control characters other than tab and line breaks (C0, DEL, C1): NUL, BEL, ESC … */
export const CONTROL = /(?![\t\n\r])\p{Cc}/u;
/** Control characters including tab and line breaks: for one-line values (a name, a header). */
export const CONTROL_ONE_LINE = /\p{Cc}/u;
/**
 * Invisible characters that hide or reverse text: zero-width space, direction marks, embeddings and
 * overrides (RLO), isolates, word joiner, byte-order mark. Zero-width (non-)joiners are kept: emoji
 * sequences need them.
 */
export const INVISIBLE = /[\u200b\u200e\u200f\u202a-\u202e\u2060-\u2064\u2066-\u2069\ufeff]/;
/** Half of a surrogate pair without the other half (with the u flag a whole pair is one code point and does not match). */
export const LONE_SURROGATE = /\p{Surrogate}/u;
/** Noncharacters (U+FFFE, U+FFFF, U+FDD0–U+FDEF…): never text; XML (an XLSX, a feed) cannot hold U+FFFE and U+FFFF. */
export const NONCHARACTER = /\p{Noncharacter_Code_Point}/u;
/** What XML 1.0 cannot hold: C0 controls other than tab and line breaks, U+FFFE, U+FFFF, lone surrogates. */
const NOT_XML = /[^\u0009\u000a\u000d\u0020-\ud7ff\ue000-\ufffd\u{10000}-\u{10ffff}]/gu;
/** Text with what XML 1.0 cannot hold dropped: a file with one such character is refused whole by its reader (Excel, LibreOffice, a feed reader). */
export const xmlChars = (text: string): string => text.replace(NOT_XML, "");
