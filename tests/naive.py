"""Slow, obvious pure-Python references of the numba kernels of sim.labour and sim.services.

Each reference is written from the rules stated in the kernel's docstring (and
docs/model.md), with plain loops, lists, dicts and ``sorted``; none of the kernels' workspaces,
binary searches, counting sorts or partial selection sorts appear here.

The kernels draw no random numbers of their own: every uniform they use is drawn by the
caller and passed in, and these references consume the same uniforms in the same way. A
kernel and its reference are therefore the same deterministic function of their inputs, so
the tests assert IDENTICAL results (the same matches, the same layoffs, the same numbers),
not merely statistically similar ones. There is no legitimate source of a different order.

The references take numpy arrays (or anything indexable) and return fresh Python lists; they
never modify their inputs.
"""

from __future__ import annotations

import math

EMPLOYED = 0
UNEMPLOYED = 1
OUTSIDE = 2


def _log(x: float) -> float:
    """Natural log with log(0) = -inf (a zero employability or fit ranks last)."""
    return -math.inf if x == 0 else math.log(x)


def match(
    s_home,
    s_skill,
    s_score,
    s_apps,
    u,
    n_rounds,
    reach_w,
    fit_w,
    dist,
    firm_muni,
    firm_skill,
    firm_value,
    firm_vac,
    firm_emp,
    commute_cost=0.0,
    noise=0.0,
    s_reserve=None,
    firm_floor=None,
):
    """Reference of :func:`sim.labour.matching.match`.

    Returns:
        (hired, vacancies, employment): each seeker's hiring firm or -1, and the firms'
        vacancies and employment after the month.
    """
    n_seekers = len(s_home)
    n_firms = len(firm_muni)
    n_munis = len(reach_w)
    n_groups = len(fit_w)
    vac = [int(v) for v in firm_vac]
    emp = [int(e) for e in firm_emp]
    hired = [-1] * n_seekers
    sqrt3 = math.sqrt(3.0)
    reserve = [-math.inf] * n_seekers if s_reserve is None else list(s_reserve)
    floor = [-math.inf] * n_firms if firm_floor is None else list(firm_floor)

    for rd in range(n_rounds):
        # Open vacancies at the start of the round, bucketed by (municipality, skill):
        # bucket b = muni * n_groups + skill holds its open firms in index order.
        bucket_firms = {b: [] for b in range(n_munis * n_groups)}
        for f in range(n_firms):
            if vac[f] > 0:
                bucket_firms[int(firm_muni[f]) * n_groups + int(firm_skill[f])].append(f)
        bucket_vac = {b: sum(vac[f] for f in firms) for b, firms in bucket_firms.items()}

        # Applications of this round: seekers in order, then their applications in order.
        applications = []  # (seeker, firm, score); its list position is its send order
        for i in range(n_seekers):
            if hired[i] >= 0:
                continue
            home, skill = int(s_home[i]), int(s_skill[i])
            # A vacancy's weight is reach × fit; a bucket's is that times its vacancies.
            weights = []
            for m in range(n_munis):
                for g in range(n_groups):
                    b = m * n_groups + g
                    weight = 0.0
                    if reach_w[home][m] > 0 and bucket_vac[b] > 0:
                        weight = reach_w[home][m] * fit_w[skill][g] * bucket_vac[b]
                    weights.append(weight)
            cumulative = []
            running = 0.0
            for weight in weights:
                running += weight
                cumulative.append(running)
            total = cumulative[-1]
            if total <= 0:
                continue  # nothing within reach: no application goes out
            for a in range(int(s_apps[i])):
                if a % n_rounds != rd:
                    continue
                target = u[i][a][0] * total
                b = next(k for k, c in enumerate(cumulative) if c > target)
                target = u[i][a][1] * bucket_vac[b]
                running_vac = 0
                for f in bucket_firms[b]:
                    running_vac += vac[f]
                    if running_vac > target:
                        break
                score = (
                    _log(s_score[i])
                    + _log(fit_w[skill][int(firm_skill[f])])
                    + noise * sqrt3 * (2.0 * u[i][a][2] - 1.0)
                )
                if score >= floor[f]:  # below the hiring standard: turned down
                    applications.append((i, f, score))

        # Each firm ranks its applications (higher score first, earlier application on
        # ties) and offers its vacancies to its best distinct applicants.
        offers = {}  # seeker -> firms offering, in firm order
        for f in range(n_firms):
            if vac[f] <= 0:
                continue
            mine = [k for k, app in enumerate(applications) if app[1] == f]
            ranked = sorted(mine, key=lambda k: (-applications[k][2], k))
            offered = []
            for k in ranked:
                if len(offered) == vac[f]:
                    break
                seeker = applications[k][0]
                if seeker not in offered:
                    offered.append(seeker)
            for seeker in offered:
                offers.setdefault(seeker, []).append(f)

        # Each seeker accepts its best offer (pay minus commuting cost, the first on ties)
        # if it is worth more than the job it holds.
        for i, firms in sorted(offers.items()):
            best, best_value = -1, reserve[i]
            for f in firms:
                value = firm_value[f] - commute_cost * dist[int(s_home[i])][int(firm_muni[f])]
                if value > best_value:
                    best, best_value = f, value
            if best >= 0:
                hired[i] = best
                vac[best] -= 1
                emp[best] += 1
    return hired, vac, emp


