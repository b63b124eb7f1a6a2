"""Hand-made organisers, providers, alliances and observations for the component tests.

Shared by tests/sim/organising and tests/sim/services: a region of three municipalities
A, B and C small enough that every expected number can be worked out by hand.

- organisers: budgets 900 (region), 300, 200 and 100 EUR a month; labour force 60, 30
  and 10; the region buys coaching and training half and half, A rehabilitation only, B
  coaching only, C both half and half.
- observed: per municipality labour force 100, 50, 50 and employed 80, 40, 45.
"""

from __future__ import annotations

from types import SimpleNamespace

import mesa
import numpy as np

from sim.collect import METRICS
from sim.organising.alliance import AllianceAgent
from sim.organising.kra import Observed
from sim.organising.ledger import Ledger
from sim.organising.organisers import Organisers
from sim.organising.units import UnitRegistry
from sim.scenario import LEVERS, SERVICES
from sim.scenario.organising import KRA, Alliance, Provider
from sim.services.providers import ServiceProvider

NAMES = ["region", "A", "B", "C"]
BUDGET = [900.0, 300.0, 200.0, 100.0]
LABOUR_FORCE = [60.0, 30.0, 10.0]
COACHING, TRAINING, REHABILITATION = (SERVICES.index(s) for s in
                                      ("coaching", "training", "rehabilitation"))


def organisers() -> Organisers:
    """The region and A, B, C with the budgets, mixes and labour force of the docstring."""
    mix = np.zeros((4, len(SERVICES)))
    mix[0, [COACHING, TRAINING]] = 0.5
    mix[1, REHABILITATION] = 1.0
    mix[2, COACHING] = 1.0
    mix[3, [COACHING, REHABILITATION]] = 0.5
    return Organisers(names=list(NAMES), index_of={n: k for k, n in enumerate(NAMES)},
                      budget=np.array(BUDGET), mix=mix,
                      labour_force_by_home=np.array(LABOUR_FORCE))


def model() -> mesa.Model:
    """An empty Mesa model to hold the agents (providers, alliances)."""
    return mesa.Model(rng=0)


def provider(model: mesa.Model, index: int, name: str, services: list[str], *,
             kind: str = "external", owner: int = -1, **fields) -> ServiceProvider:
    """A provider of ``services``; ``fields`` are :class:`Provider` fields (capacity 100)."""
    spec = Provider(name=name, kind=kind, services=services, **{"capacity": 100, **fields})
    return ServiceProvider(model, index, spec, owner)


def providers(model: mesa.Model) -> list[ServiceProvider]:
    """Two external providers (Coach Oy, Other Oy) and the region's and C's own units."""
    return [provider(model, 0, "Coach Oy", ["coaching", "training"]),
            provider(model, 1, "Other Oy", ["coaching"]),
            provider(model, 2, "region own unit", ["coaching", "training"], kind="own",
                     owner=0, cost_factor=1.0),
            provider(model, 3, "C own unit", ["coaching", "rehabilitation"], kind="own",
                     owner=3, cost_factor=1.0)]


def alliance(model: mesa.Model, orgs: Organisers, market_providers: list[ServiceProvider],
             *, levers: tuple[str, ...] = (), members: tuple[str, ...] = ("region", "A", "B"),
             index: int = 0, ledger: Ledger | None = None, **fields) -> AllianceAgent:
    """An alliance of ``members`` with only ``levers`` on: formation 2 months, development 3.

    So months 1-2 are formation, 3-5 development and 6 on implementation. ``fields`` are
    further :class:`Alliance` fields (contracted ``providers`` by name, KRAs, phases, ...).
    """
    fields = {"name": "Alliance", "formation_months": 2, "development_months": 3, **fields}
    spec = Alliance(members=list(members), levers={lever: lever in levers for lever in LEVERS},
                    **fields)
    market = SimpleNamespace(providers=market_providers)
    ledger = ledger or Ledger(orgs, UnitRegistry(orgs, []))
    return AllianceAgent(model, index, spec, orgs, market, ledger)


def employment_kra(improvement: float = 0.1) -> list[KRA]:
    """A single KRA, the employment rate, with the given improvement."""
    return [KRA(name="employment_rate", improvement=improvement)]


def observed(employed=(80.0, 40.0, 45.0), labour_force=(100.0, 50.0, 50.0),
             long_term=(3.0, 2.0, 1.0), firm_employment=(70.0, 30.0, 20.0),
             referrals=((10.0, 2.0), (5.0, 0.0), (0.0, 0.0)),
             hard_to_help_hires=(4.0, 1.0, 0.0)) -> Observed:
    """What an alliance sees at a quarter's end, per municipality A, B, C (region appended)."""
    stats = np.zeros((4, len(METRICS)))
    index = {name: k for k, name in enumerate(METRICS)}
    for name, values in (("employed", employed), ("labour_force", labour_force),
                         ("long_term_unemployed", long_term),
                         ("firm_employment", firm_employment)):
        stats[:3, index[name]] = values
        stats[3, index[name]] = sum(values)
    return Observed(stats, index, np.array(referrals), np.array(hard_to_help_hires))


class FixedDraws:
    """A stand-in for a random generator that returns given uniforms in turn.

    It makes a component's random choices known in advance, so that a test can say by hand
    who is lost, treated or drawn.
    """

    def __init__(self, values, permutation=None) -> None:
        self.values = list(values)
        self.order = permutation  # what ``permutation`` returns, when a test needs it

    def permutation(self, n: int) -> np.ndarray:
        """The given permutation (of ``n`` items)."""
        assert self.order is not None and len(self.order) == n, "the test gave no permutation"
        return np.array(self.order)

    def uniform(self, low: float, high: float) -> float:
        """The next number, scaled from [0, 1) to [low, high)."""
        return low + (high - low) * self.values.pop(0)

    def random(self, size: int | None = None):
        """The next ``size`` numbers (one float when ``size`` is None)."""
        if size is None:
            return self.values.pop(0)
        taken, self.values = self.values[:size], self.values[size:]
        assert len(taken) == size, "the test gave too few draws"
        return np.array(taken)
