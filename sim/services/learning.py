"""What providers and alliances learn from outcomes (tulosseuranta): job chances, value added.

Every client's follow-up (``market.outcome_follow_up_months`` after the service) ends in
an observation: a job within it or none. The record keeps, per provider, service and band
of baseline employability (quintiles at set-up), the follow-ups seen and the jobs among
them, and, per band, the monthly job-finding rate of unemployed jobseekers outside any
service or follow-up (what the clients' characteristics predict without a service). Old
observations fade by ``market.outcome_memory_months``.

From it:

- a provider's estimate of a client's job chance (:meth:`OutcomeRecord.job_chance`): its
  own clients' share with a job, shrunk toward the rule of thumb
  ``market.expected_outcome_slope`` × employability with the weight of
  ``market.estimate_prior_clients`` clients; under joint learning the alliance's
  providers pool their records (open data);
- value added (:meth:`OutcomeRecord.value_added`): jobs against what the clients' bands
  predict without the service, per follow-up seen. Joint learning and joint decisions read it.

A follow-up cut short by a new service is not observed; nor are transfers (no provider).

Firm services are scored on the same scale, jobs per start above a random control group
(:meth:`OutcomeRecord.observe_firms`, :meth:`OutcomeRecord.firm_value_added`): purchasing
draws client firms at random from a unit's eligible firms, so at each purchase those not
drawn are that purchase's controls (:func:`enrol_controls`, one :class:`ControlGroup`); a
client firm's follow-up ends in its employment change since the start (to none if it
died), per provider, a purchase's controls' at the end of the same window in the sum of
theirs, per firm service, and value added is the difference of the means. A firm eligible
but not drawn in several months is a control of each of those purchases, as a firm drawn
later stays one of the earlier purchases'. Only joint decisions read it (providers'
learning counts person follow-ups).
"""

from __future__ import annotations

from dataclasses import dataclass

import numba as nb
import numpy as np

from ..labour.population import UNEMPLOYED, Firms
from ..scenario.services import FIRM_SERVICES, SERVICES, Services
from .state import NONE, ServiceState, employment_at_start, firm_column

BANDS = 5
"""Bands of baseline employability (quintiles at set-up)."""


@dataclass
class ControlGroup:
    """The controls of one firm-service purchase: the unit's eligible firms not started.

    Memory: one index per control, int32, kept until the window ends. In Pirkanmaa (seed
    1) the pending groups hold some 400,000 indices (1.6 MB; business advisory's pool, the
    small firms, up to some 30,000 firms a purchase); at national scale some ten times
    that, tens of MB, so the controls are not capped.
    """

    column: int  # the firm service
    until: int  # last month of the window (a client's follow-up's, started then)
    month: int  # the purchase's month: a slot's firm born later is a new firm (firms die
    # only at a month's start, before the purchases, so a control's slot is not retaken in it)
    firms: np.ndarray  # int32 the controls' slots, in firm order
    start: int  # their employees at the start, summed (as a client's: employment_at_start)


