"""Institutional agents (organisers, järjestäjät): the region and its municipalities.

Persons and firms live as arrays (see :mod:`sim.populations`); the actors that are few and
rich in behaviour are ordinary ``mesa.Agent`` objects. In the core model they carry the
identity, geography and labour force of each area; budgets, statutory duties and accounts
attach to them as the cooperation models grow.
"""

from __future__ import annotations

import mesa


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
