"""User accounts of the web app: a small table of its own beside the records, argon2 hashes,
and login throttling.

Records has no account table, so users live in `web_user` in the web app's own database
(`app.web.db`). A user belongs to one org-tree unit and has one of four web roles, each mapped onto
a `records.Actor` role: the records store enforces what the role may do, the unit gives the scope.
"""
from __future__ import annotations

import datetime as dt
import threading
import time
from dataclasses import dataclass

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError

from app.web.db import WebDB
from pipeline.model import nfc
from records import Actor

# Web role → (records role, Vietnamese label). Officers and unit heads review (records "admin"
# within their unit's scope); clerks upload; the Department admin is an admin of the root's unit.
ROLES: dict[str, tuple[str, str]] = {
    "clerk": ("clerk", "Văn thư / nhập liệu"),
    "officer": ("admin", "Cán bộ tổ chức"),
    "head": ("admin", "Thủ trưởng đơn vị"),
    "dept_admin": ("admin", "Quản trị Sở Nội vụ"),
}


@dataclass(frozen=True)
class User:
    name: str
    unit: str
    role: str

    @property
    def actor(self) -> Actor:
        return Actor(user=self.name, unit=self.unit, role=ROLES[self.role][0])

    @property
    def role_label(self) -> str:
        return ROLES[self.role][1]


class AccountError(ValueError):
    """A bad account request (unknown role or unit, duplicate name); message in Vietnamese."""


class Accounts:
    """Create, check and revoke accounts. `unit_exists` comes from the records' org tree."""

    def __init__(self, db: WebDB, unit_exists) -> None:
        self.db, self.unit_exists = db, unit_exists
        # OWASP's argon2id minimum (19 MiB, 2 passes, 1 lane): 20 people logging in at once on a
        # small server each wait well under a second; the library's default (64 MiB, 4 lanes)
        # made simultaneous logins take seconds. Old hashes keep verifying with their own params.
        self.hasher = PasswordHasher(time_cost=2, memory_cost=19 * 1024, parallelism=1)
        # A real hash to verify against for unknown names, so timing does not reveal which exist.
        self._dummy = self.hasher.hash("không-có-tài-khoản")

    def add(self, name: str, unit: str, role: str, password: str) -> User:
        name = nfc(name.strip())
        if role not in ROLES:
            raise AccountError(f"Vai trò '{role}' không hợp lệ; chọn một trong: {', '.join(ROLES)}.")
        if not self.unit_exists(unit):
            raise AccountError(f"Đơn vị '{unit}' không có trong cây tổ chức.")
        if not name or len(password) < 8:
            raise AccountError("Cần tên đăng nhập và mật khẩu từ 8 ký tự trở lên.")
        if self.db.one("SELECT 1 FROM web_user WHERE name = ?", (name,)) is not None:
            raise AccountError(f"Tài khoản '{name}' đã tồn tại.")
        self.db.write("INSERT INTO web_user (name, unit, role, password_hash, active, created_at) "
                      "VALUES (?, ?, ?, ?, 1, ?)",
                      (name, unit, role, self.hasher.hash(password), dt.datetime.now().isoformat()))
        return User(name, unit, role)

    def get(self, name: str) -> User | None:
        row = self.db.one("SELECT name, unit, role FROM web_user WHERE name = ? AND active = 1", (name,))
        return User(row["name"], row["unit"], row["role"]) if row is not None else None

    def verify(self, name: str, password: str) -> User | None:
        row = self.db.one("SELECT name, unit, role, password_hash FROM web_user WHERE name = ? AND active = 1",
                          (nfc(name.strip()),))
        try:
            self.hasher.verify(row["password_hash"] if row is not None else self._dummy, password)
        except (VerificationError, InvalidHashError):
            return None
        return User(row["name"], row["unit"], row["role"]) if row is not None else None

    def revoke(self, name: str) -> None:
        if not self.db.write("UPDATE web_user SET active = 0 WHERE name = ?", (name,)):
            raise AccountError(f"Không có tài khoản '{name}'.")

    def list(self) -> list[User]:
        return [User(r["name"], r["unit"], r["role"]) for r in self.db.all(
            "SELECT name, unit, role FROM web_user WHERE active = 1 ORDER BY name")]


class Throttle:
    """Failed logins per (user, IP) in a sliding window; in memory (one server process)."""

    def __init__(self, max_failures: int = 5, window_s: float = 300.0) -> None:
        self.max_failures, self.window_s = max_failures, window_s
        self._failures: dict[tuple[str, str], list[float]] = {}
        self._lock = threading.Lock()

    def _recent(self, key: tuple[str, str], now: float) -> list[float]:
        times = [t for t in self._failures.get(key, []) if now - t < self.window_s]
        self._failures[key] = times
        return times

    def blocked(self, name: str, ip: str) -> bool:
        with self._lock:
            return len(self._recent((name, ip), time.monotonic())) >= self.max_failures

    def failed(self, name: str, ip: str) -> None:
        with self._lock:
            now = time.monotonic()
            self._recent((name, ip), now).append(now)

    def succeeded(self, name: str, ip: str) -> None:
        with self._lock:
            self._failures.pop((name, ip), None)
