"""Label strings and number formats of figures and reports, in Finnish and English.

Every string a figure or report shows lives in :data:`LABELS`, one dictionary per language
with the same keys; templates use :meth:`str.format` fields. Numbers follow each language's
conventions: Finnish ``1 234,5 €`` and ``13,4 %``, English ``€1,234.5`` and ``13.4%``.
"""

from __future__ import annotations

import math

LANGUAGES = ("fi", "en")
NBSP = "\u00a0"
MINUS = "\u2212"

_FI = {
    # scenario kinds and places
    "kind_separate": "erillinen toiminta",
    "kind_alliance": "kasvupalveluallianssi",
    "subject_separate": "erillinen toiminta",
    "subject_alliance": "kasvupalveluallianssi",
    "area_ALL": "maakunta",
    "municipality": "kunta",
    "region": "maakunta",
    "organiser": "järjestäjä",
    "provider": "palveluntuottaja",
    "others": "muut ({n})",
    # metrics
    "employed": "työlliset",
    "unemployed": "työttömät",
    "long_term_unemployed": "pitkäaikaistyöttömät",
    "unemployment_rate": "työttömyysaste",
    "employment_rate": "työllisyysaste",
    "vacancies": "avoimet työpaikat",
    "vacancy_rate": "avoimien työpaikkojen osuus",
    "firm_employment": "yritysten työpaikat",
    "firm_births": "uudet yritykset",
    "firm_births_cumulative": "uudet yritykset (kertymä)",
    "firm_survival": "yritysten eloonjäänti",
    "firms": "yritykset",
    "labour_force": "työvoima",
    "hires": "palkkaukset",
    "job_finding_rate": "työllistymisaste",
    "spend_total": "palvelut ja hallinto",
    "service_spend_eur": "palvelumenot",
    "overhead_eur": "hallintokulut",
    "benefit_cost_eur": "työttömyysetuuksien kuntaosuus",
    "municipal_benefit_cost_eur": "työttömyysetuuksien kuntaosuus",
    "tax_revenue_eur": "verotulot",
    "net_eur": "nettovaikutus",
    "gain_pain_eur": "kipu–hyöty-jako",
    "kra_bonus_eur": "KRA-palkkio",
    "ever_served_share": "palveluihin päässeet",
    "outcome_paid_share": "tulosmaksun tuottaneet",
    "employed_share": "työllisten osuus lopussa",
    "mean_months_unemployed": "työttömyyskuukaudet",
    # levers
    "lever_pooled_budget": "yhteinen budjetti",
    "lever_shared_vacancies": "yhteiset avoimet työpaikat",
    "lever_unified_referrals": "yhden oven ohjaus",
    "lever_joint_office": "yhteinen projektitoimisto",
    "lever_outcome_payment": "tulosperusteinen maksu",
    "lever_gain_pain_share": "riskien ja hyötyjen jako",
    "lever_joint_learning": "yhteinen oppiminen",
    "lever_joint_decisions": "yhteinen päätöksenteko",
    "lever_interactions": "yhteisvaikutukset",
    # units and axes
    "unit_persons": "henkilöä",
    "unit_firms": "yrityksiä",
    "unit_percent": "%",
    "unit_percent_year": "% vuodessa",
    "unit_pp": "prosenttiyksikköä",
    "unit_eur_million": "milj. €",
    "unit_months": "kuukautta",
    "unit_index": "indeksin arvo",
    "unit_per_1000": "henkilöä / 1 000 asukasta",
    "axis_month": "kuukausia alusta",
    "axis_quintile": "työllistyvyyden viidennes (1 = heikoin)",
    "axis_lon": "pituusaste (°E)",
    "axis_lat": "leveysaste (°N)",
    "axis_with_unit": "{label}, {unit}",
    "eur_total_months": "milj. €, kuukaudet 1–{months} yhteensä",
    "axis_not_zero": "vaaka-akseli ei ala nollasta",
    "population_legend": "{n} asukasta",
    # figure titles
    "title_labour": "Työllisyys ja työttömyys: {area}",
    "title_impact": "Vaikutus kunnittain: {metric}, {b} − {a}",
    "title_business": "Yritysten kasvu: {area}",
    "title_money": "Rahat järjestäjittäin",
    "title_money_diff": "Rahat järjestäjittäin: {b} − {a}",
    "panel_money_levels": "{scenario}",
    "panel_alliance_money": "Allianssin kipu–hyöty-jako ja KRA-palkkio",
    "title_quintiles": "Kermankuorinta ja parkkeeraus: tulokset työllistyvyyden mukaan",
    "title_beveridge": "Beveridgen käyrä: {area}",
    "title_sensitivity": "Herkkyysanalyysi",
    "title_waterfall": "Mistä ero syntyy: {metric}, {a} → {b}",
    "title_map": "Kunnat kartalla: {value}",
    "region_total": "maakunta yhteensä: {diff} (95 %:n LV {low}…{high})",
    "start": "alku",
    "end": "loppu",
    # source line
    "source": "Lähde: Kasvu-simulaatio · skenaariot: {scenarios} · {reps} toistoa",
    "source_one": "Lähde: Kasvu-simulaatio · skenaariot: {scenarios} · 1 ajo",
    "source_tool": "Lähde: Kasvu-simulaatio",
    "method": "menetelmä: {method}",
    "band_reps": "nauha: 95 % toistoista",
    "moving_average": "{n} kuukauden liukuva keskiarvo",
    "ci_mean": "janat: 95 %:n luottamusväli",
    "ci_diff": "janat: erotuksen 95 %:n luottamusväli (yhteiset satunnaisluvut)",
    "size_population": "pallon koko: asukasluku",
    # figure names (notes, file list)
    "fig_labour": "työllisyys ja työttömyys",
    "fig_business": "yritysten kasvu",
    "fig_beveridge": "Beveridgen käyrä",
    "fig_money": "rahat järjestäjittäin",
    "fig_quintiles": "tulokset viidenneksittäin",
    "fig_impact": "vaikutus kunnittain",
    "fig_waterfall": "vipujen osuudet",
    "fig_map": "kartta",
    "fig_sensitivity": "herkkyysanalyysi",
    "map_impact": "työllisyysvaikutus",
    "map_rate": "työttömyysaste lopussa",
    "report_files": "Kuvatiedostot: {path}",
    # report
    "report_title": "Kasvupalvelujen simulaatio: raportti",
    "report_summary": "Yhteenveto",
    "report_figures": "Kuvat",
    "report_notes": "Huomautukset",
    "report_generated": "Tuotettu hakemistosta {path}.",
    "note_skipped": "Kuva ”{figure}” ohitettiin: {reason}.",
    "note_missing": "puuttuu {what}",
    "note_no_munis": "skenaariotiedostossa ei ole kuntien koordinaatteja",
    "period_one_year": "vuoden aikana",
    "period_years": "{n} vuoden aikana",
    "period_months": "{n} kuukauden aikana",
    "compared": "Vertailu: A = {a}, B = {b}; {reps} toistoa yhteisin satunnaisluvuin, "
    "{months} kuukautta.",
    "sum_employment": "{period} {b} {verb} maakunnan työllisiä {diff} henkilöllä verrattuna "
    "vaihtoehtoon {a} (95 %:n luottamusväli {low}…{high}).",
    "verb_up": "lisää",
    "verb_down": "vähentää",
    "sum_unclear": "Ero ei ole tilastollisesti selvä: luottamusväli sisältää nollan.",
    "sum_best": "Eniten hyötyy {area}: {diff} työllistä lopussa.",
    "sum_best_none": "Mikään kunta ei hyödy; vähiten menettää {area} ({diff}).",
    "sum_other": "{metric} lopussa: {diff} (95 %:n luottamusväli {low}…{high}).",
    "sum_cost": "Lisätyöllisen henkilötyövuoden hinta on {cost} (lisämenot {spend}, "
    "työllisiä henkilötyövuosia {years} enemmän).",
    "sum_cost_saving": "{b} käyttää {spend} vähemmän kuin {a} ja työllistää silti enemmän: "
    "lisäkustannusta ei synny.",
    "sum_cost_nm": "Lisätyöllisen henkilötyövuoden hintaa ei voi mielekkäästi laskea, koska "
    "työllisyysero ei ole selvästi positiivinen.",
    "sum_run": "{period} maakunnan työllisten määrä on {start} → {end} henkilöä (skenaario "
    "{scenario}, {reps} toistoa).",
    "sum_run_rate": "Työttömyysaste: {start} → {end}; pitkäaikaistyöttömiä lopussa {ltu}.",
    "sum_run_worst": "Korkein työttömyysaste lopussa: {area} ({rate}).",
    "sum_sensitivity": "{outcome}: herkin parametrille {parameter} ({index} = {value} ± {ci}).",
    # each party's net (payers.csv)
    "report_payers": "Kuka maksaa ja kuka saa",
    "payers_intro": "Kunkin osapuolen saamat rahat vähennettyinä sen maksamilla, euroa "
    "kuukaudessa keskimäärin kuukausina 1–{months} ({reps} toistoa), ja ero B − A "
    "95 %:n luottamusvälein. Julkinen sektori on valtio ja järjestäjät yhteensä "
    "(sisennetyt rivit). Osapuolten nettojen summa on nolla, koska jokaisella maksulla on "
    "maksaja ja saaja.",
    "payers_party": "osapuoli",
    "payers_scenario": "{which}: {name}",
    "payers_diff": "B − A",
    "payers_ci": "95 %:n luottamusväli",
    "ci_range": "{low}…{high}",
    "party_public_sector": "julkinen sektori",
    "party_state": "valtio",
    "party_providers": "palveluntuottajat",
    "party_persons": "henkilöt",
    "party_firms": "yritykset",
    "party_administration": "hallinto",
}

