"""A realistic synthetic data set: N petitions over a year, with a few planted concentrated problems.

Deterministic for a seed. Used by `petitionflow synth`, the hot-issue tests and `make bench`.
Rows are written by `bulk.insert_petitions` (plain INSERTs, not through the runtime).
"""

from __future__ import annotations

import random
from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta

from sqlalchemy import func, select

from service.clock import LOCAL_TZ
from service.db import Database
from service.errors import Conflict
from service.governance.bulk import Clock, Dispatch, SyntheticPetition, insert_petitions
from service.governance.synth_planted import PLANTED, Planted
from service.governance.synth_texts import BACKGROUND, CLOSINGS, OPENINGS, Frame
from service.petitions.models import Category, Petition

CHANNEL_WEIGHTS = {
    "online": 35,
    "phone": 20,
    "letter": 15,
    "mailbox": 12,
    "visit": 10,
    "transfer": 5,
    "reception": 3,
}
SURNAMES = (
    "王李张刘陈杨黄赵吴周徐孙马朱胡郭何高林罗郑梁谢宋唐许韩冯邓曹彭曾肖田董袁潘于蒋蔡余杜叶程苏魏吕丁任沈"
)
GIVEN = "伟芳娜敏静丽强磊军洋勇艳杰娟涛明超秀霞平刚桂英华玉兰萍红鹏辉建国文婷雪琳晨宇浩然子涵思远嘉怡欣"


@dataclass
class SynthResult:
    petitions: list[SyntheticPetition]
    planted: list[str | None]  # per petition: the planted problem it belongs to, or None
    ids: list[int] = field(default_factory=list)  # petition ids once inserted

    def planted_indexes(self) -> dict[str, set[int]]:
        groups: dict[str, set[int]] = {}
        for index, key in enumerate(self.planted):
            if key is not None:
                groups.setdefault(key, set()).add(index)
        return groups


def _moment(rng: random.Random, day: date) -> datetime:
    return datetime(day.year, day.month, day.day, rng.randint(8, 20), rng.randint(0, 59), tzinfo=LOCAL_TZ)


def _day_weight(day: date) -> float:
    weight = 0.45 if day.weekday() >= 5 else 1.0
    return weight * (0.6 if day.month in (1, 2, 7, 8) else 1.0)


def _fill(rng: random.Random, frame: Frame) -> tuple[str, str]:
    values = {name: rng.choice(options) for name, options in frame.slots.items()}
    body = rng.choice(OPENINGS) + frame.content.format(**values) + rng.choice(CLOSINGS)
    return frame.title.format(**values), body


def _planted_text(rng: random.Random, planted: Planted) -> tuple[str, str]:
    sentences = rng.sample(planted.sentences, k=rng.randint(1, 2))
    return rng.choice(planted.titles), rng.choice(OPENINGS) + "".join(sentences) + rng.choice(CLOSINGS)


def _person(rng: random.Random) -> tuple[str, str]:
    name = rng.choice(SURNAMES) + "".join(rng.choice(GIVEN) for _ in range(rng.randint(1, 2)))
    return name, f"1{rng.choice('3578')}{rng.randint(0, 999999999):09d}"


def generate(
    count: int,
    year: int,
    *,
    departments: Mapping[str, str],
    now: datetime,
    seed: int = 2025,
    planted_scale: float = 1.0,
) -> SynthResult:
    """`count` petitions received in `year`; outcomes are as they stand at `now`. `planted_scale`
    multiplies the planted problems' share (small test sets need them denser to be seen at all)."""
    rng = random.Random(seed)  # noqa: S311 - synthetic data, not secrets
    days = [
        date(year, 1, 1) + timedelta(days=i) for i in range((date(year + 1, 1, 1) - date(year, 1, 1)).days)
    ]
    weights = [_day_weight(d) for d in days]
    texts: list[tuple[str, str, str, str, str | None, datetime]] = []  # title, body, category, type, key, at
    for planted in PLANTED:
        window = days[planted.start_day : planted.start_day + planted.days]
        for _ in range(max(3, round(count * planted.share * planted_scale * len(window) / len(days)))):
            title, body = _planted_text(rng, planted)
            at = _moment(rng, rng.choice(window))
            texts.append((title, body, planted.category, planted.request_type, planted.key, at))
    while len(texts) < count:
        frame = rng.choice(BACKGROUND)
        title, body = _fill(rng, frame)
        at = _moment(rng, rng.choices(days, weights)[0])
        texts.append((title, body, frame.category, frame.request_type, None, at))
    texts = sorted(texts[:count], key=lambda t: t[5])
    petitions: list[SyntheticPetition] = []
    planted_keys: list[str | None] = []
    open_by_person: list[int] = []
    for title, body, category, request_type, key, at in texts:
        top = category.split(".", 1)[0]
        department = departments.get(category) or departments.get(top) or "office"
        name, phone = _person(rng)
        item = SyntheticPetition(
            title=title,
            content=body,
            category=category,
            channel=rng.choices(list(CHANNEL_WEIGHTS), list(CHANNEL_WEIGHTS.values()))[0],
            request_type=request_type,
            received_at=at,
            petitioner_name=None if rng.random() < 0.08 else name,
            petitioner_phone=phone,
        )
        if open_by_person and rng.random() < 0.03:
            _make_duplicate(rng, item, petitions, open_by_person)
        else:
            _outcome(rng, item, department, now)
            if item.status not in ("not_accepted", "redirected"):
                open_by_person.append(len(petitions))  # recent ones: likely still open when written again
        petitions.append(item)
        planted_keys.append(key)
    return SynthResult(petitions, planted_keys)


