"""The one place that decides whether an event may be applied without a person looking at it.

An event waits for review when its document carries an ERROR finding, when the event is not
sure enough (confidence below `StoreConfig.min_confidence`), when it has no name, no date at all,
or a type the store cannot write. Social-insurance and asset-declaration events
(`applicable=False`, or a type of the out-of-scope family) are never written, reviewed or not
(R1.4). The reasons are stable codes with Vietnamese messages for the review queue.

The register families (pipeline.families) decide the rest: unit-level types (restructurings,
collective awards, classes) and local-government mandates have their own writers
(records.registers, records.mandates) and their own doubts (an unknown unit or body).
"""
from __future__ import annotations

from dataclasses import dataclass

from pipeline.families import families
from pipeline.model import Event, Finding
from records.codec import subject_name
from records.config import StoreConfig

ASSIGNING = frozenset({"recruitment", "appointment", "reappointment", "transfer", "rotation",
                       "relocation", "dismissal", "retirement", "resignation"})
PARALLEL = frozenset({"secondment"})  # the home post stays; the person works elsewhere for a term
SALARY = frozenset({"salary_raise", "early_salary_raise"})
OTHER = frozenset({"seniority_allowance", "award", "discipline", "training", "training_assignment"})
UNIT_LEVEL = frozenset(t for f in families().values() for t in f.unit_types)  # person is None
LOCAL = frozenset(families()["local_government"].types)  # mandates on councils and committees
ORGANISATION = frozenset(families()["organisation"].types)  # restructurings change the tree
OPENING = frozenset({"local_election", "local_confirmation"})  # may open a new person's file
OUT_OF_SCOPE = frozenset(families()["out_of_scope"].types)  # never applied (R1.4)
WRITABLE = ASSIGNING | PARALLEL | SALARY | OTHER | UNIT_LEVEL | LOCAL
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
    "unknown_unit": "Không tìm thấy đơn vị '{detail}' trong cây tổ chức; cần kiểm tra trước khi cập nhật.",
    "unknown_parent": "Không tìm thấy đơn vị cấp trên '{detail}' của đơn vị mới trong cây tổ chức.",
    "unit_exists": "Đơn vị '{detail}' đã có trong cây tổ chức; cần kiểm tra trước khi thành lập thêm.",
    "unit_closed": "Đơn vị '{detail}' đã giải thể hoặc sáp nhập trước ngày hiệu lực.",
    "incomplete_unit_event": "Quyết định về tổ chức bộ máy thiếu thông tin ({detail}).",
    "no_body": "Không xác định được Hội đồng nhân dân / Ủy ban nhân dân '{detail}' trong cây tổ chức.",
    "no_course": "Không đọc được tên lớp đào tạo, bồi dưỡng.",
}


@dataclass(frozen=True)
class Hold:
    """Why an event is held back: a stable code and its Vietnamese message."""

    reason: str
    message: str


def hold(reason: str, detail: object = "") -> Hold:
    return Hold(reason, MESSAGES[reason].format(detail=detail))


def applicable(event: Event) -> bool:
    """Whether an event may ever reach the records (R1.4): social insurance and asset declarations
    never do, whatever the extractor said."""
    return event.applicable and event.type not in OUT_OF_SCOPE


def review_hold(event: Event, findings: tuple[Finding, ...], has_date: bool,
                config: StoreConfig) -> Hold | None:
    """Why `event` must wait for a reviewer before it is applied, or None when it may go ahead."""
    errors = sorted({f.rule for f in findings if f.severity == "error"})
    if errors:
        return hold("document_errors", ", ".join(errors))
    if event.type not in WRITABLE:
        return hold("unsupported_type", event.type)
    if not subject_name(event).strip():
        return hold("no_name")
    if event.confidence < config.min_confidence:
        return hold("low_confidence", f"{event.confidence:.2f} < {config.min_confidence:.2f}")
    if not has_date:
        return hold("no_date")
    return None
