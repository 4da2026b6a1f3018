"""The one place that decides whether an event may be applied without a person looking at it.

An event waits for review when its document carries an ERROR finding, when the event is not
sure enough (confidence below `StoreConfig.min_confidence`), when it has no name, no date at all,
or a type the store cannot write. Social-insurance and asset-declaration events
(`applicable=False`) are never written, reviewed or not (R1.4). The reasons are stable codes with
Vietnamese messages for the review queue.
"""
from __future__ import annotations

from dataclasses import dataclass

from pipeline.model import Event, Finding
from records.config import StoreConfig

ASSIGNING = frozenset({"recruitment", "appointment", "reappointment", "transfer", "rotation",
                       "relocation", "dismissal", "retirement", "resignation"})
PARALLEL = frozenset({"secondment"})  # the home post stays; the person works elsewhere for a term
SALARY = frozenset({"salary_raise", "early_salary_raise"})
OTHER = frozenset({"seniority_allowance", "award", "discipline", "training"})
WRITABLE = ASSIGNING | PARALLEL | SALARY | OTHER
MOVES = frozenset({"recruitment", "appointment", "reappointment", "transfer", "rotation",
                   "relocation", "secondment"})  # events that can take a file to another unit

MESSAGES = {
    "document_errors": "Văn bản có lỗi thể thức/nội dung ({detail}); cần kiểm tra trước khi cập nhật hồ sơ.",
    "low_confidence": "Độ tin cậy khi trích xuất thấp ({detail}); cần đối chiếu với văn bản.",
    "no_name": "Không đọc được họ tên người được nêu trong quyết định.",
    "no_date": "Không xác định được ngày hiệu lực hay ngày ban hành.",
    "unsupported_type": "Loại sự kiện '{detail}' chưa được hỗ trợ cập nhật tự động.",
    "ambiguous_person": "Có nhiều hồ sơ trùng họ tên ({detail}); cần chọn đúng người.",
    "unmatched_person": "Không tìm thấy hồ sơ của người này ({detail}); cần chọn hồ sơ hoặc tạo mới.",
    "personal_id_conflict": "Số định danh cá nhân đã thuộc hồ sơ mang tên khác ({detail}).",
    "out_of_scope": "Người và đơn vị trong quyết định đều ngoài phạm vi quản lý của đơn vị {detail}.",
    "transfer": "Chuyển hồ sơ ra ngoài phạm vi quản lý ({detail}); cần cấp trên phê duyệt.",
    "no_unit": "Không xác định được đơn vị công tác của người này.",
}


@dataclass(frozen=True)
class Hold:
    """Why an event is held back: a stable code and its Vietnamese message."""

    reason: str
    message: str


def hold(reason: str, detail: object = "") -> Hold:
    return Hold(reason, MESSAGES[reason].format(detail=detail))


def review_hold(event: Event, findings: tuple[Finding, ...], has_date: bool,
                config: StoreConfig) -> Hold | None:
    """Why `event` must wait for a reviewer before it is applied, or None when it may go ahead."""
    errors = sorted({f.rule for f in findings if f.severity == "error"})
    if errors:
        return hold("document_errors", ", ".join(errors))
    if event.type not in WRITABLE:
        return hold("unsupported_type", event.type)
    if not event.person.name.strip():
        return hold("no_name")
    if event.confidence < config.min_confidence:
        return hold("low_confidence", f"{event.confidence:.2f} < {config.min_confidence:.2f}")
    if not has_date:
        return hold("no_date")
    return None
