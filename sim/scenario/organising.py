"""Organisers, providers and cooperation (järjestäjät, tuottajat ja yhteistyö): parameters.

Separate action (``[separate]``), the organisers' budgets, books and caseworkers
(``[organisers]``), the providers (``[[providers]]``; their market is :mod:`.market`),
alliances (``[alliance]``, ``[[alliances]]``) and host-municipality arrangements. Types,
units, ranges and sources, no behaviour; money in euros (EUR), durations in months.
"""

from __future__ import annotations

from typing import Literal

from pydantic import Field, model_validator

from .base import Strict, plausible
from .market import Market
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

__all__ = ["LEVERS", "Alliance", "HostArrangement", "KRA", "Market", "Organisers", "Provider",
           "Separate"]

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
        json_schema_extra=plausible(60.0, 180.0,
            "assumption: ±50 % around the default, which puts about a quarter of jobseekers in "
            "services; no budget figure found"),
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
        30.0, ge=0, description="Municipal budget (kunnan määrärahat): "
        "each municipality's yearly growth-services budget per "
        "resident, EUR (assumption: vitality and municipal employment measures).",
        json_schema_extra=plausible(15.0, 45.0,
            "assumption: ±50 % around the default; no source found"),
    )
    state_compensation_eur_per_resident: float = Field(
        0.0, ge=0, description="Fixed yearly compensation the state pays each municipality "
        "for the employment services and benefit financing transferred to it, EUR per "
        "resident (0: none, the source document's setting). Under TE24 the compensation is "
        "fixed on 2023 spending. Source: Association of Finnish Municipalities, Sept 2025: "
        "EUR 823 M of funding in 2025, about EUR 147 a resident for Finland's 5.6 M; the "
        "real grant weighs the 18-64 population, the unemployed and foreign-language "
        "speakers, which a per-resident figure leaves out.",
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
    caseworkers: Literal["region", "municipalities"] = Field(
        "region", description="Who employs the caseworkers of the statutory contacts: the "
        "region, which organises employment services in the source document's setting, or "
        "each jobseeker's home municipality, as the employment areas do since the TE24 "
        "reform of 1 January 2025. Source: Act on the Organisation of Employment Services "
        "380/2023.",
    )
    caseworker_cost_eur_per_contact: float = Field(
        60.0, ge=0, description="Cost of one caseworker contact, EUR (assumption).",
        json_schema_extra=plausible(30.0, 90.0,
            "EUR 70 M funded about 1,200 staff in the Nordic employment-service model (2022), "
            "about EUR 58,000 a person-year: 30–90 EUR a contact at 650–2,000 contacts a year"),
    )
    caseload: float = Field(
        136.0, gt=0, description="Unemployed jobseekers per caseworker at month 0, the start "
        "of observation: each caseworker employer (organisers.caseworkers) then gets its "
        "unemployed jobseekers / this many caseworkers and keeps that staff, so that the "
        "caseload rises with unemployment (assumption: Uusimaa's 136 of 2018 taken for the "
        "region).",
        json_schema_extra=plausible(107.0, 166.0,
            "Finland about 107–166 unemployed per staff member, Uusimaa 136 in 2018 (press and "
            "trade-union analyses, 2018)"),
    )
    caseworker_search_elasticity: float = Field(
        0.2, ge=0, le=2,
        description="Caseworker effect on search (virkailijatyön vaikutus hakuun): "
        "elasticity of a jobseeker's applications with respect "
        "to caseworker time per jobseeker: applications are scaled by (time / time at "
        "month 0) to this power, the ratio clipped to [caseworker_time_min, "
        "caseworker_time_max] (assumption: 0.2, a tenth more time per jobseeker giving "
        "about 2 % more applications; more caseworkers per jobseeker lowered unemployment "
        "in Germany, Hainmueller, Hofmann, Krug & Wolf 2016, Scandinavian Journal of "
        "Economics 118(4), but the paper measures unemployment, not search, and no "
        "elasticity of applications could be derived from it here).",
        json_schema_extra=plausible(0.0, 0.5,
            "assumption: from no effect to half a per cent more applications per per cent "
            "more caseworker time; 490 extra caseworkers in 14 of 779 German offices lowered "
            "unemployment and paid back in about 10 months (Hainmueller et al. 2016), which "
            "gives the sign, not the size"),
    )
    caseworker_time_min: float = Field(
        0.5, gt=0, le=1, description="Least caseworker time per jobseeker, relative to "
        "month 0, that the search effect counts: a lower ratio (unemployment more than "
        "doubled) counts as this (assumption).",
        json_schema_extra=plausible(0.25, 0.75,
            "assumption: the effect of a thinner caseload stops somewhere between a quarter "
            "and three quarters of month 0's time per jobseeker; no source found"),
    )
    caseworker_time_max: float = Field(
        2.0, ge=1, le=10, description="Most caseworker time per jobseeker, relative to "
        "month 0, that the search effect counts, so that a collapse of unemployment does "
        "not inflate applications without bound (assumption).",
        json_schema_extra=plausible(1.5, 4.0,
            "assumption: Finnish caseloads of 107–166 against Denmark's about 13 (2018) leave "
            "room for much more time per jobseeker; that its effect on search saturates at "
            "1.5 to 4 times month 0's time is assumed, no source found"),
    )
    overhead_eur_per_year: float = Field(
        15_000.0, ge=0, description="Each organiser's fixed procurement and contract "
        "overhead when acting separately, EUR/year (assumption: a fifth of a person-year of "
        "procurement and contract management).",
        json_schema_extra=plausible(7500.0, 30000.0,
            "assumption: half to double the default (a tenth to two fifths of a person-year of "
            "procurement work); no overhead figure found"),
    )
    pace_exponent: float = Field(
        0.2, gt=0, le=1, description="Pace correction (tahdin korjaus): "
        "how strongly a purchasing unit corrects next month's "
        "starts toward its money: the pace is multiplied by (planned money / spend) to this "
        "power each month, a gentle correction of lags between starts and payments "
        "(assumption).",
        json_schema_extra=plausible(0.1, 0.5,
            "assumption: half to two and a half times the default; a stronger correction "
            "oscillates with the months between a start and its payments"),
    )
    pace_min: float = Field(
        0.25, gt=0, le=1, description="Lowest pace (aloitustahdin alaraja): "
        "lowest pace of starts a unit may fall to, relative "
        "to its planned starts (assumption).",
        json_schema_extra=plausible(0.1, 0.5,
            "assumption: a unit keeps at least a tenth to a half of its planned starts"),
    )
    pace_max: float = Field(
        4.0, ge=1, le=20, description="Highest pace of starts a unit may rise to, relative "
        "to its planned starts, when its services cost less than planned (assumption).",
        json_schema_extra=plausible(2.0, 8.0,
            "assumption: half to double the default; outcome pay pays 30 % up front, so a "
            "unit may need about three times its planned starts to spend its money"),
    )
    overhead_share_of_spend: float = Field(
        0.08, ge=0, le=1, description="Procurement and contract management as a share of "
        "service spend when acting separately (assumption).",
        json_schema_extra=plausible(0.04, 0.15,
            "assumption: about half to double the default; administration shares of employment "
            "services were not found"),
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
        json_schema_extra=plausible(700.0, 1200.0,
            "from about the basic allowance (37 EUR × 21.5 days) to a mean that counts the basic "
            "part of earnings-related allowances, which the municipal share also covers (Kela "
            "2024); the upper end is an assumption"),
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
        json_schema_extra=plausible(0.03, 0.08,
            "assumption: the work-income deduction and the progressive scale put the "
            "effective state rate on mean pay between about 3 and 8 %"),
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
        0.9, gt=0, description="Cost factor (kustannuskerroin): "
        "its cost per client-month as a multiple of the service's "
        "catalogue cost (services.NAME.cost_eur_per_month); assumption.",
        json_schema_extra=plausible(0.7, 1.2,
            "assumption: 30 % below to 20 % above the catalogue cost, around the shipped "
            "scenarios' 0.85–1.05; no source found"),
    )
    price_factor: float = Field(
        1.0, gt=0, description="Price factor (hintakerroin): "
        "its price per client-month as a multiple of the catalogue cost "
        "(assumption).",
        json_schema_extra=plausible(0.8, 1.3,
            "assumption: 20 % below to 30 % above the catalogue cost, around the shipped "
            "scenarios' 0.95–1.05; no source found"),
    )
    quality: float = Field(
        1.0, gt=0, le=3, description="Quality (laatu): "
        "effect multiplier of its services (assumption).",
        json_schema_extra=plausible(0.6, 1.6,
            "Finnish employment offices range from under 60 % of the average output to 60 % above "
            "it (Räisänen & Tuomaala 2010)"),
    )
    fixed_cost_eur_per_month: float = Field(
        5000.0, ge=0, description="Fixed cost (kiinteä kustannus): "
        "fixed cost per month, EUR (assumption).",
        json_schema_extra=plausible(0.0, 15000.0,
            "assumption: from 0 (an organiser's own unit, as in the shipped scenarios) to three "
            "times the default; no source found"),
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

class Separate(Strict):
    """Frictions of separate action (erillinen toiminta)."""

    referral_loss: float = Field(
        0.25, ge=0, le=1, description="Share of clients lost when referred to another "
        "organiser's service (assumption).",
        json_schema_extra=plausible(0.1, 0.4,
            "assumption: a tenth to two fifths of referred clients lost; no source found"),
    )
    referral_delay_months: int = Field(
        2, ge=0, le=12, description="Referral delay (ohjauksen viive): "
        "months a referral to another organiser takes (assumption).",
        json_schema_extra=plausible(1, 4,
            "assumption: half to double the default; no source found"),
    )
    open_market_share: float = Field(
        0.6, ge=0, le=1, description="Open-market share (avointen työpaikkojen näkyvyys): "
        "weight with which a vacancy known only to a municipality's "
        "employer services is seen by other municipalities' jobseekers (assumption).",
        json_schema_extra=plausible(0.3, 0.9,
            "assumption: ±50 % around the default; no source found"),
    )
    municipal_vacancy_share: float = Field(
        0.3, ge=0, le=1, description="Share of firms whose vacancies only their municipality's "
        "employer services know (assumption).",
        json_schema_extra=plausible(0.1, 0.5,
            "assumption: a tenth to a half of firms; no source found"),
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
        "members' separate procurement offices cost together (assumption: duplicates go).",
        json_schema_extra=plausible(0.25, 1.0,
            "assumption: the joint office costs a quarter to all of what the members' separate "
            "offices cost; no source found"),
    )
    joint_office_share_of_spend: float = Field(
        0.03, ge=0, le=1, description="Joint contract management as a share of spend."
    )
    joint_office_caseworker_gain: float = Field(
        0.05, ge=0, le=1, description="Under the joint office in implementation, the share "
        "by which the members' pooled caseworker time per jobseeker rises as duplicated "
        "administration goes (assumption: no source found for the size; the UK's one-stop "
        "Jobcentre Plus raised outflow from unemployment benefits by about 1 % in the long "
        "run, not significant, Riley et al., DWP RR 781, 2011; Bagaria, Petrongolo & Van "
        "Reenen 2015).",
        json_schema_extra=plausible(0.0, 0.15,
            "assumption: from nothing to about a seventh more time per jobseeker; Jobcentre "
            "Plus's long-run +1 % (ns) outflow from unemployment benefits suggests a small "
            "gain (Riley et al. 2011); no size found"),
    )
    transition_slowdown: float = Field(
        0.1, ge=0, le=1, description="Under the joint office in formation and development, "
        "the share by which the members' pooled caseworker time per jobseeker falls while "
        "their caseworkers integrate (assumption: Norway's NAV merger slowed entry to work "
        "at first, Fevang, Markussen & Røed 2014, and UK Jobcentre Plus's effects were "
        "negative at first, Riley et al. 2011; the size was not found).",
        json_schema_extra=plausible(0.0, 0.2,
            "assumption: up to a fifth of caseworker time lost to integration; the NAV merger "
            "slowed entry to work mainly in its first couple of years (Fevang, Markussen & "
            "Røed 2014), size not found"),
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
        0.04, ge=0, le=1, description="Efficiency gain (tehostuminen): "
        "yearly fall of its unit cost that a provider keeping "
        "every euro saved would choose (its reorganisation cost rises with the square of the "
        "cut); under open books it keeps provider_gain_share less fee_share of a saving and "
        "cuts that share of this (assumption).",
        json_schema_extra=plausible(0.0, 0.08,
            "assumption: up to double the default; the Rantatunneli project alliance finished "
            "2.3 % under its target cost (Finnish Transport Agency 2018)"),
    )
    cost_cut_floor: float = Field(
        0.7, ge=0, le=1, description="Under open books (gain/pain share), a provider's unit "
        "cost stops falling at this share of its initial cost factor (assumption).",
        json_schema_extra=plausible(0.5, 0.9,
            "assumption: open books cut unit costs by at most 10–50 %; no source found"),
    )
    best_practice_pull: float = Field(
        0.03, ge=0, le=1, description="Under joint learning (shared outcome data), share of the "
        "quality gap to the alliance provider with the highest measured value added that a "
        "provider with a lower one closes each month by copying its practice (assumption).",
        json_schema_extra=plausible(0.005, 0.075,
            "assumption: a sixth to 2.5 times the default; no source found"),
    )
    joint_decision_step: float = Field(
        0.15, ge=0, le=1, description="Under joint decisions, the relative change per quarter "
        "of a service's weight in the mix: this times its value added per euro less the mean "
        "over the services compared, scaled by the largest deviation from the mean among "
        "them, so at most this (assumption).",
        json_schema_extra=plausible(0.05, 0.3,
            "assumption: a third to double the default; no source found"),
    )
    joint_decision_min_follow_ups: float = Field(
        30.0, ge=1, description="Evidence needed (seurantojen vähimmäismäärä): "
        "follow-ups (decayed by market.outcome_memory_months) a "
        "service's value added must rest on before joint decisions compare it (assumption).",
        json_schema_extra=plausible(10.0, 100.0,
            "assumption: from a handful of classes of clients to a small evaluation sample; "
            "no source found"),
    )
    joint_decision_min_weight: float = Field(
        0.5, gt=0, le=1, description="Least weight (palvelun vähimmäispaino): "
        "under joint decisions, the least weight of a service, "
        "as a multiple of its planned share (assumption).",
        json_schema_extra=plausible(0.25, 0.8,
            "assumption: a service keeps a quarter to four fifths of its planned share; no source "
            "found"),
    )
    joint_decision_max_weight: float = Field(
        2.0, ge=1, le=10, description="Greatest weight (palvelun enimmäispaino): "
        "under joint decisions, the greatest weight of a "
        "service, as a multiple of its planned share (assumption).",
        json_schema_extra=plausible(1.25, 4.0,
            "assumption: a service grows to 1.25 to 4 times its planned share; no source found"),
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
    members: list[str] = Field(min_length=1, description="Municipalities it serves besides "
                               "the host.")

    @model_validator(mode="after")
    def _members_once(self) -> HostArrangement:
        if self.host in self.members:
            raise ValueError(f"members: leave out the host {self.host!r}: it takes part as "
                             f"the host")
        twice = sorted({m for m in self.members if self.members.count(m) > 1})
        if twice:
            raise ValueError(f"members: {twice} listed more than once")
        return self
