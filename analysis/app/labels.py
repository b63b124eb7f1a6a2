"""Every string the what-if dashboard shows, in Finnish and English (käyttöliittymän tekstit).

The dashboard's own words live in :data:`LABELS`, one dictionary per language with the same
keys; templates use :meth:`str.format` fields. Names of metrics and levers are not repeated
here: :func:`name` takes them from :mod:`analysis.report.i18n`, so the dashboard and the
slide figures call things the same. Numbers are formatted by that module too.
"""

from __future__ import annotations

from ..report import i18n
from .settings import REGION_ORGANISER

LANGUAGES = i18n.LANGUAGES

_FI = {
    "title": "Kasvu – mitä jos? Erillinen toiminta vai kasvupalveluallianssi",
    "language": "Kieli",
    "card_scenario": "Alue ja yhteistyömalli",
    "card_budgets": "Budjetit",
    "card_alliance": "Allianssi",
    "card_run": "Ajo",
    "scenario": "Lähtöskenaario",
    "cooperation": "Yhteistyömalli",
    "coop_separate": "erillinen toiminta",
    "coop_alliance": "kasvupalveluallianssi (rinnakkain erillisen kanssa)",
    "quick": "Pikatila: 12 kuukauden esijakso",
    "months": "Simuloidut kuukaudet",
    "seed": "Satunnaislukusiemen",
    "region_budget": "Maakunnan budjetti, €/asukas/vuosi",
    "municipal_budget": "Kuntien budjetti, €/asukas/vuosi",
    "members": "Allianssin jäsenet",
    "all": "kaikki",
    "none": "ei ketään",
    "levers": "Allianssin vivut",
    "payment": "Maksumalli",
    "differential_prices": "porrastetut tulosmaksut (vaikeasti työllistyvistä enemmän)",
    "gain_share": "Tuottajien osuus kipu–hyöty-jaosta",
    "exit_quarters": "Järjestäjä eroaa, kun KRA-tulos jää alle minimin näin monta "
    "neljännestä peräkkäin (0 = ei koskaan)",
    "separate_note": "Erillisessä toiminnassa ei ole allianssia: valitse allianssi "
    "vertaillaksesi.",
    "run": "Aja",
    "stop": "Pysäytä",
    "building": "Rakennetaan aluetta ja ajetaan esijakso ({burn_in} kk)…",
    "running": "Kuukausi {month} / {months}",
    "done": "Valmis: {months} kuukautta.",
    "press_run": "Valitse asetukset ja paina Aja.",
    "stopped": "Pysäytetty kuukauden {month} jälkeen.",
    "error": "Asetuksia ei voi ajaa: {message}",
    "no_members": "valitse allianssiin vähintään yksi jäsen",
    "side_separate": "erillinen toiminta",
    "side_alliance": "allianssi",
    "difference": "ero (allianssi − erillinen)",
    "chart_money": "Rahat järjestäjittäin, kuukaudet 1–{month} yhteensä, milj. €",
    "money_costs": "kasvupalvelujen kulut",
    "money_net_difference": "netto: allianssi − erillinen",
    "chart_map": "Työllisyysero, allianssi − erillinen, kk {month}",
    "chart_map_separate": "Kunnat (pallon koko: asukasluku)",
    "map_colour": "työllisiä / 1 000 työvoimaan kuuluvaa",
    "axis_month": "kuukausia alusta",
    "axis_persons": "henkilöä",
    "implementation": "toteutus alkaa",
    "no_data": "Ei vielä tuloksia: paina Aja.",
    "summary_title": "Tilanne kuukauden {month} lopussa",
    "summary_metric": "mittari",
    "pp": "%-yks.",
    "money_net": "järjestäjien nettoraha yhteensä",
    "alliance_phase": "Allianssin vaihe: {phase}; jäseniä {members}.",
    "phase_formation": "muodostaminen",
    "phase_development": "kehittäminen",
    "phase_implementation": "toteutus",
    "phase_strategy": "strategia",
    "phase_dissolved": "purettu",
    "exits": "Eronneet: {names}.",
    "crn_note": "Molemmat puolet ajetaan samalla siemenellä (yhteiset satunnaisluvut), "
    "joten ero johtuu yhteistyömallista eikä sattumasta.",
    "region_member": "maakunta",
    "card_decision": "Päätösanalyysi",
    "decision_title": "Kasvu – päätösanalyysi: {name}",
    "decision_study": "{points} koepistettä × {seeds} siementä, {uncertainties} epävarmaa "
    "oletusta; vertailukohta {reference}.",
    "decision_alternative": "Vaihtoehto",
    "decision_outcome": "Tulosmittari",
    "decision_uncertainty": "Epävarma oletus (tärkeimmät ensin)",
    "decision_value": "Oletuksen arvo",
    "decision_near": "Kun {uncertainty} on lähellä arvoa {value}: {alternative} on parempi kuin "
    "{reference} {better} ja huonompi {worse} niistä {n} koepisteestä, jotka ovat lähimpänä "
    "(arvot {low}…{high}).",
    "decision_flips": "Tuomio kääntyy, kun {uncertainty} ylittää arvon {values}.",
    "decision_no_flip": "Tuomio ei käänny tämän oletuksen vaihteluvälillä.",
    "decision_box_win": "PRIM: {alternative} voittaa ({outcome}), kun {where} (kattavuus "
    "{coverage}, tiheys {density}).",
    "decision_box_lose": "PRIM: {alternative} häviää ({outcome}), kun {where} (kattavuus "
    "{coverage}, tiheys {density}).",
    "decision_in_box": "Valittu arvo on laatikon rajoissa ({uncertainty}).",
    "decision_out_box": "Valittu arvo on laatikon rajojen ulkopuolella ({uncertainty}).",
    "decision_no_box": "PRIM ei löytänyt laatikkoa tälle vaihtoehdolle ja mittarille.",
    "decision_chart": "Ero vertailukohtaan koepisteittäin: {uncertainty}",
    "decision_prim_win": "PRIM: voittaa",
    "decision_prim_lose": "PRIM: häviää",
    "decision_chosen": "valittu arvo",
    "decision_share_better": "osuus lähimmistä, joissa parempi",
    "decision_difference": "ero vertailukohtaan",
    "decision_note": "Mitään ei ajeta uudelleen: osuudet lasketaan tallennetuista "
    "koepisteistä, ja harvoista pisteistä ne ovat karkeita. PRIM-laatikko rajaa muitakin "
    "oletuksia kuin liukusäätimen.",
}

