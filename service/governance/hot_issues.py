"""Hot issues (热点问题): clusters of similar petitions in a period, with size, trend, keywords,
category and example petitions, ranked so that sudden concentrated problems come first.

Reports (举报) are left out (their content stays with the discipline channel), and so are petitions
merged as duplicates (they count once, on the petition they were merged into).
"""

from __future__ import annotations

import math
from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from typing import Any

from sqlalchemy import or_, select
from sqlalchemy.orm import Session

from service.clock import to_local
from service.governance import clustering
from service.governance.clustering import Doc, Settings
from service.governance.metrics import labels
from service.governance.models import PetitionProfile
from service.governance.periods import Period
from service.governance.text import tf_idf
from service.petitions.access import Viewer, shown_code
from service.petitions.models import Category, Petition

HOT_BURST = 2.5  # "hot": this many times more petitions in its busiest weeks than its share predicts
HOT_Z = 4.0  # ... and not by chance: (observed − expected) / √expected at least this


@dataclass(frozen=True)
class Row:
    id: int
    tracking_code: str
    title: str
    category: str
    department: str | None
    received_at: datetime
    petitioner: str | None
    terms: dict[str, int]


@dataclass
class HotIssue:
    key: str
    title: str
    keywords: list[str]
    size: int
    petitioners: int
    category: str
    category_label: str
    department: str | None
    previous_count: int
    burst: float
    hot: bool
    trend: list[dict[str, Any]] = field(default_factory=list)
    examples: list[dict[str, Any]] = field(default_factory=list)
    petition_ids: list[int] = field(default_factory=list)

    def as_dict(self, *, with_ids: bool = False) -> dict[str, Any]:
        data = {k: v for k, v in vars(self).items() if k != "petition_ids"}
        if with_ids:
            data["petition_ids"] = self.petition_ids
        return data

    def seen_by(self, viewer: Viewer) -> dict[str, Any]:
        """as_dict, with the examples' tracking codes as `viewer` may see them."""
        data = self.as_dict()
        data["examples"] = [
            e | {"tracking_code": shown_code(viewer, e["tracking_code"])} for e in self.examples
        ]
        return data


def _span_start(period: Period) -> datetime:
    baseline = min(max(3 * period.days, 84), 366)
    return period.since - timedelta(days=baseline)


def load_rows(session: Session, since: datetime, until: datetime, department: str | None) -> list[Row]:
    statement = (
        select(
            Petition.id,
            Petition.tracking_code,
            Petition.title,
            Petition.category,
            Petition.department,
            Petition.received_at,
            PetitionProfile.petitioner_key,
            PetitionProfile.terms,
        )
        .join(PetitionProfile, PetitionProfile.petition_id == Petition.id)
        .where(
            Petition.received_at >= since,
            Petition.received_at < until,
            Petition.duplicate_of_id.is_(None),
            # 举报 / 检举控告类 stay out of hot issues: their titles and codes must not surface as
            # examples (art. 31), whichever of the two fields marks them.
            Petition.request_type != "report",
            or_(Petition.statutory_class.is_(None), Petition.statutory_class != "accusation"),
        )
    )
    if department:
        statement = statement.where(Petition.department == department)
    return [Row(*row) for row in session.execute(statement)]


