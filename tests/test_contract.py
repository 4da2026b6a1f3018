"""The JSON contract: every shape we print validates against the published schema, and the schema bites."""
import datetime as dt
import json

import jsonschema
import pytest

from pipeline.contract import outcome_to_dict, schema, to_json_line
from pipeline.model import (
    Document, Event, Finding, Outcome, Page, Person, Post, Salary, SourceFile, Structure,
)

SHA = "a" * 64


def _document_outcome(**changes) -> Outcome:
    doc = Document(
        source=SourceFile("x.pdf", SHA, "application/pdf", 10),
        kind="text_pdf",
        pages=(Page(1, "Số: 12/QĐ-UBND", "text-layer", 1.0),),
    )
    st = Structure(issuer="Ủy ban nhân dân tỉnh Đồng Nai", number="12/QĐ-UBND", doc_type="Quyết định",
                   issued_place="Đồng Nai", issued_date=dt.date(2024, 3, 5))
    event = Event(
        type="appointment",
        person=Person("Nguyễn Văn An", dt.date(1980, 5, 12)),
        from_post=Post("Phòng Tổ chức cán bộ, Sở Y tế", "Trưởng phòng"),
        to_post=Post("Sở Y tế tỉnh Đồng Nai", "Phó Giám đốc"),
        salary=Salary("01.003", 4, 3.33),
        effective_date=dt.date(2024, 3, 15),
        confidence=0.97,
    )
    finding = Finding("NUMBER-MALFORMED", "warning", "Số văn bản nhỏ hơn 10 phải có số 0 ở đầu.",
                      "Decree 30/2020 Annex I")
    base = dict(source="x.pdf", sha256=SHA, document=doc, structure=st, findings=(finding,),
                events=(event,), update_due=dt.date(2024, 3, 12))
    base.update(changes)
    return Outcome(**base)


def validate(obj):
    jsonschema.validate(obj, schema(), cls=jsonschema.Draft202012Validator)


def test_schema_itself_is_valid():
    jsonschema.Draft202012Validator.check_schema(schema())


def test_document_outcome_matches_contract():
    obj = json.loads(to_json_line(_document_outcome()))
    validate(obj)
    assert obj["metadata"]["issued_date"] == "2024-03-05"
    assert obj["update_due"] == "2024-03-12"
    assert obj["events"][0]["from"]["position"] == "Trưởng phòng"
    assert obj["events"][0]["salary"] == {"scale_code": "01.003", "step": 4, "coefficient": 3.33}


def test_unknown_values_are_null_not_guessed():
    obj = outcome_to_dict(_document_outcome(structure=Structure(), events=(), findings=(), update_due=None))
    validate(obj)
    assert set(obj["metadata"].values()) == {None}


def test_failure_outcome_matches_contract():
    out = Outcome(source="bad.pdf", sha256=SHA, error_code="FILE-CORRUPT", error_message="Tệp bị hỏng.",
                  quarantined="/data/quarantine/x")
    obj = outcome_to_dict(out)
    validate(obj)
    assert obj["error"]["code"] == "FILE-CORRUPT"


@pytest.mark.parametrize(
    "mutate",
    [
        lambda o: o["metadata"].__setitem__("issued_date", "05/03/2024"),
        lambda o: o.__setitem__("kind", "scan"),
        lambda o: o["events"][0].__setitem__("type", "promotion"),
        lambda o: o.pop("update_due"),
        lambda o: o["validation"][0].__setitem__("severity", "fatal"),
    ],
)
def test_schema_rejects_broken_outputs(mutate):
    obj = outcome_to_dict(_document_outcome())
    mutate(obj)
    with pytest.raises(jsonschema.ValidationError):
        validate(obj)
