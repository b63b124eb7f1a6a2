"""The service catalogue's parameters (palvelut): services, targeting, a randomised trial.

Types, units, ranges and sources, no behaviour. Money is in euros (EUR), durations in
months. Figures marked *assumption* have no public source and are meant to be swept; the
sources are in ``docs/model.md``.
"""

from __future__ import annotations

from typing import Any, Literal

from pydantic import Field, model_validator

from .base import Strict, plausible

SERVICES = (
    "coaching",
    "training",
    "wage_subsidy",
    "rehabilitation",
    "business_advisory",
    "growth_funding",
    "recruitment",
    "start_up_grant",
)
"""The eight services (see docs/model.md), in a fixed order used as array index."""

PERSON_SERVICES = ("coaching", "training", "wage_subsidy", "rehabilitation", "start_up_grant")

FIRM_SERVICES = ("business_advisory", "growth_funding", "recruitment")

TRANSFERS = ("wage_subsidy", "start_up_grant")
"""Services paid by the organiser to the client (or employer), not bought from a provider."""

PERSON_EFFECTS = ("extra_applications", "score_boost", "lock_in", "employability_gain",
                  "recovery_per_month")
"""Fields of a service spec that act on persons: read for person services only."""

FIRM_EFFECTS = ("productivity_gain", "survival_gain", "growth_gain")
"""Fields of a service spec that act on firms: read for firm services only."""

class ServiceSpec(Strict):
    """One service: its cost, duration, capacity need and effects (palvelu)."""

    cost_eur_per_month: float = Field(
        ge=0, description="Cost (kuukausikustannus): "
        "cost per client and month, EUR (assumption: of the right order for "
        "Finland)."
    )
    duration_months: int = Field(
        ge=1, le=36, description="Duration (palvelun kesto): "
        "months a client stays in it (assumption)."
    )
    capacity_need: float = Field(
        1.0, ge=0, description="Capacity need (kapasiteettitarve): "
        "provider capacity a client uses per month, client-slots "
        "(assumption)."
    )
    extra_applications: int = Field(
        0, ge=0, le=16, description="Extra job applications per month while in the service "
        "(assumption, sized to the short-run gain of job-search assistance in Card, Kluve & "
        "Weber 2018)."
    )
    score_boost: float = Field(
        0.0, ge=0, description="Relative rise of the score firms give the client while in "
        "the service (wage subsidy: a cheaper hire; coaching: better applications); assumption, "
        "sized to Card, Kluve & Weber 2018."
    )
    lock_in: float = Field(
        0.0, ge=0, le=1, description="Lock-in (lukkiutuminen): "
        "share of applications not sent while in the service "
        "(lock-in; assumption, sized to Card, Kluve & Weber 2018)."
    )
    employability_gain: float = Field(
        0.0, ge=0, le=1, description="Employability gain (työllistyvyyden nousu): "
        "rise of baseline employability on completion, "
        "absolute, at quality 1 (assumption, sized to the long-run gains in Card, Kluve & Weber "
        "2018)."
    )
    recovery_per_month: float = Field(
        0.0, ge=0, le=1, description="Share of the gap to baseline employability recovered "
        "per month in the service (rehabilitation; assumption)."
    )
    productivity_gain: float = Field(
        0.0, ge=0, description="Relative rise of a client firm's productivity (assumption)."
    )
    survival_gain: float = Field(
        0.0, ge=0, le=1, description="Relative fall of a client firm's death rate while served "
        "(assumption)."
    )
    growth_gain: float = Field(
        0.0, ge=0, description="Relative rise of a client firm's baseline scale (investment; "
        "assumption)."
    )

def _svc(**kw) -> ServiceSpec:
    return ServiceSpec(**kw)


SERVICE_RANGE_NOTES = {
    "cost_eur_per_month": "assumption: ±50 % around the default; no source found",
    "duration_months": "assumption: half to double the default, in whole months; no source "
    "found",
    "capacity_need": "assumption: a client uses half to twice a standard client-slot; no "
    "source found",
    "extra_applications": "half to double the default, sized to the short-run gain of "
    "job-search assistance in Card, Kluve & Weber 2018",
    "score_boost": "half to double the default, sized to the short-run gains in Card, Kluve & "
    "Weber 2018",
    "lock_in": "about ±40 % around the default, sized to the short-run loss of training in "
    "Card, Kluve & Weber 2018",
    "employability_gain": "half to double the default: Card, Kluve & Weber 2018 find +1.6 pp "
    "of employment after a year, +5.4 pp after 1–2 years and +8.7 pp after 2+ years on "
    "average, most for training",
    "recovery_per_month": "assumption: half to double the default; no source found",
    "productivity_gain": "assumption: a third to double the default; no source found",
    "survival_gain": "assumption: half to about 1.7 times the default; no source found",
    "growth_gain": "assumption: half to double the default; no source found",
}
"""Why each service field's plausible range is what it is (the same reason for every
service; each service table gives its own range around its own default)."""


def _ranges(**ranges: tuple[float, float]) -> dict[str, Any]:
    """``json_schema_extra`` of a service table: the plausible ranges of its fields.

    One field of :class:`ServiceSpec` has eight defaults, one per service, so its range is
    given per service, in the service's table: ``{"plausible_ranges": {field:
    {"plausible_range": [low, high], "range_note": why}}}`` (see :mod:`.ranges`).
    """
    return {"plausible_ranges": {name: plausible(low, high, SERVICE_RANGE_NOTES[name])
                                 for name, (low, high) in ranges.items()}}


