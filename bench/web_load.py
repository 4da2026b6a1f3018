"""Load test of the web app: 20 concurrent users logging in, uploading and searching against a local
server for a minute, measured with locust (a real load tool), while OCR runs in the background.
The server runs over plain http, so the session cookie's Secure flag is switched off
(SOHOA_COOKIE_SECURE=0); every other cap (request size, files per request, upload quota) is on.

    .venv/bin/python bench/web_load.py [--users 20] [--seconds 60] [--workers 2]

The script starts a server on a fresh data folder with one account per simulated user (half in
DN.SYT, half in DN.STC), runs locust headless against it, then checks that every accepted upload
settled (done or failed with a message: nothing lost) and prints the p95 latency of search and
page views (target ≤ 300 ms). This file is also the locustfile (locust imports it with -f).
"""
from __future__ import annotations

import argparse
import csv
import json
import os
import random
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
PASSWORD = "mat-khau-tai-1"
SAMPLES = [ROOT / "app" / "samples" / "qd-bo-nhiem.docx", ROOT / "tests" / "samples" / "letter_3647.docx",
           ROOT / "app" / "samples" / "cv-3647-snv-vp.pdf", ROOT / "app" / "samples" / "qd-bo-nhiem-lai-ban-quet.pdf"]
QUERIES = ["truong quoc huy", "bổ nhiệm", "nang bac luong", "quyết định", "chau quang binh", "so noi vu"]

if os.environ.get("SOHOA_LOAD_LOCUST"):  # imported by locust: define the simulated user
    from locust import HttpUser, between, events, task

    JOBS: list[tuple[str, str]] = []  # (user, job id) of every accepted upload

    class RecordsStaff(HttpUser):
        wait_time = between(0.5, 2.0)
        count = 0

        def on_start(self) -> None:
            RecordsStaff.count += 1
            self.name_ = f"u{RecordsStaff.count % int(os.environ['SOHOA_LOAD_USERS']):02d}"
            r = self.client.post("/api/login", json={"username": self.name_, "password": PASSWORD},
                                 name="POST /api/login")
            self.client.headers["X-CSRF-Token"] = r.json()["csrf"]
            self.docs: list[str] = []

        @task(6)
        def search(self) -> None:
            self.client.get("/search", params={"q": random.choice(QUERIES)}, name="GET /search (page)")

        @task(3)
        def api_search(self) -> None:
            self.client.get("/api/search", params={"q": random.choice(QUERIES)}, name="GET /api/search")

        @task(3)
        def pages(self) -> None:
            self.client.get("/review", name="GET /review (page)")
            if self.docs:
                self.client.get(f"/documents/{random.choice(self.docs)}", name="GET /documents/… (page)")

        @task(1)
        def dashboard(self) -> None:
            self.client.get("/dashboard", name="GET /dashboard (page)")
            self.client.get("/api/uploads", name="GET /api/uploads")

        @task(1)
        def upload(self) -> None:
            sample = random.choices(SAMPLES, weights=(4, 3, 2, 1))[0]
            r = self.client.post("/api/uploads", files=[("files", (sample.name, sample.read_bytes()))],
                                 name="POST /api/uploads")
            for job in r.json().get("jobs", []):
                if job.get("id"):
                    JOBS.append((self.name_, job["id"]))
                    self._follow(job["id"])

        def _follow(self, job_id: str) -> None:
            for _ in range(5):
                job = self.client.get(f"/api/uploads/{job_id}", name="GET /api/uploads/{id}").json()
                if job.get("status") == "done":
                    self.docs.append(job["sha256"])
                    return
                time.sleep(0.5)

    @events.quitting.add_listener
    def _settled(environment, **_kw) -> None:
        """Nothing lost: every accepted upload ends done or failed (with its message)."""
        import requests

        host = environment.host
        sessions: dict[str, requests.Session] = {}
        states: dict[str, int] = {}
        deadline = time.monotonic() + 600
        for user, job_id in JOBS:
            if user not in sessions:
                s = sessions[user] = requests.Session()
                s.post(f"{host}/api/login", json={"username": user, "password": PASSWORD})
            while True:
                job = sessions[user].get(f"{host}/api/uploads/{job_id}").json()
                status = job.get("status", "lost")
                if status not in ("queued", "running") or time.monotonic() > deadline:
                    break
                time.sleep(1)
            states[status] = states.get(status, 0) + 1
        Path(os.environ["SOHOA_LOAD_OUT"]).write_text(json.dumps({"jobs": len(JOBS), "states": states}))