_EN = {
    "kind_separate": "separate action",
    "kind_alliance": "growth-services alliance",
    "subject_separate": "separate action",
    "subject_alliance": "the growth-services alliance",
    "area_ALL": "region",
    "municipality": "municipality",
    "region": "region",
    "organiser": "organiser",
    "provider": "service provider",
    "others": "others ({n})",
    "employed": "employed",
    "unemployed": "unemployed",
    "long_term_unemployed": "long-term unemployed",
    "unemployment_rate": "unemployment rate",
    "employment_rate": "employment rate",
    "vacancies": "vacancies",
    "vacancy_rate": "vacancy rate",
    "firm_employment": "jobs in firms",
    "firm_births": "new firms",
    "firm_births_cumulative": "new firms (cumulative)",
    "firm_survival": "firm survival",
    "firms": "firms",
    "labour_force": "labour force",
    "hires": "hires",
    "job_finding_rate": "job-finding rate",
    "spend_total": "services and overhead",
    "service_spend_eur": "service spend",
    "overhead_eur": "overhead",
    "benefit_cost_eur": "municipal share of benefits",
    "municipal_benefit_cost_eur": "municipal share of benefits",
    "tax_revenue_eur": "tax revenue",
    "net_eur": "net",
    "gain_pain_eur": "gain/pain share",
    "kra_bonus_eur": "KRA bonus",
    "ever_served_share": "ever served",
    "outcome_paid_share": "outcome payment earned",
    "employed_share": "employed at the end",
    "mean_months_unemployed": "months unemployed",
    "lever_pooled_budget": "pooled budget",
    "lever_shared_vacancies": "shared vacancies",
    "lever_unified_referrals": "one-door referrals",
    "lever_joint_office": "joint project office",
    "lever_outcome_payment": "payment for outcomes",
    "lever_gain_pain_share": "gain/pain share",
    "lever_joint_learning": "joint learning",
    "lever_joint_decisions": "joint decisions",
    "lever_interactions": "interactions",
    "unit_persons": "persons",
    "unit_firms": "firms",
    "unit_percent": "%",
    "unit_percent_year": "% a year",
    "unit_pp": "percentage points",
    "unit_eur_million": "€ million",
    "unit_months": "months",
    "unit_index": "index value",
    "unit_per_1000": "persons per 1,000 residents",
    "axis_month": "months from start",
    "axis_quintile": "employability quintile (1 = lowest)",
    "axis_lon": "longitude (°E)",
    "axis_lat": "latitude (°N)",
    "axis_with_unit": "{label}, {unit}",
    "eur_total_months": "€ million, months 1–{months} in total",
    "axis_not_zero": "horizontal axis does not start at zero",
    "population_legend": "{n} residents",
    "title_labour": "Employment and unemployment: {area}",
    "title_impact": "Impact by municipality: {metric}, {b} − {a}",
    "title_business": "Business growth: {area}",
    "title_money": "Money by organiser",
    "title_money_diff": "Money by organiser: {b} − {a}",
    "panel_money_levels": "{scenario}",
    "panel_alliance_money": "The alliance's gain/pain share and KRA bonus",
    "title_quintiles": "Creaming and parking: outcomes by employability",
    "title_beveridge": "Beveridge curve: {area}",
    "title_sensitivity": "Sensitivity analysis",
    "title_waterfall": "Where the difference comes from: {metric}, {a} → {b}",
    "title_map": "Municipalities on the map: {value}",
    "region_total": "region in total: {diff} (95% CI {low} to {high})",
    "start": "start",
    "end": "end",
    "source": "Source: Kasvu simulation · scenarios: {scenarios} · {reps} replications",
    "source_one": "Source: Kasvu simulation · scenarios: {scenarios} · 1 run",
    "source_tool": "Source: Kasvu simulation",
    "method": "method: {method}",
    "band_reps": "band: 95% of replications",
    "moving_average": "{n}-month moving average",
    "ci_mean": "whiskers: 95% confidence interval",
    "ci_diff": "whiskers: 95% confidence interval of the difference (common random numbers)",
    "size_population": "marker size: population",
    "fig_labour": "employment and unemployment",
    "fig_business": "business growth",
    "fig_beveridge": "Beveridge curve",
    "fig_money": "money by organiser",
    "fig_quintiles": "outcomes by quintile",
    "fig_impact": "impact by municipality",
    "fig_waterfall": "lever contributions",
    "fig_map": "map",
    "fig_sensitivity": "sensitivity analysis",
    "map_impact": "employment impact",
    "map_rate": "unemployment rate at the end",
    "report_files": "Figure files: {path}",
    "report_title": "Growth-services simulation: report",
    "report_summary": "Summary",
    "report_figures": "Figures",
    "report_notes": "Notes",
    "report_generated": "Made from the directory {path}.",
    "note_skipped": "Figure “{figure}” was skipped: {reason}.",
    "note_missing": "{what} is missing",
    "note_no_munis": "the scenario file has no municipality coordinates",
    "period_one_year": "In one year,",
    "period_years": "In {n} years,",
    "period_months": "In {n} months,",
    "compared": "Compared: A = {a}, B = {b}; {reps} replications with common random numbers, "
    "{months} months.",
    "sum_employment": "{period} {b} {verb} employment in the region by {diff} persons compared "
    "with {a} (95% confidence interval {low} to {high}).",
    "verb_up": "raises",
    "verb_down": "lowers",
    "sum_unclear": "The difference is not statistically clear: the confidence interval "
    "includes zero.",
    "sum_best": "{area} gains most: {diff} employed persons at the end.",
    "sum_best_none": "No municipality gains; {area} loses least ({diff}).",
    "sum_other": "{metric} at the end: {diff} (95% confidence interval {low} to {high}).",
    "sum_cost": "The cost per additional employed person-year is {cost} (extra spending "
    "{spend} for {years} additional employed person-years).",
    "sum_cost_saving": "{b} spends {spend} less than {a} and still employs more: there is no "
    "extra cost.",
    "sum_cost_nm": "The cost per additional employed person-year is not meaningful here, "
    "because the employment difference is not clearly positive.",
    "sum_run": "{period} employment in the region goes from {start} to {end} persons "
    "(scenario {scenario}, {reps} replications).",
    "sum_run_rate": "Unemployment rate: {start} → {end}; long-term unemployed at the end: {ltu}.",
    "sum_run_worst": "Highest unemployment rate at the end: {area} ({rate}).",
    "sum_sensitivity": "{outcome}: most sensitive to {parameter} ({index} = {value} ± {ci}).",
    "report_payers": "Who pays and who receives",
    "payers_intro": "What each party received less what it paid, euros a month on average "
    "over months 1–{months} ({reps} replications), and the difference B − A with its 95% "
    "confidence interval. The public sector is the state and the organisers together "
    "(indented rows). The parties' nets sum to zero, as every payment has a payer and a "
    "payee.",
    "payers_party": "party",
    "payers_scenario": "{which}: {name}",
    "payers_diff": "B − A",
    "payers_ci": "95% confidence interval",
    "ci_range": "{low} to {high}",
    "party_public_sector": "public sector",
    "party_state": "the state",
    "party_providers": "service providers",
    "party_persons": "persons",
    "party_firms": "firms",
    "party_administration": "administration",
}

