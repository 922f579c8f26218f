import { searchKey } from "../text/vietnamese.js";

/**
 * A booking's address line followed by its hamlet, commune and province, each left out where the
 * line already names it: a clerk or citizen who typed "…, Khóm 1, Phường Hồng Ngự" is not shown
 * "…, Khóm 1, Phường Hồng Ngự, Phường Hồng Ngự". Names are compared whole-word, without marks or
 * case ("Khóm 1" is not in "Khóm 12").
 */
export function fullAddress(line: string, ...places: (string | null | undefined)[]): string {
  const parts = [line];
  for (const place of places) {
    if (!place) continue;
    const key = searchKey(place);
    if (key !== "" && ` ${searchKey(parts.join(" "))} `.includes(` ${key} `)) continue;
    parts.push(place);
  }
  return parts.join(", ");
}
