"""Findings about digital signatures, from real PDFs signed with pyHanko and then altered."""
from pathlib import Path

import pytest

from pipeline.signatures import read_signatures
from validators import digital_signatures
from tests import validators_samples as samples
from tests.validators_samples import clean_structure, document


@pytest.fixture(scope="module")
def signed(tmp_path_factory):
    folder = tmp_path_factory.mktemp("sig")
    credentials = samples.make_credentials(folder / "ca")
    data = samples.sign(samples.pdf_bytes(), credentials)
    files = {"signed": data, "appended": samples.append_content(data), "altered": samples.alter_word(data)}
    paths = {}
    for name, content in files.items():
        paths[name] = folder / f"{name}.pdf"
        paths[name].write_bytes(content)
    paths["root"] = credentials.cert_bytes
    return paths


def findings_for(path: Path, trust_roots=()):
    doc = document("text_pdf", signatures=read_signatures(path, trust_roots))
    return digital_signatures.check(doc, clean_structure())


def test_an_intact_untrusted_signature_is_only_a_warning(signed):
    (finding,) = findings_for(signed["signed"])
    assert finding.rule == "SIGNATURE-UNTRUSTED" and finding.severity == "warning"
    assert "Sở Nội vụ tỉnh Đồng Nai" in finding.message and finding.page == 1


def test_an_intact_trusted_signature_is_reported_with_signer_and_time(signed):
    (finding,) = findings_for(signed["signed"], [signed["root"]])
    assert finding.rule == "SIGNATURE-VALID" and finding.severity == "info"
    assert "Sở Nội vụ tỉnh Đồng Nai" in finding.message and "ký lúc 20" in finding.message


@pytest.mark.parametrize("name", ["appended", "altered"])
def test_a_file_changed_after_signing_is_an_error(signed, name):
    (finding,) = findings_for(signed[name], [signed["root"]])
    assert finding.rule == "SIGNATURE-INVALID" and finding.severity == "error"


def test_unsigned_born_digital_pdf_gets_an_info_and_other_kinds_nothing():
    (finding,) = digital_signatures.check(document("text_pdf"), clean_structure())
    assert finding.rule == "SIGNATURE-ABSENT" and finding.severity == "info"
    assert digital_signatures.check(document("docx"), clean_structure()) == []
    assert digital_signatures.check(document("scanned_pdf"), clean_structure()) == []