_FI_DECISION = {
    "public_net_eur": "julkisen talouden nettovaikutus",
    "stat_final": "lopussa", "stat_mean": "keskimäärin", "stat_total": "yhteensä",
    "stat_initial": "alussa", "stat_min": "pienin", "stat_max": "suurin",
    "stat_change": "muutos",
    "fig_decision": "päätös epävarmuudessa",
    "title_decision_diff": "Ero vaihtoehtoon {reference} epävarmuuksien vaihteluvälillä",
    "title_decision_prim": "Missä {alternative} {verb}: PRIM-laatikko ({outcome})",
    "title_decision_rank": "Mitkä epävarmuudet ratkaisevat: {alternative}",
    "decision_wins": "voittaa", "decision_loses": "häviää",
    "decision_diff_axis": "ero, suunnittelupisteittäin",
    "decision_diff_axis_eur": "ero, milj. €, suunnittelupisteittäin",
    "decision_restricted": "rajattuja epävarmuuksia",
    "decision_coverage": "kattavuus", "decision_density": "tiheys",
    "decision_chosen": "valittu laatikko",
    "decision_range": "osuus vaihteluvälistä (0 = alaraja, 1 = yläraja)",
    "decision_score": "merkitys (osuus)",
    "decision_source": "{points} suunnittelupistettä × {seeds} siementä, {n} epävarmuutta",
    "sum_decision": "{outcome}: {alternative} on parempi kuin {reference} {share} "
    "suunnittelupisteistä (95 %:n luottamusväli {low}–{high}); odotettu ero {diff}. "
    "Pienin suurin harmi: {minimax}.",
    "sum_decision_box": "{alternative} {verb} ({outcome}), kun {where} "
    "(kattavuus {coverage}, tiheys {density}).",
    "sum_decision_rank": "Ratkaisevimmat epävarmuudet ({alternative}, {outcome}): {keys}.",
}

