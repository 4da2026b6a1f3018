"""User-facing Vietnamese wording shared by the command line and the web pages."""
from __future__ import annotations

import datetime as dt


def format_date_vi(date: dt.date | None) -> str:
    """`ngày 05 tháng 3 năm 2024`: day < 10 and months 1–2 padded (Decree 30/2020)."""
    if date is None:
        return "không rõ ngày"
    month = f"{date.month:02d}" if date.month <= 2 else str(date.month)
    return f"ngày {date.day:02d} tháng {month} năm {date.year}"


EVENT_LABELS = {
    "appointment": "bổ nhiệm", "reappointment": "bổ nhiệm lại", "transfer": "điều động",
    "rotation": "luân chuyển", "relocation": "thuyên chuyển", "secondment": "biệt phái",
    "dismissal": "miễn nhiệm", "salary_raise": "nâng bậc lương", "early_salary_raise":
    "nâng bậc lương trước thời hạn", "seniority_allowance": "phụ cấp thâm niên vượt khung",
    "recruitment": "tuyển dụng", "retirement": "nghỉ hưu", "resignation": "thôi việc",
    "discipline": "kỷ luật", "award": "khen thưởng",
    # the other registers (pipeline/data/event_families.toml)
    "unit_founding": "thành lập đơn vị", "unit_merger": "hợp nhất, sáp nhập đơn vị",
    "unit_split": "chia, tách đơn vị", "unit_rename": "đổi tên đơn vị", "unit_dissolution": "giải thể đơn vị",
    "unit_reclassification": "xếp hạng, chuyển đổi loại hình đơn vị",
    "unit_regulation": "ban hành quy chế, chức năng nhiệm vụ",
    "local_election": "bầu", "local_confirmation": "phê chuẩn, xác nhận kết quả bầu",
    "local_relief": "miễn nhiệm, cho thôi làm đại biểu", "local_removal": "bãi nhiệm",
    "collective_award": "khen thưởng tập thể", "emulation_registration": "đăng ký thi đua",
    "training_class": "mở lớp đào tạo, bồi dưỡng", "training_assignment": "cử đi đào tạo, bồi dưỡng",
}

RECORD_STATUS = {"applied": "đã cập nhật", "needs_review": "chờ duyệt", "pending_transfer": "chờ cấp trên",
                 "refused": "từ chối", "superseded": "đã bị thay thế", "unchanged": "không đổi"}

DOCUMENT_STATUS = {"applied": "đã cập nhật hồ sơ", "in_review": "chờ duyệt", "refused": "bị từ chối",
                   "superseded": "đã bị thay thế", "duplicate": "bản trùng của văn bản đã có",
                   "no_events": "không có sự kiện nhân sự", "skipped": "bỏ qua", "failed": "lỗi"}

# records/data/deadlines.toml's policies, as a line of output names them
DUE_POLICY = {"provincial": "theo Công văn 3647/SNV-VP", "national": "theo Nghị định 27/2026/NĐ-CP"}
