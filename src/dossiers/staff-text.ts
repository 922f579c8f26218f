/** Text staff type into the dossier forms (apology, hand-over), checked at the edge. */
import { z } from "zod";
import { CONTROL, INVISIBLE, LONE_SURROGATE } from "../text/characters.js";

/**
 * Text staff type for a form: composed (NFC: a Mac's or some keyboards' decomposed marks are
 * stored as every other text is), trimmed, line breaks kept (as \n), no control or invisible
 * characters, 1..max characters (or empty → null when optional).
 */
export function staffText(max: number) {
  return z
    .string({ message: "bắt buộc, là chuỗi ký tự" })
    .transform((v) => v.normalize("NFC").replace(/\r\n?/g, "\n").trim())
    .pipe(
      z
        .string()
        .min(1, "không được để trống")
        .max(max, `tối đa ${max} ký tự`)
        .refine((v) => !CONTROL.test(v) && !LONE_SURROGATE.test(v), "có ký tự điều khiển không hợp lệ")
        .refine((v) => !INVISIBLE.test(v), "có ký tự ẩn (khoảng trắng không độ rộng, ký tự đảo chiều chữ); hãy gõ lại"),
    );
}
