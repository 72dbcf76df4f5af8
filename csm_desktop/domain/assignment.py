"""Random assignment of accounts to experiment variants, balanced by segment and repeatable.

An A/B test of milestone order is only fair if chance, not the CSM, decides who gets which
order, and if each variant gets a similar mix of SMB, mid-market and enterprise accounts.
Each account's place in the draw comes from a SHA-256 of the seed, its segment and its id,
so the same seed and accounts give the same assignment on every machine and Python version;
dealing the shuffled segments round-robin, one after the other, keeps every segment's counts
per variant within one of each other, and the totals too.
"""

from __future__ import annotations

import hashlib
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass

NO_SEGMENT = "(no segment)"


@dataclass(frozen=True, slots=True)
class Candidate:
    """An account that may join the experiment."""

    account_id: int
    segment: str | None


def _draw(seed: int, segment: str, account_id: int) -> bytes:
    return hashlib.sha256(f"{seed}\x1f{segment}\x1f{account_id}".encode()).digest()


def assign(candidates: Iterable[Candidate], variants: Sequence[str], seed: int) -> dict[int, str]:
    """Account id → variant, balanced by segment; the same inputs always give the same result.

    Segments are dealt in name order (accounts without one form their own segment); within a
    segment the order is the seeded draw. Dealing carries on from variant to variant across
    segments, so no variant collects every segment's odd account.
    """
    if len(variants) < 2:
        raise ValueError(f"an experiment needs at least two variants, got {len(variants)}")
    by_segment: dict[str, list[int]] = {}
    for candidate in candidates:
        segment = candidate.segment or NO_SEGMENT
        by_segment.setdefault(segment, []).append(candidate.account_id)
    # The first variant to deal to also comes from the seed, so no arm is always favoured.
    turn = int.from_bytes(_draw(seed, "", 0)[:4], "big") % len(variants)
    assignment: dict[int, str] = {}
    for segment in sorted(by_segment):
        for account_id in sorted(set(by_segment[segment]), key=lambda a: _draw(seed, segment, a)):
            assignment[account_id] = variants[turn]
            turn = (turn + 1) % len(variants)
    return assignment


def balance(
    assignment: Mapping[int, str],
    segments: Mapping[int, str | None],
    variants: Sequence[str],
) -> dict[str, dict[str, int]]:
    """Segment → variant → accounts, every variant listed (with 0) for every segment."""
    table: dict[str, dict[str, int]] = {}
    for account_id, variant in assignment.items():
        segment = segments.get(account_id) or NO_SEGMENT
        row = table.setdefault(segment, dict.fromkeys(variants, 0))
        row[variant] = row.get(variant, 0) + 1
    return dict(sorted(table.items()))
