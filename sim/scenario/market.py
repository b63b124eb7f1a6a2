"""The provider market (palvelumarkkinat): parameters of providers' incentives and learning.

Entry and exit, outcome payment and its prices, the effort a provider chooses per client,
and what providers learn from their clients' outcomes. Types, units, ranges and sources, no
behaviour (see :mod:`sim.services.providers`, :mod:`sim.services.learning`).
"""

from __future__ import annotations

from pydantic import Field, model_validator

from .base import Strict, plausible
from .region import MAX_MONTHS


class Market(Strict):
    """Provider market dynamics and incentives (palvelumarkkinat)."""

    learning_per_year: float = Field(
        0.02, ge=0, le=1, description="Yearly relative rise of a provider's quality when it "
        "has ample outcome evidence (see learning_evidence_clients) (assumption).",
        json_schema_extra=plausible(0.0, 0.05,
            "assumption: from no learning to 5 % a year; no source found"),
    )
    exit_after_loss_months: float = Field(
        6.0, ge=0, description="An external provider leaves once its cash falls below this "
        "many months of fixed cost (assumption).",
        json_schema_extra=plausible(3.0, 12.0,
            "assumption: a quarter to a year of fixed cost lost before leaving; no source found"),
    )
    entry_margin: float = Field(
        0.15, ge=0, description="Margin over revenue that draws a new provider in, checked "
        "quarterly (assumption).",
        json_schema_extra=plausible(0.05, 0.3,
            "assumption: a third to double the default; no source found"),
    )
    entry_capacity_use: float = Field(
        0.9, ge=0, le=1, description="Share of the external providers' capacity a service's "
        "clients must fill over a quarter before a new provider enters it: a buyer "
        "contracts with a newcomer only when the incumbents run short (assumption).",
        json_schema_extra=plausible(0.7, 1.0,
            "assumption: entrants come when incumbents are nearly full; no source found"),
    )
    outcome_follow_up_months: int = Field(
        6, ge=1, le=MAX_MONTHS,
        description="Months after a service start in which employment counts as its "
        "outcome (assumption).",
        json_schema_extra=plausible(3, 12,
            "outcome payments fall due 1–6 months into work in Australia (4, 12 and 26 weeks); "
            "the UK Work Programme paid on sustained jobs; up to a year is an assumption"),
    )
    attachment_share: float = Field(
        0.3, ge=0, le=1, description="Under outcome payment, share of the output price paid "
        "at the start; the rest is paid on outcome (assumption; the UK Work Programme paid an "
        "attachment fee of £400 against job outcomes of £1,000–1,200).",
        json_schema_extra=plausible(0.05, 0.4,
            "the UK Work Programme paid an attachment fee of £400 against job outcomes of "
            "£1,000–1,200 and sustainment of £2,210–5,000, about 6–29 % up front; up to 40 % is "
            "an assumption"),
    )
    outcome_price_multiplier: float = Field(
        2.5, ge=0, description="Outcome payment as a multiple of the withheld output price "
        "(assumption).",
        json_schema_extra=plausible(1.5, 4.0,
            "assumption: a job outcome worth 1.5 to 4 times the withheld price (the UK Work "
            "Programme's outcome and sustainment payments were several times its attachment fee)"),
    )
    outcome_bonus_share: float = Field(
        0.25, ge=0, le=1, description="Under open books (gain/pain share) with outcome payment, "
        "the share of the outcome payment still paid per job on top of costs and fee "
        "(assumption: costs are already covered).",
        json_schema_extra=plausible(0.1, 0.5,
            "assumption: open books already cover costs, so a tenth to a half of the outcome "
            "payment; no source found"),
    )
    differential_prices: bool = Field(
        False, description="Outcome prices rise for clients of low employability (payment "
        "groups), which removes the motive to cream."
    )
    outcome_chance_floor: float = Field(
        0.05, gt=0, le=1, description="With differential prices, the lowest guessed job "
        "chance an outcome price is scaled by (share 0–1): the price of the hardest to help "
        "is at most payment_group_employability's chance over this times the base "
        "(assumption).",
        json_schema_extra=plausible(0.02, 0.15,
            "assumption: the UK Work Programme's highest payment groups paid several times "
            "the lowest (Public Accounts Committee 2013); no source for the floor"),
    )
    quality_max: float = Field(
        3.0, gt=0, description="Highest quality (effect multiplier) a provider's learning "
        "can reach (assumption).",
        json_schema_extra=plausible(2.0, 4.0,
            "assumption: the best Finnish employment offices produce about 60 % above the "
            "average (Räisänen & Tuomaala 2010); two to four times the average bounds it "
            "generously"),
    )
    effort_min: float = Field(
        0.3, ge=0, le=1, description="Lowest effort a provider may give a client, as a share "
        "of the contracted service standard (1): parking (assumption, after UK Work "
        "Programme evidence).",
        json_schema_extra=plausible(0.1, 0.6,
            "UK Work Programme providers spent under half of what they had promised on "
            "harder-to-help groups (Public Accounts Committee 2013, 2014); the span is an "
            "assumption"),
    )
    effort_max: float = Field(
        1.15, ge=1, le=3, description="Highest effort a provider may give a client, as a "
        "multiple of the contracted service standard (assumption).",
        json_schema_extra=plausible(1.0, 1.4,
            "assumption: from no rise to 40 % more effort; full performance pay changed Dutch "
            "placements little (Koning & Heinrich 2013)"),
    )
    effort_cost_share: float = Field(
        0.5, ge=0, le=1, description="Effort cost share (työpanoksen kustannusosuus): "
        "share of a client-month's variable cost that scales with "
        "the provider's effort (caseworker and coach hours); the rest (premises, materials) "
        "does not (assumption).",
        json_schema_extra=plausible(0.3, 0.8,
            "assumption: staff time is most of a service's cost; no source found"),
    )
    effort_job_chance_elasticity: float = Field(
        0.2, ge=0, le=2, description="A provider's belief of how much a client's job chance "
        "rises, relatively, per unit of extra effort (dimensionless, assumption).",
        json_schema_extra=plausible(0.1, 0.5,
            "assumption: services raise their clients' job chance by roughly a tenth to a "
            "half at full strength (Card, Kluve & Weber 2018 effect sizes against base rates "
            "of about 30–40 %)"),
    )
    monitoring_share: float = Field(
        0.8, ge=0, le=1, description="Chance that a buyer finds a client served below the "
        "contracted standard and withholds that client's per-output payment (attachment "
        "share, price, or open-book cost and fee) (assumption).",
        json_schema_extra=plausible(0.5, 1.0,
            "assumption: service reports and audits find most shortfalls; the UK Work "
            "Programme's black box had no minimum standard (Public Accounts Committee 2013)"),
    )
    estimate_prior_clients: float = Field(
        20.0, gt=0, description="Weight, in follow-ups seen, of the rule of thumb "
        "(expected_outcome_slope × employability) in a provider's estimate of a client's job "
        "chance; its own clients' outcomes outweigh it as they accumulate (assumption).",
        json_schema_extra=plausible(5.0, 100.0,
            "assumption: a rule of thumb worth a handful to a hundred observed clients; no "
            "source found"),
    )
    outcome_memory_months: float = Field(
        24.0, ge=1, description="Time scale, months, over which providers and alliances "
        "forget old outcome observations (each month keeps 1 − 1/this of them) "
        "(assumption).",
        json_schema_extra=plausible(12.0, 60.0,
            "assumption: one to five years of outcome data count; no source found"),
    )
    learning_evidence_clients: float = Field(
        200.0, gt=0, description="Follow-ups seen (decayed by outcome_memory_months) at which "
        "a provider learns at half of learning_per_year: learning needs outcome feedback "
        "(assumption).",
        json_schema_extra=plausible(50.0, 1000.0,
            "assumption: a quarter to five times the default; no source found"),
    )
    expected_outcome_slope: float = Field(
        0.6, gt=0, le=1, description="A provider's rule of thumb for a client's chance of a "
        "job within the follow-up: this times the client's employability (at most 1); it "
        "decides creaming and parking under outcome pay (assumption).",
        json_schema_extra=plausible(0.3, 0.9,
            "a guessed job chance of 0.2–0.6 at the mean employability (about 0.7): a third of "
            "Finland's unemployed work a quarter later (Statistics Finland 2021), 27–32 % of "
            "later UK Work Programme cohorts had job outcomes"),
    )
    payment_group_employability: float = Field(
        0.7, gt=0, le=1, description="With differential prices, the outcome payment of every "
        "client is scaled to the expected value it has for a client of this employability, "
        "the payment groups' reference client (assumption: about the mean baseline "
        "employability, 5/7 under the default Beta(5, 2)).",
        json_schema_extra=plausible(0.5, 0.85,
            "assumption: around the mean baseline employability (5/7 under the default Beta(5, "
            "2)); no source found"),
    )
    referrals_per_start: int = Field(
        2, ge=1, le=10, description="Eligible clients referred to providers per planned "
        "start, so that a provider has a choice of whom to take first (creaming under outcome "
        "pay); assumption.",
        json_schema_extra=plausible(1, 4,
            "assumption: from no choice (one candidate per start) to four; no source found"),
    )
    entrant_quality_min: float = Field(
        0.8, gt=0, le=3, description="Lowest quality (effect multiplier) of a provider drawn "
        "into the market by high margins; an entrant's quality is uniform between this and "
        "entrant_quality_max (assumption).",
        json_schema_extra=plausible(0.6, 1.0,
            "Finnish employment offices range from under 60 % of the average output to 60 % above "
            "it (Räisänen & Tuomaala 2010); an entrant's worst draw is at most average"),
    )
    entrant_quality_max: float = Field(
        1.2, gt=0, le=3, description="Highest quality (effect multiplier) of an entrant "
        "provider (assumption).",
        json_schema_extra=plausible(1.0, 1.6,
            "Finnish employment offices range from under 60 % of the average output to 60 % above "
            "it (Räisänen & Tuomaala 2010); an entrant's best draw is at least average"),
    )

    @model_validator(mode="after")
    def _entrant_quality_ordered(self) -> Market:
        if self.entrant_quality_min > self.entrant_quality_max:
            raise ValueError(f"entrant_quality_min ({self.entrant_quality_min:g}) must not "
                             f"exceed entrant_quality_max ({self.entrant_quality_max:g})")
        return self
