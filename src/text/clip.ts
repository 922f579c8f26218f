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
