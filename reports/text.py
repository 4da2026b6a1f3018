"""Vietnamese wording of the report: dates per Decree 30/2020, numbers with a decimal comma,
the column headings shared by the DOCX and the XLSX, and the names of the completeness gaps."""
from __future__ import annotations

import datetime as dt

from pipeline.model import nfc
from reports.figures import ReportFigures, UnitFigures

# Short names of the records' completeness problem codes (records/completeness.py).
GAP_VI = {"NO-PERSONAL-ID": "Thiếu số định danh cá nhân", "NO-BIRTH-DATE": "Thiếu ngày sinh",
          "NO-ASSIGNMENT": "Chưa có quá trình công tác", "NO-SALARY-HISTORY": "Chưa có diễn biến lương",
          "ASSIGNMENT-GAP": "Quá trình công tác gián đoạn", "FROM-MISMATCH": "Có thể thiếu quyết định",
          "RAISE-OVERDUE": "Quá hạn nâng bậc lương", "TERM-EXPIRED": "Hết thời hạn bổ nhiệm"}


def vn_date(day: dt.date) -> str:
    """'ngày 05 tháng 3 năm 2024': days under 10 and months 1–2 get a leading zero (NĐ 30/2020)."""
    month = f"{day.month:02d}" if day.month <= 2 else str(day.month)
    return f"ngày {day.day:02d} tháng {month} năm {day.year}"


def short_date(day: dt.date) -> str:
    return day.strftime("%d/%m/%Y")


def pct(x: float | None) -> str:
    return "—" if x is None else f"{100 * x:.1f}".replace(".", ",") + "%"


def num(x: float | int | None) -> str:
    if x is None:
        return "—"
    return str(int(x)) if float(x).is_integer() else f"{x:.1f}".replace(".", ",")


def half_label(half: int) -> str:
    return "6 tháng đầu năm" if half == 1 else "6 tháng cuối năm"


def gap_name(code: str) -> str:
    return GAP_VI.get(code, code)


def top_gaps(u: UnitFigures, n: int = 2) -> str:
    return "; ".join(f"{gap_name(code)} ({count})" for code, count in u.gaps[:n]) or "—"


# (heading, cell) per table; the XLSX writes raw numbers, the DOCX these strings.
FILES_COLUMNS = ("STT", "Đơn vị", "Số hồ sơ", "Hồ sơ đầy đủ", "Tỷ lệ đầy đủ", "Thiếu sót phổ biến")
UPDATE_COLUMNS = ("STT", "Đơn vị", "Quyết định nhận", "Đúng hạn", "Trễ hạn", "Quá hạn chưa cập nhật",
                  "Chưa đến hạn", "Tỷ lệ đúng hạn", "Trung vị thời gian cập nhật (ngày làm việc)")
USE_COLUMNS = ("STT", "Đơn vị", "Tài khoản đã đăng nhập", "Lượt đăng nhập", "Văn bản tiếp nhận",
               "Thay đổi hồ sơ", "Lượt tra cứu")
RANK_COLUMNS = ("Hạng", "Đơn vị", "Điểm", "Tỷ lệ đúng hạn", "Tỷ lệ đầy đủ", "Mục chờ duyệt",
                "Mục chờ lâu nhất (ngày làm việc)")


def files_row(i: int, u: UnitFigures) -> list[str]:
    return [str(i), u.name, num(u.files), num(u.complete), pct(u.complete_share), top_gaps(u)]


def update_row(i: int, u: UnitFigures) -> list[str]:
    return [str(i), u.name, num(u.decisions), num(u.on_time), num(u.late), num(u.overdue), num(u.pending),
            pct(u.on_time_rate), num(u.median_delay)]


def use_row(i: int, u: UnitFigures) -> list[str]:
    return [str(i), u.name, num(u.accounts), num(u.logins), num(u.received), num(u.changes), num(u.lookups)]


def rank_row(u: UnitFigures) -> list[str]:
    return [num(u.rank) if u.rank else "—", u.name, pct(u.score), pct(u.on_time_rate), pct(u.complete_share),
            num(u.review_open), num(u.review_oldest)]


