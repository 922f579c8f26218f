/**
 * Text cut to a length counted in UTF-16 units (what the limits of the Bot API, Zalo and the
 * buttons count), never between the two halves of a character outside the BMP (an emoji): a lone
 * half is not text — a provider refuses it, a page shows "�".
 */
export function clip(text: string, max: number, mark = ""): string {
  if (text.length <= max) return text;
  let end = max - mark.length;
  if (end > 0 && /[\uD800-\uDBFF]/.test(text[end - 1]!)) end -= 1;
  return `${text.slice(0, end)}${mark}`;
}

/**
 * Text in parts of at most `max` UTF-16 units, for a channel that limits one message's length
 * (Telegram 4,096, Zalo 2,000): each cut at the last line break that leaves the part at least half
 * full, else at the last space, else anywhere but between the two halves of a character outside
 * the BMP. Nothing is lost but the one line break or space at each cut.
 */
export function splitText(text: string, max: number): string[] {
  const parts: string[] = [];
  let rest = text;
  while (rest.length > max) {
    const window = rest.slice(0, max + 1);
    let cut = window.lastIndexOf("\n");
    if (cut < max / 2) cut = window.lastIndexOf(" ");
    if (cut < max / 2) {
      cut = max;
      if (/[\uD800-\uDBFF]/.test(rest[cut - 1]!)) cut -= 1;
    }
    parts.push(rest.slice(0, cut));
    rest = rest.slice(cut).replace(/^[\n ]/, "");
  }
  parts.push(rest);
  return parts;
}