def separate(
    employer,
    status,
    home,
    unemployment_months,
    firm_dead,
    firm_need,
    quitters,
    u_layoff,
    firm_emp,
    n_areas,
):
    """Reference of :func:`sim.labour.flows.separate`.

    Workers of dead firms go. A firm that must shed ``need`` of its ``n`` workers picks them
    by selection sampling (Knuth's Algorithm S): its workers are visited in person order;
    while the sample is incomplete, each visited worker takes the next uniform ``U`` of
    ``u_layoff`` (one sequence shared by all firms) and is selected when
    ``(workers still to visit) · U < (layoffs still needed)``. Anyone else listed in
    ``quitters`` leaves too.

    Returns:
        dict with employer, status, unemployment_months, firm_emp (lists), out_by_area
        (separations by home municipality) and released (their number).
    """
    employer = [int(e) for e in employer]
    status = [int(s) for s in status]
    months = [int(m) for m in unemployment_months]
    emp = [int(e) for e in firm_emp]
    out_by_area = [0] * n_areas
    quitting = {int(q) for q in quitters}

    workers = {}  # firm -> its workers in person order
    for p, f in enumerate(employer):
        if f >= 0:
            workers.setdefault(f, []).append(p)
    to_visit = {f: len(ps) for f, ps in workers.items()}
    still_needed = {f: min(max(int(firm_need[f]), 0), len(ps)) for f, ps in workers.items()}

    uniforms = iter(u_layoff)
    leaving = []
    for p, f in enumerate(employer):
        if f < 0:
            continue
        if firm_dead[f]:
            leaving.append(p)
            continue
        if still_needed[f] > 0:
            chosen = next(uniforms) * to_visit[f] < still_needed[f]
            to_visit[f] -= 1
            if chosen:
                still_needed[f] -= 1
                leaving.append(p)
                continue
        if p in quitting:
            leaving.append(p)

    for p in leaving:
        emp[employer[p]] -= 1
        employer[p] = -1
        status[p] = UNEMPLOYED
        months[p] = 0
        out_by_area[int(home[p])] += 1
    return {
        "employer": employer,
        "status": status,
        "unemployment_months": months,
        "firm_emp": emp,
        "out_by_area": out_by_area,
        "released": len(leaving),
    }


def age(status, unemployment_months, employability, base, scarring, recovery, floor,
        in_service=None, recovery_outside=0.0):
    """Reference of :func:`sim.labour.flows.age`: returns (unemployment_months, employability).

    An unemployed person's spell grows by a month (or, in a service when ``in_service`` is
    given, restarts at 0) and loses ``scarring`` of employability (never below ``floor``);
    an employed person recovers ``recovery`` of the gap to base, a person outside the
    labour force ``recovery_outside``.
    """
    months = [int(m) for m in unemployment_months]
    score = [float(e) for e in employability]
    for p, st in enumerate(status):
        if st == UNEMPLOYED:
            months[p] = 0 if in_service is not None and in_service[p] else months[p] + 1
            score[p] = max(score[p] * (1.0 - scarring), floor)
        elif st == EMPLOYED:
            score[p] = score[p] + recovery * (base[p] - score[p])
        elif st == OUTSIDE:
            score[p] = score[p] + recovery_outside * (base[p] - score[p])
    return months, score


STOCK_COLUMNS = (
    "labour_force",
    "employed",
    "unemployed",
    "long_term_unemployed",
    "firms",
    "firm_employment",
    "vacancies",
    "in_services",
    "outside_labour_force",
    "active_jobseekers",
)


