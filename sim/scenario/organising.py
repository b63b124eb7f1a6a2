"""Organisers, providers and cooperation (järjestäjät, tuottajat ja yhteistyö): parameters.

Separate action (``[separate]``), the organisers' budgets and books (``[organisers]``), the
providers and their market (``[[providers]]``, ``[market]``), alliances (``[alliance]``,
``[[alliances]]``) and host-municipality arrangements. Types, units, ranges and sources, no
behaviour; money in euros (EUR), durations in months.
"""

from __future__ import annotations

from typing import Literal

from pydantic import Field, model_validator

from .base import Strict
from .services import PERSON_SERVICES, SERVICES

LEVERS = (
    "pooled_budget",
    "shared_vacancies",
    "unified_referrals",
    "joint_office",
    "outcome_payment",
    "gain_pain_share",
    "joint_learning",
    "joint_decisions",
)
"""The alliance levers (allianssin vivut), each switchable on its own."""

STATUTORY_MIN_CONTACTS_PER_MONTH = 1.0
"""Legal floor of caseworker contacts per jobseeker and month (initial interview and regular
contacts; the Nordic model of 2022 asks for one every two weeks in the first three months,
so one a month is the floor kept throughout). A scenario may raise it, never lower it."""

def check_mix(mix: dict[str, float]) -> None:
    """A service mix names known services with shares >= 0 summing to 1 (or is empty)."""
    unknown = sorted(set(mix) - set(SERVICES))
    if unknown:
        raise ValueError(f"mix names unknown services {unknown}; services are {SERVICES}")
    if any(v < 0 for v in mix.values()):
        raise ValueError("mix shares must be >= 0")
    total = sum(mix.values())
    if total and abs(total - 1.0) > 1e-6:
        raise ValueError(f"mix shares must sum to 1, they sum to {total:.6g}")

