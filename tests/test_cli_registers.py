"""`sohoa registers units|local|awards|training [--unit] [--year] [--json]` and `sohoa registers
contact`, through the real `sohoa` command group on an embedded store: every JSON line follows
records/data/registers.schema.json; the human lines are Vietnamese; unknown units exit non-zero."""
from __future__ import annotations

import datetime as dt
import hashlib
import json

import jsonschema
import pytest
from click.testing import CliRunner

from app.cli import cli as sohoa
from flows.stores import open_records
from pipeline.model import Course, Event, Outcome, Person, Post, Structure, UnitRef
from records import department_admin
from records.register_views import row_schema

D = dt.date
ADMIN = department_admin("tester")
VALIDATOR = jsonschema.Draft202012Validator(row_schema())


def person(type_, name, day, to=None, **more):
    return Event(type_, Person(name), to_post=Post(*to) if to else None, effective_date=day, confidence=0.97,
                 page=1, **more)


def unit(type_, name, day, parent=None, **more):
    return Event(type_, None, unit=UnitRef(name, parent), effective_date=day, confidence=0.97, page=1, **more)


@pytest.fixture(scope="module")
def run(tmp_path_factory):
    home = tmp_path_factory.mktemp("home")
    store = open_records(home, clock=lambda: dt.datetime(2025, 11, 3, 9, 0))
    course = Course("Bồi dưỡng ngạch chuyên viên chính", "Sở Nội vụ", "Trấn Biên", D(2025, 9, 8), D(2025, 11, 28))
    decisions = [
        ("500/QĐ-UBND", D(2025, 7, 20), "Ủy ban nhân dân tỉnh Đồng Nai",
         [unit("unit_founding", "Trung tâm Y tế khu vực Long Thành", D(2025, 8, 1), parent="Sở Y tế")]),
        ("501/QĐ-SYT", D(2025, 8, 1), "Sở Y tế tỉnh Đồng Nai",
         [person("recruitment", "Lê Văn Hùng", D(2025, 8, 1), to=("Trung tâm Y tế khu vực Long Thành", "Bác sĩ")),
          person("appointment", "Lê Văn Hùng", D(2025, 8, 15), to=("Trung tâm Y tế khu vực Long Thành", "Giám đốc"))]),
        ("5/NQ-HĐND", D(2025, 7, 1), "Hội đồng nhân dân xã Long Thành",
         [person("local_election", "Võ Thị Hạnh", D(2025, 7, 1), to=("Hội đồng nhân dân xã Long Thành", "Phó Chủ tịch"))]),
        ("7/QĐ-UBND", D(2025, 1, 6), "Ủy ban nhân dân tỉnh Đồng Nai",
         [person("award", "Lê Văn Hùng", D(2025, 1, 6), detail="Bằng khen", year=2024),
          unit("collective_award", "Phòng Tổ chức cán bộ, Sở Y tế", D(2025, 1, 6), detail="Tập thể lao động xuất sắc",
               year=2024),
          unit("emulation_registration", "Sở Tài chính", D(2025, 2, 1), detail="Cờ thi đua", year=2025)]),
        ("250/QĐ-SNV", D(2025, 8, 20), "Sở Nội vụ tỉnh Đồng Nai",
         [Event("training_class", None, unit=UnitRef("Sở Nội vụ"), course=course, effective_date=D(2025, 8, 20),
                confidence=0.97, page=1),
          person("training_assignment", "Lê Văn Hùng", D(2025, 9, 8), course=course,
                 to=("Trung tâm Y tế khu vực Long Thành", "Giám đốc"))]),
    ]
    for number, issued, issuer, events in decisions:
        st = Structure(issuer=issuer, number=number, doc_type="Quyết định", issued_date=issued, subject="x")
        sha = hashlib.sha256(number.encode()).hexdigest()
        update = store.apply(Outcome(source=f"{number}.pdf", sha256=sha, structure=st, events=tuple(events)), ADMIN)
        assert update.applied == len(events), update
    store.close()
    runner = CliRunner()
    return lambda *args: runner.invoke(sohoa, list(args), env={"SOHOA_HOME": str(home)}, catch_exceptions=False)


def lines(result) -> list[dict]:
    assert result.exit_code == 0, result.output
    rows = [json.loads(line) for line in result.stdout.splitlines()]
    for row in rows:
        VALIDATOR.validate(row)
    return rows


def test_every_register_prints_rows_that_follow_the_schema(run):
    units = {r["code"]: r for r in lines(run("registers", "units", "--json"))}
    [centre] = [r for r in units.values() if r["name"] == "Trung tâm Y tế khu vực Long Thành"]
    assert centre["parent_code"] == "DN.SYT" and centre["head"]["name"] == "Lê Văn Hùng"
    assert centre["changes"][0]["source"]["number"] == "500/QĐ-UBND"
    [seat] = lines(run("registers", "local", "--json"))
    jsonschema.Draft202012Validator.check_schema(row_schema())
    with pytest.raises(jsonschema.ValidationError):  # the schema is closed: no unannounced keys
        VALIDATOR.validate({**seat, "note": "x"})
    assert (seat["kind"], seat["body"], seat["level"], seat["position"]) == ("mandate", "council", "commune", "Phó Chủ tịch")
    awards = lines(run("registers", "awards", "--json"))
    assert sorted(r["kind"] for r in awards) == ["award", "collective_award", "emulation_registration"]
    training = lines(run("registers", "training", "--json"))
    assert [r["kind"] for r in training] == ["class", "trainee"] and training[1]["class_id"] == training[0]["id"]


def test_unit_and_year_narrow_a_register(run):
    narrowed = lines(run("registers", "units", "--unit", "DN.SYT", "--json"))
    assert narrowed and all(r["code"].startswith(("DN.SYT", "BP.SYT")) for r in narrowed)
    assert [r["kind"] for r in lines(run("registers", "awards", "--year", "2025", "--json"))] == ["emulation_registration"]
    assert [r["kind"] for r in lines(run("registers", "awards", "--unit", "DN.SYT", "--json"))] == ["award", "collective_award"]
    assert lines(run("registers", "local", "--unit", "DN.X.XUANLOC", "--json")) == []
    missing = run("registers", "units", "--unit", "DN.KHONGCO")
    assert missing.exit_code == 1 and "RECORDS-NOT-FOUND" in missing.stderr


def test_human_lines_and_contact_details(run):
    done = run("registers", "local")
    assert done.exit_code == 0 and "Võ Thị Hạnh" in done.stdout and "HĐND" in done.stdout and "cấp xã" in done.stdout
    assert "Chính quyền địa phương: 1 mục." in done.stderr
    assert "thủ trưởng: Lê Văn Hùng (Giám đốc)" in run("registers", "units", "--unit", "DN.SYT").stdout
    assert "[7/QĐ-UBND, tr. 1]" in run("registers", "awards").stdout
    changed = json.loads(run("registers", "contact", "DN.SYT", "--phone", "0251 3822 000", "--json").stdout)
    assert changed == {"code": "DN.SYT", "contact": {"address": None, "phone": "0251 3822 000", "email": None}}
    [syt] = [r for r in lines(run("registers", "units", "--unit", "DN.SYT", "--json")) if r["code"] == "DN.SYT"]
    assert syt["contact"]["phone"] == "0251 3822 000"
