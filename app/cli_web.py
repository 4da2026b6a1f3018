"""`sohoa serve` (the web app under uvicorn), `sohoa user …` (accounts of the web app) and
`sohoa review correct` (the review page's correction form on the command line).

`register(cli_group)` adds them to the main click group (app/cli.py calls it after
`cli_records.register`, whose `review` group gets `correct`). The CLI acts as the Department of
Home Affairs; account actions go to the records' audit log like the web app's.
"""
from __future__ import annotations

import json
import sys
from collections.abc import Iterator
from contextlib import contextmanager

import click

from app.settings import Settings
from app.web.accounts import ROLES, AccountError

CLI_USER = "sohoa-cli"


@contextmanager
def _accounts() -> Iterator[tuple]:
    """(accounts, records store); account errors end the command with status 1."""
    from app.web.accounts import Accounts
    from app.web.db import open_db
    from flows.stores import open_records

    settings = Settings.from_env()
    records = open_records(settings.home, settings.database_url)
    db = open_db(settings.home)
    try:
        yield Accounts(db, lambda code: records.unit(code) is not None), records
    except AccountError as exc:
        click.echo(f"Lỗi: {exc}", err=True)
        sys.exit(1)
    finally:
        db.close()
        records.close()


def _audit(records, action: str, **details) -> None:
    from records import department_admin

    records.log_action(department_admin(CLI_USER), action, {**details, "via": "cli"})


@click.command()
@click.option("--host", default="127.0.0.1", show_default=True)
@click.option("--port", default=8000, show_default=True, type=int)
def serve(host: str, port: int) -> None:
    """Chạy ứng dụng web (giao diện và API /api/…). Qua http thuần (máy phát triển) cần SOHOA_COOKIE_SECURE=0."""
    import uvicorn

    from app.web import create_app

    uvicorn.run(create_app(Settings.from_env()), host=host, port=port, log_level="info")


@click.group()
def user() -> None:
    """Quản lý tài khoản người dùng ứng dụng web."""


@user.command("add")
@click.argument("name")
@click.option("--unit", required=True, help="Mã đơn vị trong cây tổ chức, ví dụ DN.SYT.")
@click.option("--role", required=True, type=click.Choice(sorted(ROLES)))
@click.option("--password", prompt=True, hide_input=True, confirmation_prompt=True,
              help="Mật khẩu (bỏ trống để nhập khi được hỏi).")
@click.option("--holder", default=None, help="Họ và tên cán bộ được cấp tài khoản.")
def user_add(name: str, unit: str, role: str, password: str, holder: str | None) -> None:
    """Tạo tài khoản NAME thuộc đơn vị --unit với vai trò --role (cho cán bộ --holder)."""
    with _accounts() as (accounts, records):
        created = accounts.add(name, unit, role, password, created_by=CLI_USER, holder=holder)
        _audit(records, "account_issue", target=created.name, unit=created.unit, role=created.role,
               holder=created.holder)
    click.echo(f"Đã tạo tài khoản {created.name} ({created.role_label}, đơn vị {created.unit}).")


@user.command("revoke")
@click.argument("name")
def user_revoke(name: str) -> None:
    """Thu hồi (khoá) tài khoản NAME."""
    with _accounts() as (accounts, records):
        accounts.revoke(name, by=CLI_USER)
        _audit(records, "account_revoke", target=name)
    click.echo(f"Đã khoá tài khoản {name}.")


@user.command("reset-password")
@click.argument("name")
def user_reset(name: str) -> None:
    """Đặt lại mật khẩu của NAME: in mật khẩu tạm thời; người dùng phải đổi ở lần đăng nhập tới."""
    with _accounts() as (accounts, records):
        password = accounts.reset_password(name, by=CLI_USER)
        _audit(records, "account_reset_password", target=name)
    click.echo(f"Đã đặt lại mật khẩu cho {name}. Mật khẩu tạm thời: {password}")
    click.echo("Người dùng phải đổi mật khẩu ở lần đăng nhập tới.", err=True)


@user.command("list")
@click.option("--all", "include_revoked", is_flag=True, help="Cả các tài khoản đã thu hồi.")
@click.option("--json", "as_json", is_flag=True)
def user_list(include_revoked: bool, as_json: bool) -> None:
    """Liệt kê tài khoản (mỗi dòng một tài khoản)."""
    with _accounts() as (accounts, _records):
        for account in accounts.list(include_revoked):
            if as_json:
                click.echo(json.dumps(account.to_dict(), ensure_ascii=False))
            else:
                state = "đã thu hồi" if not account.active else "chờ đổi mật khẩu" if account.must_change else "hoạt động"
                click.echo(f"{account.name:<24} {account.unit:<20} {account.role_label:<24} {state}")


@click.command("correct")
@click.argument("item_id", type=int)
@click.option("--set", "pairs", multiple=True, required=True, metavar="FIELD=VALUE",
              help="Trường cần sửa, ví dụ --set person.birth_date=1980-05-12 --set salary.step=4 "
                   "(type, person.name, person.birth_date, effective_date, from.unit, from.position, "
                   "to.unit, to.position, salary.scale_code, salary.step, salary.coefficient).")
@click.option("--person", "person_id", type=int, help="Mã hồ sơ đúng khi họ tên trùng nhiều người.")
@click.option("--note", default=None, help="Ghi chú lý do sửa.")
@click.option("--json", "as_json", is_flag=True)
def review_correct(item_id: int, pairs: tuple[str, ...], person_id: int | None, note: str | None,
                   as_json: bool) -> None:
    """Sửa các trường của một sự kiện chờ duyệt rồi cập nhật vào hồ sơ (có ghi nhật ký)."""
    from app.cli_records import field_values, records_session

    fields = field_values(pairs)
    with records_session() as (store, actor):
        result = store.correct(item_id, actor, fields, person_id, note)
    if as_json:
        click.echo(json.dumps(result.to_dict(), ensure_ascii=False))
    else:
        click.echo(f"Mục {item_id}: đã sửa — {result.status}, {result.person_name} (hồ sơ #{result.person_id})")


def register(cli_group: click.Group) -> None:
    cli_group.add_command(serve)
    cli_group.add_command(user)
    review = cli_group.commands.get("review")
    if isinstance(review, click.Group):  # the records commands are registered first (app/cli.py)
        review.add_command(review_correct)
