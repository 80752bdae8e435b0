"""Pipeline velocity: how much revenue the pipeline produces per day.

velocity = open opportunities × win rate × average won amount ÷ average cycle days.
Only a snapshot of each deal is available (no stage history), so "open at the end of a
past period" is reconstructed from created and close dates; see :func:`velocity`.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass
from datetime import datetime

from nextadvance.core.measures._common import ClosedStages, DealStatus, Ratio, close_day
from nextadvance.core.measures._period import Period
from nextadvance.core.models import Deal

__all__ = ["Velocity", "velocity", "velocity_by"]


@dataclass(frozen=True)
class Velocity:
    """The inputs of the velocity formula and the result, for one group and period."""

    open_count: int = 0
    won: int = 0
    lost: int = 0
    won_amount_total: float = 0.0
    won_with_amount: int = 0
    cycle_days_total: int = 0
    closed_with_cycle: int = 0

    @property
    def win_rate(self) -> Ratio:
        """won ÷ (won + lost), over deals closed in the period."""
        return Ratio(self.won, self.won + self.lost)

    @property
    def avg_won_amount(self) -> float | None:
        """Mean amount of won deals that have an amount; ``None`` when there are none."""
        return self.won_amount_total / self.won_with_amount if self.won_with_amount else None

    @property
    def avg_cycle_days(self) -> float | None:
        """Mean days from creation to close over won and lost deals closed in the period."""
        return self.cycle_days_total / self.closed_with_cycle if self.closed_with_cycle else None

    @property
    def per_day(self) -> float | None:
        """open × win rate × average won amount ÷ average cycle days (amount per day)."""
        rate = self.win_rate.value
        amount = self.avg_won_amount
        cycle = self.avg_cycle_days
        if rate is None or amount is None or cycle is None:
            return None
        return self.open_count * rate * amount / cycle


def velocity(
    deals: Iterable[Deal],
    period: Period,
    now: datetime,
    closed: ClosedStages | None = None,
) -> Velocity:
    """Pipeline velocity of ``deals`` for ``period``, as of ``now``.

    - *open opportunities*: deals open at the period's cut-off: for a period that is over,
      deals created before its end and either still open or closed after its last day; for
      a running period, deals open now and created before ``now``.
    - *won / lost*: deals in a won/lost stage whose close day
      (:func:`~nextadvance.core.measures._common.close_day`) is in the period.
    - *average won amount*: over those won deals that have an amount (amounts are taken as
      given: one currency is assumed).
    - *cycle days*: local close day minus local creation day, at least 1 (same-day closes
      count one day), averaged over won and lost deals closed in the period.
    """
    stages = closed or ClosedStages()
    cutoff = min(period.end, now)
    over = period.end <= now
    open_count = won = lost = won_n = cycle_n = cycle_total = 0
    won_total = 0.0
    for deal in deals:
        status = stages.status(deal)
        day = close_day(deal, period.tz) if status is not DealStatus.open else None
        if deal.created_at < cutoff and (
            status is DealStatus.open or (over and day is not None and day > period.last)
        ):
            open_count += 1
        if status is DealStatus.open or day is None or not period.contains_day(day):
            continue
        if status is DealStatus.won:
            won += 1
            if deal.amount is not None:
                won_total += deal.amount
                won_n += 1
        else:
            lost += 1
        created_day = deal.created_at.astimezone(period.tz).date()
        cycle_total += max((day - created_day).days, 1)
        cycle_n += 1
    return Velocity(open_count, won, lost, won_total, won_n, cycle_total, cycle_n)


def velocity_by(
    deals: Iterable[Deal],
    period: Period,
    now: datetime,
    key: Callable[[Deal], str | None],
    closed: ClosedStages | None = None,
) -> dict[str, Velocity]:
    """:func:`velocity` per group (rep, team, pipeline...); ``key`` returning None skips a deal."""
    groups: dict[str, list[Deal]] = {}
    for deal in deals:
        name = key(deal)
        if name is not None:
            groups.setdefault(name, []).append(deal)
    return {name: velocity(group, period, now, closed) for name, group in sorted(groups.items())}
