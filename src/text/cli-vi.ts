/**
 * What the command line says to the commune's administrator, in Vietnamese, in one place: the
 * usage of `motcua` and of its `keys`, `staff` and `procedures` commands, and their answers.
 * (The set-up messages an installer reads — PostgreSQL or Redis missing, migrations — stay with
 * the code that checks them.)
 */

export const CLI_USAGE = `motcua — thông báo hồ sơ một cửa và trợ lý thủ tục

Cách dùng:
  motcua serve [--role all|api|worker|bot] [--port N]
  motcua migrate
  motcua migration new <tên>
  motcua seed
  motcua procedures search "<câu hỏi>" [--limit N] [--json]
  motcua procedures show <mã thủ tục> [--json]
  motcua procedures export <mã thủ tục>... | --all [--out <tệp.json>]
  motcua procedures import <tệp.json> [--yes] [--by <tên>]
  motcua procedures differences [<mã thủ tục>]
  motcua procedures history <mã thủ tục>
  motcua keys create --role integration|commune_staff|post_office_staff|admin --name <tên> [--unit <mã>]
  motcua keys revoke <tiền tố>
  motcua staff create --username <u> --name "<họ tên>" --role commune_staff|post_office_staff|admin [--unit <mã>]
  motcua staff reset-password <tên đăng nhập>
  motcua staff disable <tên đăng nhập>
  motcua help

Cấu hình lấy từ biến môi trường (xem README.md).`;

export const CLI_TEXT = {
  noCommand: "Chưa nêu lệnh nào.",
  unknownCommand: (command: string) => `Không có lệnh "${command}".`,
  migrationUsage: "cách dùng: motcua migration new <tên>   (ví dụ: motcua migration new add_citizen_email)",
  /** node:util parseArgs's refusals, said in Vietnamese (its own messages are English). */
  badOption: (code: string | undefined, message: string) => {
    const option = /'(-{1,2}[^' ]+)/.exec(message)?.[1] ?? "";
    if (code === "ERR_PARSE_ARGS_UNKNOWN_OPTION") return `Không có tùy chọn ${option}.`;
    if (code === "ERR_PARSE_ARGS_INVALID_OPTION_VALUE") return `Tùy chọn ${option} cần một giá trị.`;
    if (code === "ERR_PARSE_ARGS_UNEXPECTED_POSITIONAL") return "Thừa tham số.";
    return `Tham số không hợp lệ: ${message}`;
  },
} as const;

export const KEYS_TEXT = {
  usage: `cách dùng: motcua keys create --role integration|commune_staff|post_office_staff|admin --name <tên> [--unit <mã xã hoặc tỉnh>]
           motcua keys create --staff <tên đăng nhập> --name <tên>   (khóa của một cán bộ: vai trò và đơn vị của tài khoản)
           motcua keys revoke <tiền tố>`,
  roleChoice: (roles: string[]) => `--role phải là một trong: ${roles.join(", ")}.`,
  nameRequired: "--name là bắt buộc: tên gợi nhớ của khóa (hệ thống hoặc người dùng nó).",
  noStaff: (username: string) => `--staff ${username}: không có tài khoản cán bộ đang hoạt động với tên đăng nhập này (no active staff account with this username).`,
  staffMismatch: (option: string, value: string, account: string) => `${option} ${value} khác với tài khoản (${account}): khóa của một cán bộ có vai trò và đơn vị của tài khoản; bỏ ${option} đi (a staff member's key takes the account's role and unit).`,
  created: (role: string, name: string, prefix: string) => `Đã tạo khóa ${role} "${name}" (tiền tố ${prefix}). Khóa chỉ hiện lúc này, hãy lưu lại:`,
  revoked: (count: number, prefix: string) => `Đã thu hồi ${count} khóa có tiền tố ${prefix}.`,
  noneToRevoke: (prefix: string) => `Không có khóa nào đang dùng có tiền tố ${prefix}.`,
} as const;