def stocks(
    home, status, unemployment_months, long_term, firm_muni, firm_alive, firm_emp, firm_vac,
    n_areas, in_service=None, searching=None,
):
    """Reference of :func:`sim.labour.stocks.stocks`: a list of rows, areas then the region.

    Persons count in their home municipality: outside the labour force, or in it as
    employed, in services (unemployed in a service) or unemployed (and long-term
    unemployed after ``long_term`` months, and active jobseekers when ``searching``, or
    always when it is absent); living firms, their employment and their vacancies in the
    firm's municipality. The last row sums the areas.
    """
    rows = [dict.fromkeys(STOCK_COLUMNS, 0) for _ in range(n_areas)]
    for p, h in enumerate(home):
        row = rows[int(h)]
        if status[p] == OUTSIDE:
            row["outside_labour_force"] += 1
            continue
        row["labour_force"] += 1
        if status[p] == EMPLOYED:
            row["employed"] += 1
        elif status[p] == UNEMPLOYED and in_service is not None and in_service[p]:
            row["in_services"] += 1
        elif status[p] == UNEMPLOYED:
            row["unemployed"] += 1
            if unemployment_months[p] >= long_term:
                row["long_term_unemployed"] += 1
            if searching is None or searching[p]:
                row["active_jobseekers"] += 1
    for f, m in enumerate(firm_muni):
        if firm_alive[f]:
            row = rows[int(m)]
            row["firms"] += 1
            row["firm_employment"] += int(firm_emp[f])
            row["vacancies"] += int(firm_vac[f])
    region = {c: sum(row[c] for row in rows) for c in STOCK_COLUMNS}
    return [[float(row[c]) for c in STOCK_COLUMNS] for row in [*rows, region]]


def labour_force_flows(status, employer, unemployment_months, home, busy, u, exit_employed,
                       exit_unemployed, discouragement, entry, firm_emp, n_areas):
    """Reference of :func:`sim.labour.flows.labour_force_flows`.

    Returns:
        (status, employer, unemployment_months, firm_emp, exits, entries) as lists.
    """
    status = [int(s) for s in status]
    employer = [int(e) for e in employer]
    months = [int(m) for m in unemployment_months]
    firm_emp = [int(e) for e in firm_emp]
    exits, entries = [0] * n_areas, [0] * n_areas
    for p in range(len(status)):
        if busy[p]:
            continue
        h = int(home[p])
        if status[p] == OUTSIDE and u[p] < entry:
            status[p], months[p] = UNEMPLOYED, 0
            entries[h] += 1
        elif status[p] == EMPLOYED and u[p] < exit_employed:
            firm_emp[employer[p]] -= 1
            status[p], employer[p] = OUTSIDE, -1
            exits[h] += 1
        elif status[p] == UNEMPLOYED and u[p] < exit_unemployed * (
                1.0 + discouragement * months[p] / 12.0):
            status[p], months[p] = OUTSIDE, 0
            exits[h] += 1
    return status, employer, months, firm_emp, exits, entries


def search_activity(status, searching, u, lapse, resume):
    """Reference of :func:`sim.labour.flows.search_activity`: the new flags as a list.

    An unemployed jobseeker stops searching when u < ``lapse`` (if it searched) or starts
    again when u < ``resume`` (if it did not); everyone else searches.
    """
    out = []
    for p in range(len(status)):
        if status[p] != UNEMPLOYED:
            out.append(1)
        elif searching[p]:
            out.append(0 if u[p] < lapse else 1)
        else:
            out.append(1 if u[p] < resume else 0)
    return out


# ----------------------------------------------------------------- growth services kernels
def group_by_area(idx, area, n_areas):
    """Reference of :func:`sim.services.eligibility.group_by_area`: lists per area, in order.

    Returns:
        (grouped indices, bounds) as lists.
    """
    lists = [[] for _ in range(n_areas)]
    for i in idx:
        lists[int(area[int(i)])].append(int(i))
    grouped = [i for lst in lists for i in lst]
    bounds = [0]
    for lst in lists:
        bounds.append(bounds[-1] + len(lst))
    return grouped, bounds


def eligible_by_home(status, service, referral_wait, months, employability, home, rules,
                     n_areas):
    """Reference of :func:`sim.services.eligibility.eligible_by_home`: per service, a list of
    eligible persons per home, joined home after home, with the bounds.
    """
    min_months, below, above = rules
    out = []
    for s in range(len(min_months)):
        idx = [p for p in range(len(status))
               if status[p] == UNEMPLOYED and service[p] < 0 and referral_wait[p] < 0
               and months[p] >= min_months[s] and above[s] < employability[p] < below[s]]
        out.append(group_by_area(idx, home, n_areas))
    return out


