"""Alliance governance (allianssin ohjaus) and the provider market, quarter by quarter.

Phases: formation (negotiated procedure), development (sets the target cost per
client-month and the KRA levels), implementation (levers act; KRA scored quarterly; bonus
pool and gain/pain paid). Exit: any party at the end of development; an organiser at any
quarter once its own KRA results stay under the minimum for a set number of quarters.
Members who leave return to separate action.
"""

from __future__ import annotations

import numpy as np

from ..scenario.organising import Provider
from ..scenario.services import SERVICES
from .units import REGION, AllianceAgent, kra_levels, kra_score

QUARTER = 3


def member_areas(system, members: list[int]) -> np.ndarray:
    """Municipalities whose people an alliance (or one member) answers for."""
    areas = np.zeros(system.n_munis, dtype=bool)
    munis = [m - 1 for m in members if m != REGION]
    if munis:
        areas[munis] = True
    else:
        areas[:] = True  # the region alone answers for the whole region
    return areas


def kra_values(system, a: AllianceAgent, areas: np.ndarray) -> dict[str, float]:
    """This quarter's value of each of the alliance's KRAs over ``areas``."""
    stats = system.model.last_stats  # areas × metrics of the latest month
    cols = system.model.metric_index
    lf = stats[:-1, cols["labour_force"]][areas].sum()
    acc = system.alliance_acc.get(a.index, np.zeros(3))
    target = a.target_per_client_month * acc[0] if np.isfinite(a.target_per_client_month) \
        else np.nan
    sent, lost = system.referrals[areas].sum(axis=0)
    values = {
        "employment_rate": stats[:-1, cols["employed"]][areas].sum() / max(lf, 1.0),
        "long_term_unemployed": stats[:-1, cols["long_term_unemployed"]][areas].sum(),
        "firm_employment": stats[:-1, cols["firm_employment"]][areas].sum(),
        "hard_to_help_placements": system.hard_to_help_hires[areas].sum(),
        "referrals_completed": 1.0 - lost / sent if sent > 0 else 1.0,
        "cost_vs_target": acc[1] / target if target and np.isfinite(target) else 1.0,
    }
    return {k.name: float(values[k.name]) for k in a.spec.kras}


def composite(a: AllianceAgent, values: dict[str, float], levels: dict) -> float:
    """Weighted mean KRA score."""
    total = sum(k.weight for k in a.spec.kras)
    return sum(k.weight * kra_score(values[k.name], *levels[k.name]) for k in a.spec.kras) / total


def end_development(system, a: AllianceAgent, month: int) -> str:
    """Set the target cost and KRA levels; parties using their exit right leave."""
    acc = system.alliance_acc.get(a.index, np.zeros(3))
    a.target_per_client_month = (acc[1] / acc[0] * (1.0 - a.spec.target_saving)
                                 if acc[0] > 0 else np.nan)
    a.levels = {}
    a.member_levels = {}
    values = kra_values(system, a, member_areas(system, a.members))
    for k in a.spec.kras:
        a.levels[k.name] = kra_levels(k.name, values[k.name], k.improvement)
    for m in a.members:
        mv = kra_values(system, a, member_areas(system, [m]))
        a.member_levels[m] = {k.name: kra_levels(k.name, mv[k.name], k.improvement)
                              for k in a.spec.kras}
    events = []
    for name in a.spec.leave_after_development:
        if name in system.index_of and system.index_of[name] in a.members:
            a.members.remove(system.index_of[name])
            a.exited.append(system.index_of[name])
            events.append(f"exit:{name}")
        for p in system.providers:
            if p.name == name and p.index in a.provider_ids:
                a.provider_ids.remove(p.index)
                events.append(f"exit:{name}")
    return ";".join(events)


def settle_quarter(system, a: AllianceAgent, month: int) -> tuple[str, dict, float]:
    """Gain/pain on target cost and the KRA bonus; member exits on failing KRAs."""
    acc = system.alliance_acc.get(a.index, np.zeros(3))
    shares = system.budget[a.members]
    target = a.target_per_client_month * acc[0] if np.isfinite(a.target_per_client_month) \
        else acc[1]
    values = kra_values(system, a, member_areas(system, a.members))
    score = composite(a, values, a.levels)
    prov_cost = {p: c for p, c in system.provider_cost_q.items()}
    total_cost = sum(prov_cost.values())
    if a.lever("gain_pain_share") and total_cost > 0:
        part = a.spec.provider_gain_share * (target - acc[1])
        part = max(part, -acc[2])  # providers' pain is capped at their fee
        for pid, c in prov_cost.items():
            system.providers[pid].gain_pain += part * c / total_cost
        system.books.add("gain_pain_eur", a.members, shares, part)
        system.settle(a, part)
    if a.lever("outcome_payment") and a.spec.kra_bonus_eur_per_year > 0:
        bonus = a.spec.kra_bonus_eur_per_year / 4.0 * score
        clients = {p: system.providers[p].quarter_clients for p in a.provider_ids}
        total = sum(clients.values())
        if total > 0 and bonus > 0:
            for pid, n in clients.items():
                system.providers[pid].kra_bonus += bonus * n / total
            system.books.add("kra_bonus_eur", a.members, shares, bonus)
            system.settle(a, bonus)
    events = []
    n_fail = a.spec.exit_after_failing_quarters
    for m in list(a.members):
        mv = kra_values(system, a, member_areas(system, [m]))
        if composite(a, mv, a.member_levels[m]) <= 0.0:
            a.failing[m] = a.failing.get(m, 0) + 1
        else:
            a.failing[m] = 0
        if n_fail and a.failing[m] >= n_fail:
            a.members.remove(m)
            a.exited.append(m)
            events.append(f"exit:{system.names[m] if m else 'region'}")
    return ";".join(events), values, target


