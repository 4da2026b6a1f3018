"""`sohoa search` and `sohoa index rebuild` through click, on documents the real pipeline read and stored."""
from __future__ import annotations

import datetime as dt
import json
from pathlib import Path

import click
import pytest
from click.testing import CliRunner

from app.cli_search import register
from flows.compose import Context, default_stages, process_file
from pipeline.config import Paths, PipelineConfig

ROOT = Path(__file__).resolve().parents[1]
SAMPLES = [ROOT / "tests" / "samples" / "letter_3647.docx", ROOT / "app" / "samples" / "qd-bo-nhiem.docx"]


@click.group()
def sohoa() -> None:
    """The main group, as app/cli.py builds it."""


register(sohoa)


@pytest.fixture(scope="module")
def home(tmp_path_factory):
    """A data folder holding two originals kept by the pipeline, and an index rebuilt from them."""
    home = tmp_path_factory.mktemp("home")
    ctx = Context(config=PipelineConfig(paths=Paths(home)), stages=default_stages(dt.date.today()))
    for sample in SAMPLES:
        assert process_file(sample, ctx).ok
    done = run(home, "index", "rebuild")
    assert done.exit_code == 0, done.output
    assert "2 văn bản" in done.output
    return home


def run(home: Path, *args: str):
    env = {"SOHOA_HOME": str(home), "SOHOA_WORKERS": "1", "SOHOA_SEARCH_URL": ""}
    return CliRunner().invoke(sohoa, list(args), env=env, catch_exceptions=False)


def lines(output: str) -> list[dict]:
    return [json.loads(line) for line in output.splitlines() if line.strip()]


def test_search_json_lines_per_contract(home):
    done = run(home, "search", "nhac nho cap nhat", "--json")
    assert done.exit_code == 0
    [hit] = lines(done.output)
    assert set(hit) == {"sha256", "number", "doc_type", "issued_date", "subject", "score", "highlight"}
    assert (hit["number"], hit["doc_type"], hit["issued_date"]) == ("3647/SNV-VP", "Công văn", "2020-08-31")
    assert len(hit["sha256"]) == 64 and hit["score"] > 0


def test_search_filters(home):
    assert [h["number"] for h in lines(run(home, "search", "--json", "--type", "quyet dinh").output)] == \
        ["1194/QĐ-BVĐK"]
    assert lines(run(home, "search", "", "--json", "--from", "2030-01-01").output) == []
    assert len(lines(run(home, "search", "", "--json", "--to", "31/12/2030", "--limit", "1").output)) == 1
    assert lines(run(home, "search", "--json", "--unit", "some-unit").output) == []
    # The register filter: the appointment decision is a personnel one; no training decision is held.
    assert [h["number"] for h in lines(run(home, "search", "", "--json", "--family", "personnel").output)] == \
        ["1194/QĐ-BVĐK"]
    assert lines(run(home, "search", "", "--json", "--family", "training").output) == []


def test_search_in_vietnamese_for_people(home):
    done = run(home, "search", "truong quoc huy")
    assert done.exit_code == 0
    assert done.output.startswith("Tìm thấy 1 văn bản")
    assert "1194/QĐ-BVĐK · Quyết định" in done.output and "«Trương» «Quốc» «Huy»" in done.output
    assert run(home, "search", "xylophone").output.strip() == "Không tìm thấy văn bản nào."


def test_bad_search_url_exits_2(home):
    env = {"SOHOA_HOME": str(home), "SOHOA_SEARCH_URL": "http://127.0.0.1:9"}
    done = CliRunner().invoke(sohoa, ["search", "x"], env=env)
    assert done.exit_code == 2 and "SEARCH-CONFIG-INVALID" in done.output
