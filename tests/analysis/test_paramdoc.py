"""The parameter reference: complete, classified, and the same as the committed page."""

from analysis import paramdoc
from sim.scenario import Scenario


def test_committed_parameters_page_is_the_generated_one():
    committed = paramdoc.DOC_PATH.read_text(encoding="utf-8")
    assert committed == paramdoc.render(), "docs/parameters.md is stale: run make docs"


def test_every_schema_field_has_a_meaning_a_unit_and_a_source_class():
    docs = paramdoc.fields()
    assert paramdoc.check_fields(docs) == []
    assert all(d.source in paramdoc.SOURCES for d in docs)
    paths = {d.path for d in docs}
    # Leaves of every nested table are there, with their own defaults.
    for path in ("labour.monthly_separation_rate", "matching.recruiting_share",
                 "services.training.lock_in", "alliance.kras.improvement",
                 "municipalities.population", "organisers.municipal_benefit_share"):
        assert path in paths
    assert len(paths) == len(docs)
    for name in Scenario.model_fields:
        assert any(p == name or p.startswith(name + ".") for p in paths), name


def test_defaults_come_from_the_enclosing_table():
    docs = {d.path: d for d in paramdoc.fields()}
    assert docs["services.training.lock_in"].default == "0.35"
    assert docs["services.coaching.lock_in"].default == "0"
    assert docs["municipalities.population"].default == "required"


def test_source_rules_are_explicit_and_ordered():
    assert paramdoc.source_class("x.y", "Share. Source: Statistics Finland 2024.") == \
        "public figure"
    assert paramdoc.source_class("x.y", "Rate, per month (calibration (calibration/result.json); "
                                     "was an assumption).") == "calibration result"
    assert paramdoc.source_class("x.y", "Weight (assumption).") == "assumption"
    assert paramdoc.source_class("simulation.months", "Months simulated.") == "scenario input"
    assert paramdoc.source_class("labour.x", "A number.") == ""


def test_a_field_without_a_source_is_reported():
    bad = paramdoc.FieldDoc("labour.x", "A number.", "", "1", "any", "")
    assert paramdoc.check_fields([bad]) == ["labour.x: no unit in its description",
                                            "labour.x: no source in its description"]


def test_valid_range_reads_bounds_and_choices():
    docs = {d.path: d for d in paramdoc.fields()}
    assert docs["matching.applications_per_month"].valid == "≥ 0, ≤ 64"
    assert docs["providers.kind"].valid.startswith("one of `external`")
    assert docs["labour.skill_shares"].valid == "at least 1 item, each item ≥ 0 and ≤ 1"


def test_region_differences_list_the_shipped_pirkanmaa_values():
    rows = {path: value for path, _, value in paramdoc.region_differences()}
    assert rows["labour.initial_unemployment_rate"] == "0.134"
    assert rows["providers"].startswith("8 providers")
