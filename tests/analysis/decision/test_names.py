"""Readable names of uncertainties: schema paths, the schema's Finnish terms, the labels."""

from __future__ import annotations

from pathlib import Path

import pytest

from analysis.decision import load_decision
from analysis.decision.names import (
    finnish_term,
    finnish_terms,
    schema_path,
    spelt_finnish,
    uncertainty_label,
    uncertainty_name,
)
from sim.scenario import SERVICES

ROOT = Path(__file__).resolve().parents[3]


@pytest.mark.parametrize("key, path", [
    ("economy.cycle_amplitude", "economy.cycle_amplitude"),
    ('providers."Valmennus Oy".quality', "providers.quality"),
    ("alliances.0.best_practice_pull", "alliances.best_practice_pull"),
    ("alliance.kras.1.improvement", "alliance.kras.improvement"),
    ("services.coaching.cost_eur_per_month", "services.coaching.cost_eur_per_month"),
    ("municipalities.Tampere.population", "municipalities.population"),
    ("labour", None), ("providers", None), ("labour.no_such_rate", None), ("x", None),
    ('labour."unclosed', None),
])
def test_schema_path_leaves_out_list_elements(key, path):
    assert schema_path(key) == path


def test_the_finnish_terms_are_those_the_schema_gives():
    # A new description that gives a Finnish term, or an English one spelt like Finnish
    # right after the opening words, shows up here: check it and add it.
    per_service = {"cost_eur_per_month": "kuukausikustannus", "duration_months": "palvelun kesto",
                   "capacity_need": "kapasiteettitarve", "lock_in": "lukkiutuminen",
                   "employability_gain": "työllistyvyyden nousu"}
    per_alliance = {"joint_decision_min_weight": "palvelun vähimmäispaino",
                    "joint_decision_max_weight": "palvelun enimmäispaino",
                    "joint_decision_min_follow_ups": "seurantojen vähimmäismäärä",
                    "efficiency_gain_per_year": "tehostuminen"}
    assert finnish_terms() == {
        "labour.monthly_on_the_job_search_rate": "työnhaku työstä",
        "municipalities.name": "kunta",
        "municipalities.sub_region": "seutukunta",
        "synthetic_region.regions": "maakunnat",
        "organisers.budget_check": "talousarviokuri",
        "economy.cycle_amplitude": "suhdannevaihtelu",
        "host_arrangements.host": "vastuukunta",
        "firms.vacancy_cost": "rekrytoinnin kustannus",
        "matching.skill_mismatch_penalty": "osaamisen yhteensopimattomuus",
        "organisers.municipal_budget_eur_per_resident": "kunnan määrärahat",
        "organisers.caseworker_search_elasticity": "virkailijatyön vaikutus hakuun",
        "organisers.pace_exponent": "tahdin korjaus",
        "organisers.pace_min": "aloitustahdin alaraja",
        "providers.cost_factor": "kustannuskerroin",
        "providers.price_factor": "hintakerroin",
        "providers.quality": "laatu",
        "providers.fixed_cost_eur_per_month": "kiinteä kustannus",
        "market.effort_cost_share": "työpanoksen kustannusosuus",
        "separate.referral_delay_months": "ohjauksen viive",
        "separate.open_market_share": "avointen työpaikkojen näkyvyys",
        **{f"services.{s}.{k}": term for s in SERVICES for k, term in per_service.items()},
        **{f"{a}.{k}": term for a in ("alliance", "alliances") for k, term in
           per_alliance.items()},
    }


def test_english_explanations_in_parentheses_are_not_taken_for_finnish():
    for word in ("assumption", "workers", "returners", "true", "scarring", "employees"):
        assert not spelt_finnish(word), word
    for word in ("suhdannevaihtelu", "maakunnat", "työstä", "talousarviokuri"):
        assert spelt_finnish(word), word
    # The rule is by spelling, so "noise" passes it; only its place keeps exp(noise) out.
    assert spelt_finnish("noise") and finnish_term("Score exp(noise) of a job.") is None
    assert finnish_term("Monthly rate (young people, graduates, returners); x") is None
    assert finnish_term("Business cycle (suhdannevaihtelu): a sine wave") == "suhdannevaihtelu"
    assert finnish_term("A better job (on-the-job search, työnhaku työstä);") == (
        "työnhaku työstä")
    assert finnish_term("Words before it " * 5 + "(suhdannevaihtelu).") is None  # too far in


def test_labels_in_both_languages():
    assert uncertainty_label("economy.cycle_amplitude", "fi") == (
        "suhdannevaihtelu (economy.cycle_amplitude)")
    assert uncertainty_label("economy.cycle_amplitude", "en") == (
        "cycle amplitude (economy.cycle_amplitude)")
    assert uncertainty_label("services.coaching.cost_eur_per_month", "fi", "\n") == (
        "kuukausikustannus\n(services.coaching.cost_eur_per_month)")
    assert uncertainty_label("services.coaching.cost_eur_per_month", "en", "\n") == (
        "cost EUR per month\n(services.coaching.cost_eur_per_month)")
    # No Finnish term in the schema: the English words in Finnish too.
    assert uncertainty_label("services.coaching.extra_applications", "fi") == (
        "extra applications (services.coaching.extra_applications)")
    assert uncertainty_label("x", "fi") == "x"  # not in the schema: the key as it is
    assert uncertainty_name("economy.cycle_amplitude", "fi") == "suhdannevaihtelu"
    assert uncertainty_name('providers."Valmennus Oy".quality', "fi") == "laatu"
    assert uncertainty_name('providers."Valmennus Oy".quality', "en") == "quality"
    assert uncertainty_name("x", "en") == "x"
    with pytest.raises(ValueError):
        uncertainty_label("x", "sv")


@pytest.mark.parametrize("name", ["tiny", "pirkanmaa"])
def test_every_uncertainty_of_a_shipped_study_has_a_label(name):
    decision = load_decision(ROOT / "scenarios" / "decisions" / f"{name}.toml")
    for key in decision.keys:
        for lang in ("fi", "en"):
            label = uncertainty_label(key, lang)
            assert label.endswith(f" ({key})") and len(label) > len(key) + 3, label
