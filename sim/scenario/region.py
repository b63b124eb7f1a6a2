"""Geography and the length of a run (alue ja ajo): municipalities or a generated region.

Types, units, ranges and sources, no behaviour; every parameter's description is what
``kasvu scenarios --schema`` and ``docs/parameters.md`` show.
"""

from __future__ import annotations

import numpy as np
from pydantic import Field, model_validator

from .base import MAX_SEED, Strict

MAX_MONTHS = 1200
"""The longest run or burn-in, months (a century)."""


def mean_internal_distance_km(area_km2):
    """Mean commuting distance inside a municipality of ``area_km2`` (scalar or array).

    The mean distance from the centre of a disc of that area to a uniform point in it:
    two thirds of the radius.
    """
    return (2.0 / 3.0) * np.sqrt(area_km2 / np.pi)


class Municipality(Strict):
    """A municipality (kunta): an area of residence, of firms and, later, an organiser."""

    name: str = Field(min_length=1, description="Municipality name (kunta).")
    population: int = Field(
        gt=0, description="Residents, persons. Source: Statistics Finland, see scenario file."
    )
    lat: float = Field(ge=-90, le=90, description="Latitude of the centre, degrees.")
    lon: float = Field(ge=-180, le=180, description="Longitude of the centre, degrees.")
    sub_region: str = Field("", description="Sub-region (seutukunta), for grouping.")
    land_area_km2: float | None = Field(
        None,
        gt=0,
        description="Land area, km². Sets the mean commuting distance inside the municipality "
        "(the radius of a disc of this area); 25 km² when absent (assumption).",
    )

class SyntheticRegion(Strict):
    """A generated region for scale tests: Zipf-sized municipalities on a rectangle."""

    municipalities: int = Field(gt=0, description="Number of municipalities.")
    population: int = Field(gt=0, description="Total residents, persons.")
    zipf_exponent: float = Field(
        1.0, gt=0, description="Exponent of the rank-size rule of municipality populations."
    )
    center_lat: float = Field(62.0, ge=-90, le=90, description="Centre latitude, degrees.")
    center_lon: float = Field(25.0, ge=-180, le=180, description="Centre longitude, degrees.")
    width_km: float = Field(400.0, gt=0, description="East-west extent, km.")
    height_km: float = Field(900.0, gt=0, description="North-south extent, km.")
    layout_seed: int = Field(0, ge=0, description="Seed of the layout (not of the run).")
    regions: int = Field(
        1,
        ge=1,
        description="Regions (maakunnat) the municipalities are grouped into, each "
        "municipality's ``sub_region`` then naming its region (R00, R01, ...): the largest "
        "municipalities are the regions' centres, the others join a random region and lie "
        "around its centre. 1: one region, municipalities spread over the whole rectangle.",
    )

    @model_validator(mode="after")
    def _regions_fit(self) -> SyntheticRegion:
        if self.regions > self.municipalities:
            raise ValueError(f"regions: {self.regions} regions need at least as many "
                             f"municipalities, there are {self.municipalities}")
        return self

class Simulation(Strict):
    """Length of a run and of its burn-in."""

    months: int = Field(60, ge=1, le=MAX_MONTHS, description="Months simulated after month 0.")
    burn_in_months: int = Field(
        36,
        ge=0,
        le=MAX_MONTHS,
        description="Months run before month 0 and discarded, so that month 0 is the "
        "model's own steady state rather than the initial guess.",
    )
    seed: int = Field(1, ge=0, le=MAX_SEED,
                      description="Default seed when the caller gives none.")
