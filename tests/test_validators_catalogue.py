"""The finding catalogue: stable well-formed codes, usable templates, and a committed doc in step."""
import re
import string
from pathlib import Path

import pytest

import validators
from validators import catalogue, rules

ROOT = Path(__file__).resolve().parents[1]
REQUIRED = [  # issue 3: at least these codes exist
    "SCAN-DPI-LOW", "SCAN-NOT-COLOUR", "PDF-VERSION-OLD", "NUMBER-MISSING", "NUMBER-MALFORMED",
    "DATE-MISSING", "DATE-INVALID", "DATE-FORMAT", "TYPE-ABBREV-MISMATCH", "SIGNER-MISSING",
    "SEAL-MISSING", "RECIPIENTS-MISSING", "SALARY-GRID-MISMATCH", "RAISE-INTERVAL-SHORT",
    "SIGNATURE-INVALID",
]
ERRORS = ["SCAN-DPI-LOW", "SCAN-NOT-COLOUR", "PDF-VERSION-OLD", "NUMBER-MISSING", "DATE-INVALID",
          "SALARY-GRID-MISMATCH", "SIGNATURE-INVALID"]
WARNINGS = ["NUMBER-LEADING-ZERO", "DATE-FORMAT", "TYPE-ABBREV-MISMATCH", "ISSUER-ABBREV-ODD",
            "SIGNATURE-UNTRUSTED"]


def test_codes_are_upper_kebab_and_unique():
    codes = [raw["code"] for raw in rules.load("findings")["finding"]]
    assert len(codes) == len(set(codes))
    assert all(catalogue.CODE_PATTERN.match(code) for code in codes), codes


def test_required_codes_exist_with_the_severity_the_standard_gives():
    entries = catalogue.entries()
    assert set(REQUIRED) <= set(entries)
    assert {code: entries[code].severity for code in ERRORS} == {code: "error" for code in ERRORS}
    assert {code: entries[code].severity for code in WARNINGS} == {code: "warning" for code in WARNINGS}


@pytest.mark.parametrize("code", list(catalogue.entries()))
def test_each_entry_is_complete_and_its_template_names_exactly_its_params(code):
    item = catalogue.entries()[code]
    assert item.severity in catalogue.SEVERITIES and item.group in catalogue.GROUPS
    assert item.source and item.title and item.message
    fields = {name for _, name, _, _ in string.Formatter().parse(item.message) if name}
    assert fields == set(item.params)
    finding = catalogue.make(code, page=2, **{p: "X" for p in item.params})
    assert finding.rule == code and finding.severity == item.severity and finding.page == 2
    assert "{" not in finding.message


def test_make_refuses_wrong_params():
    with pytest.raises(ValueError):
        catalogue.make("NUMBER-MALFORMED", number="5")


def test_every_code_the_checks_use_is_catalogued_and_every_catalogued_code_is_used():
    sources = " ".join(p.read_text(encoding="utf-8") for p in (ROOT / "validators").glob("*.py"))
    used = set(re.findall(r'"([A-Z]+(?:-[A-Z0-9]+)+)"', sources))
    catalogued = set(catalogue.entries())
    assert used - catalogued == set()
    assert catalogued - used == set()


def test_committed_doc_is_up_to_date():
    committed = (ROOT / "docs" / "findings.md").read_text(encoding="utf-8")
    assert committed == catalogue.render_markdown(), "run: python -m validators.catalogue"


def test_rule_data_files_carry_versions():
    version = rules.rules_version()
    assert all(f"{name}=" in version for name in rules.FILES)


def test_the_package_is_ours_and_offers_the_document_checks():
    import datetime as dt

    checks = validators.all_document_checks(dt.date(2025, 1, 1))
    assert len(checks) == 3 and all(callable(c) for c in checks)