class OutcomeRecord:
    """Follow-ups seen and jobs, per provider × service × band; the no-service baseline.

    For firm services, client firms' follow-ups and employment change per provider × firm
    service, and their random controls' per firm service.
    """

    def __init__(self, base_employability: np.ndarray, n_providers: int, slope: float,
                 prior_clients: float, memory_months: float) -> None:
        """Band edges from the population at set-up; nothing observed yet.

        Args:
            base_employability: every person's baseline employability at set-up.
            n_providers: providers now (the record grows with entrants).
            slope: ``market.expected_outcome_slope``, the rule of thumb's slope.
            prior_clients: ``market.estimate_prior_clients``, the rule of thumb's weight.
            memory_months: ``market.outcome_memory_months``, the observations' time scale.
        """
        self.edges = np.quantile(base_employability, np.arange(1, BANDS) / BANDS)
        band = self.band(base_employability)
        means = np.bincount(band, weights=base_employability, minlength=BANDS)
        counts = np.maximum(np.bincount(band, minlength=BANDS), 1)
        self.prior = np.clip(slope * means / counts, 0.0, 1.0)  # rule of thumb per band
        self.prior_clients = prior_clients
        self.keep = 1.0 - 1.0 / memory_months  # monthly retention of old observations
        self.seen = np.zeros((n_providers, len(SERVICES), BANDS))
        self.jobs = np.zeros_like(self.seen)
        self.base_months = np.zeros(BANDS)  # jobseeker-months outside services
        self.base_hires = np.zeros(BANDS)
        self.firm_seen = np.zeros((n_providers, len(FIRM_SERVICES)))  # client firms' follow-ups
        self.firm_change = np.zeros_like(self.firm_seen)  # their employment change
        self.control_seen = np.zeros(len(FIRM_SERVICES))  # control firms' follow-ups
        self.control_change = np.zeros(len(FIRM_SERVICES))  # their employment change
        self.control_groups: list[ControlGroup] = []  # purchases whose window runs

    def band(self, employability: np.ndarray) -> np.ndarray:
        """Band (0 = hardest to help) of each baseline employability."""
        return np.searchsorted(self.edges, employability, side="right")

    def grow(self, n_providers: int) -> None:
        """Room for providers that entered."""
        extra = n_providers - self.seen.shape[0]
        if extra > 0:
            pad = np.zeros((extra, *self.seen.shape[1:]))
            self.seen = np.concatenate([self.seen, pad])
            self.jobs = np.concatenate([self.jobs, pad])
            pad = np.zeros((extra, len(FIRM_SERVICES)))
            self.firm_seen = np.concatenate([self.firm_seen, pad])
            self.firm_change = np.concatenate([self.firm_change, pad])

    # ------------------------------------------------------------------ observations
    def observe(self, month: int, hired: np.ndarray, state: ServiceState,
                status: np.ndarray, base_employability: np.ndarray) -> None:
        """The month's observations, after its hires and before their outcome payments.

        Clients hired within their follow-up count a job (once per follow-up); follow-ups
        ending this month without one count none. Hires of jobseekers outside any service
        or follow-up, and those still looking, give the baseline's monthly rate.
        """
        st = state
        self.seen *= self.keep
        self.jobs *= self.keep
        self.base_months *= self.keep
        self.base_hires *= self.keep
        # Performance: the scans below are over the month's hires, and one compiled pass
        # over every person for the follow-ups ending now and the baseline's jobseekers.
        within = hired[(st.outcome_until[hired] >= month) & (st.outcome_provider[hired] >= 0)
                       & ~state.outcome_found[hired]]
        state.outcome_found[within] = True
        self._add(within, st, base_employability, jobs=True)
        ending, months_b = ending_and_looking(month, st, status, base_employability, self.edges)
        self._add(ending, st, base_employability, jobs=False)
        outside = hired[st.outcome_until[hired] < month]
        hires_b = np.bincount(self.band(base_employability[outside]), minlength=BANDS)
        self.base_hires += hires_b
        self.base_months += hires_b + months_b

    def _add(self, idx: np.ndarray, st: ServiceState, base_employability: np.ndarray,
             jobs: bool) -> None:
        """Count follow-ups ``idx`` as seen (and as jobs when ``jobs``)."""
        if idx.size == 0:
            return
        p = st.outcome_provider[idx].astype(np.int64)
        self.grow(int(p.max()) + 1)
        s = st.outcome_service[idx].astype(np.int64)
        b = self.band(base_employability[idx])
        np.add.at(self.seen, (p, s, b), 1.0)
        if jobs:
            np.add.at(self.jobs, (p, s, b), 1.0)

    # ------------------------------------------------------------------- estimates
    def job_chance(self, providers: np.ndarray | list[int], service: int,
                   bands: np.ndarray, cache: dict | None = None) -> np.ndarray:
        """Estimated job chance within the follow-up, from the pooled ``providers``' record.

        Each band's share of follow-ups with a job, shrunk toward the rule of thumb with the
        weight of ``prior_clients`` follow-ups.

        Args:
            providers: the pooled providers' indices.
            service: the service index.
            bands: each client's band (:meth:`band`).
            cache: when given, each pool's and service's estimates per band are kept in it
                and reused. Performance: purchasing asks the same few pools thousands of
                times a month at national scale, and the pooled sums are most of a call.
                Safe only while the record does not change: purchasing keeps one for a
                month's purchases, which come before the month's observations.
        """
        key = (tuple(providers), service) if cache is not None else None
        by_band = cache.get(key) if cache is not None else None
        if by_band is None:
            self.grow(int(np.max(providers, initial=-1)) + 1)
            seen = self.seen[providers, service].sum(axis=0)
            jobs = self.jobs[providers, service].sum(axis=0)
            w = self.prior_clients
            by_band = (jobs + w * self.prior) / (seen + w)
            if cache is not None:
                cache[key] = by_band
        return by_band[bands]

    def baseline(self, window_months: float) -> np.ndarray:
        """Per band, the chance of a job within ``window_months`` without a service."""
        rate = np.divide(self.base_hires, self.base_months,
                         out=np.zeros(BANDS), where=self.base_months > 0)
        return 1.0 - (1.0 - rate) ** window_months

    def value_added_by_provider(self, windows: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
        """Per provider: jobs above the no-service baseline per follow-up, and follow-ups seen.

        ``windows`` are each service's duration plus follow-up, months.
        """
        base = np.stack([self.baseline(w) for w in windows])  # services × bands
        seen = self.seen.sum(axis=(1, 2))
        above = (self.jobs - self.seen * base[None]).sum(axis=(1, 2))
        return np.divide(above, seen, out=np.zeros_like(seen), where=seen > 0), seen

    def value_added(self, providers: np.ndarray | list[int], service: int,
                    window_months: float) -> tuple[float, float]:
        """Jobs above the no-service baseline per follow-up, and the follow-ups seen.

        Pooled over ``providers``; ``window_months`` is the service's duration plus the
        follow-up (the window in which its clients' jobs count).
        """
        self.grow(int(np.max(providers, initial=-1)) + 1)
        seen = self.seen[providers, service].sum(axis=0)
        jobs = self.jobs[providers, service].sum(axis=0)
        n = float(seen.sum())
        if n <= 0:
            return 0.0, 0.0
        return float((jobs - seen * self.baseline(window_months)).sum() / n), n

    # -------------------------------------------------------------------- firm services
    def observe_firms(self, month: int, state: ServiceState, firms: Firms) -> None:
        """The month's firm observations, once its employment is final (after the hires).

        A client firm's follow-up ends in its last month, or earlier when the firm dies
        (its employment is then known: none), in its employment change since the start
        (:meth:`end_firm_follow_ups`). A purchase's controls (:func:`enrol_controls`) are
        seen when its window ends: as many follow-ups as controls and, as their employment
        change, their employees now less at the start, summed (none for a dead firm or a
        slot taken since by a new firm). Each firm's employment now is kept in
        ``state.firm_last_employment`` for the next month's starts.

        Args:
            month: this month.
            state: the firms' services and follow-ups.
            firms: the firm table.
        """
        self.firm_seen *= self.keep
        self.firm_change *= self.keep
        self.control_seen *= self.keep
        self.control_change *= self.keep
        n = firms.capacity
        state.grow_firms(n)
        alive = firms.alive[:n]
        now = np.where(alive, firms.employment[:n], 0)
        # Performance: one pass over firms × firm services for the clients' follow-ups,
        # and over the controls of the purchases whose window ends now (compiled, both).
        f, c = ended_follow_ups(state.firm_outcome_provider[:n], state.firm_outcome_until[:n],
                                alive, month)
        self.end_firm_follow_ups(f, c, now[f], state)
        groups, self.control_groups = self.control_groups, []
        for group in groups:
            if group.until > month:
                self.control_groups.append(group)
                continue
            self.control_seen[group.column] += group.firms.size
            self.control_change[group.column] += (  # not slots taken by new firms since
                float(kept_employment(firms.born, now, group.firms, group.month)) - group.start)
        state.firm_last_employment[:n] = np.where(alive, now, NONE)

    def end_firm_follow_ups(self, firm: np.ndarray, column: np.ndarray,
                            employment: np.ndarray, state: ServiceState) -> None:
        """End client firms' follow-ups of firm services, employing as given.

        Each counts a follow-up seen and its employment less that at the start for its
        provider and firm service. The follow-ups are then over.

        Args:
            firm: client firms whose follow-up ends.
            column: each one's firm service.
            employment: each one's employees now (none if it died).
            state: the firms' follow-ups.
        """
        if firm.size:
            p = state.firm_outcome_provider[firm, column]
            self.grow(int(p.max()) + 1)
            np.add.at(self.firm_seen, (p, column), 1.0)
            np.add.at(self.firm_change, (p, column),
                      employment - state.firm_start_employment[firm, column])
            state.firm_outcome_provider[firm, column] = NONE

    def firms_reborn(self, slots: np.ndarray, state: ServiceState) -> None:
        """New firms in ``slots``: a dead firm's client follow-ups still running there end now.

        A slot is taken only after its firm died (this month, or the follow-up would have
        ended at the death), so the follow-up ends employing none; the slot starts with
        none. A purchase's controls in the slot need nothing: the new firm's birth month,
        after the purchase, marks the slot as taken (:meth:`observe_firms`).
        """
        rows, column = np.nonzero(state.firm_outcome_provider[slots] >= 0)
        self.end_firm_follow_ups(slots[rows], column, np.zeros(rows.size), state)
        state.firm_start_employment[slots] = 0
        state.firm_outcome_until[slots] = NONE

    def firm_value_added(self, providers: np.ndarray | list[int], column: int
                         ) -> tuple[float, float]:
        """Jobs per start of firm service ``column`` above its controls, and follow-ups seen.

        The client firms' mean employment change over their follow-ups, pooled over
        ``providers``, less that of all the service's controls, every purchase's pooled
        (one control group per firm service: a control was not drawn in that purchase,
        and the draw was random within each unit's pool whichever provider then took the
        clients). On the scale of
        :meth:`value_added`; none (0, 0) before a client's and a control's follow-up are seen.
        """
        self.grow(int(np.max(providers, initial=-1)) + 1)
        n = float(self.firm_seen[providers, column].sum())
        controls = float(self.control_seen[column])
        if n <= 0 or controls <= 0:
            return 0.0, 0.0
        treated = float(self.firm_change[providers, column].sum()) / n
        return treated - float(self.control_change[column]) / controls, n


def enrol_controls(record: OutcomeRecord, state: ServiceState, firms: Firms, pool: np.ndarray,
                   started: np.ndarray, name: str, spec_catalogue: Services, month: int,
                   follow_up: int) -> None:
    """The firms of ``pool`` not ``started`` are this purchase's controls for ``name``.

    Purchasing draws a unit's client firms uniformly at random from its eligible ``pool``,
    so those not drawn (or drawn but left without a provider) are a random control group
    for those started, followed over the same window as a client's (the service's months
    plus ``follow_up``) from their employment at the start, summed
    (:func:`sim.services.state.employment_at_start`): one :class:`ControlGroup` kept in
    ``record.control_groups`` until :meth:`OutcomeRecord.observe_firms` sees it. Every
    purchase has its own controls: a firm eligible and not drawn in several months (or
    units' purchases) is a control of each, and one drawn later stays a control of the
    earlier ones. One already in a follow-up as a client may be a control too, as it may
    be drawn. No random numbers are drawn.

    Args:
        record: the outcome record keeping the group.
        state: the firms' services and follow-ups.
        firms: the firm table.
        pool: the eligible firms the draw was made from, in increasing order (firm order,
            as purchasing keeps it).
        started: the firms of ``pool`` that started the service now.
        name: the firm service.
        spec_catalogue: the service catalogue (the service's months).
        month: this month.
        follow_up: ``market.outcome_follow_up_months``.
    """
    # Performance: the pool can be thousands of firms a month at national scale and the
    # started a handful, so the started are found in the sorted pool by binary search
    # (k log n) and dropped with a mask over the pool, never over the whole firm table
    # nor by a set difference that sorts; the rest is fancy indexing on the pool alone.
    keep = np.ones(pool.size, dtype=bool)
    keep[np.searchsorted(pool, started)] = False
    controls = pool[keep]
    if controls.size == 0:
        return
    start = int(employment_at_start(state, firms, controls, month).sum())
    until = month + spec_catalogue.spec(name).duration_months + follow_up
    record.control_groups.append(ControlGroup(firm_column(name), until, month,
                                              controls.astype(np.int32), start))


def ending_and_looking(month: int, state: ServiceState, status: np.ndarray,
                       base_employability: np.ndarray, edges: np.ndarray
                       ) -> tuple[np.ndarray, np.ndarray]:
    """Follow-ups ending this month unobserved, and jobseekers outside services per band.

    Returns:
        (persons whose follow-up ends now, ``outcome_until == month``, with a provider and
        no job found, in person order; per band of the ``BANDS - 1`` ``edges`` (as
        :meth:`OutcomeRecord.band`, ``searchsorted`` ``side="right"``), the unemployed whose
        follow-up, if any, is over, int64). Performance: two compiled passes over the
        persons instead of two masks over them, ``flatnonzero``, a gather, a binary search
        and a bincount; the same indices in the same order and the same integer counts.
    """
    n = status.shape[0]
    for name, arr in (("outcome_until", state.outcome_until),
                      ("outcome_provider", state.outcome_provider),
                      ("outcome_found", state.outcome_found),
                      ("base_employability", base_employability)):
        if arr.shape[0] != n:
            raise ValueError(f"{name} has {arr.shape[0]} entries, status has {n}")
    if edges.shape != (BANDS - 1,):
        raise ValueError(f"{BANDS - 1} band edges expected, got {edges.shape}")
    ending = np.empty(n, dtype=np.int64)  # pages touched only as far as needed
    at_least = np.zeros(BANDS, dtype=np.int64)
    k = _ending_and_looking_kernel(state.outcome_until, state.outcome_provider,
                                   state.outcome_found, status, base_employability,
                                   np.ascontiguousarray(edges, dtype=np.float64), month,
                                   UNEMPLOYED, ending, at_least)
    looking = at_least.copy()
    looking[:-1] -= at_least[1:]  # in band b: at least band b, less at least band b + 1
    return ending[:k], looking


@nb.njit(cache=True)
def _ending_and_looking_kernel(until, provider, found, status, base, edges, month, unemployed,
                               ending, at_least):
    # Performance: the follow-ups ending now are few, so their branch is well predicted.
    # The jobseekers looking are scattered (a branch on them is mispredicted most of the
    # time) and a band per jobseeker scatters counts, so the second loop is branch-free:
    # for every person, whether looking and, for each edge, whether at or above it (not
    # below: NaN counts above all, as in searchsorted), summed in scalars (SIMD).
    k = 0
    for p in range(until.shape[0]):
        if until[p] == month and provider[p] >= 0 and not found[p]:
            ending[k] = p
            k += 1
    e0, e1, e2, e3 = edges[0], edges[1], edges[2], edges[3]
    n = c1 = c2 = c3 = c4 = 0
    for p in range(until.shape[0]):
        w = (until[p] < month) & (status[p] == unemployed)
        x = base[p]
        n += w
        c1 += w & (not x < e0)
        c2 += w & (not x < e1)
        c3 += w & (not x < e2)
        c4 += w & (not x < e3)
    at_least[0], at_least[1], at_least[2], at_least[3], at_least[4] = n, c1, c2, c3, c4
    return k


def ended_follow_ups(provider: np.ndarray, until: np.ndarray, alive: np.ndarray,
                     month: int) -> tuple[np.ndarray, np.ndarray]:
    """Client firms' follow-ups that end this month: (firms, firm service columns).

    A follow-up (a provider, ``provider >= 0``) ends in its last month (``until``) or
    earlier when its firm is no longer ``alive``. The pairs come in firm order, then column
    (as ``np.nonzero`` of the mask gives them). Performance: one compiled pass over the
    firms × firm services instead of five masks over them and ``np.nonzero``.
    """
    firm = np.empty(provider.size, dtype=np.int64)  # pages touched only as far as needed
    column = np.empty(provider.size, dtype=np.int64)
    k = _ended_kernel(provider, until, alive, month, firm, column)
    return firm[:k], column[:k]


@nb.njit(cache=True)
def _ended_kernel(provider, until, alive, month, firm, column):
    k = 0
    for f in range(provider.shape[0]):
        for c in range(provider.shape[1]):
            u = until[f, c]
            if provider[f, c] >= 0 and (u == month or (u >= month and not alive[f])):
                firm[k], column[k] = f, c
                k += 1
    return k


def kept_employment(born: np.ndarray, now: np.ndarray, slots: np.ndarray, month: int) -> int:
    """Employees ``now`` of ``slots`` summed, counting only firms born by ``month``.

    A slot taken by a new firm since counts none. Performance: a control group is
    thousands of firms; one compiled pass instead of two gathers, a comparison and
    ``np.where``; the integer sum is the same.
    """
    return int(_kept_employment_kernel(born, now, slots, month))


@nb.njit(cache=True)
def _kept_employment_kernel(born, now, slots, month):
    total = 0
    for i in range(slots.shape[0]):
        f = slots[i]
        if born[f] <= month:
            total += now[f]
    return total
