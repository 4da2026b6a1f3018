"""Personnel events from hand-written Vietnamese decisions: every type, its fields, its scope."""
from __future__ import annotations

import datetime as dt

from extractors import extract, extract_events
from pipeline.model import Post, Salary
from tests.extractor_docs import ISSUED, decision

D = dt.date
SIGNING = "Quyết định này có hiệu lực kể từ ngày ký."


def one(articles: list[str], **kwargs):
    events = extract_events(*decision(articles, **kwargs))
    assert len(events) == 1, events
    return events[0]


def test_appointment_reads_both_posts_birth_date_and_term():
    e = one(["Bổ nhiệm ông Nguyễn Văn An, sinh ngày 12/5/1980, Trưởng phòng Tổ chức cán bộ, Sở Y tế, "
             "giữ chức vụ Phó Giám đốc Sở Y tế tỉnh Đồng Nai kể từ ngày 15/3/2024.\n"
             "Thời hạn giữ chức vụ là 05 năm kể từ ngày quyết định bổ nhiệm có hiệu lực.", SIGNING])
    assert (e.type, e.person.name, e.person.birth_date) == ("appointment", "Nguyễn Văn An", D(1980, 5, 12))
    assert e.person.sex == "male"
    assert e.from_post == Post("Phòng Tổ chức cán bộ, Sở Y tế", "Trưởng phòng")
    assert e.to_post == Post("Sở Y tế tỉnh Đồng Nai", "Phó Giám đốc")
    assert e.effective_date == D(2024, 3, 15)
    assert e.term_months == 60
    assert e.salary is None


def test_reappointment_is_told_from_appointment_and_keeps_the_post():
    e = one(["Bổ nhiệm lại bà Lê Thị Hoà, sinh ngày 03 tháng 02 năm 1975, giữ chức vụ Chánh Văn phòng "
             "Sở Nội vụ kể từ ngày 01 tháng 4 năm 2024.", SIGNING])
    assert (e.type, e.person.name, e.person.sex) == ("reappointment", "Lê Thị Hòa", "female")
    assert e.to_post == Post("Văn phòng Sở Nội vụ", "Chánh Văn phòng")
    assert e.from_post == e.to_post
    assert e.effective_date == D(2024, 4, 1)


def test_transfer_keeps_commas_inside_a_unit_name():
    e = one(["Điều động ông Trần Văn Bình, sinh ngày 20/10/1985, Chuyên viên Phòng Công chức, viên chức, "
             "Sở Nội vụ, đến nhận công tác tại Sở Tư pháp tỉnh Đồng Nai kể từ ngày 18/3/2024."])
    assert e.type == "transfer"
    assert e.from_post == Post("Phòng Công chức, viên chức, Sở Nội vụ", "Chuyên viên")
    assert e.to_post == Post("Sở Tư pháp tỉnh Đồng Nai", None)


def test_rotation_to_a_fused_title_with_a_locality():
    e = one(["Luân chuyển ông Phạm Quốc Hùng, sinh ngày 02/9/1979, Phó Trưởng phòng Nội vụ huyện Long "
             "Thành, đến giữ chức vụ Phó Chánh Thanh tra huyện Long Thành kể từ ngày 01/4/2024.\n"
             "Thời gian luân chuyển là 03 năm."])
    assert e.type == "rotation"
    assert e.from_post == Post("Phòng Nội vụ huyện Long Thành", "Phó Trưởng phòng")
    assert e.to_post == Post("Thanh tra huyện Long Thành", "Phó Chánh Thanh tra")
    assert e.term_months == 36


def test_relocation():
    e = one(["Thuyên chuyển bà Võ Thị Mai, sinh ngày 11/11/1990, Kế toán viên Văn phòng Sở Tài chính, "
             "đến nhận công tác tại Ủy ban nhân dân phường Trấn Biên kể từ ngày 20/3/2024."])
    assert (e.type, e.effective_date) == ("relocation", D(2024, 3, 20))
    assert e.to_post == Post("Ủy ban nhân dân phường Trấn Biên", None)


def test_secondment_reads_its_period():
    e = one(["Biệt phái ông Đỗ Minh Tuấn, sinh ngày 05/5/1988, Chuyên viên Phòng Quản lý ngân sách, Sở Tài "
             "chính, đến làm việc tại Sở Xây dựng tỉnh Đồng Nai trong thời hạn 12 tháng kể từ ngày 01/4/2024."])
    assert e.type == "secondment"
    assert e.to_post == Post("Sở Xây dựng tỉnh Đồng Nai", None)
    assert e.term_months == 12


