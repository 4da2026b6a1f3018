"""pipeline.signatures: real PDFs signed with pyHanko, then altered, verified without touching them."""
import datetime as dt
import hashlib

import pytest

from pipeline.errors import CorruptFile
from pipeline.signatures import read_pdf_version, read_signatures
from tests import validators_samples as samples


@pytest.fixture(scope="module")
def files(tmp_path_factory):
    folder = tmp_path_factory.mktemp("signed")
    credentials = samples.make_credentials(folder / "ca")
    plain = samples.pdf_bytes()
    signed = samples.sign(plain, credentials)
    paths = {
        "plain": plain,
        "signed": signed,
        "appended": samples.append_content(signed),
        "altered": samples.alter_word(signed),
        "countersigned": samples.sign(signed, credentials, field="CoQuan", box=(300, 100, 450, 160)),
    }
    result = {}
    for name, data in paths.items():
        path = folder / f"{name}.pdf"
        path.write_bytes(data)
        result[name] = path
    result["credentials"] = credentials
    return result


def test_an_unsigned_pdf_has_no_signatures(files):
    assert read_signatures(files["plain"]) == ()


def test_a_signed_pdf_is_intact_with_signer_time_and_place(files):
    (signature,) = read_signatures(files["signed"])
    assert signature.field_name == "SoHoa"
    assert signature.signer == "Sở Nội vụ tỉnh Đồng Nai"
    assert signature.intact and signature.covers_whole_file
    assert not signature.altered_after_signing
    assert signature.trusted is False  # self-signed and no trust roots given
    now = dt.datetime.now(dt.timezone.utc)
    assert abs((now - signature.signing_time).total_seconds()) < 600
    assert signature.page == 1
    width, height = signature.page_size
    assert round(width) == 595 and round(height) == 842
    # Rect (420, 760)-(580, 830) bottom-left origin → top-left origin
    assert (signature.box.x0, signature.box.x1) == (420, 580)
    assert signature.box.y0 == pytest.approx(height - 830) and signature.box.y1 == pytest.approx(height - 760)


def test_a_configured_trust_root_makes_the_signature_trusted(files):
    (signature,) = read_signatures(files["signed"], trust_roots=[files["credentials"].cert_bytes])
    assert signature.trusted is True and not signature.altered_after_signing


def test_content_appended_after_signing_is_an_alteration(files):
    (signature,) = read_signatures(files["appended"])
    assert signature.intact  # the signed bytes themselves are untouched …
    assert not signature.covers_whole_file and signature.modification_level == "other"
    assert signature.altered_after_signing  # … but the document shown is no longer the one signed


def test_bytes_changed_inside_the_signed_range_break_the_signature(files):
    (signature,) = read_signatures(files["altered"])
    assert not signature.intact and signature.altered_after_signing


def test_a_second_signature_does_not_invalidate_the_first(files):
    first, second = read_signatures(files["countersigned"])
    assert (first.field_name, second.field_name) == ("SoHoa", "CoQuan")
    assert first.modification_level == "form_filling" and not first.altered_after_signing
    assert second.covers_whole_file and not second.altered_after_signing
    assert second.page == 1 and second.box.y0 > 600  # low on the page


def test_reading_never_changes_the_file(files):
    for name in ("signed", "appended", "altered", "countersigned"):
        path = files[name]
        before = (hashlib.sha256(path.read_bytes()).hexdigest(), path.stat().st_mtime_ns)
        read_signatures(path)
        read_pdf_version(path)
        assert (hashlib.sha256(path.read_bytes()).hexdigest(), path.stat().st_mtime_ns) == before


def test_pdf_version_is_read_from_header_or_catalogue(tmp_path):
    old = tmp_path / "old.pdf"
    old.write_bytes(samples.pdf_bytes(version=(1, 3)))
    new = tmp_path / "new.pdf"
    new.write_bytes(samples.pdf_bytes(version=(1, 7)))
    assert read_pdf_version(old) == "1.3"
    assert read_pdf_version(new) == "1.7"


def test_a_file_that_is_not_a_pdf_is_corrupt(tmp_path):
    junk = tmp_path / "junk.pdf"
    junk.write_bytes(b"%PDF-1.4\nthis is not a pdf at all\n")
    with pytest.raises(CorruptFile):
        read_signatures(junk)


def test_ingesting_a_signed_pdf_keeps_its_bytes_and_its_signature(files, tmp_path):
    # The whole read path (identify, store, load, parse) and the signature check: nothing rewrites it.
    from flows import compose
    from pipeline import store
    from pipeline.config import Paths, PipelineConfig

    path = files["signed"]
    before = path.read_bytes()
    ctx = compose.Context(config=PipelineConfig(paths=Paths(tmp_path / "home")))
    outcome = compose.process_file(path, ctx)
    assert outcome.ok, outcome.error_message
    assert path.read_bytes() == before
    assert store.object_path(outcome.sha256, ctx.config.paths).read_bytes() == before
    (signature,) = read_signatures(store.object_path(outcome.sha256, ctx.config.paths))
    assert signature.intact and not signature.altered_after_signing


def test_the_pipeline_attaches_signatures_and_version_to_the_document(files, tmp_path):
    # compose reads both through the cheap byte checks of read_pdf_facts; an altered file is reported.
    from flows import compose
    from pipeline.config import Paths, PipelineConfig

    ctx = compose.Context(config=PipelineConfig(paths=Paths(tmp_path / "home")),
                          stages=compose.default_stages(dt.date(2026, 11, 27)))
    signed = compose.process_file(files["signed"], ctx)
    assert len(signed.document.signatures) == 1 and signed.document.pdf_version
    assert "SIGNATURE-INVALID" not in {f.rule for f in signed.findings}
    altered = compose.process_file(files["altered"], ctx)
    assert "SIGNATURE-INVALID" in {f.rule for f in altered.findings if f.severity == "error"}
    plain = compose.process_file(files["plain"], ctx)
    assert plain.document.signatures == ()


def test_pdf_facts_read_the_header_version_without_opening_the_file(tmp_path):
    from pipeline.signatures import read_pdf_facts

    old = tmp_path / "old.pdf"
    old.write_bytes(samples.pdf_bytes(version=(1, 3)))
    assert read_pdf_facts(old) == ("1.3", ())
