"""Service providers (palveluntuottajat) as Mesa agents, and the rules of their market.

A provider has capacity, unit cost, price, quality and cash; it learns, chooses whom to
serve first and how hard to try under its contract, and enters or leaves the market by
profitability. Payment regimes:

- ``output`` (suoriteperusteinen, separate action): a price per client-month.
- ``outcome`` (tulosperusteinen): an attachment share of the price, the rest as an outcome
  payment when the client finds a job within the follow-up. Without differential prices a
  provider prefers clients likely to find work (creaming) and gives little effort to the
  others (parking).
- ``open_book`` (allianssin kolmiosainen maksu): actual costs plus a fee, and a quarterly
  gain/pain share on target vs actual cost (:meth:`sim.organising.alliance.AllianceAgent.settle`).
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import lru_cache

import mesa
import numba as nb
import numpy as np

from ..scenario.market import Market
from ..scenario.organising import Provider
from ..scenario.services import SERVICES


class ServiceProvider(mesa.Agent):
    """A provider: external firm, third-sector body or an organiser's own unit."""

    def __init__(self, model: mesa.Model, index: int, spec: Provider, owner: int) -> None:
        """Create the provider; ``owner`` is the owning organiser's index or -1."""
        super().__init__(model)
        self.index = index
        self.name = spec.name
        self.kind = spec.kind
        self.owner = owner
        self.offers = np.array([s in spec.services for s in SERVICES])
        self.capacity = float(spec.capacity)
        self.cost_factor = spec.cost_factor  # × catalogue cost per client-month
        self.initial_cost_factor = spec.cost_factor
        self.price_factor = spec.price_factor
        self.quality = spec.quality
        self.fixed_cost = spec.fixed_cost_eur_per_month
        self.cash = 0.0
        self.active = True
        self.quarter_clients = 0
        self.quarter_revenue = 0.0
        self.quarter_cost = 0.0
        self.reset_month()

    def reset_month(self) -> None:
        """Clear this month's ledger."""
        self.clients = 0
        self.revenue = 0.0
        self.cost = 0.0
        self.gain_pain = 0.0
        self.kra_bonus = 0.0

    def close_month(self, learning: float, best_quality: float, pull: float,
                    quality_max: float = 3.0) -> None:
        """Book fixed cost and cash; learn from the outcomes seen.

        Variable costs (client-months × cost at the clients' effort) are booked as clients
        are served.

        Args:
            learning: this month's relative rise of quality (see
                :meth:`sim.services.market.ProviderMarket.close_month`).
            best_quality: quality of the provider whose practice it copies (its own if none).
            pull: share of the gap to ``best_quality`` closed this month.
            quality_max: the highest quality learning reaches (``market.quality_max``).
        """
        self.cost += self.fixed_cost if self.active else 0.0
        self.cash += self.revenue + self.gain_pain + self.kra_bonus - self.cost
        self.quarter_revenue += self.revenue + self.gain_pain + self.kra_bonus
        self.quarter_cost += self.cost
        if self.active:
            self.quality *= 1.0 + learning
            self.quality += pull * (best_quality - self.quality)
            self.quality = min(self.quality, quality_max)

    @property
    def margin(self) -> float:
        """This month's revenue minus cost, EUR."""
        return self.revenue + self.gain_pain + self.kra_bonus - self.cost


def expected_outcome(employability: np.ndarray, slope: float) -> np.ndarray:
    """The provider's estimate of a client's chance of a job within the follow-up.

    Its rule of thumb: ``slope`` (``market.expected_outcome_slope``) × employability.
    """
    return np.clip(slope * employability, 0.0, 1.0)


def outcome_price(price, months, market: Market, employability: np.ndarray) -> np.ndarray:
    """Outcome payment for each client: the withheld price times the multiplier.

    ``price`` (per month) and ``months`` may be scalars or per-client arrays. With
    differential prices the payment is scaled so that its expected value is the same for
    every client (payment groups by employability): that of a client of employability
    ``market.payment_group_employability``; the guessed chance is floored at
    ``market.outcome_chance_floor`` so that the hardest to help are not priced without
    bound.
    """
    base = (1.0 - market.attachment_share) * price * months * market.outcome_price_multiplier
    if market.differential_prices:
        slope = market.expected_outcome_slope
        p = np.maximum(expected_outcome(employability, slope), market.outcome_chance_floor)
        reference = expected_outcome(np.array([market.payment_group_employability]), slope)
        return base * (reference[0] / p)
    return np.broadcast_to(base, employability.shape).astype(float)


