"""Accounts (talous): monthly books of organisers and providers, and the tables they make.

Books are kept per organiser even inside an alliance (budgets stay separate, as the source
document requires); a pooled unit's costs are split by the members' contribution shares.
"""

from __future__ import annotations

import numpy as np

ORGANISER_COLUMNS = (
    "budget_eur",
    "service_spend_eur",
    "overhead_eur",
    "benefit_cost_eur",
    "tax_revenue_eur",
    "gain_pain_eur",
    "kra_bonus_eur",
    "net_eur",
)
"""Per organiser and month. net = tax − benefits − services − overhead − gain/pain − bonus;
gain_pain_eur is limb 3 paid to providers (negative: pain received back)."""

PROVIDER_COLUMNS = (
    "active",
    "clients",
    "revenue_eur",
    "cost_eur",
    "margin_eur",
    "gain_pain_eur",
    "kra_bonus_eur",
    "quality",
)


class OrganiserBooks:
    """This month's money of every organiser, in arrays indexed by organiser."""

    def __init__(self, n_organisers: int) -> None:
        """Zeroed books for ``n_organisers``."""
        self.n = n_organisers
        self.reset()

    def reset(self) -> None:
        """Start a new month."""
        self.values = {name: np.zeros(self.n) for name in ORGANISER_COLUMNS}

    def add(self, column: str, organisers: list[int], shares: np.ndarray, amount: float) -> None:
        """Book ``amount`` in ``column``, split over ``organisers`` by ``shares``."""
        if amount == 0.0:
            return
        total = shares.sum()
        weights = shares / total if total > 0 else np.full(len(organisers), 1.0 / len(organisers))
        np.add.at(self.values[column], np.asarray(organisers, dtype=np.int64), amount * weights)

    def close(self) -> np.ndarray:
        """Compute net and return the (organisers × columns) array of the month."""
        v = self.values
        v["net_eur"] = (v["tax_revenue_eur"] - v["benefit_cost_eur"] - v["service_spend_eur"]
                        - v["overhead_eur"] - v["gain_pain_eur"] - v["kra_bonus_eur"])
        return np.column_stack([v[c] for c in ORGANISER_COLUMNS])