class Organisers(Strict):
    """The region and the municipalities as organisers, and their accounts."""

    region_budget_eur_per_resident: float = Field(
        120.0, ge=0, description="The region's yearly growth-services budget per resident, "
        "EUR (assumption, sized so that about a quarter of jobseekers are in services, as "
        "in the employment service statistics).",
    )
    region_budget_eur_per_year: float | None = Field(
        None, ge=0, description="The region's yearly budget, EUR, overriding the per-resident "
        "rule.",
    )
    region_mix: dict[str, float] = Field(
        {"coaching": 0.22, "training": 0.32, "wage_subsidy": 0.16, "start_up_grant": 0.05,
         "business_advisory": 0.09, "growth_funding": 0.11, "recruitment": 0.05},
        description="The region's planned service mix (shares summing to 1).",
    )
    municipal_budget_eur_per_resident: float = Field(
        30.0, ge=0, description="Each municipality's yearly growth-services budget per "
        "resident, EUR (assumption: vitality and municipal employment measures).",
    )
    municipal_mix: dict[str, float] = Field(
        {"rehabilitation": 0.40, "coaching": 0.25, "wage_subsidy": 0.15,
         "business_advisory": 0.15, "recruitment": 0.05},
        description="Planned service mix of every municipality (shares summing to 1).",
    )
    municipal_budgets: dict[str, float] = Field(
        {}, description="Yearly budget of named municipalities, EUR, overriding the "
        "per-resident rule.",
    )
    min_contacts_per_month: float = Field(
        STATUTORY_MIN_CONTACTS_PER_MONTH,
        ge=0,
        description="Caseworker contacts per jobseeker and month (statutory minimum "
        "service). Must not fall below the legal floor. Source: the Nordic employment-service "
        "model (2022), one contact a month kept throughout as the statutory floor.",
    )
    caseworker_cost_eur_per_contact: float = Field(
        60.0, ge=0, description="Cost of one caseworker contact, EUR (assumption)."
    )
    overhead_eur_per_year: float = Field(
        15_000.0, ge=0, description="Each organiser's fixed procurement and contract "
        "overhead when acting separately, EUR/year (assumption: a fifth of a person-year of "
        "procurement and contract management).",
    )
    overhead_share_of_spend: float = Field(
        0.08, ge=0, le=1, description="Procurement and contract management as a share of "
        "service spend when acting separately (assumption).",
    )
    budget_check: bool = Field(
        True, description="Budget discipline within the year (talousarviokuri): before "
        "new starts, each organiser checks its year's service money against what the year "
        "has cost and what earlier decisions still commit, and starts only what fits "
        "(sim.organising.ledger); false leaves only the gentle pace over the years. "
        "Source: Local Government Act 410/2015 §110 (the budget's appropriations are "
        "binding for the year).",
    )
    benefit_eur_per_month: float = Field(
        800.0, ge=0, description="Benefit on which the municipal share is paid, EUR/month per "
        "unemployed person (basic daily allowance, about 37 EUR × 21.5 days; assumption).",
    )
    municipal_benefit_share: list[list[float]] = Field(
        [[0.0, 0.0], [4.65, 0.20], [6.0, 0.30], [12.0, 0.45], [24.0, 0.70]],
        description="Municipal share of the unemployment benefit by unemployment duration: "
        "[from month, share] rows, ascending (TE24 financing model). Kela bills the "
        "municipality from the 101st benefit day (100 days ≈ 4.65 months of 21.5 benefit "
        "days; Kela bulletin 29 May 2024), days in services counted; the shares after it "
        "are an assumption (the percentages of the Act on the financing of unemployment "
        "benefits, section 4a, were not verified here), 20 % rising to 70 %.",
    )
    benefit_exempt_services: list[str] = Field(
        ["rehabilitation"],
        description="Person services during which the municipality pays no benefit share, "
        "because the person draws another allowance (sickness or rehabilitation allowance); "
        "the state pays the whole benefit. Source: Kela 2024 (no municipal share while the "
        "person receives sickness or rehabilitation allowance).",
    )
    state_tax_rate: float = Field(
        0.05, ge=0, le=1, description="State income tax as a share of wages, after the "
        "work-income deduction (assumption: about 4-6 % on a mean wage of 3,700 EUR a month "
        "under the 2024 progressive scale).",
    )
    mean_wage_eur_per_month: float = Field(
        3700.0, ge=0, description="Mean monthly wage, EUR. Source: Statistics Finland, about "
        "3,700 in 2024.",
    )
    municipal_tax_rate: float = Field(
        0.075, ge=0, le=1, description="Municipal income tax as a share of wages (average "
        "municipal tax rate after the 2023 wellbeing services reform, about 7.5 %). Source: "
        "Statistics Finland, municipal tax rates 2023.",
    )

    @model_validator(mode="after")
    def _schedule_valid(self) -> Organisers:
        rows = self.municipal_benefit_share
        if not rows or any(len(r) != 2 for r in rows):
            raise ValueError("municipal_benefit_share rows must be [from_month, share]")
        starts = [r[0] for r in rows]
        if starts != sorted(starts) or starts[0] != 0:
            raise ValueError("municipal_benefit_share must start at month 0 and ascend")
        if any(not 0 <= r[1] <= 1 for r in rows):
            raise ValueError("municipal_benefit_share shares must be in [0, 1]")
        unknown = [s for s in self.benefit_exempt_services if s not in PERSON_SERVICES]
        if unknown:
            raise ValueError(f"benefit_exempt_services: {unknown} are not person services; "
                             f"choose from {', '.join(PERSON_SERVICES)}")
        check_mix(self.region_mix)
        check_mix(self.municipal_mix)
        return self

