"""Helpers shared by the web app's tests: an app on a fresh data folder over plain http, a
logged-in client carrying its CSRF header, and a real uvicorn server around an app."""
from __future__ import annotations

import socket
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import uvicorn

from fastapi.testclient import TestClient

from app.settings import Settings
from app.web import create_app

PASSWORD = "mat-khau-dai-1"


def make_app(home: Path, users: dict[str, tuple[str, str]] | None = None, **env: str):
    """The web app on `home` (cookies without Secure: the test client speaks http) with `users`
    ({name: (unit, role)}, password PASSWORD) created when missing."""
    app = create_app(Settings.from_env({"SOHOA_HOME": str(home), "SOHOA_COOKIE_SECURE": "0", **env}))
    for name, (unit, role) in (users or {}).items():
        if app.state.web.accounts.account(name) is None:
            app.state.web.accounts.add(name, unit, role, PASSWORD)
    return app


def login(app, name: str, password: str = PASSWORD) -> TestClient:
    client = TestClient(app)
    r = client.post("/api/login", json={"username": name, "password": password})
    assert r.status_code == 200, r.text
    client.headers["X-CSRF-Token"] = r.json()["csrf"]
    return client


def settled(client: TestClient, job_id: str) -> dict:
    """Poll an upload job until it is no longer queued or running (up to a minute)."""
    for _ in range(240):
        job = client.get(f"/api/uploads/{job_id}").json()
        if job["status"] not in ("queued", "running"):
            return job
        time.sleep(0.25)
    raise AssertionError(f"job {job_id} did not finish")


def form_token(html: str) -> str:
    """The CSRF field of the first form on a page."""
    return html.split('name="csrf_token" value="')[1].split('"')[0]


@contextmanager
def served(app) -> Iterator[int]:
    """`app` under a real uvicorn server on a free local port (yields the port)."""
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    server = uvicorn.Server(uvicorn.Config(app, host="127.0.0.1", port=port, log_level="warning"))
    thread = threading.Thread(target=server.run, daemon=True)
    thread.start()
    for _ in range(200):
        if server.started:
            break
        time.sleep(0.05)
    try:
        yield port
    finally:
        server.should_exit = True
        thread.join(timeout=10)
