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

import mesa
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

    def close_month(self, learning_per_year: float, joint_learning: float,
                    best_quality: float, best_practice_pull: float = 0.0) -> None:
        """Book fixed cost and cash; learn from this month's clients.

        Variable costs (client-months × cost) are booked as clients are served.

        Args:
            learning_per_year: yearly relative rise of quality at full use of capacity.
            joint_learning: the learning multiplier (1 outside joint learning).
            best_quality: quality of the best provider it learns from.
            best_practice_pull: share of the gap to ``best_quality`` closed this month per
                unit of ``joint_learning`` above 1 (``alliance.best_practice_pull``).
        """
        self.cost += self.fixed_cost if self.active else 0.0
        self.cash += self.revenue + self.gain_pain + self.kra_bonus - self.cost
        self.quarter_revenue += self.revenue + self.gain_pain + self.kra_bonus
        self.quarter_cost += self.cost
        if self.active and self.capacity > 0:
            use = min(self.clients / self.capacity, 1.0)
            self.quality *= 1.0 + joint_learning * learning_per_year / 12.0 * use
            if joint_learning > 1.0 and best_quality > self.quality:
                # Joint learning: practice spreads from the best provider in the alliance.
                self.quality += best_practice_pull * (joint_learning - 1.0) * (
                    best_quality - self.quality)
            self.quality = min(self.quality, 3.0)

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
    ``market.payment_group_employability``.
    """
    base = (1.0 - market.attachment_share) * price * months * market.outcome_price_multiplier
    if market.differential_prices:
        slope = market.expected_outcome_slope
        p = np.maximum(expected_outcome(employability, slope), 0.05)
        reference = expected_outcome(np.array([market.payment_group_employability]), slope)
        return base * (reference[0] / p)
    return np.broadcast_to(base, employability.shape).astype(float)


def effort_and_order(regime: str, price: float, months: int,
                     market: Market, employability: np.ndarray,
                     rng: np.random.Generator) -> tuple[np.ndarray, np.ndarray]:
    """How hard a provider tries for each client, and in what order it takes them.

    Under output pay or open books every client gets effort 1 in random order. Under
    outcome pay a client whose expected outcome payment covers the withheld price gets
    ``outcome_effort``, the others ``parking_effort`` (parking), and clients are taken in
    order of their chance of a job (creaming: when capacity runs short, the hard to help are
    the ones left out).

    Returns:
        (effort per client, order in which to take them).
    """
    n = employability.shape[0]
    if regime != "outcome":
        return np.ones(n), rng.permutation(n)
    p = expected_outcome(employability, market.expected_outcome_slope)
    payoff = p * outcome_price(price, months, market, employability)
    worth = payoff >= (1.0 - market.attachment_share) * price * months
    effort = np.where(worth, market.outcome_effort, market.parking_effort)
    order = np.argsort(-payoff, kind="stable")
    return effort, order


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