class Provider(Strict):
    """A service provider (palveluntuottaja): external firm, third sector or own unit."""

    name: str = Field(min_length=1, description="Provider name.")
    kind: Literal["external", "third_sector", "own"] = Field(
        description="external firm, third-sector body, or an organiser's own production."
    )
    owner: str | None = Field(
        None, description="For own production: the organiser that owns it ('region' or a "
        "municipality's name)."
    )
    services: list[str] = Field(min_length=1, description="Services it produces.")
    capacity: int = Field(gt=0, description="Client-slots it can serve per month.")
    cost_factor: float = Field(
        0.9, gt=0, description="Its cost per client-month as a multiple of the service's "
        "catalogue cost (services.NAME.cost_eur_per_month); assumption."
    )
    price_factor: float = Field(
        1.0, gt=0, description="Its price per client-month as a multiple of the catalogue cost "
        "(assumption)."
    )
    quality: float = Field(1.0, gt=0, le=3, description="Effect multiplier of its services "
                           "(assumption).")
    fixed_cost_eur_per_month: float = Field(
        5000.0, ge=0, description="Fixed cost per month, EUR (assumption)."
    )
    tasks: list[Literal["production", "organising", "public_authority"]] = Field(
        ["production"], description="Tasks given to it; a private provider may only produce."
    )

    @model_validator(mode="after")
    def _services_known(self) -> Provider:
        unknown = sorted(set(self.services) - set(SERVICES))
        if unknown:
            raise ValueError(f"unknown services {unknown}; services are {SERVICES}")
        return self

class Market(Strict):
    """Provider market dynamics and incentives (palvelumarkkinat)."""

    learning_per_year: float = Field(
        0.02, ge=0, le=1, description="Yearly relative rise of a provider's quality from "
        "experience (assumption)."
    )
    exit_after_loss_months: float = Field(
        6.0, ge=0, description="An external provider leaves once its cash falls below this "
        "many months of fixed cost (assumption)."
    )
    entry_margin: float = Field(
        0.15, ge=0, description="Margin over revenue that draws a new provider in, checked "
        "quarterly (assumption)."
    )
    outcome_follow_up_months: int = Field(
        6, ge=1, description="Months after a service start in which employment counts as its "
        "outcome (assumption)."
    )
    attachment_share: float = Field(
        0.3, ge=0, le=1, description="Under outcome payment, share of the output price paid "
        "at the start; the rest is paid on outcome (assumption; the UK Work Programme paid an "
        "attachment fee of £400 against job outcomes of £1,000–1,200).",
    )
    outcome_price_multiplier: float = Field(
        2.5, ge=0, description="Outcome payment as a multiple of the withheld output price "
        "(assumption)."
    )
    outcome_bonus_share: float = Field(
        0.25, ge=0, le=1, description="Under open books (gain/pain share) with outcome payment, "
        "the share of the outcome payment still paid per job on top of costs and fee "
        "(assumption: costs are already covered)."
    )
    differential_prices: bool = Field(
        False, description="Outcome prices rise for clients of low employability (payment "
        "groups), which removes the motive to cream."
    )
    parking_effort: float = Field(
        0.3, ge=0, le=1, description="Effort given to a client whose expected outcome payment "
        "does not cover the cost (parking; assumption, after UK Work Programme evidence)."
    )
    outcome_effort: float = Field(
        1.15, ge=0, le=3, description="Effort given to a client worth serving under outcome "
        "pay (assumption: performance tends to rise)."
    )

class Separate(Strict):
    """Frictions of separate action (erillinen toiminta)."""

    referral_loss: float = Field(
        0.25, ge=0, le=1, description="Share of clients lost when referred to another "
        "organiser's service (assumption)."
    )
    referral_delay_months: int = Field(
        2, ge=0, le=12, description="Months a referral to another organiser takes (assumption)."
    )
    open_market_share: float = Field(
        0.6, ge=0, le=1, description="Weight with which a vacancy known only to a municipality's "
        "employer services is seen by other municipalities' jobseekers (assumption)."
    )
    municipal_vacancy_share: float = Field(
        0.3, ge=0, le=1, description="Share of firms whose vacancies only their municipality's "
        "employer services know (assumption)."
    )

class KRA(Strict):
    """A key result area (avaintulosalue): a measure, its minimum and exceptional levels."""

    name: Literal[
        "employment_rate", "long_term_unemployed", "firm_employment", "cost_vs_target",
        "hard_to_help_placements", "referrals_completed"
    ] = Field(description="What is measured.")
    weight: float = Field(1.0, gt=0, description="Weight in the bonus.")
    improvement: float = Field(
        0.02, description="Exceptional level minus minimum, relative to the development-phase "
        "value (e.g. 0.02 = 2 % better)."
    )