class Services(Strict):
    """The service catalogue (palveluvalikoima), calibrated to Card, Kluve & Weber 2018.

    Defaults give small short-run and larger long-run gains, training best in the long run
    and job-search assistance best in the short run; ``tests/test_services.py`` measures the
    pattern in the model itself. Costs are assumptions of the right order for Finland.
    """

    coaching: ServiceSpec = Field(
        _svc(cost_eur_per_month=450.0, duration_months=3, extra_applications=2,
             score_boost=0.12, employability_gain=0.01),
        json_schema_extra=_ranges(cost_eur_per_month=(225.0, 675.0), duration_months=(1, 6),
                                  capacity_need=(0.5, 2.0), extra_applications=(1, 4),
                                  score_boost=(0.06, 0.24), employability_gain=(0.005, 0.02)))
    training: ServiceSpec = Field(
        _svc(cost_eur_per_month=1300.0, duration_months=6, lock_in=0.35,
             employability_gain=0.08),
        json_schema_extra=_ranges(cost_eur_per_month=(650.0, 1950.0), duration_months=(3, 12),
                                  capacity_need=(0.5, 2.0), lock_in=(0.2, 0.5),
                                  employability_gain=(0.04, 0.16)))
    wage_subsidy: ServiceSpec = Field(
        _svc(cost_eur_per_month=900.0, duration_months=6, score_boost=0.12,
             employability_gain=0.02),
        json_schema_extra=_ranges(cost_eur_per_month=(450.0, 1350.0), duration_months=(3, 12),
                                  score_boost=(0.06, 0.24), employability_gain=(0.01, 0.04)))
    rehabilitation: ServiceSpec = Field(
        _svc(cost_eur_per_month=400.0, duration_months=6, lock_in=0.5,
             recovery_per_month=0.05, employability_gain=0.03),
        json_schema_extra=_ranges(cost_eur_per_month=(200.0, 600.0), duration_months=(3, 12),
                                  capacity_need=(0.5, 2.0), lock_in=(0.3, 0.7),
                                  employability_gain=(0.015, 0.06),
                                  recovery_per_month=(0.025, 0.1)))
    business_advisory: ServiceSpec = Field(
        _svc(cost_eur_per_month=1500.0, duration_months=2, productivity_gain=0.03,
             survival_gain=0.3),
        json_schema_extra=_ranges(cost_eur_per_month=(750.0, 2250.0), duration_months=(1, 4),
                                  capacity_need=(0.5, 2.0), productivity_gain=(0.01, 0.06),
                                  survival_gain=(0.15, 0.5)))
    growth_funding: ServiceSpec = Field(
        _svc(cost_eur_per_month=8000.0, duration_months=3, growth_gain=0.12,
             survival_gain=0.2),
        json_schema_extra=_ranges(cost_eur_per_month=(4000.0, 12000.0), duration_months=(1, 6),
                                  capacity_need=(0.5, 2.0), growth_gain=(0.06, 0.24),
                                  survival_gain=(0.1, 0.34)))
    recruitment: ServiceSpec = Field(
        _svc(cost_eur_per_month=600.0, duration_months=2),
        json_schema_extra=_ranges(cost_eur_per_month=(300.0, 900.0), duration_months=(1, 4),
                                  capacity_need=(0.5, 2.0)))
    start_up_grant: ServiceSpec = Field(
        _svc(cost_eur_per_month=750.0, duration_months=6),
        json_schema_extra=_ranges(cost_eur_per_month=(375.0, 1125.0), duration_months=(3, 12)))

    def spec(self, name: str) -> ServiceSpec:
        """The spec of service ``name``."""
        return getattr(self, name)

class Targeting(Strict):
    """Who is eligible for which service (kohdentaminen)."""

    training_after_months: int = Field(3, ge=0, description="Unemployment months before training.")
    wage_subsidy_after_months: int = Field(
        12, ge=0, description="Unemployment months before a wage subsidy (long-term)."
    )
    rehabilitation_below_employability: float = Field(
        0.45, ge=0, le=1, description="Employability under which rehabilitation is offered."
    )
    start_up_above_employability: float = Field(
        0.6, ge=0, le=1, description="Employability over which a start-up grant is offered."
    )
    advisory_max_firm_size: int = Field(
        20, ge=1, description="Largest firm (employees) offered business advisory."
    )

class Experiment(Strict):
    """A randomised trial inside a run (satunnaistettu koe), to measure a service's effect.

    At month 0 every person eligible for ``service`` is assigned to it with probability
    ``treated_share``; the others are the control group. Set the organisers' budgets to 0
    to keep the groups clean of other services. The run's ``experiment`` table gives each
    group's employment month by month.

    With ``municipality_shares`` the trial has two levels, as in Crépon, Duflo, Gurgand,
    Rathelot & Zamora (2013): each municipality is first given one of the shares at random,
    then its eligible are assigned at its share. Comparing the untreated of treated
    municipalities with those of untreated ones shows what the treated take from others
    (displacement, syrjäytysvaikutus).
    """

    service: Literal["coaching", "training", "wage_subsidy", "rehabilitation",
                     "start_up_grant"] = Field(description="The person service tested.")
    treated_share: float = Field(0.5, gt=0, lt=1, description="Share assigned to it.")
    municipality_shares: list[float] | None = Field(
        None, min_length=2, description="Two-level design: treated shares (0-1) dealt to "
        "the municipalities in random order, in turn, so that each share goes to as many "
        "municipalities as the others (±1); replaces treated_share, and the table has a row "
        "per municipality and group.")

    @model_validator(mode="after")
    def _shares_are_shares(self) -> Experiment:
        shares = self.municipality_shares
        if shares is not None:
            if any(not 0.0 <= x <= 1.0 for x in shares):
                raise ValueError("municipality_shares: each share must lie in [0, 1]")
            if len(set(shares)) < 2:
                raise ValueError("municipality_shares: give at least two different shares, "
                                 "or use treated_share")
        return self