def _server(home: Path, port: int, workers: int) -> subprocess.Popen:
    env = {**os.environ, "SOHOA_HOME": str(home), "SOHOA_WORKERS": str(workers), "SOHOA_COOKIE_SECURE": "0"}
    code = ("import uvicorn; from app.settings import Settings; from app.web import create_app; "
            f"uvicorn.run(create_app(Settings.from_env()), host='127.0.0.1', port={port}, log_level='warning')")
    return subprocess.Popen([sys.executable, "-c", code], cwd=ROOT, env=env)


def _accounts(home: Path, users: int) -> None:
    from app.settings import Settings
    from app.web import create_app

    app = create_app(Settings.from_env({"SOHOA_HOME": str(home), "SOHOA_COOKIE_SECURE": "0"}))
    for i in range(users):
        app.state.web.accounts.add(f"u{i:02d}", "DN.SYT" if i % 2 == 0 else "DN.STC", "officer", PASSWORD)
    app.state.web.uploads.close()
    app.state.web.records.close()
    app.state.web.search.close()


def _wait_up(port: int) -> None:
    import urllib.request

    for _ in range(200):
        try:
            urllib.request.urlopen(f"http://127.0.0.1:{port}/login", timeout=1)
            return
        except OSError:
            time.sleep(0.1)
    raise SystemExit("server did not start")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--users", type=int, default=20)
    parser.add_argument("--seconds", type=int, default=60)
    parser.add_argument("--workers", type=int, default=2, help="upload pool threads of the server")
    parser.add_argument("--port", type=int, default=8765)
    args = parser.parse_args()
    home = Path(tempfile.mkdtemp(prefix="sohoa-load-"))
    out = ROOT / "bench" / "out"
    out.mkdir(parents=True, exist_ok=True)
    _accounts(home, args.users)
    server = _server(home, args.port, args.workers)
    try:
        _wait_up(args.port)
        env = {**os.environ, "SOHOA_LOAD_LOCUST": "1", "SOHOA_LOAD_USERS": str(args.users),
               "SOHOA_LOAD_OUT": str(out / "web_load_jobs.json")}
        subprocess.run([sys.executable, "-m", "locust", "-f", __file__, "--headless", "-u", str(args.users),
                        "-r", str(args.users), "-t", f"{args.seconds}s", "--host", f"http://127.0.0.1:{args.port}",
                        "--csv", str(out / "web_load"), "--only-summary", "--loglevel", "WARNING"],
                       env=env, cwd=ROOT, check=False)
    finally:
        server.terminate()
        server.wait(timeout=30)
    _report(out)


def _report(out: Path) -> None:
    with open(out / "web_load_stats.csv", newline="") as fh:
        rows = list(csv.DictReader(fh))
    print(f"{'request':34} {'n':>6} {'fail':>5} {'p50':>6} {'p95':>6} {'p99':>6}  (ms)")
    for row in rows:
        print(f"{row['Name'][:34]:34} {row['Request Count']:>6} {row['Failure Count']:>5} "
              f"{row['50%']:>6} {row['95%']:>6} {row['99%']:>6}")
    jobs = json.loads((out / "web_load_jobs.json").read_text())
    lost = sum(n for s, n in jobs["states"].items() if s not in ("done", "failed"))
    print(f"uploads accepted: {jobs['jobs']}, settled: {jobs['states']}, lost: {lost}")


if __name__ == "__main__":
    main()
