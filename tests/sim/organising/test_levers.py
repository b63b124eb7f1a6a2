"""Separate action vs. alliance: the placebo, each lever alone, phases, exits, several
alliances and the host-municipality model, on the tiny region."""

import numpy as np
import pytest

from sim import load_scenario, run
from sim.model import GrowthServicesModel
from sim.organising.kra import kra_levels, kra_score
from sim.organising.organisers import REGION_INDEX
from sim.organising.public_money import benefit_share
from sim.organising.units import build_units, unanimity_shares
from sim.organising.vacancies import visibility
from sim.scenario import FIRM_SERVICES, LEVERS, SERVICES

SHORT = ["simulation.burn_in_months=6"]
MONTHS = 18  # formation 3 + development 3 in tiny-alliance: a year of implementation


def alliance(levers_on=(), extra=()):
    settings = [f"alliance.levers.{lever}={'true' if lever in levers_on else 'false'}"
                for lever in LEVERS]
    return load_scenario("tiny-alliance", [*SHORT, *settings, *extra])


@pytest.fixture(scope="module")
def separate_run():
    return run(load_scenario("tiny", SHORT), seed=11, months=MONTHS)


def same_tables(a, b):
    """Every table equal (the public finance table row for row), but for the alliance name
    column of the organisers' books."""
    for name in ("timeseries", "providers", "quintiles", "public_finance"):
        if not getattr(a, name).equals(getattr(b, name)):
            return False
    cols = [c for c in a.organisers.columns if c != "alliance"]
    return a.organisers[cols].equals(b.organisers[cols])


def test_placebo_all_levers_off_equals_separate_action(separate_run):
    placebo = run(alliance(), seed=11, months=MONTHS)
    assert same_tables(separate_run, placebo)
    assert set(placebo.alliance["phase"]) >= {"formation", "development", "implementation"}


@pytest.mark.parametrize("lever", LEVERS)
def test_each_lever_alone_changes_the_run(separate_run, lever):
    # The tiny region sees few follow-ups: joint decisions compare services on fewer.
    extra = ["alliance.joint_decision_min_follow_ups=10"] if lever == "joint_decisions" else []
    one = run(alliance([lever], extra), seed=11, months=MONTHS)
    assert not same_tables(separate_run, one), f"{lever} alone changed nothing"
    before = one.timeseries["month"] <= 6  # formation and development: levers not yet acting
    assert one.timeseries[before].equals(separate_run.timeseries[before]) or lever == \
        "joint_office"  # the joint office costs formation and slows caseworkers at once


def model_at(scenario, month, seed=3):
    model = GrowthServicesModel(scenario, seed=seed, months=month)
    for _ in range(month):
        model.step()
    return model


def units_at(model, month):
    """The purchasing units the model would form in ``month``."""
    sv = model.services
    return build_units(sv.orgs, sv.active_alliances(month), sv.units.hosts,
                       sv.market.providers)


def test_pooled_budget_forms_one_unit_with_unanimity_floors():
    model = model_at(alliance(["pooled_budget"]), 8)
    units = units_at(model, 8)
    assert len(units) == 1
    (unit,) = units
    assert unit.organisers[0] == REGION_INDEX and len(unit.organisers) == 4
    assert unit.budget == pytest.approx(model.services.orgs.budget.sum())
    floors = dict(unit.unanimity)
    muni_budget = model.services.orgs.budget[1:]
    expected = muni_budget / muni_budget.sum() - 0.05
    assert [floors[m] for m in range(3)] == pytest.approx(np.maximum(expected, 0))
    separate = model_at(load_scenario("tiny", SHORT), 8)
    assert len(units_at(separate, 8)) == 4


def test_unanimity_shares_respect_floors():
    shares = unanimity_shares(np.array([90.0, 9.0, 1.0]), np.array([0.0, 0.2, 0.15]))
    assert shares.sum() == pytest.approx(1.0)
    assert shares[1] >= 0.2 - 1e-12 and shares[2] >= 0.15 - 1e-12
    assert shares[0] == pytest.approx(0.65)


