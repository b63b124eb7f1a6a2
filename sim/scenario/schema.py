"""The scenario (skenaario): one what-if case, every table of it validated.

The top of the schema: :class:`Scenario` gathers the tables of :mod:`.region`,
:mod:`.labour`, :mod:`.services`, :mod:`.organising` and :mod:`.market`, checks that the
region is given once, and applies the law (:mod:`.law`).
"""

from __future__ import annotations

from pydantic import Field, model_validator

from .base import Strict
from .labour import Economy, Firms, Labour, Matching
from .law import check_law
from .market import Market
from .organising import Alliance, HostArrangement, Organisers, Provider, Separate
from .region import Municipality, Simulation, SyntheticRegion, mean_internal_distance_km
from .services import Experiment, Services, Targeting


class Scenario(Strict):
    """One what-if case: a region, its people and firms, and the rules of the run."""

    name: str = Field(min_length=1, description="Short name, used in outputs.")
    description: str = Field("", description="The question this scenario answers.")
    simulation: Simulation = Simulation()
    labour: Labour = Labour()
    firms: Firms = Firms()
    matching: Matching = Matching()
    municipalities: list[Municipality] | None = Field(
        None, description="The municipalities of the region, with population and centre."
    )
    synthetic_region: SyntheticRegion | None = Field(
        None, description="A generated region instead of a list of municipalities."
    )
    services: Services = Services()
    targeting: Targeting = Targeting()
    organisers: Organisers = Organisers()
    providers: list[Provider] = Field(
        [], max_length=10_000,  # entrants come on top; provider ids are int16 in the model
        description="Service providers of the region (at most 10,000).")
    market: Market = Market()
    separate: Separate = Separate()
    economy: Economy = Economy()
    alliance: Alliance | None = Field(None, description="One alliance ([alliance]).")
    alliances: list[Alliance] = Field([], description="Further alliances ([[alliances]]).")
    host_arrangements: list[HostArrangement] = Field(
        [], description="Host-municipality arrangements (vastuukuntamalli)."
    )
    experiment: Experiment | None = Field(
        None, description="A randomised trial of one service from month 0 ([experiment])."
    )

    @model_validator(mode="after")
    def _one_geography(self) -> Scenario:
        if (self.municipalities is None) == (self.synthetic_region is None):
            raise ValueError("give exactly one of [[municipalities]] and [synthetic_region]")
        if self.municipalities is not None:
            names = [m.name for m in self.municipalities]
            if len(set(names)) != len(names):
                raise ValueError("municipality names must be unique")
            if not names:
                raise ValueError("municipalities must not be empty")
        self._homes_reach_their_jobs()
        check_law(self)
        return self

    def _homes_reach_their_jobs(self) -> None:
        """A municipality's residents must be able to reach its own jobs.

        The commuting distance inside a municipality grows with its area; beyond the
        commuting reach its residents could never work at home, and job finding would stop
        without a word.
        """
        reach = self.matching.commuting_reach_km
        if self.municipalities is not None:
            for k, m in enumerate(self.municipalities):
                if m.land_area_km2 is None:
                    continue
                inside = float(mean_internal_distance_km(m.land_area_km2))
                if inside > reach:
                    raise ValueError(
                        f"municipalities[{k}] ({m.name}).land_area_km2: {m.land_area_km2:g} km² "
                        f"puts its own jobs {inside:.0f} km from its residents on average, "
                        f"beyond matching.commuting_reach_km = {reach:g} km: they could "
                        "never work at home")
        else:
            syn = self.synthetic_region
            area = syn.width_km * syn.height_km / syn.municipalities
            inside = float(mean_internal_distance_km(area))
            if inside > reach:
                raise ValueError(
                    f"synthetic_region: {syn.municipalities} municipalities on "
                    f"{syn.width_km:g} × {syn.height_km:g} km put each one's jobs {inside:.0f} "
                    f"km from its residents on average, beyond matching.commuting_reach_km = "
                    f"{reach:g} km")

    @property
    def all_alliances(self) -> list[Alliance]:
        """``[alliance]`` followed by ``[[alliances]]``."""
        return ([self.alliance] if self.alliance is not None else []) + list(self.alliances)

    @property
    def skill_groups(self) -> int:
        """Number of skill groups."""
        return len(self.labour.skill_shares)

    def with_overrides(self, overrides) -> Scenario:
        """This scenario with ``overrides`` applied and validated again.

        Args:
            overrides: a mapping from key path to value
                (``{"municipalities.Tampere.population": 250000}``) or ``key.path=value``
                strings as ``--set`` takes them; see :mod:`sim.scenario.overrides`.

        Raises:
            ScenarioError: the key path or value that is wrong, as ``--set`` reports it.
        """
        from .loading import with_overrides  # loading imports this module

        return with_overrides(self, overrides)