EFFORT_STEPS = 8
"""Resolution of the effort grid between ``market.effort_min`` and ``market.effort_max``
(numerical, not behavioural; the contracted standard 1 is always on the grid)."""


@dataclass
class Contract:
    """What a provider is paid for one client under a unit's contract, EUR.

    Attributes:
        regime: ``output``, ``outcome`` or ``open_book``.
        price: the provider's price per client-month.
        cost: the provider's variable cost per client-month at the standard effort.
        months: the service's duration.
        outcome_pay: per client, the payment on a job within the follow-up (0 if none).
        fee_share: open books: the fee over cost.
        gain_share: open books: the provider's share of gain or pain on the target cost.
    """

    regime: str
    price: float
    cost: float
    months: int
    outcome_pay: np.ndarray
    fee_share: float = 0.0
    gain_share: float = 0.0


@lru_cache(maxsize=32)
def effort_grid(effort_min: float, effort_max: float, cost_share: float, elasticity: float,
                monitoring: float) -> tuple[np.ndarray, ...]:
    """The effort levels and the factors of :func:`expected_margins` that depend on them only.

    Performance: :func:`expected_margins` runs per provider and purchase (thousands of
    times a month at national scale); building the grid (``np.linspace``, ``np.r_``,
    ``np.unique``) and its factors each time cost more than the margins themselves. They
    depend only on these market parameters, so they are built once per set of values, by
    the same expressions as before (bit-identical), and kept read-only.

    Args:
        effort_min: ``market.effort_min``.
        effort_max: ``market.effort_max``.
        cost_share: ``market.effort_cost_share`` (κ).
        elasticity: ``market.effort_job_chance_elasticity`` (β).
        monitoring: ``market.monitoring_share``.

    Returns:
        (levels, cost factor 1 + κ (e − 1), chance factor 1 + β (e − 1), the share of the
        per-output payment kept at each level).
    """
    levels = np.unique(np.r_[np.linspace(effort_min, effort_max, EFFORT_STEPS), 1.0])
    cost = 1.0 + cost_share * (levels - 1.0)
    chance = 1.0 + elasticity * (levels - 1.0)
    kept = np.where(levels < 1.0, 1.0 - monitoring, 1.0)
    for a in (levels, cost, chance, kept):
        a.setflags(write=False)
    return levels, cost, chance, kept


def level_margins(contract: Contract, market: Market
                  ) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """The part of :func:`expected_margins` that is the same for every client.

    Returns:
        (the effort levels, the job chance factor 1 + β (e − 1) per level, the margin per
        level before the outcome payment).
    """
    levels, cost_factor, chance_factor, kept = effort_grid(
        market.effort_min, market.effort_max, market.effort_cost_share,
        market.effort_job_chance_elasticity, market.monitoring_share)
    c = contract
    cost = c.cost * c.months * cost_factor
    # A scalar per-output payment times ``kept`` is the same product, element by element,
    # as the array of that scalar the grid once held (np.full), without building it.
    if c.regime == "open_book":
        per_output = cost * (1.0 + c.fee_share)
    elif c.regime == "outcome":
        per_output = market.attachment_share * c.price * c.months
    else:
        per_output = c.price * c.months
    return levels, chance_factor, per_output * kept - cost * (1.0 + c.gain_share)


def expected_margins(contract: Contract, chance: np.ndarray, market: Market
                     ) -> tuple[np.ndarray, np.ndarray]:
    """Per client and effort level, the provider's expected margin; and the levels.

    Effort ``e`` (1 = the contracted standard) costs ``cost × months × (1 + κ (e − 1))``
    with κ = ``market.effort_cost_share``, and moves the job chance to
    ``chance × (1 + β (e − 1))`` (β = ``market.effort_job_chance_elasticity``, at most 1).
    Below the standard the buyer finds the shortfall with chance
    ``market.monitoring_share`` and withholds the per-output payment (the price, the
    attachment share, or the open-book cost and fee). Under open books the provider's
    share of gain/pain falls by ``gain_share`` of every extra euro of cost.

    Returns:
        (margins of shape clients × levels, the effort levels; read-only).
    """
    levels, chance_factor, margin = level_margins(contract, market)
    p = np.clip(chance[:, None] * chance_factor, 0.0, 1.0)
    return margin[None, :] + p * contract.outcome_pay[:, None], levels


