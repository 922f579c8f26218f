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