def _buckets(period: Period) -> list[tuple[datetime, datetime, str]]:
    """Weeks for a period up to two months, calendar months for longer ones."""
    result = []
    start = period.since
    while start < period.until:
        if period.days <= 62:
            end = start + timedelta(days=7)
            label = to_local(start).strftime("%m-%d")
        else:
            local = to_local(start)
            end = local.replace(year=local.year + local.month // 12, month=local.month % 12 + 1, day=1)
            label = local.strftime("%Y-%m")
        result.append((start, min(end, period.until), label))
        start = end
    return result


@dataclass(frozen=True)
class _Analysis:
    period: Period
    span_start: datetime
    weeks: int
    volume: list[int]
    min_size: int
    window: int
    names: dict[str, str]
    defaults: dict[str, str]  # category → its default department (for petitions not yet routed)
    vectors: list[dict[str, float]]

    def week(self, moment: datetime) -> int:
        return (moment - self.span_start).days // 7


def _volume(
    session: Session, since: datetime, until: datetime, weeks: int, week_of: Callable[[datetime], int]
) -> list[int]:
    """All petitions per week (whatever the department): the exposure a problem's share is judged by."""
    volume = [0] * weeks
    moments = session.scalars(
        select(Petition.received_at).where(Petition.received_at >= since, Petition.received_at < until)
    )
    for moment in moments:
        volume[week_of(moment)] += 1
    return volume


def find_hot_issues(
    session: Session,
    period: Period,
    *,
    department: str | None = None,
    settings: Settings | None = None,
    limit: int = 20,
) -> list[HotIssue]:
    settings = settings or Settings()
    span_start = _span_start(period)
    rows = load_rows(session, span_start, period.until, department)
    inside = [r for r in rows if r.received_at >= period.since]
    docs = [Doc(r.id, r.category, r.received_at, r.terms) for r in inside]
    found = clustering.cluster(docs, settings)
    if not found:
        return []
    vectors, idf = clustering.vectorise(docs, settings)
    earlier = [r for r in rows if r.received_at < period.since]
    matched = clustering.match(
        [tf_idf(r.terms, idf, top=settings.top_terms) for r in earlier], found, settings.threshold
    )

    def weeks_of(moment: datetime) -> int:
        return (moment - span_start).days // 7

    analysis = _Analysis(
        period=period,
        span_start=span_start,
        weeks=weeks_of(period.until - timedelta(microseconds=1)) + 1,
        volume=_volume(
            session,
            span_start,
            period.until,
            weeks_of(period.until - timedelta(microseconds=1)) + 1,
            weeks_of,
        ),
        window=min(6, math.ceil(period.days / 7)),
        min_size=settings.min_size,
        names=labels(session, "category"),
        defaults={c: d for c, d in session.execute(select(Category.code, Category.default_department)) if d},
        vectors=vectors,
    )
    issues = []
    for number, group in enumerate(found):
        before = [earlier[i] for i, n in enumerate(matched) if n == number]
        issues.append(_issue(analysis, group, [inside[p] for p in group.members], before))
    issues.sort(key=lambda i: (not i.hot, -i.size * min(i.burst, 10.0), i.key))
    return issues[:limit]


def _issue(analysis: _Analysis, group: clustering.Cluster, members: list[Row], before: list[Row]) -> HotIssue:
    period, previous = analysis.period, analysis.period.previous()
    weekly = [0] * analysis.weeks
    for r in [*members, *before]:
        weekly[analysis.week(r.received_at)] += 1
    top_category = Counter(r.category.split(".", 1)[0] for r in members).most_common(1)[0][0]
    routed = Counter(r.department for r in members if r.department)
    category = Counter(r.category for r in members).most_common(1)[0][0]
    department = routed.most_common(1)[0][0] if routed else analysis.defaults.get(category)
    by_position = {p: i for i, p in enumerate(group.members)}
    examples = [members[by_position[p]] for p in clustering.closest(analysis.vectors, group, 3)]
    ratio, z = clustering.burst(weekly, analysis.volume, analysis.window, analysis.min_size)
    return HotIssue(
        key="|".join(sorted(group.keywords[:3])),
        title=examples[0].title,
        keywords=group.keywords,
        size=len(members),
        petitioners=len({r.petitioner or f"#{r.id}" for r in members}),
        category=top_category,
        category_label=analysis.names.get(top_category, top_category),
        department=department,
        previous_count=sum(1 for r in before if previous.since <= r.received_at < previous.until),
        burst=ratio,
        hot=ratio >= HOT_BURST and z >= HOT_Z,
        trend=[
            {"label": label, "count": sum(1 for r in members if start <= r.received_at < end)}
            for start, end, label in _buckets(period)
        ],
        examples=[
            {
                "id": r.id,
                "tracking_code": r.tracking_code,
                "title": r.title,
                "received_at": r.received_at.isoformat(),
            }
            for r in examples
        ],
        petition_ids=sorted(r.id for r in members),
    )
