"""Scenario parameters (skenaarion parametrit): types, units, ranges and sources.

This is the ground floor of ``sim``: it imports nothing of the project. Every parameter
carries its unit and its source in its description; the descriptions are what
``kasvu scenarios --schema`` prints and what the README's parameter table is made of.
Values marked *assumption* have no public figure behind them and are meant to be swept.
"""

from __future__ import annotations

from typing import Annotated

from pydantic import BaseModel, ConfigDict, Field, model_validator

from .law import check_law
from .params_services import (
    Alliance,
    Economy,
    Experiment,
    HostArrangement,
    Market,
    Organisers,
    Provider,
    Separate,
    Services,
    Targeting,
)

Share = Annotated[float, Field(ge=0.0, le=1.0)]
"""A fraction in [0, 1]."""


class _Strict(BaseModel):
    """Base for every scenario table: unknown keys and silent type coercion are errors."""

    model_config = ConfigDict(extra="forbid", strict=True, frozen=True)


class Municipality(_Strict):
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


class SyntheticRegion(_Strict):
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


class Simulation(_Strict):
    """Length of a run and of its burn-in."""

    months: int = Field(60, ge=1, description="Months simulated after month 0.")
    burn_in_months: int = Field(
        36,
        ge=0,
        description="Months run before month 0 and discarded, so that month 0 is the "
        "model's own steady state rather than the initial guess.",
    )
    seed: int = Field(1, ge=0, description="Default seed when the caller gives none.")


class Labour(_Strict):
    """The labour force (työvoima): its size, skills and unemployment dynamics."""

    labour_force_share: Share = Field(
        0.494,
        description="Labour force / population. Source: Statistics Finland labour force "
        "survey 2024, 2.84 million of 5.6 million residents.",
    )
    initial_unemployment_rate: Share = Field(
        0.10,
        description="Unemployed / labour force before burn-in; the burn-in moves it. Sets "
        "the jobs firms want: the employed of the initial draw plus the initial vacancy rate "
        "(assumption; a region's scenario gives its own figure, Pirkanmaa 13.4 %).",
    )
    skill_shares: list[Share] = Field(
        [0.25, 0.40, 0.35],
        min_length=1,
        description="Share of the labour force in each skill group, low to high "
        "(assumption: basic, vocational, higher education).",
    )
    employability_beta: list[float] = Field(
        [5.0, 2.0],
        min_length=2,
        max_length=2,
        description="Beta(a, b) parameters of baseline employability, a latent score in "
        "[0, 1] that firms rank applicants by (assumption).",
    )
    monthly_separation_rate: Share = Field(
        0.0154,
        description="Monthly probability that an employed person leaves a job into "
        "unemployment for reasons other than the firm's demand (contracts ending, quits); "
        "per month (calibration (calibration/result.json): with the vacancy stock it sets "
        "the share of unemployment spells ending within 3 months, 46 %, Ministry of Economic "
        "Affairs and Employment, Jan-Nov 2025).",
    )
    scarring_rate: Share = Field(
        0.00825,
        description="Relative loss of employability per month of unemployment (scarring); "
        "per month (calibration (calibration/result.json): with ranking_noise it sets the "
        "long-term share of unemployment, 41.9 %, Ministry of Economic Affairs and "
        "Employment, Nov 2025).",
    )
    recovery_rate: Share = Field(
        0.05,
        description="Share of the gap to baseline employability recovered per month in "
        "work; per month (assumption).",
    )
    employability_floor: Share = Field(
        0.05, description="Employability never falls below this (assumption)."
    )
    long_term_months: int = Field(
        12,
        ge=1,
        description="Months of unemployment after which a person is long-term "
        "unemployed. Source: Statistics Finland definition (12+ months).",
    )
    initial_mean_duration_months: float = Field(
        14.0,
        gt=0,
        description="Mean of the geometric distribution of initial unemployment "
        "durations, months (assumption; 41.9 % long-term, Ministry of Economic Affairs "
        "and Employment, Nov 2025).",
    )

    @model_validator(mode="after")
    def _shares_sum_to_one(self) -> Labour:
        total = sum(self.skill_shares)
        if abs(total - 1.0) > 1e-6:
            raise ValueError(f"skill_shares must sum to 1, they sum to {total:.6g}")
        a, b = self.employability_beta
        if a <= 0 or b <= 0:
            raise ValueError("employability_beta parameters must both be > 0")
        return self


