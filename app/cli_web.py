"""`sohoa serve` (the web app under uvicorn) and `sohoa user …` (accounts of the web app).

`register(cli_group)` adds them to the main click group (app/cli.py calls it).
"""
from __future__ import annotations

import sys

import click

from app.settings import Settings
from app.web.accounts import ROLES, AccountError


def _accounts(settings: Settings):
    from app.web.accounts import Accounts
    from app.web.db import open_db
    from flows.stores import open_records

    records = open_records(settings.home, settings.database_url)
    return Accounts(open_db(settings.home), lambda code: records.unit(code) is not None), records


@click.command()
@click.option("--host", default="127.0.0.1", show_default=True)
@click.option("--port", default=8000, show_default=True, type=int)
def serve(host: str, port: int) -> None:
    """Chạy ứng dụng web (giao diện và API /api/…)."""
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
def user_add(name: str, unit: str, role: str, password: str) -> None:
    """Tạo tài khoản NAME thuộc đơn vị --unit với vai trò --role."""
    accounts, records = _accounts(Settings.from_env())
    try:
        created = accounts.add(name, unit, role, password)
    except AccountError as exc:
        click.echo(f"Lỗi: {exc}", err=True)
        sys.exit(1)
    finally:
        records.close()
    click.echo(f"Đã tạo tài khoản {created.name} ({created.role_label}, đơn vị {created.unit}).")


@user.command("revoke")
@click.argument("name")
def user_revoke(name: str) -> None:
    """Thu hồi (khoá) tài khoản NAME."""
    accounts, records = _accounts(Settings.from_env())
    try:
        accounts.revoke(name)
    except AccountError as exc:
        click.echo(f"Lỗi: {exc}", err=True)
        sys.exit(1)
    finally:
        records.close()
    click.echo(f"Đã khoá tài khoản {name}.")


def register(cli_group: click.Group) -> None:
    cli_group.add_command(serve)
    cli_group.add_command(user)
