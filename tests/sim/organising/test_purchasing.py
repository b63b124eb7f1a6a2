"""Purchasing on the tiny region: each unit's planned money, and whom its money reaches
(its own residents and firms), from whom (providers that offer the service and that its
contract allows), and how (municipal units' clients by referral).

Built on a small model after a one-month burn-in; the assertions are on what
:meth:`~sim.organising.purchasing.Purchasing.plan_and_start` does in the month it is
called.
"""

from __future__ import annotations

import numpy as np
import pytest

from sim import GrowthServicesModel
from sim.labour import draws
from sim.organising.overheads import planned_overhead
from sim.scenario import FIRM_SERVICES, LEVERS, SERVICES
from sim.services.market import TRANSFERS

SHORT = {"simulation.burn_in_months": 1}


def bought(scenario: str, month: int, **overrides):
    """A model at ``month`` - 1 and what its units bought in ``month``.

    Returns the model, the month's plan, the persons who started a service (bought now,
    or referred earlier and now at the end of their wait), those who started a referral's
    wait and the (firm slot, firm service) pairs that started.
    """
    model = GrowthServicesModel(scenario, seed=2, months=month, overrides={**SHORT, **overrides})
    for _ in range(month - 1):
        model.step()
    sv = model.services
    st = sv.state
    service, wait = st.service.copy(), st.referral_wait.copy()
    firm_before = st.firm_provider.copy()
    plan = sv.purchasing.plan_and_start(month, np.random.default_rng(month))
    started = np.flatnonzero((service < 0) & (st.service >= 0))
    waiting = np.flatnonzero((wait < 0) & (st.referral_wait > 0))
    firms = np.argwhere((firm_before[: st.firm_provider.shape[0]] < 0) & (st.firm_provider >= 0))
    return model, plan, (started[wait[started] < 0], started[wait[started] > 0]), waiting, firms


@pytest.fixture(scope="module")
def separate():
    """What the tiny region's units bought under separate action in month 2."""
    return bought("tiny", 2)


def test_each_unit_plans_its_budget_less_overheads(separate):
    model, plan, *_ = separate
    sv = model.services
    assert plan.unit_ids == sv.units.month_ids and len(plan.unit_ids) == 4
    for uid, unit in sv.units.month_units():
        fixed, variable = planned_overhead(unit, sv.alliances, sv.orgs, model.scenario, 2)
        assert plan.service_money[uid] == pytest.approx((unit.budget - fixed) / (1 + variable))


def test_clients_are_the_units_own_residents_and_firms(separate):
    model, _, (now, referred), waiting, firms = separate
    st, sv = model.services.state, model.services
    assert now.size > 0 and referred.size > 0 and waiting.size > 0 and firms.size > 0
    for person in np.concatenate([now, referred]):
        assert sv.units[st.payer[person]].areas[model.persons.home[person]]
    for person in waiting:
        assert sv.units[sv.referrals.payer[person]].areas[model.persons.home[person]]
    for slot, col in firms:
        assert sv.units[st.firm_payer[slot, col]].areas[model.firms.muni[slot]]


def test_a_firm_service_start_begins_its_follow_up(separate):
    model, _, _, _, firms = separate
    st, sc = model.services.state, model.scenario
    for slot, col in firms:
        months = sc.services.spec(FIRM_SERVICES[col]).duration_months
        assert st.firm_outcome_until[slot, col] == 2 + months + sc.market.outcome_follow_up_months
        assert st.firm_outcome_provider[slot, col] == st.firm_provider[slot, col]
        # Its employment at the end of last month (a firm born this month: now).
        born = model.firms.born[slot] == 2
        assert st.firm_start_employment[slot, col] == (
            model.firms.employment[slot] if born else st.firm_last_employment[slot])


def test_the_eligible_firms_not_drawn_become_its_controls(separate):
    model, _, _, _, firms = separate
    st, sc, f = model.services.state, model.scenario, model.firms
    groups = [g for g in model.services.market.record.control_groups if g.month == 2]
    assert groups
    for g in groups:
        name = FIRM_SERVICES[g.column]
        assert g.until == 2 + sc.services.spec(name).duration_months + (
            sc.market.outcome_follow_up_months)
        started = firms[firms[:, 1] == g.column, 0]
        # Eligible, not started (a firm started by another unit's purchase after this one
        # may be among its controls, not among those of the purchase that drew it), and
        # followed from their employment at the end of last month.
        same = [h for h in groups if h.column == g.column]
        assert all(sum(i in h.firms for h in same) < len(same) for i in started)
        rest = g.firms[~np.isin(g.firms, started)]
        assert f.alive[g.firms].all() and not st.firm_left[rest, g.column].any()
        assert (np.diff(g.firms) > 0).all()
        born = f.born[g.firms] == 2
        assert g.start == np.where(born, f.employment[g.firms],
                                   st.firm_last_employment[g.firms]).sum()


