"""How well hot-issue detection recovers the problems planted in a synthetic data set."""

from __future__ import annotations

from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass

from service.governance.hot_issues import HotIssue
from service.governance.periods import Period
from service.governance.synth import SynthResult

PURITY = 0.6  # a reported issue is about a planted problem if this share of it is that problem
COVERAGE = 0.5  # ... and it holds at least this share of that problem's petitions in the period


@dataclass(frozen=True)
class Recovery:
    reported: int
    true_positives: int
    planted_active: list[str]
    recovered: list[str]

    @property
    def precision(self) -> float:
        return self.true_positives / self.reported if self.reported else 1.0

    @property
    def recall(self) -> float:
        return len(self.recovered) / len(self.planted_active) if self.planted_active else 1.0


def evaluate(
    issues: Sequence[HotIssue], data: SynthResult, ids: Sequence[int], period: Period, *, min_size: int
) -> Recovery:
    """Precision over the issues reported as hot; recall over planted problems with ≥ `min_size`
    analysable petitions in the period."""
    key_of: dict[int, str | None] = {}
    per_key: Counter[str] = Counter()
    for petition, key, petition_id in zip(data.petitions, data.planted, ids, strict=True):
        analysable = petition.duplicate_of is None and petition.request_type != "report"
        if analysable and period.since <= petition.received_at < period.until:
            key_of[petition_id] = key
            if key is not None:
                per_key[key] += 1
    hot = [issue for issue in issues if issue.hot]
    recovered: set[str] = set()
    hits = 0
    for issue in hot:
        key, count = Counter(key_of.get(i) for i in issue.petition_ids).most_common(1)[0]
        if key is not None and count >= PURITY * issue.size and count >= COVERAGE * per_key[key]:
            hits += 1
            recovered.add(key)
    active = sorted(k for k, n in per_key.items() if n >= min_size)
    return Recovery(len(hot), hits, active, sorted(recovered & set(active)))
