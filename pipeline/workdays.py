"""Working-day arithmetic for Vietnamese public offices, driven by the calendar data file.

Mon–Fri are working days, minus announced days off (holidays, compensatory and swapped days),
plus make-up Saturdays. Years the data file does not announce fall back to the fixed-date statutory
holidays with the compensatory-day rule, and `is_announced(year)` says so.
"""
from __future__ import annotations

import datetime as dt
import tomllib
from dataclasses import dataclass
from functools import lru_cache
from importlib import resources

_DEFAULT_DATA = "calendar_vn.toml"


@dataclass(frozen=True)
class WorkCalendar:
    version: str
    days_off: dict[dt.date, str]
    make_up_workdays: dict[dt.date, str]
    announced_years: frozenset[int]
    fixed: tuple[tuple[int, int, str], ...]

    @classmethod
    def from_toml(cls, text: str) -> "WorkCalendar":
        data = tomllib.loads(text)
        days_off: dict[dt.date, str] = {}
        make_up: dict[dt.date, str] = {}
        for year in data.get("years", {}).values():
            for item in year.get("days_off", []):
                days_off[item["date"]] = item["name"]
            for item in year.get("make_up_workdays", []):
                make_up[item["date"]] = item["name"]
        fixed = tuple((f["month"], f["day"], f["name"]) for f in data.get("fixed", []))
        years = frozenset(int(y) for y in data.get("years", {}))
        return cls(data["version"], days_off, make_up, years, fixed)

    def is_announced(self, year: int) -> bool:
        return year in self.announced_years

    def _fallback_days_off(self, year: int) -> dict[dt.date, str]:
        """Fixed statutory holidays; one falling on a weekend moves to the next weekday."""
        result: dict[dt.date, str] = {}
        for month, day, name in self.fixed:
            date = dt.date(year, month, day)
            while date.weekday() >= 5 or date in result:
                date += dt.timedelta(days=1)
            result[date] = name
        return result

    def day_off_name(self, date: dt.date) -> str | None:
        if self.is_announced(date.year):
            return self.days_off.get(date)
        return self._fallback_days_off(date.year).get(date)

    def is_workday(self, date: dt.date) -> bool:
        if date in self.make_up_workdays:
            return True
        if date.weekday() >= 5:
            return False
        return self.day_off_name(date) is None

    def add_workdays(self, start: dt.date, count: int) -> dt.date:
        """The `count`-th working day after `start` (start itself not counted)."""
        date = start
        remaining = count
        while remaining > 0:
            date += dt.timedelta(days=1)
            if self.is_workday(date):
                remaining -= 1
        return date

    def workdays_between(self, start: dt.date, end: dt.date) -> int:
        """Working days in (start, end]; negative when end is before start."""
        if end < start:
            return -self.workdays_between(end, start)
        count = 0
        date = start
        while date < end:
            date += dt.timedelta(days=1)
            count += self.is_workday(date)
        return count




@lru_cache(maxsize=1)
def default_calendar() -> WorkCalendar:
    text = resources.files("pipeline.data").joinpath(_DEFAULT_DATA).read_text(encoding="utf-8")
    return WorkCalendar.from_toml(text)
