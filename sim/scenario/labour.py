"""The labour market's parameters (työmarkkinat): labour force, firms, matching, economy.

Types, units, ranges and sources, no behaviour. Values marked *assumption* have no public
figure behind them and are meant to be swept; calibrated values cite
``calibration/result.json``.
"""

from __future__ import annotations

from pydantic import Field, model_validator

from .base import Share, Strict, plausible


class Labour(Strict):
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
        json_schema_extra=plausible(0.05, 0.2,
            "Finland 8.4 % (labour force survey 2024) and Pirkanmaa 13.4 % (registered, Jan 2026) "
            "lie inside; the span around them for other regions and years is an assumption"),
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
        0.00226,
        description="Monthly probability that an employed person leaves a job into "
        "unemployment for reasons other than the firm's demand (contracts ending, quits); "
        "per month (calibration (calibration/result.json): with the match shocks, the "
        "employed's quarterly flow into unemployment, about 1.5 %, Statistics Finland "
        "experimental flow statistics, 2021 Q3→Q4).",
    )
    scarring_rate: Share = Field(
        0.00966,
        description="Relative loss of employability per month of unemployment (scarring); "
        "per month (calibration (calibration/result.json): with ranking_noise it sets the "
        "long-term share of unemployment, 41.9 %, Ministry of Economic Affairs and "
        "Employment, Nov 2025).",
    )
    recovery_rate: Share = Field(
        0.05,
        description="Share of the gap to baseline employability recovered per month in "
        "work; per month (assumption).",
        json_schema_extra=plausible(0.02, 0.1,
            "assumption: half to double the default (half the gap closed in 7 to 35 months of "
            "work); no source found"),
    )
    recovery_rate_outside: Share = Field(
        0.0,
        description="Share of the gap to baseline employability recovered per month outside "
        "the labour force (työvoiman ulkopuolella); per month (assumption: 0, scars stay "
        "while outside). A switch with a trade-off, measured on pirkanmaa-separate at the "
        "calibration before initial_prior_unemployment_months came in (docs/model.md): at "
        "0.05, work's rate, the baseline is stationary (the "
        "unemployment rate moves +0.0 to +0.2 points in ten years, seeds 1–3, against "
        "+2.7 to +3.0 at 0) and the inflow share comes into its band, but the services' "
        "long-run effects fade, against Card, Kluve & Weber (2018).",
        json_schema_extra=plausible(0.0, 0.1,
            "assumption: from scars kept for good outside to double work's recovery; no "
            "source found"),
    )
    employability_floor: Share = Field(
        0.05, description="Employability never falls below this (assumption).",
        json_schema_extra=plausible(0.01, 0.1,
            "assumption: a fifth to double the default; no source found"),
    )
    long_term_months: int = Field(
        12,
        ge=1,
        description="Months of unemployment after which a person is long-term "
        "unemployed. Source: Statistics Finland definition (12+ months).",
    )
    monthly_on_the_job_search_rate: Share = Field(
        0.16,
        description="Monthly probability that an employed person looks for a better job "
        "(on-the-job search, työnhaku työstä); they move only to a job worth more than "
        "theirs by job_switch_gain; per month (calibration (calibration/result.json): "
        "job-to-job moves 1.6 % of the employed a month, Statistics Finland, "
        "Tieto&trendit, Sept 2025).",
    )
    on_the_job_applications_per_month: int = Field(
        2,
        ge=0,
        le=64,
        description="Applications an employed searcher sends in a month (assumption: "
        "fewer than the unemployed's).",
        json_schema_extra=plausible(1, 4,
            "at least one, at most the unemployed's obligation of up to 4 a month (Nordic "
            "employment-service model, 2022); where in between is an assumption"),
    )
    job_switch_gain: float = Field(
        0.05,
        ge=0,
        description="Pay net of commuting that a new job must offer above the current "
        "one for an employed person to move, in units of mean pay (assumption).",
        json_schema_extra=plausible(0.02, 0.1,
            "assumption: a move must pay 2–10 % of mean pay more; no source found"),
    )
    monthly_match_shock_rate: Share = Field(
        0.01,
        description="Monthly probability that a job's match productivity is drawn anew; "
        "the job ends when the new draw falls below the firm's hiring standard, more often "
        "when demand is low (assumption).",
        json_schema_extra=plausible(0.005, 0.02,
            "assumption: half to double the default; with the separation rate it must keep the "
            "employed's flow into unemployment near 1.2–1.5 % a quarter (Eurostat 2023; "
            "Statistics Finland 2021)"),
    )
    monthly_exit_rate_employed: Share = Field(
        0.008,
        description="Monthly probability that an employed person leaves the labour force "
        "(retirement, studies, care); per month. Source: Eurostat labour-market flow "
        "statistics, EU 2023 Q3→Q4, employed → outside 2.4 % a quarter.",
    )
    monthly_exit_rate_unemployed: Share = Field(
        0.0307,
        description="Monthly probability that an unemployed jobseeker not in a service "
        "leaves the labour force at the start of a spell; it rises with the spell "
        "(discouragement_per_year); per month (calibration (calibration/result.json): of "
        "the unemployed, 23 % outside the labour force a quarter later, Statistics "
        "Finland experimental flow statistics, 2021 Q3→Q4).",
    )
    monthly_search_lapse_rate: Share = Field(
        0.122,
        description="Monthly probability that an unemployed jobseeker (in a service or not) "
        "who searched actively stops (aktiivinen työnhaku lakkaa): until it starts again "
        "it sends only the applications a service adds, and the Labour Force Survey counts "
        "it outside the labour force; 0 switches the distinction off (calibration "
        "(calibration/result.json): "
        "of the survey's unemployed, 23 % outside the labour force a quarter later, "
        "Statistics Finland experimental flow statistics, 2021 Q3→Q4).",
    )
    monthly_search_resume_rate: Share = Field(
        0.0563,
        description="Monthly probability that an unemployed jobseeker (in a service or not) "
        "who did not search actively starts again (aktiivinen työnhaku alkaa); a spell "
        "starts with an active search (calibration "
        "(calibration/result.json): 40 % of the survey's and the register's unemployed "
        "are the same persons, Statistics Finland, Tieto&trendit, 1 Oct 2015).",
    )
    discouragement_per_year: float = Field(
        0.25,
        ge=0,
        description="Relative rise of the unemployed's exit rate per year of "
        "unemployment (discouraged workers); 0.25 means the rate is 1.25 times as high "
        "after a year (assumption).",
        json_schema_extra=plausible(0.0, 0.5,
            "assumption: from no discouragement to an exit rate half again as high after a year; "
            "no source found"),
    )
    monthly_entry_rate: Share = Field(
        0.08,
        description="Monthly probability that a person outside the labour force enters "
        "it as a jobseeker (young people, graduates, immigrants, returners) (assumption: "
        "a mean of about a year outside).",
        json_schema_extra=plausible(0.04, 0.16,
            "assumption: a mean of about 6 to 25 months outside the labour force; no source found"),
    )
    outside_share: Share = Field(
        0.18,
        description="Persons outside the labour force who may enter it, as a share of "
        "the labour force at the start (assumption: about the steady state of the entry "
        "and exit rates).",
        json_schema_extra=plausible(0.1, 0.3,
            "assumption: roughly ±50 % around the default; no source found"),
    )
    services_break_spell: bool = Field(
        False,
        description="Whether a period in a service interrupts the unemployment spell, so "
        "that it restarts at 0 after the service (true), or the spell goes on counting "
        "through it (false). In the Ministry of Economic Affairs and Employment's "
        "employment-service statistics (työnvälitystilasto) a person in a service is not "
        "an unemployed jobseeker either way; the project's sources do not quote the "
        "ministry's rule for the spell, so this is a switch (assumption). With true, the "
        "calibrated Pirkanmaa baseline's long-term share at month 0 is 17 % instead of "
        "38 % (seed 1), far from the ministry's 41.9 %, which is why false is the default "
        "(docs/model.md).",
    )
    initial_mean_duration_months: float = Field(
        14.0,
        gt=0,
        description="Mean of the geometric distribution of initial unemployment "
        "durations, months (assumption; 41.9 % long-term, Ministry of Economic Affairs "
        "and Employment, Nov 2025).",
        json_schema_extra=plausible(10.0, 20.0,
            "a geometric mean of 10–20 months puts 28–54 % of the unemployed at 12+ months, "
            "around the registered 41.9 % (Ministry of Economic Affairs and Employment, Nov 2025)"),
    )
    initial_prior_unemployment_months: float = Field(
        36.0,
        ge=0,
        le=1200,
        description="Mean months of earlier unemployment since the last job that persons not "
        "employed at the start (jobseekers and persons outside the labour force) carry as "
        "scars, beyond the current spell; geometric, 0 for none. An initial condition: "
        "scars heal only in work, so without it the pool starts less scarred than its steady "
        "state and the baseline's unemployment rate drifts up for about ten years. Months "
        "(assumption, chosen by the calibrated baseline's drift over 120 months on "
        "pirkanmaa-separate, seeds 1-3: +2.75, +3.00, +2.65 points at 0 (as calibrated "
        "then); -1.27, -1.00, -1.61 at 48 and -1.54, -0.81, -1.48 at 36, each after its own "
        "recalibration; docs/model.md).",
        json_schema_extra=plausible(12.0, 48.0,
            "assumption: from a third of the default to the other value calibrated (48); "
            "no source found"),
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

class Firms(Strict):
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
        5000, ge=1, description="Largest baseline firm size, employees (assumption).",
        json_schema_extra=plausible(1000, 20000,
            "assumption: a region's largest employer has thousands of employees; a fifth to four "
            "times the default; no source found"),
    )
    initial_vacancy_rate: Share = Field(
        0.0673,
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
        json_schema_extra=plausible(0.025, 0.1,
            "assumption: half to double the default; no source found"),
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
        json_schema_extra=plausible(0.05, 0.2,
            "assumption: half to double the default (half the log gap closed in about 3 to 14 "
            "months); no source found"),
    )
    monthly_death_rate: Share = Field(
        0.007,
        description="Monthly death probability of a one-employee firm; scaled by "
        "size^death_size_exponent (assumption: about 8 % a year for micro firms).",
        json_schema_extra=plausible(0.004, 0.012,
            "assumption: micro-firm deaths of about 5–13 % a year around the default's 8 %; no "
            "source found"),
    )
    death_size_exponent: float = Field(
        -0.5, le=0, description="Fall of the death rate with size (assumption).",
        json_schema_extra=plausible(-0.8, -0.2,
            "assumption: from a weak fall of the death rate with size to one nearly as fast as "
            "size; no source found"),
    )
    monthly_birth_rate: Share | None = Field(
        None,
        description="Expected firm births per month as a share of each municipality's "
        "initial firm count. When absent, the initial firms' mean death probability, so "
        "that births match deaths in the steady state (assumption).",
        json_schema_extra=plausible(0.004, 0.012,
            "when set: the death rate's range, since births about match deaths in the steady "
            "state; absent (the default), births are set to the initial firms' deaths"),
    )
    startup_size: int = Field(
        1,
        ge=1,
        description="Demand of a newborn firm, employees; it grows toward its "
        "baseline by mean reversion (assumption).",
        json_schema_extra=plausible(1, 3,
            "most firms are micro firms (93 % with under 10 staff, Statistics Finland 2020); a "
            "newborn firm's 1–3 employees is an assumption"),
    )
    skill_demand_shares: list[Share] | None = Field(
        None,
        description="Share of firms demanding each skill group; defaults to the labour "
        "force's skill_shares (assumption: demand mirrors supply).",
    )
    vacancy_cost: float = Field(
        0.4,
        ge=0,
        description="Vacancy cost (rekrytoinnin kustannus): "
        "cost of screening for a vacancy, relative to the value of a filled "
        "job at mean pay: a firm posts the jobs it wants only while the recent share of "
        "screened posts filled in its municipality and skill group × its relative pay is "
        "at least this, so vacancies follow how easily good applicants are found (0: every "
        "wanted job is posted) (assumption).",
        json_schema_extra=plausible(0.2, 0.6,
            "assumption: ±50 % around the default; no source found"),
    )
    fill_rate_memory_months: int = Field(
        3,
        ge=1,
        le=60,
        description="Months over which firms average the fill rate of screened vacancies "
        "that they judge posting by (an exponential average with weight 1 / months) "
        "(assumption).",
        json_schema_extra=plausible(1, 6,
            "assumption: firms remember a month to half a year of fill rates; no source found"),
    )
    productivity_sd: float = Field(
        0.3,
        ge=0,
        description="Standard deviation of log productivity across firms; productivity "
        "is the pay a job offers relative to the mean (assumption).",
        json_schema_extra=plausible(0.15, 0.45,
            "assumption: ±50 % around the default; no source found"),
    )

    @model_validator(mode="after")
    def _demand_shares_sum_to_one(self) -> Firms:
        if self.skill_demand_shares is not None:
            total = sum(self.skill_demand_shares)
            if abs(total - 1.0) > 1e-6:
                raise ValueError(f"skill_demand_shares must sum to 1, they sum to {total:.6g}")
        return self

