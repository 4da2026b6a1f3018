"""The dashboard shows the report's figures (issue 9 §3–4): for a chosen period, scoped to the
user's subtree, the numbers equal `sohoa report timeliness --json` for the same period and unit;
a unit head sees their own subtree only, and another unit asked for by name is a 404."""
from __future__ import annotations

import datetime as dt
import json
import re

import pytest
from click.testing import CliRunner

from app.cli import cli
from records import department_admin
from tests.web_support import login, make_app

USERS = {"snv": ("DN.SNV", "dept_admin"), "head_syt": ("DN.SYT", "head"), "vt_stc": ("DN.STC", "clerk")}
SYT, BV, STC = "Sở Y tế tỉnh Đồng Nai", "Bệnh viện Đa khoa Đồng Nai", "Sở Tài chính tỉnh Đồng Nai"
TCCB, KHOA, QLNS = "Phòng Tổ chức cán bộ, Sở Y tế", "Khoa Nội tổng hợp, Bệnh viện Đa khoa Đồng Nai", \
    "Phòng Quản lý ngân sách, Sở Tài chính"


@pytest.fixture(scope="module")
def scenario(tmp_path_factory):
    """Decisions of the Department of Health (and its hospital) and of Finance: on time (issued
    today, applied now), late (issued a month ago), overdue and pending (held for review)."""
    from tests.conftest import build as build_fixture

    build = build_fixture.__wrapped__()
    home = tmp_path_factory.mktemp("web-dashboard")
    app = make_app(home, USERS)
    today = app.state.web.records.config.clock().date()
    month_ago = today - dt.timedelta(days=30)
    plan = [  # (number, issuer, unit, issued, errors)
        ("1/QĐ-SYT", SYT, TCCB, today, ()), ("2/QĐ-SYT", SYT, TCCB, month_ago, ()),
        ("3/QĐ-SYT", SYT, TCCB, month_ago, ("FORMAT-NUMBER",)), ("4/QĐ-BVĐK", BV, KHOA, month_ago, ()),
        ("5/QĐ-BVĐK", BV, KHOA, today, ("FORMAT-NUMBER",)), ("6/QĐ-STC", STC, QLNS, today, ()),
        ("7/QĐ-STC", STC, QLNS, month_ago, ("FORMAT-NUMBER",)),
        ("8/QĐ-SYT", SYT, TCCB, today - dt.timedelta(days=400), ()),  # outside the period
    ]
    for i, (number, issuer, unit, issued, errors) in enumerate(plan):
        event = build.event("recruitment", f"Người Thứ {chr(65 + i)}", issued, birth=dt.date(1990, 1, 1 + i),
                            to=(unit, "Chuyên viên"))
        app.state.web.records.apply(build.decision(number, issued, [event], issuer=issuer, errors=errors),
                                    department_admin())
    yield app, home, (today - dt.timedelta(days=60), today)
    app.state.web.close()


def cli_timeliness(home, start, end, unit=None) -> dict:
    args = ["report", "timeliness", "--json", "--from", start.isoformat(), "--to", end.isoformat()]
    result = CliRunner().invoke(cli, args + (["--unit", unit] if unit else []), env={"SOHOA_HOME": str(home)})
    assert result.exit_code == 0, result.output
    return json.loads(result.stdout.strip().splitlines()[-1])


KEYS = ("on_time", "late", "overdue", "pending")


@pytest.mark.parametrize("user, unit", [("head_syt", "DN.SYT"), ("snv", None)])
def test_figures_equal_the_cli_report_for_the_same_period(scenario, user, unit):
    app, home, (start, end) = scenario
    figures = login(app, user).get("/api/reports/figures", params={"from": start.isoformat(), "to": end.isoformat()})
    assert figures.status_code == 200, figures.text
    f = figures.json()
    report = cli_timeliness(home, start, end, unit)
    assert f["root"] == report["unit"] and (f["from"], f["to"]) == (start.isoformat(), end.isoformat())
    assert {k: f["total"][k] for k in KEYS} == {k: report["total"][k] for k in KEYS}
    assert f["total"]["decisions"] == report["total"]["documents"]
    mine = {u["unit"]: {k: u[k] for k in KEYS} for u in f["units"] if u["decisions"]}
    assert mine == {r["unit"]: {k: r[k] for k in KEYS} for r in report["units"]}
    assert sum(f["total"][k] for k in KEYS) >= 3 and f["total"]["late"] >= 1 and f["total"]["on_time"] >= 1