def proposals(f: ReportFigures) -> list[str]:
    """Section IV drafted from the figures: each request names the units it is for — overdue
    decisions, open review items, completeness under the report's own overall share, and units
    with files or decisions whose accounts never logged in during the period (R8.1)."""
    def names(units, count=None) -> str:
        return ", ".join(f"{u.name} ({num(count(u))})" if count else u.name for u in units)

    overdue = [u for u in f.units if u.overdue]
    queued = [u for u in f.units if u.review_open]
    share = f.total.complete_share
    incomplete = sorted((u for u in f.units if share is not None and u.complete_share is not None
                         and u.complete_share < share), key=lambda u: (u.complete_share, u.unit))
    idle = [u for u in f.units if not u.logins and (u.files or u.decisions)]
    out = []
    if overdue:
        out.append(f"Đề nghị {names(overdue, lambda u: u.overdue)} khẩn trương cập nhật vào hồ sơ điện tử các "
                   "quyết định đã quá hạn (số trong ngoặc là số quyết định).")
    if queued:
        out.append(f"Đề nghị {names(queued, lambda u: u.review_open)} giải quyết các mục còn tồn trong hàng đợi "
                   "duyệt (số trong ngoặc là số mục).")
    if incomplete:
        gaps = "; ".join(gap_name(code).lower() for code, _ in f.total.gaps[:2])
        out.append(f"Đề nghị {names(incomplete)} rà soát, bổ sung hồ sơ điện tử CBCCVC: tỷ lệ hồ sơ đầy đủ của "
                   f"các đơn vị này thấp hơn mức chung {pct(share)}" + (f" (thiếu sót phổ biến: {gaps})." if gaps else "."))
    if idle:
        out.append(f"Đề nghị {names(idle)} sử dụng hệ thống để cập nhật, khai thác hồ sơ: trong kỳ chưa có "
                   "tài khoản nào của đơn vị đăng nhập.")
    if not out:
        out.append("Đề nghị các đơn vị tiếp tục duy trì việc cập nhật quyết định vào hồ sơ điện tử đúng hạn "
                   "và giữ hồ sơ đầy đủ, nhất quán.")
    return [nfc(p) for p in out]


def summary_paragraphs(f: ReportFigures) -> list[str]:
    """The narrative of section I: the province's (or the subtree's) totals in sentences."""
    t = f.total
    period = f"từ {short_date(f.start)} đến {short_date(f.end)}"
    out = [
        f"Tính đến {short_date(f.today)}, {f.root_name} quản lý {num(t.files)} hồ sơ điện tử CBCCVC của "
        f"{len(f.units)} đơn vị; {num(t.complete)} hồ sơ đầy đủ, nhất quán (tỷ lệ {pct(t.complete_share)}).",
        f"Trong kỳ báo cáo ({period}), hệ thống tiếp nhận {num(t.decisions)} quyết định có nội dung nhân sự; "
        f"{num(t.on_time)} quyết định được cập nhật vào hồ sơ đúng hạn, {num(t.late)} quyết định cập nhật trễ hạn, "
        f"{num(t.overdue)} quyết định đã quá hạn nhưng chưa được cập nhật và {num(t.pending)} quyết định chưa đến hạn "
        f"(tỷ lệ đúng hạn {pct(t.on_time_rate)}; trung vị thời gian cập nhật {num(t.median_delay)} ngày làm việc).",
        f"Hàng đợi duyệt hiện còn {num(t.review_open)} mục"
        + (f", mục chờ lâu nhất đã {num(t.review_oldest)} ngày làm việc." if t.review_oldest is not None else "."),
        f"Trong kỳ, {num(t.accounts)} tài khoản đã đăng nhập {num(t.logins)} lượt; hệ thống tiếp nhận "
        f"{num(t.received)} văn bản, ghi {num(t.changes)} thay đổi vào hồ sơ và phục vụ {num(t.lookups)} lượt tra cứu.",
    ]
    if t.gaps:
        out.append("Các thiếu sót phổ biến nhất của hồ sơ: " + "; ".join(
            f"{gap_name(c).lower()} ({n} hồ sơ)" for c, n in t.gaps[:3]) + ".")
    return [nfc(p) for p in out]
