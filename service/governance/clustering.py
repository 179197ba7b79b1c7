"""Grouping similar petitions of one period (pure functions, no database).

1. Weight each petition's terms by TF-IDF over the period and keep its heaviest terms.
2. Seeds: pairs of a petition's top terms that many petitions share ("西区3号楼" + "热水").
3. Grow each seed, largest first, into a cluster of the unassigned petitions close (cosine) to the
   seed's centroid; a petition joins at most one cluster.
Cost is about linear in the number of petitions (an inverted index limits the comparisons).
"""

from __future__ import annotations

import math
from collections import Counter, defaultdict
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from datetime import datetime
from itertools import combinations

from service.governance.text import cosine, inverse_document_frequency, tf_idf


@dataclass(frozen=True)
class Doc:
    id: int
    category: str
    received_at: datetime
    terms: Mapping[str, int]


@dataclass(frozen=True)
class Settings:
    min_size: int = 5
    top_terms: int = 8
    seed_terms: int = 3
    threshold: float = 0.45
    max_share: float = 0.6  # terms in more than this share of petitions do not seed or weigh


@dataclass
class Cluster:
    members: list[int]  # positions in the docs list
    centroid: dict[str, float]
    keywords: list[str] = field(default_factory=list)


def vectorise(docs: Sequence[Doc], settings: Settings) -> tuple[list[dict[str, float]], dict[str, float]]:
    idf = inverse_document_frequency((d.terms for d in docs), min_df=2, max_share=settings.max_share)
    return [tf_idf(d.terms, idf, top=settings.top_terms) for d in docs], idf


def _centroid(vectors: Sequence[Mapping[str, float]], members: Sequence[int]) -> dict[str, float]:
    total: Counter[str] = Counter()
    for position in members:
        total.update(vectors[position])
    return {term: weight / len(members) for term, weight in total.items()}


def _seeds(
    vectors: Sequence[Mapping[str, float]], settings: Settings
) -> list[tuple[tuple[str, str], list[int]]]:
    holders: dict[tuple[str, str], list[int]] = defaultdict(list)
    for position, vector in enumerate(vectors):
        top = sorted(vector, key=lambda t: (-vector[t], t))[: settings.seed_terms]
        for pair in combinations(sorted(top), 2):
            holders[pair].append(position)
    seeds = [(pair, members) for pair, members in holders.items() if len(members) >= settings.min_size]
    return sorted(seeds, key=lambda s: (-len(s[1]), s[0]))


def cluster(docs: Sequence[Doc], settings: Settings | None = None) -> list[Cluster]:
    settings = settings or Settings()
    vectors, _ = vectorise(docs, settings)
    index: dict[str, list[int]] = defaultdict(list)
    for position, vector in enumerate(vectors):
        for term in vector:
            index[term].append(position)
    assigned: set[int] = set()
    clusters: list[Cluster] = []
    for _, seed_members in _seeds(vectors, settings):
        free = [p for p in seed_members if p not in assigned]
        if len(free) < settings.min_size:
            continue
        centroid = _centroid(vectors, free)
        for _ in range(2):  # grow, then settle once around the grown centroid
            heavy = sorted(centroid, key=lambda t: -centroid[t])[:4]
            candidates = {p for term in heavy for p in index[term] if p not in assigned}
            members = sorted(p for p in candidates if cosine(vectors[p], centroid) >= settings.threshold)
            if len(members) < settings.min_size:
                break
            centroid = _centroid(vectors, members)
        else:
            assigned.update(members)
            keywords = sorted(centroid, key=lambda t: (-centroid[t], t))[:5]
            clusters.append(Cluster(members, centroid, keywords))
    return sorted(clusters, key=lambda c: -len(c.members))


def closest(vectors: Sequence[Mapping[str, float]], found: Cluster, count: int) -> list[int]:
    return sorted(found.members, key=lambda p: -cosine(vectors[p], found.centroid))[:count]


def match(
    vectors: Sequence[Mapping[str, float]], clusters: Sequence[Cluster], threshold: float
) -> list[int | None]:
    """For each vector, the cluster (index) it is close enough to, if any: counts the same problem
    in other periods."""
    index: dict[str, set[int]] = defaultdict(set)
    for number, found in enumerate(clusters):
        for term in sorted(found.centroid, key=lambda t: -found.centroid[t])[:4]:
            index[term].add(number)
    result: list[int | None] = []
    for vector in vectors:
        candidates = {number for term in vector for number in index.get(term, ())}
        scored = [(cosine(vector, clusters[n].centroid), n) for n in candidates]
        best = max(scored, default=(0.0, -1))
        result.append(best[1] if best[0] >= threshold else None)
    return result


def burst(weekly: Sequence[int], volume: Sequence[int], window: int, minimum: int) -> tuple[float, float]:
    """How concentrated a problem is in time: its busiest `window` weeks against what its share of
    all petitions (`volume`, per week) would give there. Returns (ratio, z): ratio 1 ≈ steady;
    z = (observed − expected) / √expected guards against small-number noise; a window must hold
    at least `minimum` of the problem's petitions."""
    total, everyone = sum(weekly), sum(volume)
    if total == 0 or everyone == 0:
        return 0.0, 0.0
    first = next(i for i, n in enumerate(volume) if n)  # weeks before any data tell nothing
    window = max(1, min(window, len(weekly) - first))
    best = (0.0, 0.0)
    for start in range(first, len(weekly) - window + 1):
        observed = sum(weekly[start : start + window])
        expected = total * sum(volume[start : start + window]) / everyone
        if observed >= minimum and expected > 0 and observed / expected > best[0]:
            best = (observed / expected, (observed - expected) / math.sqrt(max(expected, 1.0)))
    return round(best[0], 2), round(best[1], 2)
