"""Public money of persons (työttömyysetuudet ja verot): benefits and taxes by home.

Each month every unemployed person draws the basic unemployment benefit: the state pays
it, and bills the home municipality a share that rises with the spell (the TE24
financing model from 2025: billing from the 101st benefit day, days in services counted,
no share while a person draws the rehabilitation allowance instead; Kela 2024; the
schedule is a parameter). Every employed person pays municipal and state income tax.
Each payment enters the public finance table (state or municipality → persons, persons →
municipality or state). The person-level pass is a numba kernel (a plain function over
arrays writing into preallocated outputs, behind a thin wrapper), tested against a numpy
reference (:func:`benefit_share`).
"""

from __future__ import annotations

import numba as nb
import numpy as np

from ..labour.pool import in_parts, matching_threads, person_ranges
from ..labour.population import EMPLOYED, UNEMPLOYED, Firms, Persons
from ..scenario import SERVICES, Scenario
from ..services.state import ServiceState
from .ledger import PERSONS, STATE, Ledger


@nb.njit(cache=True, nogil=True)
def _benefit_tax_kernel(home, status, employer, months, exempt, productivity, starts,
                        shares, benefit, municipal_tax, state_tax, out_municipal_benefit,
                        out_state_benefit, out_municipal_tax, out_state_tax, lo, hi):
    # One pass over persons lo .. hi instead of several masked numpy passes and four
    # bincounts. Ranges that split no municipality (pool.area_parts) run on threads:
    # each writes only its own municipalities' sums.
    # Performance: a home's four sums are carried in local variables and written back
    # when the home changes (persons are stored municipality by municipality, so a few
    # hundred times), which breaks the chain of read-modify-writes of the same cells of
    # the outputs; the additions are the same, in the same order, so the same floats.
    n_steps = starts.shape[0]
    cur = -1
    mb = sb = mt = st = 0.0
    # Performance: unsigned indices, which numba does not test for an index from the end
    # (from signed bounds, every access was tested).
    for p in range(np.uint64(lo), np.uint64(hi)):
        h = home[p]
        if h != cur:
            if cur >= 0:
                out_municipal_benefit[cur], out_state_benefit[cur] = mb, sb
                out_municipal_tax[cur], out_state_tax[cur] = mt, st
            cur = h
            mb, sb = out_municipal_benefit[h], out_state_benefit[h]
            mt, st = out_municipal_tax[h], out_state_tax[h]
        if status[p] == EMPLOYED:
            wage = productivity[employer[p]]
            mt += municipal_tax * wage
            st += state_tax * wage
        elif status[p] == UNEMPLOYED:  # not those outside the labour force
            share = 0.0
            if not exempt[p]:
                k = 0
                while k + 1 < n_steps and starts[k + 1] <= months[p]:
                    k += 1
                share = shares[k]
            mb += benefit * share
            sb += benefit * (1.0 - share)
    if cur >= 0:
        out_municipal_benefit[cur], out_state_benefit[cur] = mb, sb
        out_municipal_tax[cur], out_state_tax[cur] = mt, st


def benefits_and_taxes(home: np.ndarray, status: np.ndarray, employer: np.ndarray,
                       months: np.ndarray, exempt: np.ndarray, productivity: np.ndarray,
                       schedule: list[list[float]], benefit: float, municipal_tax: float,
                       state_tax: float, n_areas: int, parts: np.ndarray | None = None
                       ) -> tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray]:
    """Benefits paid and income tax received, by the municipality and the state, per home.

    The unemployed draw the benefit (those outside the labour force do not); the
    municipality pays its share of it by the spell's length, except for those ``exempt``;
    the state the rest. The employed pay both taxes on their pay.

    Args:
        home: per person, home municipality.
        status: per person, status code.
        employer: per person, firm index (-1 when not employed).
        months: per person, unemployment duration, months.
        exempt: per person, True while the municipality pays no share (rehabilitation).
        productivity: per firm, pay relative to the mean wage.
        schedule: [from_month, municipal share] rows, ascending from month 0.
        benefit: benefit per unemployed person and month, EUR.
        municipal_tax: mean wage × municipal tax rate, EUR per month.
        state_tax: mean wage × state tax rate, EUR per month.
        n_areas: number of municipalities.
        parts: bounds of ranges of persons that split no municipality
            (:func:`~sim.labour.pool.area_parts`), run on the calling thread's
            matching threads; one range when absent. The sums do not depend on them.

    Raises:
        ValueError: ``parts`` that miss persons or split a municipality.

    Returns:
        (municipal benefit share, state benefit share, municipal tax, state tax), EUR per
        municipality.
    """
    starts = np.array([row[0] for row in schedule], dtype=np.float64)
    shares = np.array([row[1] for row in schedule], dtype=np.float64)
    out = tuple(np.zeros(n_areas) for _ in range(4))
    in_parts(_benefit_tax_kernel, (home, status, employer, months, exempt, productivity,
                                   starts, shares, float(benefit), float(municipal_tax),
                                   float(state_tax), *out),
             person_ranges(parts, home.shape[0], home), matching_threads())
    return out


def benefit_share(months: np.ndarray, schedule: list[list[float]]) -> np.ndarray:
    """Municipal share of the benefit for each unemployment duration (TE24 schedule)."""
    starts = np.array([row[0] for row in schedule])
    shares = np.array([row[1] for row in schedule])
    return shares[np.searchsorted(starts, months, side="right") - 1]


def book_benefits_and_taxes(ledger: Ledger, persons: Persons, firms: Firms,
                            state: ServiceState, scenario: Scenario,
                            parts: np.ndarray | None = None) -> None:
    """Book the benefits and income taxes of the month, municipal and state.

    ``parts``: ranges of persons for threads (:func:`benefits_and_taxes`).
    """
    org = scenario.organisers
    p, f = persons, firms
    # Performance: one comparison over the persons per exempt service (few or none), not a
    # gather of a per-service table for every person; the same persons are exempt.
    exempt = np.zeros(state.service.shape, dtype=bool)
    for s, name in enumerate(SERVICES):
        if name in org.benefit_exempt_services:
            exempt |= state.service == s
    mb, sb, mt, st = benefits_and_taxes(
        p.home, p.status, p.employer, p.unemployment_months, exempt, f.productivity,
        org.municipal_benefit_share, org.benefit_eur_per_month,
        org.mean_wage_eur_per_month * org.municipal_tax_rate,
        org.mean_wage_eur_per_month * org.state_tax_rate, ledger.orgs.n_munis, parts)
    ledger.area_benefit[:] = mb
    ledger.area_state_net[:] = st - sb
    books = ledger.books
    books.values["benefit_cost_eur"][1:] += mb
    books.values["tax_revenue_eur"][1:] += mt
    munis = ledger.orgs.names[1:]
    books.pay(np.arange(1, mb.size + 1), mb, PERSONS, "unemployment_benefit")
    for name, tax in zip(munis, mt.tolist(), strict=True):
        books.flows.add(PERSONS, name, "income_tax", tax)
    books.flows.add(STATE, PERSONS, "unemployment_benefit", float(sb.sum()))
    books.flows.add(PERSONS, STATE, "income_tax", float(st.sum()))
    comp = ledger.orgs.compensation
    if comp is not None:  # the state's fixed compensation to each municipality
        books.values["state_compensation_eur"][1:] += comp
        ledger.area_state_net[:] -= comp
        for name, euros in zip(ledger.orgs.names[1:], comp.tolist(), strict=True):
            books.flows.add(STATE, name, "state_compensation", euros)
