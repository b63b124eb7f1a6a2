"""Accounts (talous): monthly books of organisers and providers, and the tables they make.

Books are kept per organiser even inside an alliance (budgets stay separate, as the source
document requires); a pooled unit's costs are split by the members' contribution shares.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

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


class Table:
    """Rows appended month by month, turned into a DataFrame at the end."""

    def __init__(self, columns: tuple[str, ...]) -> None:
        """An empty table with these columns."""
        self.columns = columns
        self.rows: list[tuple] = []

    def append(self, *row) -> None:
        """Add one row (values in column order)."""
        self.rows.append(row)

    def rows_from(self, rows: list[tuple]) -> pd.DataFrame:
        """A DataFrame of ``rows`` with this table's columns."""
        self.rows = list(rows)
        return self.to_frame()

    def to_frame(self) -> pd.DataFrame:
        """The rows as a DataFrame (typed by pandas)."""
        return pd.DataFrame(self.rows, columns=list(self.columns))


def benefit_share(months: np.ndarray, schedule: list[list[float]]) -> np.ndarray:
    """Municipal share of the benefit for each unemployment duration (TE24 schedule)."""
    starts = np.array([row[0] for row in schedule])
    shares = np.array([row[1] for row in schedule])
    return shares[np.searchsorted(starts, months, side="right") - 1]
