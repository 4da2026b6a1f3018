"""The CBCCVC records store: people, posts, salary history, the organisation tree with history,
scopes, the review queue and the audit log; read decisions are applied to it idempotently.

Public API (everything else is internal):
    open_store(url, config=None) -> RecordsStore     default_url(home) -> "sqlite:///…/records.db"
    RecordsStore.apply(outcome, actor) -> RecordsUpdate, .apply_many(outcomes, actor, batch=50),
        .approve/.reject, .review_items, .incomplete_files,
        .find_people, .person_file, .completeness, .timeliness, .document_deadline, .audit_trail,
        .register(name, actor, unit, year) (the other registers: units | local | awards | training),
        .set_unit_contact(code, actor, address=…, phone=…, email=…)
    Actor(user, unit, role), department_admin(user), StoreConfig, RecordsUpdate, EventResult
"""
from records.config import Actor, DeadlinePolicy, StoreConfig, deadline_policies, department_admin
from records.db import default_url
from records.errors import InvalidRequest, NotFound, NotPermitted, RecordsError, RecordsUnavailable
from records.results import EventResult, RecordsUpdate
from records.store import RecordsStore, open_store

__all__ = [
    "Actor", "DeadlinePolicy", "EventResult", "InvalidRequest", "NotFound", "NotPermitted",
    "RecordsError", "RecordsStore", "RecordsUnavailable", "RecordsUpdate", "StoreConfig",
    "deadline_policies", "default_url", "department_admin", "open_store",
]
