"""User accounts of the web app: a small table of its own beside the records, argon2 hashes,
temporary passwords, and login throttling.

Records has no account table, so users live in `web_user` in the web app's own database
(`app.web.db`). A user belongs to one org-tree unit and has one of four web roles, each mapped onto
a `records.Actor` role: the records store enforces what the role may do, the unit gives the scope.
Who may manage whose account is decided in `app.web.admin`; this module only keeps the accounts.

An account is issued to a named staff member (`holder`, R7.1: accounts per unit to named staff,
revoked when staff change); only the installation's first accounts, made from the command line,
may lack one. An account issued or reset by an administrator gets a generated temporary password
and must change it at the next login (`must_change`). Every password change bumps the account's `epoch`,
which the session carries: sessions opened before the change end.
"""
from __future__ import annotations

import re
import secrets
import time
from dataclasses import dataclass

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError

from app.web.db import WebDB
from pipeline.model import nfc
from records import Actor
from records.config import vietnam_now

# Web role → (records role, Vietnamese label). Officers and unit heads review (records "admin"
# within their unit's scope); clerks upload; the Department admin is an admin of the root's unit.
ROLES: dict[str, tuple[str, str]] = {
    "clerk": ("clerk", "Văn thư / nhập liệu"),
    "officer": ("admin", "Cán bộ tổ chức"),
    "head": ("admin", "Thủ trưởng đơn vị"),
    "dept_admin": ("admin", "Quản trị Sở Nội vụ"),
}
MIN_PASSWORD = 8
_NAME = re.compile(r"^[\w.@-]{2,64}$")
_HOLDER_MAX = 120
# No look-alike characters (0/O, 1/l/I): a temporary password is read aloud or copied by hand.
_ALPHABET = "abcdefghijkmnpqrstuvwxyzABCDEFGHJKLMNPQRSTUVWXYZ23456789"


@dataclass(frozen=True)
class User:
    name: str
    unit: str
    role: str
    must_change: bool = False
    epoch: int = 0
    holder: str | None = None  # the staff member's full name

    @property
    def actor(self) -> Actor:
        return Actor(user=self.name, unit=self.unit, role=ROLES[self.role][0])

    @property
    def role_label(self) -> str:
        return ROLES[self.role][1]


@dataclass(frozen=True)
class Account:
    """An account as its administrator reviews it (revoked ones included)."""

    name: str
    unit: str
    role: str
    active: bool
    must_change: bool
    created_at: str
    created_by: str | None
    revoked_at: str | None
    revoked_by: str | None
    last_login: str | None
    holder: str | None = None  # the staff member's full name

    @property
    def role_label(self) -> str:
        return ROLES[self.role][1]

    def to_dict(self) -> dict:
        return {"name": self.name, "unit": self.unit, "role": self.role, "role_label": self.role_label,
                "active": self.active, "must_change_password": self.must_change, "created_at": self.created_at,
                "created_by": self.created_by, "revoked_at": self.revoked_at, "revoked_by": self.revoked_by,
                "last_login": self.last_login, "holder": self.holder}


class AccountError(ValueError):
    """A bad account request (unknown role or unit, duplicate name); message in Vietnamese."""


def temporary_password(length: int = 12) -> str:
    return "".join(secrets.choice(_ALPHABET) for _ in range(length))


def _now() -> str:
    """Vietnam wall-clock time, as every time the records store keeps."""
    return vietnam_now().isoformat(timespec="seconds")


def _user(row) -> User:
    return User(row["name"], row["unit"], row["role"], bool(row["must_change"]), int(row["epoch"]), row["holder"])