_EN = {
    "title": "Kasvu – what if? Separate action or a growth-services alliance",
    "language": "Language",
    "card_scenario": "Region and cooperation model",
    "card_budgets": "Budgets",
    "card_alliance": "Alliance",
    "card_run": "Run",
    "scenario": "Base scenario",
    "cooperation": "Cooperation model",
    "coop_separate": "separate action",
    "coop_alliance": "growth-services alliance (side by side with separate action)",
    "quick": "Quick mode: 12-month burn-in",
    "months": "Months simulated",
    "seed": "Random seed",
    "region_budget": "Region's budget, €/resident/year",
    "municipal_budget": "Municipalities' budget, €/resident/year",
    "members": "Members of the alliance",
    "all": "all",
    "none": "none",
    "levers": "Alliance levers",
    "payment": "Payment regime",
    "differential_prices": "differential outcome prices (more for the hard to help)",
    "gain_share": "Providers' share of gain/pain",
    "exit_quarters": "An organiser leaves once its KRA score stays under the minimum this "
    "many quarters in a row (0 = never)",
    "separate_note": "Separate action has no alliance: choose the alliance to compare.",
    "run": "Run",
    "stop": "Stop",
    "building": "Building the region and running the burn-in ({burn_in} months)…",
    "running": "Month {month} of {months}",
    "done": "Done: {months} months.",
    "press_run": "Choose the settings and press Run.",
    "stopped": "Stopped after month {month}.",
    "error": "These settings cannot run: {message}",
    "no_members": "choose at least one member for the alliance",
    "side_separate": "separate action",
    "side_alliance": "alliance",
    "difference": "difference (alliance − separate)",
    "chart_money": "Money by organiser, months 1–{month} in total, € million",
    "money_costs": "growth-services costs",
    "money_net_difference": "net: alliance − separate",
    "chart_map": "Employment gap, alliance − separate, month {month}",
    "chart_map_separate": "Municipalities (marker size: population)",
    "map_colour": "employed per 1,000 in the labour force",
    "axis_month": "months from start",
    "axis_persons": "persons",
    "implementation": "implementation starts",
    "no_data": "No results yet: press Run.",
    "summary_title": "At the end of month {month}",
    "summary_metric": "metric",
    "pp": "pp",
    "money_net": "organisers' net money in total",
    "alliance_phase": "Alliance phase: {phase}; {members} members.",
    "phase_formation": "formation",
    "phase_development": "development",
    "phase_implementation": "implementation",
    "phase_strategy": "strategy",
    "phase_dissolved": "dissolved",
    "exits": "Left: {names}.",
    "crn_note": "Both sides run with the same seed (common random numbers), so the difference "
    "comes from the cooperation model, not from chance.",
    "region_member": "region",
    "card_decision": "Decision study",
    "decision_title": "Kasvu – decision study: {name}",
    "decision_study": "{points} design points × {seeds} seed(s) over {uncertainties} "
    "uncertainties; reference {reference}.",
    "decision_alternative": "Alternative",
    "decision_outcome": "Outcome",
    "decision_uncertainty": "Uncertainty (most important first)",
    "decision_value": "Value of the uncertainty",
    "decision_near": "Near {uncertainty} = {value}: {alternative} is better than {reference} at "
    "{better} and worse at {worse} of the {n} nearest design points ({low}…{high}).",
    "decision_flips": "The verdict flips where {uncertainty} crosses {values}.",
    "decision_no_flip": "The verdict does not flip across this uncertainty's range.",
    "decision_box_win": "PRIM: {alternative} wins on {outcome} when {where} (coverage "
    "{coverage}, density {density}).",
    "decision_box_lose": "PRIM: {alternative} loses on {outcome} when {where} (coverage "
    "{coverage}, density {density}).",
    "decision_in_box": "The chosen value is within the box's limits on {uncertainty}.",
    "decision_out_box": "The chosen value is outside the box's limits on {uncertainty}.",
    "decision_no_box": "PRIM found no box for this alternative and outcome.",
    "decision_chart": "Difference from the reference at each design point: {uncertainty}",
    "decision_prim_win": "PRIM: wins",
    "decision_prim_lose": "PRIM: loses",
    "decision_chosen": "chosen value",
    "decision_share_better": "share of the nearest that are better",
    "decision_difference": "difference from the reference",
    "decision_note": "Nothing is run again: the shares come from the stored design points and "
    "are coarse with few points. A PRIM box restricts other uncertainties besides the slider's.",
}

LABELS: dict[str, dict[str, str]] = {"fi": _FI, "en": _EN}
"""The dashboard's strings, one dictionary per language with the same keys."""


def t(key: str, lang: str, **fields: object) -> str:
    """The dashboard string ``key`` in ``lang`` with ``fields`` filled in.

    Raises:
        ValueError: ``lang`` is not one of :data:`LANGUAGES`.
        KeyError: no such string.
    """
    template = LABELS[i18n.check_language(lang)][key]
    return template.format(**fields) if fields else template


def name(key: str, lang: str) -> str:
    """The name of a metric, lever or organiser (``region`` or a municipality) in ``lang``."""
    if key == REGION_ORGANISER:
        return t("region_member", lang)
    return i18n.label(key, lang)