class Firms(_Strict):
    """Firms (yritykset): count, size distribution, demand shocks, births and deaths."""

    firms_per_1000_residents: float = Field(
        53.6,
        ge=0,
        description="Firms per 1,000 residents. Source: Statistics Finland 2020, 294,965 "
        "enterprises excluding primary production / 5.5 million residents.",
    )
    size_zipf_exponent: float = Field(
        1.0,
        gt=0,
        description="Exponent of the firm size tail, P(size > s) ∝ s^-exponent. Source: "
        "Axtell 2001 (Zipf, exponent 1).",
    )
    max_size: int = Field(
        5000, ge=1, description="Largest baseline firm size, employees (assumption)."
    )
    initial_vacancy_rate: Share = Field(
        0.0422,
        description="Jobs firms want beyond those filled at the start, / filled jobs; with "
        "the open-vacancy stock it sets the unemployment rate the burn-in settles at "
        "(calibration (calibration/result.json): Pirkanmaa 13.4 %, Jan 2026).",
    )
    demand_shock_sd: float = Field(
        0.05,
        ge=0,
        description="Standard deviation of a one-employee firm's monthly log demand shock "
        "(Laplace); larger firms scale it by size^volatility_exponent (assumption; the "
        "tent shape follows Bottazzi & Secchi).",
    )
    volatility_exponent: float = Field(
        -0.2,
        le=0,
        description="Exponent of the fall of volatility with size, σ ∝ S^exponent. "
        "Source: Bottazzi & Secchi (-0.2).",
    )
    mean_reversion: Share = Field(
        0.10,
        description="Monthly pull of a firm's demand back to its baseline scale, share "
        "of the log gap closed per month (assumption).",
    )
    monthly_death_rate: Share = Field(
        0.007,
        description="Monthly death probability of a one-employee firm; scaled by "
        "size^death_size_exponent (assumption: about 8 % a year for micro firms).",
    )
    death_size_exponent: float = Field(
        -0.5, le=0, description="Fall of the death rate with size (assumption)."
    )
    monthly_birth_rate: Share | None = Field(
        None,
        description="Expected firm births per month as a share of each municipality's "
        "initial firm count. When absent, the initial firms' mean death probability, so "
        "that births match deaths in the steady state (assumption).",
    )
    startup_size: int = Field(
        1,
        ge=1,
        description="Demand of a newborn firm, employees; it grows toward its "
        "baseline by mean reversion (assumption).",
    )
    skill_demand_shares: list[Share] | None = Field(
        None,
        description="Share of firms demanding each skill group; defaults to the labour "
        "force's skill_shares (assumption: demand mirrors supply).",
    )
    productivity_sd: float = Field(
        0.3,
        ge=0,
        description="Standard deviation of log productivity across firms; productivity "
        "is the pay a job offers relative to the mean (assumption).",
    )

    @model_validator(mode="after")
    def _demand_shares_sum_to_one(self) -> Firms:
        if self.skill_demand_shares is not None:
            total = sum(self.skill_demand_shares)
            if abs(total - 1.0) > 1e-6:
                raise ValueError(f"skill_demand_shares must sum to 1, they sum to {total:.6g}")
        return self


class Matching(_Strict):
    """Job search and matching (työnhaku ja kohtaanto): the rules of the hot loop."""

    applications_per_month: int = Field(
        4,
        ge=0,
        le=64,
        description="Applications an unemployed person sends per month. Source: Nordic "
        "employment-service model (2022), up to 4 a month.",
    )
    rounds_per_month: int = Field(
        2, ge=1, le=8, description="Application-offer-acceptance rounds in one month (assumption)."
    )
    commuting_reach_km: float = Field(
        80.0,
        gt=0,
        description="Largest distance between home and job that a person applies across, "
        "km (assumption).",
    )
    distance_decay_km: float = Field(
        20.0,
        gt=0,
        description="Distance at which the weight of a vacancy falls to 1/e, km (assumption).",
    )
    skill_mismatch_penalty: float = Field(
        1.5,
        ge=0,
        description="Fit of a person of skill s to a job of skill g is exp(-penalty·|s-g|); "
        "weights applications and scales the firm's score (assumption).",
    )
    ranking_noise: float = Field(
        1.26,
        ge=0,
        description="Spread of a firm's judgement of an applicant: the score is multiplied "
        "by exp(noise·v), v uniform with unit variance (calibration "
        "(calibration/result.json), with labour.scarring_rate, to the long-term share of "
        "unemployment, 41.9 %).",
    )
    recruiting_share: Share = Field(
        0.419,
        description="Share of firms with open vacancies that screen and hire in a month; a "
        "vacancy stays open about 1 / share months (calibration (calibration/result.json): "
        "open vacancies per unemployed jobseeker 0.18, 57,800 open vacancies at employment "
        "services, Sept 2025, / 318,700 registered unemployed, Nov 2025).",
    )
    commuting_cost_per_km: float = Field(
        0.004,
        ge=0,
        description="Value of an offer falls by this per km of commute, in units of mean "
        "pay (assumption).",
    )


class Scenario(_Strict):
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
    providers: list[Provider] = Field([], description="Service providers of the region.")
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
        check_law(self)
        return self

    @property
    def all_alliances(self) -> list[Alliance]:
        """``[alliance]`` followed by ``[[alliances]]``."""
        return ([self.alliance] if self.alliance is not None else []) + list(self.alliances)

    @property
    def skill_groups(self) -> int:
        """Number of skill groups."""
        return len(self.labour.skill_shares)
