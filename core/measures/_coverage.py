"""Objective coverage and stage gap per stage, from the engine's decisions.

Coverage says how much of what the playbook calls essential the team actually knows at
each stage; the stage gap counts deals sitting further along than their evidence.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field

from nextadvance.core._decision import Decision
from nextadvance.core._playbook_model import Playbook
from nextadvance.core.measures._common import Ratio

__all__ = ["StageCoverage", "objective_coverage"]


@dataclass(frozen=True)
class StageCoverage:
    """Open deals at one stage: readiness, full essential coverage, gap, per objective."""

    stage: str
    deals: int = 0
    #: Deals whose current-stage essentials are all learned (``ready_to_advance``).
    ready: int = 0
    #: Deals whose essentials of this and every earlier stage are all learned.
    covered: int = 0
    #: Deals with an earlier-stage essential still missing (``stage_gap``).
    gap: int = 0
    #: Per objective of this stage: deals that learned it ÷ deals at the stage.
    objectives: dict[str, Ratio] = field(default_factory=dict)

    @property
    def coverage(self) -> Ratio:
        """covered ÷ deals: the share of deals whose essentials are learned."""
        return Ratio(self.covered, self.deals)

    @property
    def readiness(self) -> Ratio:
        """ready ÷ deals: the share ready to move to the next stage."""
        return Ratio(self.ready, self.deals)

    @property
    def stage_gap(self) -> Ratio:
        """gap ÷ deals: the share ahead of its evidence."""
        return Ratio(self.gap, self.deals)


def objective_coverage(
    decisions: Iterable[Decision], playbook: Playbook
) -> dict[str, StageCoverage]:
    """Coverage per open stage (pipeline order) over the decisions of open deals.

    A deal is *covered* when every essential objective in its decision (its stage's and
    earlier stages', after segment overrides) is learned, i.e. ready and no stage gap.
    Closed-deal decisions are ignored.  Every open stage of the playbook is listed, also
    with no deals, so charts keep the pipeline's shape.
    """
    acc: dict[str, dict[str, int]] = {}
    learned: dict[str, dict[str, list[int]]] = {}
    for key in playbook.stage_keys:
        if not playbook.compiled.stages[key].closed:
            acc[key] = {"deals": 0, "ready": 0, "covered": 0, "gap": 0}
            learned[key] = {}
    for d in decisions:
        if not d.open or d.stage not in acc:
            continue
        row = acc[d.stage]
        row["deals"] += 1
        row["ready"] += d.ready_to_advance
        row["gap"] += d.stage_gap
        row["covered"] += all(o.status == "learned" for o in d.objectives if o.essential)
        for o in d.objectives:
            if o.stage == d.stage:
                cell = learned[d.stage].setdefault(o.id, [0, 0])
                cell[0] += o.status == "learned"
                cell[1] += 1
    return {
        key: StageCoverage(
            stage=key,
            objectives={oid: Ratio(n, m) for oid, (n, m) in learned[key].items()},
            **row,
        )
        for key, row in acc.items()
    }