class Matching(Strict):
    """Job search and matching (työnhaku ja kohtaanto): the rules of the hot loop."""

    applications_per_month: int = Field(
        4,
        ge=0,
        le=64,
        description="Applications an unemployed person sends per month. Source: Nordic "
        "employment-service model (2022), up to 4 a month.",
    )
    rounds_per_month: int = Field(
        2, ge=1, le=8, description="Application-offer-acceptance rounds in one month (assumption).",
        json_schema_extra=plausible(1, 4,
            "assumption: from one application round a month to one a week; no source found"),
    )
    commuting_reach_km: float = Field(
        80.0,
        gt=0,
        description="Largest distance between home and job that a person applies across, "
        "km (assumption).",
        json_schema_extra=plausible(40.0, 120.0,
            "assumption: half to 1.5 times the default, the span of the demo sweep "
            "(scenarios/sweeps/demo.toml); no source found"),
    )
    distance_decay_km: float = Field(
        20.0,
        gt=0,
        description="Distance at which the weight of a vacancy falls to 1/e, km (assumption).",
        json_schema_extra=plausible(10.0, 40.0,
            "assumption: half to double the default; no source found"),
    )
    skill_mismatch_penalty: float = Field(
        1.5,
        ge=0,
        description="Skill mismatch penalty (osaamisen yhteensopimattomuus): "
        "fit of a person of skill s to a job of skill g is exp(-penalty·|s-g|); "
        "weights applications and scales the firm's score (assumption).",
        json_schema_extra=plausible(0.75, 3.0,
            "assumption: half to double the default; no source found"),
    )
    ranking_noise: float = Field(
        1.16,
        ge=0,
        description="Spread of a firm's judgement of an applicant: the score is multiplied "
        "by exp(noise·v), v uniform with unit variance (calibration "
        "(calibration/result.json), with labour.scarring_rate, to the long-term share of "
        "unemployment, 41.9 %).",
    )
    recruiting_share: Share = Field(
        0.699,
        description="Share of firms with open vacancies that screen and hire in a month; a "
        "vacancy stays open about 1 / share months (calibration (calibration/result.json): "
        "open vacancies per unemployed jobseeker 0.18, 57,800 open vacancies at employment "
        "services, Sept 2025, / 318,700 registered unemployed, Nov 2025).",
    )
    hiring_standard: float = Field(
        0.722,
        ge=0,
        description="A firm hires only applicants whose judged productivity, "
        "employability × fit × exp(noise) × demand index, is at least this, the wage and "
        "training cost of a job relative to the output of a fully employable worker in "
        "normal times (0: everyone is hireable) (calibration (calibration/result.json)).",
    )
    commuting_cost_per_km: float = Field(
        0.004,
        ge=0,
        description="Value of an offer falls by this per km of commute, in units of mean "
        "pay (assumption).",
        json_schema_extra=plausible(0.002, 0.008,
            "assumption: half to double the default (about 15 EUR a month per km at the mean wage "
            "of 3,700 EUR); no source found"),
    )


class Economy(Strict):
    """Aggregate demand path (suhdanne): a shock multiplies every firm's baseline."""

    shock_start_month: int = Field(0, ge=0, description="Month the demand shock starts.")
    shock_months: int = Field(0, ge=0, description="Months it lasts (0: no shock).")
    shock_size: float = Field(
        0.0, ge=-0.9, le=0.9, description="Relative change of demand at the trough "
        "(−0.06 = a recession cutting demand by 6 %)."
    )
    cycle_amplitude: float = Field(
        0.0, ge=0.0, le=0.5, description="Business cycle (suhdannevaihtelu): relative "
        "amplitude of a sine wave in demand from month 0 on (0.04 = ±4 %; 0: no cycle). "
        "Assumption, used by `kasvu validate` to trace the Beveridge curve.",
        json_schema_extra=plausible(0.0, 0.08,
            "assumption: from no cycle to ±8 %, the trough of the shipped recession "
            "(pirkanmaa-recession); kasvu validate uses ±4 %"),
    )
    cycle_period_months: int = Field(
        48, ge=2, description="Length of one business cycle in months (business cycles last "
        "about 2 to 8 years: Burns & Mitchell 1946, the NBER's definition)."
    )