_EN_DECISION = {
    "public_net_eur": "public net effect",
    "stat_final": "at the end", "stat_mean": "on average", "stat_total": "in total",
    "stat_initial": "at the start", "stat_min": "lowest", "stat_max": "highest",
    "stat_change": "change",
    "fig_decision": "decision under uncertainty",
    "title_decision_diff": "Difference from {reference} across what we do not know",
    "title_decision_prim": "Where {alternative} {verb}: the PRIM box ({outcome})",
    "title_decision_rank": "Which uncertainties decide: {alternative}",
    "decision_wins": "wins", "decision_loses": "loses",
    "decision_diff_axis": "difference, per design point",
    "decision_diff_axis_eur": "difference, € million, per design point",
    "decision_restricted": "uncertainties restricted",
    "decision_coverage": "coverage", "decision_density": "density",
    "decision_chosen": "chosen box",
    "decision_range": "share of the range (0 = low end, 1 = high end)",
    "decision_score": "importance (share)",
    "decision_source": "{points} design points × {seeds} seeds, {n} uncertainties",
    "sum_decision": "{outcome}: {alternative} beats {reference} at {share} of the design "
    "points (95% CI {low}–{high}); expected difference {diff}. Minimax regret: {minimax}.",
    "sum_decision_box": "{alternative} {verb} ({outcome}) when {where} "
    "(coverage {coverage}, density {density}).",
    "sum_decision_rank": "The uncertainties that matter most ({alternative}, {outcome}): {keys}.",
}

