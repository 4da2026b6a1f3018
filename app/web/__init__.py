"""The web app records staff work in: server-rendered Vietnamese pages and a REST API (/api/…).

    from app.web import create_app
    app = create_app(Settings.from_env())      # then serve with uvicorn (`sohoa serve`)

Modules: `db` (the web app's own sqlite3 tables), `accounts` (users, argon2 hashes, login throttling), `jobs` (uploads processed in a
background thread pool through `flows.compose.process_file`; the read documents kept for the
document page), `security` (session user, CSRF, scope checks), `api` (JSON endpoints), `pages`
(HTML pages), `pageimage` (a page of an original as PNG with evidence boxes), `originals` (a kept original's type and a DOCX's text), `factory`.
"""
from app.web.factory import create_app

__all__ = ["create_app"]