def progress_month(status, base, employability, service, months_left, provider, payer, effort,
                   subsidy_left, quality, recovery, gain, transfer):
    """Reference of :func:`sim.services.progress.progress_month`, on copies.

    Returns:
        dict of the updated per-person lists (base, employability, service, months_left,
        provider, payer, subsidy_left).
    """
    out = {"base": [float(x) for x in base], "employability": [float(x) for x in employability],
           "service": [int(x) for x in service], "months_left": [int(x) for x in months_left],
           "provider": [int(x) for x in provider], "payer": [int(x) for x in payer],
           "subsidy_left": [int(x) for x in subsidy_left]}
    for p in range(len(status)):
        s = out["service"][p]
        if s >= 0:
            q = out["provider"][p]
            strength = float(quality[q] if q >= 0 else quality[-1]) * float(effort[p])
            gap = out["base"][p] - out["employability"][p]
            step = min(max(float(recovery[s]) * strength, 0.0), 1.0)
            out["employability"][p] += step * max(gap, 0.0)
            hired = status[p] == EMPLOYED
            if hired and transfer[s]:  # a transfer follows its holder into work
                out["subsidy_left"][p] = out["months_left"][p]
            out["months_left"][p] -= 1
            if out["months_left"][p] <= 0 and not hired:
                g = float(gain[s]) * strength
                out["base"][p] = min(out["base"][p] + g, 1.0)
                out["employability"][p] = min(out["employability"][p] + g, 1.0)
                hired = True  # ends the service below
            if hired:
                out["service"][p], out["months_left"][p] = -1, 0
                out["provider"][p], out["payer"][p] = -1, -1
    for p in range(len(status)):
        if out["subsidy_left"][p] > 0:
            if status[p] == EMPLOYED:
                out["subsidy_left"][p] -= 1
            else:
                out["subsidy_left"][p] = 0
    return out


def seeker_modifiers(service, provider, effort, seekers, u, quality, extra, lock, score,
                     base_apps, searching=None):
    """Reference of :func:`sim.services.search.seeker_modifiers`: lists per seeker.

    ``u`` holds one uniform per person.
    """
    apps, boost = [], []
    for p in seekers:
        s = service[p]
        base = base_apps if searching is None or searching[p] else 0
        if s < 0:
            apps.append(base)
            boost.append(1.0)
            continue
        q = provider[p]
        strength = float(quality[q] if q >= 0 else quality[-1]) * float(effort[p])
        expected = (base + float(extra[s]) * min(strength, 2.0)) * (1.0 - float(lock[s]))
        apps.append(math.floor(expected + float(u[p])))
        boost.append(1.0 + float(score[s]) * strength)
    return apps, boost


def provider_load(provider, service, need, n_providers):
    """Reference of :func:`sim.services.counts.provider_load`."""
    out = [0.0] * n_providers
    for q, s in zip(provider, service, strict=True):
        if q >= 0:
            out[int(q)] += float(need[int(s)])
    return out


def served_by_providers(service, provider):
    """Reference of :func:`sim.services.counts.served_by_providers`."""
    return [p for p in range(len(service)) if service[p] >= 0 and provider[p] >= 0]


def clients_by_area(service, home, n_areas):
    """Reference of :func:`sim.services.counts.clients_by_area`."""
    out = [0] * n_areas
    for s, h in zip(service, home, strict=True):
        if s >= 0:
            out[int(h)] += 1
    return out


def firm_services_month(left, provider, payer):
    """Reference of :func:`sim.services.progress.firm_services_month`: new nested lists."""
    left = [[int(x) for x in row] for row in left]
    provider = [[int(x) for x in row] for row in provider]
    payer = [[int(x) for x in row] for row in payer]
    for f, row in enumerate(left):
        for c, months in enumerate(row):
            if months > 0:
                row[c] = months - 1
                if row[c] == 0:
                    provider[f][c] = -1
                    payer[f][c] = -1
    return left, provider, payer


def served_firms_by_area(left, alive, muni, n_areas):
    """Reference of :func:`sim.services.counts.served_firms_by_area`."""
    out = [0] * n_areas
    for f in range(len(alive)):
        if alive[f] and any(x > 0 for x in left[f]):
            out[int(muni[f])] += 1
    return out