def test_shared_vacancies_make_member_vacancies_visible():
    vis = visibility(3, [{0, 1}], open_share=0.6)
    assert vis[0, 1, 1] == 1.0 and vis[1, 0, 1] == 1.0
    assert vis[0, 2, 1] == 0.6 and vis[2, 2, 1] == 1.0
    assert (vis[:, :, 0] == 1.0).all()
    model = model_at(alliance(["shared_vacancies"]), 8)
    assert (model.services.vacancies.visibility(model.services.alliances, 8)[:, :, 1] == 1.0).all()
    assert (model.services.vacancies.visibility(model.services.alliances, 2)[:, :, 1] < 1.0).any()


def lost_referrals(scenario, seed=3):
    """Referrals lost in each of the first four quarters (read as each quarter ends)."""
    model = GrowthServicesModel(scenario, seed=seed, months=12)
    desk, quarters = model.services.referrals, []
    end_quarter = desk.end_quarter

    def counted():
        quarters.append(desk.counts[:, 1].sum())
        end_quarter()

    desk.end_quarter = counted
    for _ in range(12):
        model.step()
    assert len(quarters) == 4
    return quarters


def test_unified_referrals_lose_no_one():
    # In the third and fourth quarters, when the alliance's lever acts.
    assert sum(lost_referrals(load_scenario("tiny", SHORT))[2:]) > 0
    assert sum(lost_referrals(alliance(["unified_referrals"]))[2:]) == 0


def test_joint_office_replaces_overheads_after_formation_cost(separate_run):
    one = run(alliance(["joint_office"]), seed=11, months=MONTHS)
    org_sep = separate_run.organisers.groupby("month")["overhead_eur"].sum()
    org_one = one.organisers.groupby("month")["overhead_eur"].sum()
    spec = alliance().alliance
    formation = (org_one - org_sep).loc[1:spec.formation_months]
    assert formation.min() > 0  # formation costs money first
    assert (org_one - org_sep).loc[10:].mean() < 0  # then the joint office is cheaper


def test_outcome_payment_pays_for_jobs_and_creams(separate_run):
    one = run(alliance(["outcome_payment"]), seed=11, months=MONTHS)
    assert one.quintiles["outcome_paid_share"].sum() > 0
    assert separate_run.quintiles["outcome_paid_share"].sum() == 0
    effort = one.quintiles.set_index("quintile")["mean_effort"]
    assert effort.loc[1] < effort.loc[5]  # parking: the hard to help get less effort
    assert (separate_run.quintiles["mean_effort"].dropna() == 1.0).all()


def test_gain_pain_share_settles_against_target(separate_run):
    one = run(alliance(["gain_pain_share"]), seed=11, months=MONTHS)
    assert one.organisers["gain_pain_eur"].abs().sum() > 0
    assert separate_run.organisers["gain_pain_eur"].abs().sum() == 0
    rows = one.alliance[one.alliance["phase"] == "implementation"]
    assert rows["target_cost_eur"].notna().all() and (rows["target_cost_eur"] > 0).all()


def test_joint_learning_raises_quality(separate_run):
    """Providers that pool their outcome records learn from each other's evidence.

    Coach Oy, ranked first, takes every client; Train Oy has no outcomes of its own and
    learns only when the alliance shares its data.
    """
    with_providers = ["providers=[{name = \"Coach Oy\", kind = \"external\", "
                      "services = [\"coaching\", \"training\"], capacity = 200, "
                      "fixed_cost_eur_per_month = 0.0}, {name = \"Train Oy\", "
                      "kind = \"external\", services = [\"coaching\", \"training\"], "
                      "capacity = 200, fixed_cost_eur_per_month = 0.0}]",
                      "alliance.providers=[\"Coach Oy\", \"Train Oy\"]"]
    base = load_scenario("tiny-alliance", [*SHORT, *with_providers,
                                           *[f"alliance.levers.{lv}=false" for lv in LEVERS],
                                           "alliance.levers.gain_pain_share=true"])
    both = load_scenario("tiny-alliance", [*SHORT, *with_providers,
                                           *[f"alliance.levers.{lv}=false" for lv in LEVERS],
                                           "alliance.levers.gain_pain_share=true",
                                           "alliance.levers.joint_learning=true"])
    q0 = run(base, seed=11, months=MONTHS).providers
    q1 = run(both, seed=11, months=MONTHS).providers
    last = {name: (q0[q0["provider"] == name]["quality"].iloc[-1],
                   q1[q1["provider"] == name]["quality"].iloc[-1])
            for name in ("Coach Oy", "Train Oy")}
    assert last["Train Oy"][0] == 1.0 < last["Train Oy"][1]
    assert last["Coach Oy"][1] >= last["Coach Oy"][0] > 1.0