export const STAFF_CLI_TEXT = {
  usage: `cách dùng: motcua staff create --username <u> --name "<họ tên>" --role commune_staff|post_office_staff|admin [--unit <mã xã hoặc tỉnh>]
           motcua staff reset-password <tên đăng nhập>
           motcua staff disable <tên đăng nhập>`,
  extra: (args: string[]) => `Thừa tham số: ${args.join(" ")}.`,
  useUsernameOption: "Dùng --username <tên đăng nhập>.",
  required: (option: string) => `${option} là bắt buộc.`,
  usernameRequired: "Cần tên đăng nhập.",
  created: (username: string, role: string, unit: string | undefined) =>
    `Đã tạo tài khoản "${username}" (${role}${unit ? `, đơn vị ${unit}` : ""}). Mật khẩu dùng một lần, chỉ hiện lúc này; lần đăng nhập đầu phải đổi:`,
  reset: (username: string) => `Đã đặt lại mật khẩu của tài khoản "${username}"; các phiên đăng nhập của nó đã kết thúc. Mật khẩu dùng một lần, chỉ hiện lúc này:`,
  disabled: (username: string) => `Đã khóa tài khoản "${username}"; các phiên đăng nhập đã kết thúc.`,
  alreadyDisabled: (username: string) => `Tài khoản "${username}" đã bị khóa từ trước.`,
} as const;

export const PROCEDURES_CLI_TEXT = {
  usage: [
    'cách dùng: motcua procedures search "<câu hỏi>" [--limit N] [--json]',
    "           motcua procedures show <mã> [--json]",
    "           motcua procedures export <mã>... | --all  [--out <tệp.json>]",
    "           motcua procedures import <tệp.json> [--yes] [--by <tên>]",
    "           motcua procedures differences [<mã>]",
    "           motcua procedures history <mã>",
  ].join("\n"),
  catalogEmpty: "Danh mục thủ tục đang trống; chạy `npx motcua seed` (hoặc `npm run demo`) để nạp.",
  noMatch: "Không tìm thấy thủ tục phù hợp với câu hỏi này.",
  questionTooLong: (max: number) => `Câu hỏi dài quá ${max} ký tự.`,
  limitRange: "--limit phải là số nguyên từ 1 đến 20.",
  exported: (count: number, file: string) => `Đã ghi ${count} thủ tục vào ${file}.`,
  notInCatalog: (code: string) => `Không có thủ tục mã ${code} trong danh mục.`,
  notCurated: (code: string) => `Không có thủ tục mã ${code} trong danh mục đã kiểm.`,
  noCorrections: (code: string) => `${code}: chưa có lần hiệu đính nào.`,
  fileTooLarge: (file: string, mb: number) => `Tệp ${file} quá lớn (hơn ${mb} MB, gấp mười lần cả danh mục); chưa lưu gì.`,
  /** Why a file cannot be read, by the system's error code, in words (ENOENT says nothing to an official). */
  fileUnreadable: (file: string, code: string) =>
    code === "ENOENT"
      ? `Không có tệp ${file}: kiểm tra tên và thư mục của tệp.`
      : code === "EACCES" || code === "EPERM"
        ? `Không được phép đọc tệp ${file}: kiểm tra quyền của tệp.`
        : code === "EISDIR"
          ? `${file} là một thư mục, không phải tệp JSON.`
          : `Không đọc được tệp ${file} (${code}).`,
  fileNotJson: (file: string, reason: string) => `Tệp ${file} không phải JSON hợp lệ (${reason}); chưa lưu gì.`,
  byRequired: "--by phải ghi tên người sửa.",
  refused: (count: number) => `${count} bản ghi bị từ chối; chưa lưu gì.`,
  nothingToChange: "Không có gì thay đổi.",
  noTerminal: "Chưa lưu: không có cửa sổ dòng lệnh để xác nhận. Chạy lệnh trong cửa sổ dòng lệnh, hoặc thêm --yes để lưu không hỏi.",
  confirm: (count: number, by: string) => `Lưu ${count} thủ tục đã sửa (người sửa: ${by})? [y/N] `,
  notSaved: "Chưa lưu.",
  saved: (count: number, by: string, codes: string[]) =>
    `Đã lưu ${count} thủ tục do ${by} hiệu đính: ${codes.join(", ")}. \`motcua seed\` không ghi đè các bản hiệu đính; các tiến trình đang chạy vẫn trả lời theo danh mục đã nạp cho đến khi khởi động lại.`,
} as const;