def _make_duplicate(
    rng: random.Random, item: SyntheticPetition, earlier: list[SyntheticPetition], open_ones: list[int]
) -> None:
    """The same person writes again about the same open matter: merged as a 重复件."""
    index = rng.choice(open_ones[-200:])
    original = earlier[index]
    item.title, item.content, item.category = (
        original.title,
        original.content + "再次反映。",
        original.category,
    )
    item.petitioner_name, item.petitioner_phone = original.petitioner_name, original.petitioner_phone
    item.request_type = original.request_type
    item.status, item.duplicate_of, item.closed_at = "merged", index, item.received_at + timedelta(days=1)
    item.clocks = [
        Clock("D2", item.received_at + timedelta(days=15), "met", item.received_at + timedelta(days=1))
    ]


def _outcome(rng: random.Random, item: SyntheticPetition, department: str, now: datetime) -> None:
    received = item.received_at
    screen_due = received + timedelta(days=15)
    screened = received + timedelta(
        days=rng.choice([0.2, 0.5, 1, 2, 3, 5, 8]) if rng.random() < 0.92 else rng.randint(16, 25)
    )
    if screened > now:
        item.status = "screening"
        item.clocks = [Clock("D2", screen_due, "active")]
        return
    item.clocks = [Clock("D2", screen_due, "met" if screened <= screen_due else "late", screened)]
    roll = rng.random()
    if roll < 0.07:
        item.status = "not_accepted" if roll < 0.04 else "redirected"
        item.closed_at = screened
        return
    if item.request_type == "consultation" and rng.random() < 0.8:
        answered = screened + timedelta(days=rng.uniform(0.1, 4))
        _close(rng, item, answered, now, direct=True, department="office")
        item.clocks.append(
            Clock("D14", screened + timedelta(days=14), "met" if answered <= now else "active", answered)
        )
        return
    item.department = department
    sign_due = screened + timedelta(days=1)
    returned = rng.random() < 0.05
    signed = screened + timedelta(
        hours=rng.choice([1, 3, 6, 20]) if rng.random() < 0.9 else rng.randint(26, 60)
    )
    if signed > now:
        item.status = "dispatched"
        item.dispatches = [Dispatch(department, screened, sign_due, None)]
        return
    if returned:
        item.dispatches.append(Dispatch("office", screened, sign_due, signed, returned=True))
        screened, signed = signed + timedelta(hours=6), signed + timedelta(hours=10)
        sign_due = screened + timedelta(days=1)
    item.dispatches.append(Dispatch(department, screened, sign_due, signed))
    handling_due = screened + timedelta(days=60)
    finished = screened + timedelta(days=rng.uniform(3, 45) if rng.random() < 0.93 else rng.uniform(61, 80))
    if finished > now:
        item.status = "in_progress"
        item.clocks.append(Clock("D5", handling_due, "active"))
        return
    item.clocks.append(Clock("D5", handling_due, "met" if finished <= handling_due else "late", finished))
    if finished > handling_due and rng.random() < 0.6:
        item.supervised_at = handling_due + timedelta(days=1)
    _close(rng, item, finished + timedelta(days=rng.uniform(1, 4)), now, direct=False, department=department)


def _close(
    rng: random.Random, item: SyntheticPetition, at: datetime, now: datetime, *, direct: bool, department: str
) -> None:
    item.department = item.department or department
    if at > now:
        replied = "feedback_pending" if item.request_type == "report" else "replied"  # not rated
        item.status = replied if not direct else "fast_track"
        return
    item.status, item.closed_at, item.direct_answer = "closed", at, direct
    if item.request_type == "report" or rng.random() > 0.85:
        return
    item.satisfaction = rng.choices(["satisfied", "basically_satisfied", "dissatisfied"], [70, 20, 10])[0]
    chance = {"satisfied": 0.95, "basically_satisfied": 0.7, "dissatisfied": 0.2}[item.satisfaction]
    item.resolved = rng.random() < chance


def load_synthetic(
    db: Database,
    *,
    count: int,
    year: int,
    now: datetime,
    seed: int = 2025,
    batch: int = 2000,
    force: bool = False,
) -> SynthResult:
    """Generate and bulk-insert `count` petitions (plain INSERTs, not through the runtime), in
    batches of `batch` per transaction. Refused on a database that holds real petitions unless `force`."""
    with db.session() as session:
        real = session.scalar(
            select(func.count()).select_from(Petition).where(Petition.registered_by != "synth")
        )
        departments = {
            c: d for c, d in session.execute(select(Category.code, Category.default_department)) if d
        }
    if real and not force:
        raise Conflict(f"数据库中已有 {real} 件真实信访事项，拒绝写入合成数据（确需写入请加 --force）")
    data = generate(count, year, departments=departments, now=now, seed=seed)
    for start in range(0, len(data.petitions), batch):
        with db.transaction() as session:
            ids = insert_petitions(session, data.petitions[start : start + batch], earlier_ids=data.ids)
        data.ids.extend(ids)
    return data