def test_dismissal_with_the_post_before_the_name():
    e = one(["Miễn nhiệm chức vụ Chi cục trưởng Chi cục Văn thư - Lưu trữ, Sở Nội vụ đối với ông Hồ Văn "
             "Long, sinh ngày 09/9/1968, kể từ ngày 10/3/2024.\nLý do: theo nguyện vọng cá nhân."])
    assert e.type == "dismissal"
    assert e.from_post == Post("Chi cục Văn thư - Lưu trữ, Sở Nội vụ", "Chi cục trưởng")
    assert e.to_post is None


def test_regular_salary_raise_reads_old_and_new_salary_and_next_raise():
    e = one(["Nâng bậc lương thường xuyên đối với bà Đặng Thu Hà, sinh ngày 14/7/1986, Chuyên viên Phòng "
             "Tổ chức cán bộ, Sở Y tế, như sau:\n- Ngạch: Chuyên viên, mã ngạch: 01.003;\n"
             "- Từ bậc 03, hệ số 3,00 lên bậc 04, hệ số 3,33;\n- Thời gian hưởng từ ngày 01/3/2024;\n"
             "- Thời gian xét nâng bậc lương lần sau được tính kể từ ngày 01/3/2024.", SIGNING])
    assert e.type == "salary_raise"
    assert e.salary == Salary("01.003", 4, 3.33)
    assert e.previous_salary == Salary("01.003", 3, 3.0)
    assert e.effective_date == D(2024, 3, 1)
    assert e.next_raise_from == D(2024, 3, 1)
    assert e.from_post == Post("Phòng Tổ chức cán bộ, Sở Y tế", "Chuyên viên")


def test_early_salary_raise():
    e = one(["Nâng bậc lương trước thời hạn 09 tháng do lập thành tích xuất sắc đối với bà Bùi Thị Lan, "
             "sinh ngày 01/01/1984, Chuyên viên chính Văn phòng Sở Nội vụ, ngạch Chuyên viên chính (mã ngạch "
             "01.002), từ bậc 2/8, hệ số 4,74 lên bậc 3/8, hệ số 5,08, hưởng từ ngày 01/02/2024.\n"
             "Thời gian xét nâng bậc lương lần sau được tính kể từ ngày 01/5/2023."])
    assert e.type == "early_salary_raise"
    assert (e.salary, e.previous_salary) == (Salary("01.002", 3, 5.08), Salary("01.002", 2, 4.74))
    assert e.next_raise_from == D(2023, 5, 1)


def test_seniority_allowance_reads_the_percentage():
    e = one(["Cho ông Lý Văn Nam, sinh ngày 10/10/1966, Chuyên viên Thanh tra Sở Y tế, ngạch Chuyên viên "
             "(mã ngạch 01.003), bậc 09/09, hệ số lương 4,98, được hưởng phụ cấp thâm niên vượt khung 5% kể từ "
             "ngày 01/6/2024."])
    assert e.type == "seniority_allowance"
    assert e.allowance_percent == 5.0
    assert e.salary == Salary("01.003", 9, 4.98)


def test_recruitment_reads_the_ngach_code_from_its_name():
    e = one(["Tuyển dụng bà Ngô Thị Yến, sinh ngày 22/02/1998, trình độ chuyên môn: Đại học chuyên ngành "
             "Luật, vào làm công chức tại Phòng Tư pháp huyện Long Thành kể từ ngày 15/3/2024.\n"
             "Xếp vào ngạch chuyên viên, bậc 1, hệ số lương 2,34."])
    assert e.type == "recruitment"
    assert e.salary == Salary("01.003", 1, 2.34)
    assert e.to_post == Post("Phòng Tư pháp huyện Long Thành", "Chuyên viên")
    assert e.from_post is None


def test_retirement_is_not_mistaken_for_social_insurance():
    e = one(["Cho ông Huỳnh Văn Sơn, sinh ngày 02/01/1963, Chuyên viên Phòng Tư pháp huyện Long Thành, "
             "được nghỉ hưu để hưởng chế độ bảo hiểm xã hội kể từ ngày 01/4/2024."],
            subject="Về việc nghỉ hưu để hưởng chế độ bảo hiểm xã hội đối với ông Huỳnh Văn Sơn")
    assert (e.type, e.effective_date, e.applicable) == ("retirement", D(2024, 4, 1), True)