def choose_effort(contract: Contract, chance: np.ndarray, market: Market
                  ) -> tuple[np.ndarray, np.ndarray]:
    """Each client's effort that maximises the provider's expected margin, and that margin.

    Ties go to the lower effort. Creaming and parking follow from the contract: under
    output pay the margin does not depend on the client, so every client gets the
    standard; under outcome pay clients with a low estimated chance are worth little.

    Performance: the margins of :func:`expected_margins` and their argmax in one compiled
    pass (:func:`_choose_effort_kernel`), without its clients × levels temporaries; at
    national scale a month has about a thousand choices of up to tens of thousands of
    clients. The kernel does the same operations in the same order (no fast-math), so the
    efforts and margins are bit-identical.
    """
    levels, chance_factor, margin = level_margins(contract, market)
    n = chance.size
    effort, best = np.empty(n), np.empty(n)
    _choose_effort_kernel(np.ascontiguousarray(chance, dtype=np.float64), chance_factor,
                          margin, np.ascontiguousarray(contract.outcome_pay, dtype=np.float64),
                          levels, effort, best)
    return effort, best


@nb.njit(cache=True)
def _choose_effort_kernel(chance, chance_factor, margin, outcome_pay, levels, effort, best):
    # Per client: margin[j] + clip(chance * chance_factor[j], 0, 1) * outcome_pay, and the
    # first level of the largest (a NaN wins at once), as np.clip and np.argmax do.
    for i in range(chance.shape[0]):
        k, top = -1, 0.0
        for j in range(levels.shape[0]):
            p = chance[i] * chance_factor[j]
            if p == p:  # np.clip: max(p, 0) then min(·, 1); a NaN stays
                p = p if p > 0.0 else 0.0
                p = p if p < 1.0 else 1.0
            v = margin[j] + p * outcome_pay[i]
            if k < 0 or not v <= top:  # larger, or a NaN
                k, top = j, v
                if v != v:
                    break
        effort[i] = levels[k]
        best[i] = top


def rank_providers(providers: list[ServiceProvider]) -> list[list[ServiceProvider]]:
    """Per service, its active providers, best quality per euro first (ties by index).

    Purchasing units filter these rankings by the providers they may buy from; they are
    made once a month, since quality and prices change only at the month's close.
    Performance: one pass over the providers, then an array sort per service (at national
    scale there are hundreds of own units).
    """
    if not providers:
        return [[] for _ in SERVICES]
    offers = np.array([p.offers for p in providers], dtype=bool)
    active = np.array([p.active for p in providers], dtype=bool)
    key = np.array([-p.quality / p.price_factor for p in providers])  # as Python computes it
    ranked = []
    for s in range(len(SERVICES)):
        idx = np.flatnonzero(active & offers[:, s])
        order = idx[np.lexsort((idx, key[idx]))]  # by key, then by index
        ranked.append([providers[i] for i in order.tolist()])
    return ranked


def pick_providers(candidates: list[ServiceProvider], load: np.ndarray, need: float,
                   count: int) -> np.ndarray:
    """Providers for ``count`` clients, taken from ``candidates`` in their ranked order.

    Args:
        candidates: the providers a purchasing unit may buy the service from, ranked by
            :func:`rank_providers`.
        load: client-slots each provider has in use; updated in place.
        need: capacity a client uses.
        count: clients to place.

    Returns:
        int64 array of provider indices, one per placed client (may be shorter than count
        when capacity runs out).
    """
    out: list[int] = []
    for p in candidates:
        if len(out) >= count:
            break
        free = p.capacity - load[p.index]
        take = int(min(count - len(out), np.floor(free / need) if need > 0 else count))
        if take > 0:
            out.extend([p.index] * take)
            load[p.index] += take * need
    return np.asarray(out, dtype=np.int64)
