"""The provider market (palvelumarkkinat): parameters of the ``[market]`` table.

How providers learn, leave and enter, how outcome contracts pay them, and how they set
their effort (creaming and parking). Types, units, ranges and sources, no behaviour (that
is :mod:`sim.services.market` and :mod:`sim.services.providers`).
"""

from __future__ import annotations

from pydantic import Field, model_validator

from .base import Strict, plausible


class Market(Strict):
    """Provider market dynamics and incentives (palvelumarkkinat)."""

    learning_per_year: float = Field(
        0.02, ge=0, le=1, description="Yearly relative rise of a provider's quality from "
        "experience (assumption).",
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
        6, ge=1, description="Months after a service start in which employment counts as its "
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
    parking_effort: float = Field(
        0.3, ge=0, le=1, description="Effort given to a client whose expected outcome payment "
        "does not cover the cost (parking; assumption, after UK Work Programme evidence).",
        json_schema_extra=plausible(0.1, 0.6,
            "UK Work Programme providers spent under half of what they had promised on "
            "harder-to-help groups (Public Accounts Committee 2013, 2014); the span is an "
            "assumption"),
    )
    outcome_effort: float = Field(
        1.15, ge=0, le=3, description="Effort given to a client worth serving under outcome "
        "pay (assumption: performance tends to rise).",
        json_schema_extra=plausible(1.0, 1.4,
            "assumption: from no rise to 40 % more effort; full performance pay changed Dutch "
            "placements little (Koning & Heinrich 2013)"),
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