class Accounts:
    """Create, check, reset and revoke accounts. `unit_exists` comes from the records' org tree."""

    def __init__(self, db: WebDB, unit_exists) -> None:
        self.db, self.unit_exists = db, unit_exists
        # OWASP's argon2id minimum (19 MiB, 2 passes, 1 lane): 20 people logging in at once on a
        # small server each wait well under a second; the library's default (64 MiB, 4 lanes)
        # made simultaneous logins take seconds. Old hashes keep verifying with their own params.
        self.hasher = PasswordHasher(time_cost=2, memory_cost=19 * 1024, parallelism=1)
        # A real hash to verify against for unknown names, so timing does not reveal which exist.
        self._dummy = self.hasher.hash("không-có-tài-khoản")

    def add(self, name: str, unit: str, role: str, password: str, *, created_by: str | None = None,
            must_change: bool = False, holder: str | None = None) -> User:
        name = nfc(name.strip())
        holder = _holder(holder) if holder is not None and holder.strip() else None
        if role not in ROLES:
            raise AccountError(f"Vai trò '{role}' không hợp lệ; chọn một trong: {', '.join(ROLES)}.")
        if not self.unit_exists(unit):
            raise AccountError(f"Đơn vị '{unit}' không có trong cây tổ chức.")
        if not _NAME.match(name):
            raise AccountError("Tên đăng nhập gồm 2–64 chữ, số hoặc các dấu . _ @ -, không có khoảng trắng.")
        _check_password(password)
        if self.db.one("SELECT 1 FROM web_user WHERE name = ?", (name,)) is not None:
            raise AccountError(f"Tài khoản '{name}' đã tồn tại.")
        self.db.write("INSERT INTO web_user (name, unit, role, password_hash, active, created_at, created_by, "
                      "must_change, holder) VALUES (?, ?, ?, ?, 1, ?, ?, ?, ?)",
                      (name, unit, role, self.hasher.hash(password), _now(), created_by, int(must_change), holder))
        return User(name, unit, role, must_change, holder=holder)

    def issue(self, name: str, unit: str, role: str, by: str, holder: str) -> tuple[User, str]:
        """A new account for the staff member `holder`, with a temporary password (returned once)
        to change at the first login."""
        password = temporary_password()
        return self.add(name, unit, role, password, created_by=by, must_change=True,
                        holder=_holder(holder)), password

    def get(self, name: str) -> User | None:
        row = self.db.one("SELECT * FROM web_user WHERE name = ? AND active = 1", (name,))
        return _user(row) if row is not None else None

    def account(self, name: str) -> Account | None:
        row = self.db.one("SELECT * FROM web_user WHERE name = ?", (nfc(name.strip()),))
        return _account(row) if row is not None else None

    def verify(self, name: str, password: str) -> User | None:
        row = self.db.one("SELECT * FROM web_user WHERE name = ? AND active = 1", (nfc(name.strip()),))
        try:
            self.hasher.verify(row["password_hash"] if row is not None else self._dummy, password)
        except (VerificationError, InvalidHashError):
            return None
        return _user(row) if row is not None else None

    def mark_login(self, name: str) -> None:
        self.db.write("UPDATE web_user SET last_login = ? WHERE name = ?", (_now(), name))

    def name_holder(self, name: str, holder: str) -> str:
        """Record who holds an account that was made without a name (at installation); returns
        the name as kept. An account's holder is never changed: when staff change, the account is
        revoked and a new one issued (R7.1)."""
        holder = _holder(holder)
        if not self.db.write("UPDATE web_user SET holder = ? WHERE name = ? AND active = 1 AND holder IS NULL",
                             (holder, name)):
            raise AccountError(f"Tài khoản '{name}' đã ghi người sử dụng hoặc không còn hoạt động. Khi đổi "
                               "người sử dụng, hãy thu hồi tài khoản này và cấp tài khoản mới.")
        return holder

    def revoke(self, name: str, by: str | None = None) -> None:
        if not self.db.write("UPDATE web_user SET active = 0, revoked_at = ?, revoked_by = ?, epoch = epoch + 1 "
                             "WHERE name = ? AND active = 1", (_now(), by, name)):
            raise AccountError(f"Không có tài khoản đang hoạt động '{name}'.")

    def reset_password(self, name: str, by: str) -> str:
        """A new temporary password (returned once); the user must change it at the next login."""
        password = temporary_password()
        if not self.db.write("UPDATE web_user SET password_hash = ?, must_change = 1, epoch = epoch + 1 "
                             "WHERE name = ? AND active = 1", (self.hasher.hash(password), name)):
            raise AccountError(f"Không có tài khoản đang hoạt động '{name}'.")
        return password

    def change_password(self, name: str, current: str, new: str) -> User:
        """The user's own change (also what ends `must_change`); the current password is checked."""
        if self.verify(name, current) is None:
            raise AccountError("Mật khẩu hiện tại không đúng.")
        _check_password(new)
        if new == current:
            raise AccountError("Mật khẩu mới phải khác mật khẩu hiện tại.")
        self.db.write("UPDATE web_user SET password_hash = ?, must_change = 0, epoch = epoch + 1 WHERE name = ?",
                      (self.hasher.hash(new), name))
        user = self.get(name)
        assert user is not None
        return user

    def list(self, include_revoked: bool = False) -> list[Account]:
        where = "" if include_revoked else " WHERE active = 1"
        return [_account(r) for r in self.db.all(f"SELECT * FROM web_user{where} ORDER BY unit, name")]


def _holder(holder: str | None) -> str:
    """The staff member's full name, as written (NFC, spaces tidied), or AccountError."""
    name = " ".join(nfc(holder or "").split())
    if len(name) < 2 or len(name) > _HOLDER_MAX or any(ch.isdigit() for ch in name):
        raise AccountError("Cần họ và tên của cán bộ được cấp tài khoản (tài khoản cấp cho từng người, "
                           f"không cấp dùng chung); 2–{_HOLDER_MAX} ký tự, không có chữ số.")
    return name


def _check_password(password: str) -> None:
    if len(password) < MIN_PASSWORD:
        raise AccountError(f"Mật khẩu cần từ {MIN_PASSWORD} ký tự trở lên.")


def _account(row) -> Account:
    return Account(row["name"], row["unit"], row["role"], bool(row["active"]), bool(row["must_change"]),
                   row["created_at"], row["created_by"], row["revoked_at"], row["revoked_by"], row["last_login"],
                   row["holder"])


class Throttle:
    """Failed logins in a sliding window, kept in the web database so that every server process
    and a restart see the same count: `max_failures` per (name, address), and `per_name` for a
    name from all addresses together (guessing spread over many machines)."""

    def __init__(self, db: WebDB, max_failures: int = 5, window_s: float = 300.0, per_name: int = 20) -> None:
        self.db, self.max_failures, self.window_s, self.per_name = db, max_failures, window_s, per_name

    def blocked(self, name: str, ip: str) -> bool:
        row = self.db.one("SELECT COUNT(*) AS n, SUM(CASE WHEN ip = ? THEN 1 ELSE 0 END) AS here "
                          "FROM web_login_failure WHERE name = ? AND at > ?", (ip, name, time.time() - self.window_s))
        return row is not None and ((row["here"] or 0) >= self.max_failures or row["n"] >= self.per_name)

    def failed(self, name: str, ip: str) -> None:
        now = time.time()
        self.db.write("DELETE FROM web_login_failure WHERE at < ?", (now - self.window_s,))
        self.db.write("INSERT INTO web_login_failure (name, ip, at) VALUES (?, ?, ?)", (name[:200], ip, now))

    def succeeded(self, name: str, ip: str) -> None:
        self.db.write("DELETE FROM web_login_failure WHERE name = ? AND ip = ?", (name, ip))