class Alliance(Strict):
    """One alliance (allianssi): members, levers, contract, phases and exit rules."""

    name: str = Field("alliance", min_length=1, description="Alliance name.")
    members: list[str] = Field(
        min_length=1, description="Organisers in it: 'region' and/or municipality names."
    )
    providers: list[str] = Field([], description="Providers chosen into it (by name).")
    levers: dict[str, bool] = Field(
        {lever: True for lever in LEVERS},
        description="Each lever on or off (see README: what each lever means).",
    )
    formation_months: int = Field(6, ge=0, description="Negotiated procedure, months.")
    development_months: int = Field(6, ge=0, description="Development phase, months.")
    formation_cost_eur: float = Field(400_000.0, ge=0, description="Cost of forming it, EUR.")
    joint_office_fixed_share: float = Field(
        0.5, ge=0, description="Fixed cost of the joint project office as a share of what the "
        "members' separate procurement offices cost together (assumption: duplicates go)."
    )
    joint_office_share_of_spend: float = Field(
        0.03, ge=0, le=1, description="Joint contract management as a share of spend."
    )
    transition_slowdown: float = Field(
        0.1, ge=0, le=1, description="Share of caseworker effect lost during formation and "
        "development (integration cost; Fevang, Markussen & Røed 2014)."
    )
    provider_gain_share: float = Field(
        0.5, ge=0, le=1, description="Providers' share of gain or pain on target vs actual cost "
        "(traditional 50:50)."
    )
    fee_share: float = Field(0.08, ge=0, le=1, description="Fee over open-book cost (limb 2).")
    target_saving: float = Field(
        0.05, ge=0, le=1, description="Target cost = development-phase cost × (1 − this)."
    )
    efficiency_gain_per_year: float = Field(
        0.04, ge=0, le=1, description="Yearly fall of providers' unit cost under gain/pain "
        "share (assumption)."
    )
    joint_learning_multiplier: float = Field(
        2.5, ge=1, description="Quality learning speed-up under joint learning, and pull toward "
        "the best member provider (assumption)."
    )
    kra_bonus_eur_per_year: float = Field(
        500_000.0, ge=0, description="Yearly bonus pool paid on KRA scores under outcome "
        "payment, EUR (funded by members)."
    )
    kras: list[KRA] = Field(
        [KRA(name="employment_rate", improvement=0.01),
         KRA(name="long_term_unemployed", improvement=0.05),
         KRA(name="hard_to_help_placements", improvement=0.10),
         KRA(name="cost_vs_target", improvement=0.03)],
        max_length=6,
        description="Key result areas, at most 6, scored quarterly.",
    )
    reallocation_tolerance: float = Field(
        0.05, ge=0, le=1, description="Unanimity rule: no member's share of services may fall "
        "below its contribution share minus this."
    )
    exit_after_failing_quarters: int = Field(
        0, ge=0, description="Organisers leave once their KRA score stays under the minimum "
        "this many quarters in a row (0: never)."
    )
    leave_after_development: list[str] = Field(
        [], description="Members that use their exit right at the end of development."
    )
    extra_budget_eur_per_year: float = Field(
        0.0, ge=0, description="Money put in beyond the members' budgets; must come from named "
        "members (see contributions)."
    )
    contributions: dict[str, float] = Field(
        {}, description="Who pays extra_budget_eur_per_year: member name → EUR/year."
    )

    @model_validator(mode="after")
    def _levers_known(self) -> Alliance:
        unknown = sorted(set(self.levers) - set(LEVERS))
        if unknown:
            raise ValueError(f"levers.{unknown[0]}: unknown lever; levers are {', '.join(LEVERS)}")
        return self

    def lever(self, name: str) -> bool:
        """Whether lever ``name`` is on (levers not listed are off)."""
        return bool(self.levers.get(name, False))

class HostArrangement(Strict):
    """Host-municipality model (vastuukuntamalli, Kuntalaki 51 §): one runs it for several."""

    host: str = Field(description="The host municipality (vastuukunta).")
    members: list[str] = Field(min_length=1, description="Municipalities it serves.")