def test_resignation():
    e = one(["Cho bà Trương Mỹ Linh, sinh ngày 15/8/1995, Chuyên viên Phòng Kinh tế xã Xuân Lộc, được thôi "
             "việc theo nguyện vọng cá nhân kể từ ngày 25/3/2024."])
    assert (e.type, e.person.name) == ("resignation", "Trương Mỹ Linh")


def test_discipline_takes_effect_on_signing():
    e = one(["Thi hành kỷ luật bằng hình thức khiển trách đối với ông Cao Văn Phúc, sinh ngày 07/7/1982, "
             "Chuyên viên Phòng Nội vụ huyện Long Thành.\nLý do: vi phạm quy chế làm việc của cơ quan.",
             "Thời hạn thi hành kỷ luật là 12 tháng.", SIGNING])
    assert (e.type, e.detail, e.effective_date) == ("discipline", "khiển trách", ISSUED)


def test_award_with_a_trigger_word_inside_the_unit_name():
    e = one(["Tặng Giấy khen của Giám đốc Sở Nội vụ cho bà Tạ Thu Trang, Chuyên viên Ban Thi đua - Khen "
             "thưởng, Sở Nội vụ, đã có thành tích xuất sắc trong thực hiện nhiệm vụ năm 2023.", SIGNING])
    assert (e.type, e.detail, e.effective_date) == ("award", "Giấy khen của Giám đốc Sở Nội vụ", ISSUED)
    assert e.year == 2023
    assert e.from_post == Post("Ban Thi đua - Khen thưởng, Sở Nội vụ", "Chuyên viên")
    assert e.person.birth_date is None


def test_the_article_decides_the_type_not_the_subject():
    e = one(["Bổ nhiệm lại ông Mai Văn Toàn, sinh ngày 01/3/1972, giữ chức vụ Giám đốc Sở Xây dựng tỉnh "
             "Đồng Nai kể từ ngày 10/3/2024."], subject="Về việc bổ nhiệm cán bộ lãnh đạo")
    assert e.type == "reappointment"


def test_a_list_in_an_article_gives_one_event_per_person_with_the_shared_date():
    events = extract_events(*decision([
        "Điều động các công chức có tên sau đây đến nhận công tác tại các đơn vị kể từ ngày 01/4/2024:\n"
        "1. Ông Lê Văn Hải, sinh ngày 01/01/1980, Chuyên viên Phòng Nội vụ huyện Long Thành, đến nhận công "
        "tác tại Phòng Tư pháp huyện Long Thành.\n"
        "2. Bà Phan Thị Nhung, sinh ngày 02/02/1985, Kế toán viên Văn phòng Sở Tài chính, đến nhận công tác "
        "tại Phòng Quản lý ngân sách, Sở Tài chính.\n"
        "3. Nguyễn Thành Công, sinh ngày 03/03/1990, Chuyên viên Thanh tra Sở Y tế, đến nhận công tác tại "
        "Phòng Nghiệp vụ Y, Sở Y tế.", SIGNING]))
    assert [e.person.name for e in events] == ["Lê Văn Hải", "Phan Thị Nhung", "Nguyễn Thành Công"]
    assert {e.effective_date for e in events} == {D(2024, 4, 1)}
    assert events[1].to_post == Post("Phòng Quản lý ngân sách, Sở Tài chính", None)
    assert events[2].from_post == Post("Thanh tra Sở Y tế", "Chuyên viên")


def test_a_salary_list_takes_the_next_raise_from_each_effective_date():
    events = extract_events(*decision([
        "Nâng bậc lương thường xuyên đối với các công chức có tên sau đây:\n"
        "1. Ông Vũ Đức Tài, sinh ngày 28/8/1989, Chuyên viên Văn phòng Sở Y tế, ngạch Chuyên viên (mã ngạch "
        "01.003): từ bậc 02, hệ số 2,67 lên bậc 03, hệ số 3,00, hưởng từ ngày 01/01/2024.\n"
        "2. Bà Lâm Thị Hiền, sinh ngày 15/6/1980, Nhân viên Văn phòng Sở Y tế, ngạch Nhân viên (mã ngạch "
        "01.005): từ bậc 05, hệ số 2,66 lên bậc 06, hệ số 2,86, hưởng từ ngày 01/02/2024.\n"
        "Thời gian xét nâng bậc lương lần sau của các ông, bà nêu trên được tính kể từ ngày được hưởng bậc "
        "lương mới."]))
    assert [(e.salary, e.effective_date, e.next_raise_from) for e in events] == [
        (Salary("01.003", 3, 3.0), D(2024, 1, 1), D(2024, 1, 1)),
        (Salary("01.005", 6, 2.86), D(2024, 2, 1), D(2024, 2, 1))]