def test_a_unit_head_sees_only_their_subtree(scenario):
    app, _, (start, end) = scenario
    period = {"from": start.isoformat(), "to": end.isoformat()}
    head = login(app, "head_syt").get("/api/reports/figures", params=period).json()
    assert head["root"] == "DN.SYT" and head["units"]
    assert all(u["unit"].startswith("DN.SYT") for u in head["units"])
    assert head["total"]["decisions"] == 5 and head["total"]["review_open"] == 2 and head["total"]["overdue"] == 1
    whole = login(app, "snv").get("/api/reports/figures", params=period).json()
    assert whole["total"]["decisions"] == 7 and {"DN.SYT", "DN.STC"} <= {u["unit"] for u in whole["units"]}
    assert [u["rank"] for u in whole["units"] if u["rank"]] == list(range(1, 1 + len([u for u in whole["units"] if u["rank"]])))
    clerk = login(app, "vt_stc")
    theirs = clerk.get("/api/reports/figures", params=period).json()
    assert theirs["root"] == "DN.STC" and theirs["total"]["decisions"] == 2
    assert not any(u["unit"].startswith("DN.SYT") for u in theirs["units"])
    for path in ("/api/reports/figures", "/api/reports/figures/rates.png", "/dashboard"):
        outside = clerk.get(path, params={**period, "unit": "DN.SYT"})
        absent = clerk.get(path, params={**period, "unit": "KHONG.CO"})
        assert outside.status_code == absent.status_code == 404 and outside.text == absent.text
    page = clerk.get("/dashboard", params=period).text
    assert "Sở Y tế" not in page and "Người Thứ A" not in page


def test_the_dashboard_page_and_charts_show_the_same_figures(scenario):
    app, _, (start, end) = scenario
    head = login(app, "head_syt")
    period = {"from": start.isoformat(), "to": end.isoformat()}
    f = head.get("/api/reports/figures", params=period).json()
    page = head.get("/dashboard", params=period)
    assert page.status_code == 200
    total_row = page.text.split('<tr data-unit="DN.SYT" class="total">')[1].split("</tr>")[0]
    cells = [c.strip() for c in re.findall(r"<td[^>]*>(.*?)</td>", total_row, re.S)]
    assert cells[0] == "Tổng" and cells[2] == str(f["total"]["files"]) and cells[5] == str(f["total"]["decisions"])
    assert cells[6:10] == [str(f["total"][k]) for k in KEYS]
    # The head's own login is the subtree's use of the system in the period (audit log, R8.1).
    assert f["total"]["logins"] >= 1 and f["total"]["accounts"] == 1
    assert cells[13:15] == [f'{f["total"]["logins"]} ({f["total"]["accounts"]} TK)', str(f["total"]["received"])]
    assert f'<strong>{f["total"]["logins"]}</strong> lượt' in page.text.split('id="use"')[1].split("</li>")[0]
    assert "3/QĐ-SYT" in page.text.split('id="overdue"')[1]  # the overdue decision, listed
    for chart in ("rates", "timeliness"):
        png = head.get(f"/api/reports/figures/{chart}.png", params=period)
        assert png.status_code == 200 and png.content[:8] == b"\x89PNG\r\n\x1a\n"
        assert f'/api/reports/figures/{chart}.png?from=' in page.text
    half = head.get("/api/reports/figures", params={"year": 2026, "half": 1}).json()
    assert (half["from"], half["to"]) == ("2025-12-15", "2026-06-14")
    bad = head.get("/api/reports/figures", params={"from": "2025-13-01"})
    assert bad.status_code == 400 and bad.json()["code"] == "WEB-BAD-REQUEST"


def test_the_semiannual_report_downloads_for_the_users_subtree_only(scenario):
    import io

    from docx import Document
    from openpyxl import load_workbook

    app, _, _ = scenario
    today = app.state.web.records.config.clock().date()
    year, half = (today.year, 2) if dt.date(today.year, 6, 15) <= today <= dt.date(today.year, 12, 14) else \
        ((today.year + 1, 1) if today.month == 12 else (today.year, 1))
    query = {"year": year, "half": half}
    head = login(app, "head_syt")
    book = head.get("/api/reports/semiannual.xlsx", params=query)
    assert book.status_code == 200 and "spreadsheetml" in book.headers["content-type"]
    rows = load_workbook(io.BytesIO(book.content))["Hồ sơ"].iter_rows(values_only=True)
    codes = [row[1] for row in rows if isinstance(row[1], str) and row[1].startswith("DN")]
    assert codes and all(code.startswith("DN.SYT") for code in codes)
    report = head.get("/api/reports/semiannual.docx", params=query)
    assert report.status_code == 200
    text = "\n".join(p.text for p in Document(io.BytesIO(report.content)).paragraphs)
    assert "BÁO CÁO" in text and "Sở Y tế" in text
    exports = [a for a in app.state.web.records.audit_trail(department_admin(), limit=100)
               if a["action"] == "export_report" and a["user"] == "head_syt"]
    assert {e["after"]["format"] for e in exports} == {"xlsx", "docx"} and exports[0]["after"]["unit"] == "DN.SYT"
    clerk = login(app, "vt_stc")
    outside = clerk.get("/api/reports/semiannual.xlsx", params={**query, "unit": "DN.SYT"})
    absent = clerk.get("/api/reports/semiannual.xlsx", params={**query, "unit": "KHONG.CO"})
    assert outside.status_code == absent.status_code == 404 and outside.json() == absent.json()
    assert head.get("/api/reports/semiannual.pdf", params=query).status_code == 404
    assert head.get("/api/reports/semiannual.xlsx", params={"year": year, "half": 3}).status_code == 400