LABELS: dict[str, dict[str, str]] = {"fi": {**_FI_DECISION, **_FI}, "en": {**_EN_DECISION, **_EN}}
"""Every label string, one dictionary per language with the same keys."""


def check_language(lang: str) -> str:
    """Return ``lang`` if it is a supported language, else raise ValueError."""
    if lang not in LABELS:
        raise ValueError(f"unknown language {lang!r}; choose one of {', '.join(LANGUAGES)}")
    return lang


def text(key: str, lang: str, **fields: object) -> str:
    """The label ``key`` in ``lang`` with ``fields`` filled in."""
    template = LABELS[check_language(lang)][key]
    return template.format(**fields) if fields else template


def label(name: str, lang: str) -> str:
    """The label of a metric, lever or area name; the name itself if it has none."""
    table = LABELS[check_language(lang)]
    for key in (name, f"lever_{name}", f"area_{name}"):
        if key in table:
            return table[key]
    return name


def with_unit(name: str, unit_key: str, lang: str) -> str:
    """An axis label such as ``työlliset, henkilöä``."""
    return text("axis_with_unit", lang, label=label(name, lang), unit=text(unit_key, lang))


def capitalise(sentence: str) -> str:
    """``sentence`` with its first letter in upper case and the rest unchanged."""
    return sentence[:1].upper() + sentence[1:]


