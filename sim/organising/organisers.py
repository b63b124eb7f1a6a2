"""Organisers (järjestäjät): the region and its municipalities, their budgets and mixes.

Persons and firms live as arrays (see :mod:`sim.labour.population`); the actors that are
few and rich in behaviour are ``mesa.Agent`` objects: :class:`Municipality` and
:class:`Region` carry identity and geography. What they organise with is
:class:`Organisers`: one entry per organiser, numbered :data:`REGION_INDEX` (the region)
and 1 + k (municipality k), with each one's monthly budget and planned service mix.
"""

from __future__ import annotations

from dataclasses import dataclass

import mesa
import numpy as np

from ..labour.population import Geography, Persons
from ..scenario import SERVICES, Scenario

REGION_INDEX = 0
"""Organiser index of the region; municipality k is organiser k + 1."""

REGION_NAME = "region"
"""How scenarios name the region as an organiser (alliance members, provider owners)."""


class Municipality(mesa.Agent):
    """A municipality (kunta): an area of residence and of firms, and an organiser."""

    def __init__(
        self,
        model: mesa.Model,
        index: int,
        name: str,
        population: int,
        lat: float,
        lon: float,
        sub_region: str = "",
    ) -> None:
        """Create the municipality with its index into the model's arrays."""
        super().__init__(model)
        self.index = index
        self.name = name
        self.population = population
        self.lat = lat
        self.lon = lon
        self.sub_region = sub_region

    def __repr__(self) -> str:
        return f"Municipality({self.name!r})"


class Region(mesa.Agent):
    """The region (maakunta): organiser of business and employment services for all."""

    def __init__(self, model: mesa.Model, name: str, municipalities: list[Municipality]) -> None:
        """Create the region over its municipalities."""
        super().__init__(model)
        self.name = name
        self.municipalities = municipalities

    @property
    def population(self) -> int:
        """Residents of all municipalities."""
        return sum(m.population for m in self.municipalities)


@dataclass(frozen=True)
class Organisers:
    """Every organiser's name, budget and planned service mix, indexed by organiser.

    Attributes:
        names: ``"region"``, then the municipalities' names.
        index_of: organiser index by name.
        budget: growth-services budget per organiser, EUR per month.
        mix: (organisers × services) planned share of the service money per service.
        labour_force_by_home: persons in the labour force per municipality (persons do
            not move, so it is counted once).
        compensation: per municipality, the state's fixed compensation, EUR per month
            (``organisers.state_compensation_eur_per_resident``); None when there is none.
    """

    names: list[str]
    index_of: dict[str, int]
    budget: np.ndarray
    mix: np.ndarray
    labour_force_by_home: np.ndarray
    compensation: np.ndarray | None = None

    @classmethod
    def from_scenario(cls, scenario: Scenario, geo: Geography, persons: Persons) -> Organisers:
        """The region and every municipality with the budgets and mixes of ``scenario``."""
        org = scenario.organisers
        muni_budget = [org.municipal_budgets.get(n, org.municipal_budget_eur_per_resident * p)
                       for n, p in zip(geo.names, geo.population, strict=True)]
        region_budget = org.region_budget_eur_per_year
        if region_budget is None:
            region_budget = org.region_budget_eur_per_resident * float(geo.population.sum())
        mix = np.zeros((geo.size + 1, len(SERVICES)))
        for s, share in org.region_mix.items():
            mix[REGION_INDEX, SERVICES.index(s)] = share
        for s, share in org.municipal_mix.items():
            mix[1:, SERVICES.index(s)] = share
        return cls(
            names=[REGION_NAME, *geo.names],
            index_of={REGION_NAME: REGION_INDEX, **{n: k + 1 for k, n in enumerate(geo.names)}},
            budget=np.array([region_budget, *muni_budget]) / 12.0,
            mix=mix,
            labour_force_by_home=np.bincount(persons.home, minlength=geo.size).astype(float),
            compensation=(org.state_compensation_eur_per_resident / 12.0
                          * geo.population.astype(float)
                          if org.state_compensation_eur_per_resident > 0 else None),
        )

    @property
    def n_munis(self) -> int:
        """Number of municipalities."""
        return len(self.names) - 1

    def municipalities(self, members: list[int]) -> list[int]:
        """The municipality numbers (0-based) among organisers ``members``."""
        return [m - 1 for m in members if m != REGION_INDEX]

    def areas(self, members: list[int]) -> np.ndarray:
        """Bool per municipality: whose people ``members`` answer for.

        The members' municipalities; the region alone answers for the whole region.
        """
        areas = np.zeros(self.n_munis, dtype=bool)
        munis = self.municipalities(members)
        if munis:
            areas[munis] = True
        else:
            areas[:] = True
        return areas