def govern(system, month: int) -> None:
    """Quarterly: alliance phases and settlements, then the provider market."""
    for p in system.providers:
        p.quarter_clients += p.clients
    quarter_end = month >= 1 and month % QUARTER == 0
    if quarter_end:
        settle_alliances(system, month)
    close_providers(system, month)
    if quarter_end:
        system.alliance_acc.clear()
        system.provider_cost_q.clear()
        system.referrals[:] = 0.0
        system.hard_to_help_hires[:] = 0.0
        provider_market(system, month)
        for p in system.providers:
            p.quarter_clients = 0


def close_providers(system, month: int) -> None:
    """Providers book the month; alliance providers learn jointly and cut costs."""
    market = system.sc.market
    active = system.active_alliances(month)
    for p in system.providers:
        mult, best = 1.0, p.quality
        for a in active:
            if p.index in a.provider_ids or (p.kind == "own" and p.owner in a.members):
                if a.lever("joint_learning"):
                    mult = a.spec.joint_learning_multiplier
                    best = max(system.providers[i].quality for i in a.provider_ids) \
                        if a.provider_ids else p.quality
                if a.lever("gain_pain_share"):
                    # Keeping part of every saving, providers cut their unit costs.
                    p.cost_factor = max(p.cost_factor
                                        * (1.0 - a.spec.efficiency_gain_per_year / 12.0),
                                        0.7 * p.initial_cost_factor)
        p.close_month(market.learning_per_year, mult, best)


def settle_alliances(system, month: int) -> None:
    """Quarter end: phase transitions, settlements and the alliance table."""
    for a in system.alliances:
        if not a.members:
            continue
        phase = a.phase(month)
        f, d = a.spec.formation_months, a.spec.development_months
        event, values, target = "", {}, np.nan
        if phase == "implementation" and month > f + d:
            if a.levels is None:
                event = end_development(system, a, month)
            else:
                event, values, target = settle_quarter(system, a, month)
                if a.lever("joint_decisions"):
                    a.adjust_mix()
        elif phase == "development" and month + QUARTER > f + d:
            event = end_development(system, a, month)
        acc = system.alliance_acc.get(a.index, np.zeros(3))
        record_alliance(system, a, month, phase, target, acc[1], values, event)


def record_alliance(system, a, month, phase, target, actual, values, event) -> None:
    """One row per KRA (or one row without a KRA outside implementation)."""
    rows = [(k.name, values.get(k.name, np.nan), *a.levels.get(k.name, (np.nan, np.nan)))
            for k in a.spec.kras] if values else [("", np.nan, np.nan, np.nan)]
    for i, (kra, value, lo, hi) in enumerate(rows):
        score = kra_score(value, lo, hi) if kra and np.isfinite(lo) else np.nan
        system.alliance_rows.append(month, a.name, phase, len(a.members), float(target),
                                    float(actual), kra, value, lo, hi, score,
                                    event if i == 0 else "")


def provider_market(system, month: int) -> None:
    """Quarterly: loss-making external providers leave; high margins draw new ones in."""
    market = system.sc.market
    for p in system.providers:
        if p.active and p.kind != "own" and p.cash < -market.exit_after_loss_months * p.fixed_cost:
            p.active = False
    rng = system.model.streams["services"]
    for s, name in enumerate(SERVICES):
        sellers = [p for p in system.providers if p.active and p.offers[s]]
        if not sellers:
            continue
        revenue = sum(p.quarter_revenue for p in sellers)
        margin = sum(p.quarter_revenue - p.quarter_cost for p in sellers)
        if revenue > 0 and margin / revenue > market.entry_margin:
            template = sellers[0]
            spec = Provider(
                name=f"{name}-entrant-{month}", kind="external", services=[name],
                capacity=int(np.mean([p.capacity for p in sellers])),
                cost_factor=float(np.mean([p.cost_factor for p in sellers])),
                price_factor=float(np.mean([p.price_factor for p in sellers])),
                quality=float(rng.uniform(0.8, 1.2)),
                fixed_cost_eur_per_month=template.fixed_cost,
            )
            system.add_provider(spec)
    for p in system.providers:
        p.quarter_revenue = 0.0
        p.quarter_cost = 0.0


def record_books(system, month: int) -> None:
    """Close the books and append this month's organiser and provider rows."""
    values = system.books.close()
    in_alliance = np.full(system.n_munis + 1, -1, dtype=np.int64)
    for a in system.alliances:  # membership in any phase from month 1 on
        if month >= 1 and a.members:
            in_alliance[a.members] = a.index
    for k, name in enumerate(system.names):
        kind = "region" if k == REGION else "municipality"
        a = in_alliance[k]
        system.organiser_rows.append(month, name, kind,
                                     system.alliances[a].name if a >= 0 else "",
                                     *values[k].tolist())
    if system.trial and month > 0:
        system.record_trial(month)
    for p in system.providers:
        system.provider_rows.append(month, p.name, p.kind, p.active, p.clients, p.revenue,
                                    p.cost, p.margin, p.gain_pain, p.kra_bonus, p.quality)

