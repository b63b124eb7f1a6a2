"""Key result areas (KRA, avaintulosalueet): what an alliance measures, and how it scores.

The development phase sets each KRA's minimum and exceptional level from the value it
measured; in implementation a quarter's value scores 0 at the minimum and 1 at the
exceptional level. The KRA bonus pool is paid by the weighted score; an organiser whose
own score stays at 0 for a number of quarters may leave.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING

import numpy as np

from ..scenario.services import FIRM_SERVICES, SERVICES

if TYPE_CHECKING:
    from ..services.learning import OutcomeRecord
    from .alliance import AllianceAgent


@dataclass(frozen=True)
class Observed:
    """What an alliance sees at a quarter's end: the sources of its KRA values.

    Attributes:
        stats: the latest month's (municipalities + region) × metrics array.
        metric_index: column of each metric in ``stats``.
        referrals: per municipality, referrals sent and lost this quarter.
        hard_to_help_hires: per municipality, hires of the hard to help this quarter.
        record: the providers' outcome record (:class:`sim.services.learning.OutcomeRecord`).
        start_cost: per service, the catalogue cost of a start (price × months), EUR.
        windows: per service, its months plus the follow-up.
    """

    stats: np.ndarray
    metric_index: dict[str, int]
    referrals: np.ndarray
    hard_to_help_hires: np.ndarray
    record: OutcomeRecord | None = None
    start_cost: np.ndarray | None = None
    windows: np.ndarray | None = None

    def value_per_euro(self, a: AllianceAgent) -> tuple[np.ndarray, np.ndarray]:
        """Per service: value added per euro of a start among ``a``'s providers' clients.

        Value added is jobs above what the clients' bands predict without a service, per
        follow-up (:meth:`~sim.services.learning.OutcomeRecord.value_added`); for a firm
        service, the client firms' employment change per follow-up less that of the
        eligible firms not drawn, its random control group
        (:meth:`~sim.services.learning.OutcomeRecord.firm_value_added`). Returns the value
        per euro and the follow-ups seen, per service.
        """
        pool = a.its_providers()
        n = len(self.windows)
        per_euro, seen = np.zeros(n), np.zeros(n)
        for s in range(n):
            if SERVICES[s] in FIRM_SERVICES:
                va, seen[s] = self.record.firm_value_added(pool, FIRM_SERVICES.index(SERVICES[s]))
            else:
                va, seen[s] = self.record.value_added(pool, s, self.windows[s])
            per_euro[s] = va / self.start_cost[s] if self.start_cost[s] > 0 else 0.0
        return per_euro, seen

    def values(self, areas: np.ndarray, acc: np.ndarray, target: float) -> dict[str, float]:
        """Every KRA's value over ``areas`` (bool per municipality).

        ``acc`` is the alliance's quarter: client-months, open-book cost and fees;
        ``target`` its target cost (NaN before development ends).
        """
        stats, cols = self.stats, self.metric_index
        lf = stats[:-1, cols["labour_force"]][areas].sum()
        sent, lost = self.referrals[areas].sum(axis=0)
        return {
            "employment_rate": stats[:-1, cols["employed"]][areas].sum() / max(lf, 1.0),
            "long_term_unemployed": stats[:-1, cols["long_term_unemployed"]][areas].sum(),
            "firm_employment": stats[:-1, cols["firm_employment"]][areas].sum(),
            "hard_to_help_placements": self.hard_to_help_hires[areas].sum(),
            "referrals_completed": 1.0 - lost / sent if sent > 0 else 1.0,
            "cost_vs_target": acc[1] / target if target and np.isfinite(target) else 1.0,
        }


def kra_score(value: float, minimum: float, exceptional: float) -> float:
    """Score 0 at the minimum, 1 at the exceptional level, linear between, clipped."""
    if exceptional == minimum:
        return 1.0 if value >= minimum else 0.0
    return float(np.clip((value - minimum) / (exceptional - minimum), 0.0, 1.0))


def kra_levels(name: str, baseline: float, improvement: float) -> tuple[float, float]:
    """Minimum and exceptional levels from the development-phase value."""
    if name == "long_term_unemployed":
        return baseline, baseline * (1.0 - improvement)
    if name == "cost_vs_target":
        return 1.0, 1.0 - improvement
    return baseline, baseline * (1.0 + improvement)


def composite(kras, values: dict[str, float], levels: dict[str, tuple[float, float]]) -> float:
    """Weighted mean KRA score of ``values`` against ``levels`` (``kras``: the spec's)."""
    total = sum(k.weight for k in kras)
    return sum(k.weight * kra_score(values[k.name], *levels[k.name]) for k in kras) / total
