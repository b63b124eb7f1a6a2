"""Public money of persons (työttömyysetuudet ja verot): benefits and taxes by home.

Each month every municipality pays its share of its unemployed residents' benefits, a
share that rises with the spell (the TE24 financing model; the schedule is a parameter),
and receives municipal income tax from its employed residents. The person-level pass is a
numba kernel (a plain function over arrays writing into preallocated outputs, behind a
thin wrapper), tested against a numpy reference (:func:`benefit_share`).
"""

from __future__ import annotations

import numba as nb
import numpy as np

from ..labour.population import EMPLOYED, UNEMPLOYED, Firms, Persons
from ..scenario import Scenario
from ..services.state import ServiceState
from .ledger import Ledger


@nb.njit(cache=True)
def _benefit_tax_kernel(home, status, employer, months, in_service, productivity,
                        starts, shares, benefit, wage_tax, out_benefit, out_tax):
    # One pass over persons instead of several masked numpy passes and two bincounts.
    n_steps = starts.shape[0]
    for p in range(home.shape[0]):
        h = home[p]
        if status[p] == EMPLOYED:
            out_tax[h] += wage_tax * productivity[employer[p]]
        elif status[p] == UNEMPLOYED and not in_service[p]:  # not those outside
            k = 0
            while k + 1 < n_steps and starts[k + 1] <= months[p]:
                k += 1
            out_benefit[h] += benefit * shares[k]


def benefits_and_taxes(home: np.ndarray, status: np.ndarray, employer: np.ndarray,
                       months: np.ndarray, in_service: np.ndarray, productivity: np.ndarray,
                       schedule: list[list[float]], benefit: float, wage_tax: float,
                       n_areas: int) -> tuple[np.ndarray, np.ndarray]:
    """Municipal benefit cost and income tax per home municipality this month.

    The unemployed not in a service draw benefits (those outside the labour force do not);
    the employed pay tax.

    Args:
        home: per person, home municipality.
        status: per person, status code.
        employer: per person, firm index (-1 when not employed).
        months: per person, unemployment duration, months.
        in_service: per person, True while in a service (no municipal benefit share).
        productivity: per firm, pay relative to the mean wage.
        schedule: [from_month, municipal share] rows, ascending from month 0.
        benefit: benefit per unemployed person and month, EUR.
        wage_tax: mean wage × municipal tax rate, EUR per month.
        n_areas: number of municipalities.

    Returns:
        (benefit cost, tax revenue), EUR per municipality.
    """
    starts = np.array([row[0] for row in schedule], dtype=np.float64)
    shares = np.array([row[1] for row in schedule], dtype=np.float64)
    out_b = np.zeros(n_areas)
    out_t = np.zeros(n_areas)
    _benefit_tax_kernel(home, status, employer, months, in_service, productivity,
                        starts, shares, float(benefit), float(wage_tax), out_b, out_t)
    return out_b, out_t


def benefit_share(months: np.ndarray, schedule: list[list[float]]) -> np.ndarray:
    """Municipal share of the benefit for each unemployment duration (TE24 schedule)."""
    starts = np.array([row[0] for row in schedule])
    shares = np.array([row[1] for row in schedule])
    return shares[np.searchsorted(starts, months, side="right") - 1]


def book_benefits_and_taxes(ledger: Ledger, persons: Persons, firms: Firms,
                            state: ServiceState, scenario: Scenario) -> None:
    """Book each municipality's share of unemployment benefits and its income tax."""
    org = scenario.organisers
    p, f = persons, firms
    benefit, tax = benefits_and_taxes(
        p.home, p.status, p.employer, p.unemployment_months, state.service >= 0,
        f.productivity, org.municipal_benefit_share, org.benefit_eur_per_month,
        org.mean_wage_eur_per_month * org.municipal_tax_rate, ledger.orgs.n_munis)
    ledger.area_benefit[:] = benefit
    ledger.books.values["benefit_cost_eur"][1:] += benefit
    ledger.books.values["tax_revenue_eur"][1:] += tax