def test_social_insurance_decision_is_recognised_and_never_applied():
    document, structure = decision([
        "Xác nhận thời gian công tác có đóng bảo hiểm xã hội bắt buộc của ông Trần Văn Tú, sinh ngày "
        "01/5/1970, Chuyên viên Văn phòng Sở Nội vụ, từ tháng 01/1995 đến tháng 12/2023.",
        SIGNING])
    result = extract(document, structure)
    assert result.scope == "not_applicable"
    assert [(e.type, e.person.name, e.applicable) for e in result.events] == [
        ("social_insurance", "Trần Văn Tú", False)]
    assert extract_events(document, structure) == ()


def test_a_letter_on_asset_declarations_is_recognised_without_events():
    document, structure = decision([], doc_type="Công văn",
                                   subject="V/v triển khai thực hiện kê khai tài sản, thu nhập năm 2024")
    result = extract(document, structure)
    assert (result.scope, result.reason, result.events) == ("not_applicable", "asset_declaration", ())


def test_the_mission_letter_yields_no_event():
    # From letter 3647/SNV-VP: it names procedures ("bổ nhiệm, điều động") but no person.
    document, structure = decision([], doc_type="Công văn", subject=(
        "V/v kiểm tra, nhắc nhở tình hình cập nhật và khai thác dữ liệu trên phần mềm quản lý ngành Nội vụ"))
    body = ("- Sử dụng các chức năng nghiệp vụ: bổ nhiệm, điều động, thuyên chuyển, luân chuyển... để quản lý "
            "công tác cán bộ tại đơn vị.\n- Không cập nhật thông tin quá trình Bảo hiểm xã hội và kê khai tài sản.")
    structure = structure.__class__(doc_type="Công văn", subject=structure.subject, body=body)
    assert extract(document, structure).scope == "none"
    assert extract_events(document, structure) == ()


def test_a_decision_without_a_person_yields_no_event():
    # (A regulation of a unit is an organisation event since issue 10: tests/test_extractors_registers.py.)
    result = extract(*decision(["Giao Sở Nội vụ chủ trì, phối hợp với các cơ quan, đơn vị triển khai thực hiện "
                                "Kế hoạch cải cách hành chính năm 2024.", SIGNING]))
    assert (result.scope, result.events) == ("none", ())


def test_ocr_noise_in_triggers_cues_and_family_name_is_tolerated():
    e = one(["Bố nhiệm ông Nguyên Văn An, sinh ngay 12/5/1980, Trưởng phòng Tổ chức cán bộ, Sở Y tế, "
             "giữ chức vu Phó Giám đốc Sở Y tế tỉnh Đồng Nai kể tù ngày 15/3/2024."], origin="ocr")
    assert (e.type, e.person.name, e.effective_date) == ("appointment", "Nguyễn Văn An", D(2024, 3, 15))
    assert e.to_post == Post("Sở Y tế tỉnh Đồng Nai", "Phó Giám đốc")
    name = next(ev for ev in e.evidence if ev.field == "person.name")
    assert name.confidence < 0.9  # the family name had to be repaired


def test_text_without_any_diacritics_still_gives_the_event():
    e = one(["Dieu dong ong Tran Van Binh, sinh ngay 20/10/1985, Chuyen vien Phong Noi vu huyen Long Thanh, "
             "den nhan cong tac tai Phong Tu phap huyen Long Thanh ke tu ngay 18/3/2024."], origin="ocr")
    assert (e.type, e.effective_date, e.person.birth_date) == ("transfer", D(2024, 3, 18), D(1985, 10, 20))
    assert e.person.name.startswith("Trần ")


def test_evidence_points_at_the_page_text_and_confidence_is_high_on_clean_text():
    document, structure = decision(["Điều động ông Trần Văn Bình, sinh ngày 20/10/1985, Chuyên viên Phòng "
                                    "Tư pháp huyện Long Thành, đến nhận công tác tại Sở Tư pháp tỉnh Đồng Nai "
                                    "kể từ ngày 18/3/2024."])
    e, = extract_events(document, structure)
    text = document.pages[0].text
    spans = {ev.field: text[ev.start:ev.end] for ev in e.evidence if ev.start is not None}
    assert spans["person.name"] == "Trần Văn Bình"
    assert spans["effective_date"] == "18/3/2024"
    assert spans["to.unit"] == "Sở Tư pháp tỉnh Đồng Nai"
    assert all(ev.page == 1 for ev in e.evidence)
    assert e.confidence >= 0.9 and e.page == 1