def test_providers_offer_what_they_sell(separate):
    model, _, (now, referred), waiting, firms = separate
    st, sv = model.services.state, model.services
    providers = sv.market.providers
    for person in np.concatenate([now, referred]):
        name = SERVICES[st.service[person]]
        if name in TRANSFERS:
            assert st.provider[person] == -1
        else:
            assert providers[st.provider[person]].offers[st.service[person]]
    for person in waiting:
        assert providers[sv.referrals.provider[person]].offers[sv.referrals.service[person]]


def test_municipal_units_clients_wait_for_their_referral(separate):
    model, _, (now, referred), waiting, _ = separate
    st, sv = model.services.state, model.services
    delay = model.scenario.separate.referral_delay_months
    assert (st.referral_wait[waiting] == delay).all()
    assert all(sv.units[sv.referrals.payer[p]].municipal for p in waiting)
    # What starts at once is the region's, or a transfer a municipality pays itself ...
    for person in now:
        unit = sv.units[st.payer[person]]
        assert not unit.municipal or SERVICES[st.service[person]] in TRANSFERS
    # ... and municipal services start when the referral's wait has ended.
    assert all(sv.units[st.payer[p]].municipal for p in referred)
    assert (st.referral_wait[referred] == -1).all()


def test_no_money_buys_nothing():
    model, plan, (now, referred), waiting, firms = bought(
        "tiny", 2, **{"organisers.region_budget_eur_per_resident": 0.0,
                      "organisers.municipal_budget_eur_per_resident": 0.0})
    # A budget of 0 leaves nothing for services, less than nothing after the offices.
    assert max(plan.service_money.values()) <= 0.0
    assert now.size == referred.size == waiting.size == firms.size == 0


def test_an_alliance_contract_buys_only_from_its_providers():
    # Every lever off but outcome pay: the members' units buy under the contract.
    levers = {f"alliance.levers.{lever}": lever == "outcome_payment" for lever in LEVERS}
    model, _, (now, _), _, _ = bought("tiny-alliance", 8, **levers)
    st, sv = model.services.state, model.services
    under_contract = [p for p in now if sv.units[st.payer[p]].alliance == 0
                      and st.provider[p] >= 0]
    assert under_contract
    for person in under_contract:
        unit = sv.units[st.payer[person]]
        assert unit.regime == "outcome" and unit.allowed[st.provider[person]]
    # Each one's follow-up enters the outcome record (joint learning and decisions).
    assert (st.outcome_provider[under_contract] == st.provider[under_contract]).all()


def test_every_start_under_the_contract_counts_for_joint_decisions():
    # Two municipalities in an alliance with joint decisions only: their units are
    # municipal, so their clients are referred and start after a wait.
    levers = {f"alliance.levers.{lever}": lever == "joint_decisions" for lever in LEVERS}
    model = GrowthServicesModel("tiny-alliance", seed=1, months=12, overrides={
        **SHORT, **levers, "alliance.members": ["Keskikylä", "Rantala"]})
    for _ in range(10):
        model.step()
    sv, st = model.services, model.services.state
    started = np.flatnonzero((st.started == 10) & (st.payer >= 0))
    mine = started[sv.units.column("alliance", np.int64)[st.payer[started]] == 0]
    assert mine.size > 0
    # Referred clients too: their follow-ups are the alliance's providers' to observe.
    assert (st.outcome_provider[mine] == st.provider[mine]).all()
    assert (st.outcome_service[mine] == st.service[mine]).all()
    assert (sv.units.column("alliance", np.int64)[st.outcome_payer[mine]] == 0).all()


@pytest.mark.parametrize("per_start", [1, 3])
def test_each_planned_start_refers_market_referrals_per_start_candidates(per_start,
                                                                         monkeypatch):
    # Two identical models in month 2, one planning with referrals_per_start set: the
    # month's first draw (the region's coaching clients) has the same pool and starts in
    # both, so the candidates drawn are the starts times referrals_per_start.
    sizes = {}
    for k in (1, per_start):
        model = GrowthServicesModel("tiny", seed=2, months=2, overrides=SHORT)
        model.step()
        purchasing = model.services.purchasing
        purchasing.scenario = purchasing.scenario.with_overrides(
            {"market.referrals_per_start": k})
        drawn: list[tuple[int, int]] = []  # (pool size, sample size) of each draw

        def recording(key, items, size, drawn=drawn, sample=draws.sample):
            drawn.append((items.shape[0], size))
            return sample(key, items, size)

        monkeypatch.setattr(draws, "sample", recording)
        purchasing.plan_and_start(2, np.random.default_rng(2))
        monkeypatch.undo()
        sizes[k] = drawn[0]
    (pool, starts), (same_pool, candidates) = sizes[1], sizes[per_start]
    assert pool == same_pool and starts < pool
    assert candidates == min(pool, starts * per_start)
