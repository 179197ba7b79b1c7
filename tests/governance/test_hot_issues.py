"""Hot-issue detection on a synthetic year: the planted concentrated problems come back as hot
issues, with keywords, trend and examples; everyday petitions do not crowd them out."""

from __future__ import annotations

import functools
from datetime import date, datetime

import pytest
from sqlalchemy import select, update

from service.clock import LOCAL_TZ
from service.governance.bulk import insert_petitions
from service.governance.evaluation import evaluate
from service.governance.hot_issues import find_hot_issues
from service.governance.periods import month_of, year_of
from service.governance.synth import SynthResult, generate
from service.governance.text import term_bag
from service.petitions.models import Category, Petition
from tests.conftest import Harness

NOW = datetime(2026, 1, 10, tzinfo=LOCAL_TZ)


@functools.cache
def _data(departments: tuple[tuple[str, str], ...]) -> tuple[SynthResult, list[dict[str, int]]]:
    """Generated and segmented once per test process (segmenting is the slow part)."""
    data = generate(3000, 2025, departments=dict(departments), now=NOW, seed=7, planted_scale=4)
    return data, [term_bag(p.title, p.content) for p in data.petitions]


@pytest.fixture
def year(harness: Harness) -> tuple[Harness, SynthResult, list[int]]:
    with harness.db.transaction() as session:
        departments = tuple(
            (code, department)
            for code, department in session.execute(select(Category.code, Category.default_department))
            if department
        )
        data, bags = _data(departments)
        ids = insert_petitions(session, data.petitions, bags=bags)
    return harness, data, ids


def test_the_planted_problems_of_a_year_are_recovered(year: tuple[Harness, SynthResult, list[int]]) -> None:
    harness, data, ids = year
    period = year_of(2025)
    with harness.db.session() as session:
        issues = find_hot_issues(session, period)
    recovery = evaluate(issues, data, ids, period, min_size=5)
    print(f"year: precision {recovery.precision:.2f} recall {recovery.recall:.2f}")
    assert recovery.recall == 1.0, recovery
    assert recovery.precision >= 0.8, recovery
    water = next(i for i in issues if "热水" in i.keywords)
    assert water.hot and "西区" in water.keywords and water.category == "logistics"
    assert water.department == "logistics" and water.category_label == "后勤服务"
    assert len(water.trend) == 12 and sum(t["count"] for t in water.trend) == water.size
    assert max(water.trend, key=lambda t: t["count"])["label"] in ("2025-10", "2025-11")
    assert all("热水" in e["title"] for e in water.examples)


def test_a_month_finds_the_problem_that_started_in_it(year: tuple[Harness, SynthResult, list[int]]) -> None:
    harness, data, ids = year
    october = month_of(date(2025, 10, 1))
    with harness.db.session() as session:
        issues = find_hot_issues(session, october)
    recovery = evaluate(issues, data, ids, october, min_size=5)
    assert recovery.planted_active == ["hot_water"]
    assert recovery.recovered == ["hot_water"] and recovery.precision >= 0.5, recovery
    water = next(i for i in issues if i.hot)
    assert water.previous_count == 0  # nothing like it in September
    assert [t["label"] for t in water.trend][:2] == ["10-01", "10-08"]


def test_a_department_sees_only_its_own_issues(year: tuple[Harness, SynthResult, list[int]]) -> None:
    harness, _, _ = year
    with harness.db.session() as session:
        issues = find_hot_issues(session, year_of(2025), department="it")
    assert issues and all(i.department == "it" for i in issues)
    assert any("选课系统" in i.keywords for i in issues if i.hot)


def test_accusations_never_surface_in_hot_issues(year: tuple[Harness, SynthResult, list[int]]) -> None:
    harness, _, _ = year
    period = year_of(2025)
    with harness.db.transaction() as session:
        session.execute(
            update(Petition).where(Petition.title.contains("热水")).values(statutory_class="accusation")
        )
    with harness.db.session() as session:
        issues = find_hot_issues(session, period)
    assert issues and not any("热水" in i.keywords for i in issues)
    assert not any("热水" in e["title"] for i in issues for e in i.examples)