def test_joint_decisions_move_the_mix():
    model = model_at(alliance(["pooled_budget", "joint_decisions"]), MONTHS)
    adjust = model.services.alliances[0].mix_adjust
    assert not np.allclose(adjust, 1.0)
    assert adjust.min() >= 0.5 and adjust.max() <= 2.0
    # Firm services are compared too, by their client firms' jobs above their controls'.
    record = model.services.market.record
    assert record.firm_seen.sum() > 0 and (record.control_seen > 0).all()
    assert any(adjust[SERVICES.index(name)] != 1.0 for name in FIRM_SERVICES)


def test_exit_at_end_of_development_returns_member_to_separate_action():
    sc = alliance(LEVERS, ["alliance.leave_after_development=[\"Metsälä\"]"])
    result = run(sc, seed=11, months=MONTHS)
    events = result.alliance["event"]
    assert events.str.contains("exit:Metsälä").any()
    books = result.organisers
    late = books[(books["month"] > 8) & (books["organiser"] == "Metsälä")]
    assert (late["alliance"] == "").all()
    stays = books[(books["month"] > 8) & (books["organiser"] == "Rantala")]
    assert (stays["alliance"] == "Tiny alliance").all()


def test_exit_on_failing_kras():
    sc = alliance(LEVERS, ["alliance.exit_after_failing_quarters=1",
                           "alliance.kras=[{name = \"employment_rate\", improvement = 0.5}]"])
    result = run(sc, seed=11, months=MONTHS)
    exits = result.alliance.loc[result.alliance["event"] != "", "event"]
    assert exits.str.contains("exit:").any()
    assert result.alliance["members"].iloc[-1] < 4


def test_two_alliances_and_a_host_municipality():
    two = load_scenario("tiny-alliance", [
        *SHORT, "alliance.members=[\"region\", \"Keskikylä\"]",
        "alliances=[{name = \"Second\", members = [\"Rantala\"], formation_months = 3, "
        "development_months = 3}]",
    ])
    model = model_at(two, 8)
    names = {u.name for u in units_at(model, 8)}
    assert {"Tiny alliance", "Second"} <= {model.services.alliances[u.alliance].name
                                           for u in units_at(model, 8)
                                           if u.alliance >= 0}
    assert "Metsälä" in names  # outside both, acting separately
    host = load_scenario("tiny", [*SHORT, "host_arrangements=[{host = \"Keskikylä\", "
                                  "members = [\"Metsälä\"]}]"])
    units = units_at(model_at(host, 2), 2)
    hosted = [u for u in units if len(u.organisers) > 1]
    assert len(hosted) == 1 and hosted[0].name == "Keskikylä host"


def test_kra_scoring_and_levels():
    assert kra_score(5.0, 4.0, 6.0) == 0.5
    assert kra_score(3.0, 4.0, 6.0) == 0.0 and kra_score(9.0, 4.0, 6.0) == 1.0
    lo, hi = kra_levels("long_term_unemployed", 100.0, 0.1)
    assert (lo, hi) == (100.0, pytest.approx(90.0))
    assert kra_score(95.0, lo, hi) == pytest.approx(0.5)


def test_municipal_benefit_share_rises_with_duration():
    schedule = [[0.0, 0.1], [3.0, 0.2], [12.0, 0.7]]
    shares = benefit_share(np.array([0, 2, 3, 11, 12, 40]), schedule)
    assert shares.tolist() == [0.1, 0.1, 0.2, 0.2, 0.7, 0.7]


def test_books_balance(separate_run):
    books = separate_run.organisers
    net = (books["tax_revenue_eur"] - books["benefit_cost_eur"] - books["service_spend_eur"]
           - books["overhead_eur"] - books["gain_pain_eur"] - books["kra_bonus_eur"])
    assert np.allclose(net, books["net_eur"])
    ts = separate_run.timeseries
    region = ts[ts["area"] == "ALL"].set_index("month")
    per_month = books.groupby("month")
    assert np.allclose(per_month["benefit_cost_eur"].sum(),
                       region["municipal_benefit_cost_eur"])
    assert np.allclose(per_month["service_spend_eur"].sum(), region["service_spend_eur"])
    assert (region["clients_in_services"] > 0).all()