def number(value: float, lang: str, decimals: int = 0, signed: bool = False) -> str:
    """``value`` with the thousands separator and decimal mark of ``lang``.

    Finnish uses a no-break space and a decimal comma; English a comma and a point. The minus
    sign is the typographic one (U+2212); ``signed`` adds ``+`` to positive values.
    """
    check_language(lang)
    if value is None or (isinstance(value, float) and math.isnan(value)):
        return "–"
    rounded = round(float(value), decimals)
    if rounded == 0:
        rounded = 0.0
    body = f"{abs(rounded):,.{decimals}f}"
    if lang == "fi":
        body = body.replace(",", NBSP).replace(".", ",")
    sign = MINUS if rounded < 0 else ("+" if signed and rounded > 0 else "")
    return sign + body


def significant(value: float, lang: str, digits: int = 3) -> str:
    """``value`` to ``digits`` significant digits in :func:`number`'s format, no trailing zeros.

    Whole digits are kept (``1 250``, not ``1 300``); ``0,0834``, ``3,5`` and ``12`` in
    Finnish, ``0.0834``, ``3.5`` and ``12`` in English.
    """
    if value is None or not math.isfinite(value) or value == 0:
        return number(value, lang)
    decimals = max(0, digits - 1 - math.floor(math.log10(abs(value))))
    body = number(value, lang, decimals)
    mark = "," if lang == "fi" else "."
    return body.rstrip("0").rstrip(mark) if mark in body else body


def percent(value: float, lang: str, decimals: int = 1, signed: bool = False) -> str:
    """A share (0.134) as a percentage: ``13,4 %`` or ``13.4%``."""
    body = number(100 * value, lang, decimals, signed)
    return f"{body}{NBSP}%" if lang == "fi" else f"{body}%"


def euros(value: float, lang: str, decimals: int = 0, signed: bool = False) -> str:
    """An amount of euros: ``12 300 €`` or ``€12,300`` (large amounts in millions)."""
    if abs(value) >= 10_000_000:
        body = number(value / 1e6, lang, 1, signed)
        return f"{body}{NBSP}milj.{NBSP}€" if lang == "fi" else _prefix_euro(f"{body} million")
    body = number(value, lang, decimals, signed)
    return f"{body}{NBSP}€" if lang == "fi" else _prefix_euro(body)


def _prefix_euro(body: str) -> str:
    """``€`` after any sign: ``−€5`` rather than ``€−5``."""
    if body[:1] in (MINUS, "+"):
        return body[0] + "€" + body[1:]
    return "€" + body
