"""``kasvu decide``: bad specs, a tiny study end to end, kill -9 and resume, output schemas."""

from __future__ import annotations

import json
from pathlib import Path

import pandas as pd
import pytest
from sweep_fixtures import kill_when_stored

from analysis.cli import main
from analysis.decision import load_decision
from analysis.decision.results import PARQUET_LEAD
from analysis.decision.spec import DEFAULT_OUTCOMES

SPEC = """
alternatives = ["tiny", "tiny-alliance"]
set = ["simulation.burn_in_months=2"]
months = 4
replications = {replications}
entropy = 11
outcomes = ["final_employed", "final_long_term_unemployed", "total_public_net_eur"]

[design]
kind = "lhs"
samples = {samples}

[uncertainties]
exclude = ["simulation.*", "services.*"]

[[uncertainties.set]]
key = "alliance.transition_slowdown"
min = 0.0
max = 0.2
"""


def write(tmp_path, samples=4, replications=1, text=None):
    path = tmp_path / "decision.toml"
    path.write_text(text or SPEC.format(samples=samples, replications=replications))
    return path


def decide(spec, out, *extra):
    return main(["decide", str(spec), "--out", str(out), "--executor", "serial", "--quiet",
                 *extra])


BAD_SPECS = [
    ('alternatives = ["tiny", "tiny-alliance"]', 'alternatives = ["tiny"]', "alternatives"),
    ('alternatives = ["tiny", "tiny-alliance"]', 'alternatives = ["tiny", "atlantis"]',
     "alternatives: atlantis"),
    ('key = "alliance.transition_slowdown"', 'key = "alliance.no_such_thing"',
     "uncertainties.set[0].key: alliance.no_such_thing"),
    ('key = "alliance.transition_slowdown"', 'key = "labour"', "labour is a table"),
    ("max = 0.2", "max = 0.0", "min must be below max"),
    ('"total_public_net_eur"', '"total_public_gross"', "unknown outcome"),
    ("samples = 4", "samples = 6\nkind2 = 1", "design.kind2: unknown key"),
    ('kind = "lhs"\nsamples = 4', 'kind = "sobol"\nsamples = 6', "power of 2"),
    ("[uncertainties]", "[uncertainties]\nbogus = 1", "uncertainties.bogus: unknown key"),
]


@pytest.mark.parametrize(("old", "new", "expected"), BAD_SPECS)
def test_bad_spec_exits_2_and_writes_nothing(tmp_path, capsys, old, new, expected):
    text = SPEC.format(samples=4, replications=1)
    path = write(tmp_path, text=text.replace(old, new, 1))
    out = tmp_path / "out"
    assert decide(path, out) == 2
    err = capsys.readouterr().err
    assert str(path) in err and expected in err, err
    assert not out.exists()


def test_missing_spec_and_foreign_directory_exit_2(tmp_path, capsys):
    assert decide(tmp_path / "none.toml", tmp_path / "out") == 2
    assert "no such decision spec" in capsys.readouterr().err
    (tmp_path / "busy").mkdir()
    (tmp_path / "busy" / "mine.txt").write_text("x")
    assert decide(write(tmp_path), tmp_path / "busy") == 2
    assert "not a decision study" in capsys.readouterr().err
    assert sorted(p.name for p in (tmp_path / "busy").iterdir()) == ["mine.txt"]


def test_alliance_keys_apply_only_to_the_alliance(tmp_path):
    decision = load_decision(write(tmp_path))
    separate, alliance = decision.alternatives
    assert "alliance.transition_slowdown" in decision.keys
    assert "alliance.transition_slowdown" in alliance.keys
    assert not [k for k in separate.keys if k.startswith("alliance.")]
    assert not [k for k in decision.keys if k.startswith(("simulation.", "services."))]
    assert decision.sources["alliance.transition_slowdown"] == "set"


def test_tiny_study_end_to_end_and_its_schemas(tmp_path, capsys):
    spec, out = write(tmp_path, samples=5, replications=2), tmp_path / "out"
    assert decide(spec, out) == 0
    printed = capsys.readouterr().out
    assert "20 done, 0 failed, 0 pending of 20 runs" in printed
    assert "tiny-alliance beats tiny on final_employed at" in printed
    doc = json.loads((out / "decision.json").read_text())
    assert {"format", "name", "reference", "alternatives", "outcomes", "points", "seeds",
            "entropy", "spec_hash", "summary", "verdicts", "boxes", "importance",
            "runs"} <= set(doc)
    assert doc["reference"] == "tiny" and doc["points"] == 5 and len(doc["seeds"]) == 2
    assert doc["runs"] == {"stored": 20, "planned": 20}
    assert len(doc["summary"]) == 2 * 3
    row = next(r for r in doc["summary"] if r["alternative"] == "tiny-alliance")
    assert {"expected_difference", "ci_low", "ci_high", "share_better", "share_ci_low",
            "share_ci_high", "max_regret", "mean_regret", "share_best"} <= set(row)
    assert set(doc["verdicts"]) == set(doc["outcomes"])
    assert {(b["outcome"], b["kind"]) for b in doc["boxes"]} == {
        (o, k) for o in doc["outcomes"] for k in ("win", "lose")}
    table = pd.read_parquet(out / "decision.parquet")
    assert list(table.columns[: len(PARQUET_LEAD)]) == PARQUET_LEAD
    assert "alliance.transition_slowdown" in table.columns
    assert len(table) == 2 * 5 * 3 and (table["seeds"] == 2).all()
    reference = table[table["alternative"] == "tiny"]
    assert (reference["difference"] == 0).all() and (table["regret"] >= 0).all()
    assert table["point"].dtype == "int64" and table["better"].dtype == bool
    # The report reads the decision directory, in both languages.
    for lang in ("fi", "en"):
        assert main(["report", str(out), "--lang", lang]) == 0
        for slug in ("decision-differences", "decision-prim", "decision-uncertainties"):
            assert (out / "report" / f"{slug}-{lang}.png").is_file() or slug == "decision-prim"
    page = (out / "report" / "report-en.html").read_text()
    assert "tiny-alliance beats tiny at" in page
    # Rerunning the finished study runs nothing and writes the same results.
    first = (out / "decision.json").read_bytes()
    assert decide(spec, out) == 0
    assert "20 done, 0 failed, 0 pending of 20 runs (0.0 s" in capsys.readouterr().out
    assert (out / "decision.json").read_bytes() == first
    # A changed spec is refused; nothing changes.
    spec.write_text(spec.read_text().replace("max = 0.2", "max = 0.3"))
    assert decide(spec, out) == 2
    assert "changed since" in capsys.readouterr().err
    assert (out / "decision.json").read_bytes() == first


def test_study_killed_with_sigkill_resumes_to_identical_results(tmp_path):
    spec, out = write(tmp_path, samples=6), tmp_path / "out"
    argv = ["decide", str(spec), "--out", str(out), "--executor", "serial", "--quiet"]
    stored = kill_when_stored(argv, out, "alternatives/*/runs/r*.json")
    assert 2 <= stored < 12 and not (out / "decision.json").exists()
    assert decide(spec, out) == 0
    assert decide(spec, tmp_path / "whole") == 0
    assert (json.loads((out / "decision.json").read_text())
            == json.loads((tmp_path / "whole" / "decision.json").read_text()))
    pd.testing.assert_frame_equal(pd.read_parquet(out / "decision.parquet"),
                                  pd.read_parquet(tmp_path / "whole" / "decision.parquet"))


@pytest.mark.parametrize("name", ["tiny", "pirkanmaa", "pirkanmaa-quick"])
def test_shipped_decision_specs_load(name):
    root = Path(__file__).resolve().parents[3]
    decision = load_decision(root / "scenarios" / "decisions" / f"{name}.toml")
    assert len(decision.alternatives) >= 2
    # The region's firm employment is its employed (tests/frame_checks.py): not twice.
    assert "final_firm_employment" not in decision.spec.outcomes
    assert "final_firm_employment" not in DEFAULT_OUTCOMES
    if name == "pirkanmaa":  # the full study: 3 × 64 points × 2 seeds, as its header says
        assert (decision.spec.design.samples, decision.spec.replications) == (64, 2)
        assert decision.months == 24 and "simulation.burn_in_months=12" in decision.spec.set
        text = (root / "scenarios" / "decisions" / "pirkanmaa.toml").read_text(encoding="utf-8")
        assert "3 alternatives × 64 points × 2 seeds = 384 runs" in text
    if name == "pirkanmaa-quick":  # what `make run` ends with: small enough for minutes
        assert [a.name for a in decision.alternatives] == ["pirkanmaa-separate",
                                                           "pirkanmaa-alliance"]
        makefile = (root / "Makefile").read_text(encoding="utf-8")
        assert "scenarios/decisions/pirkanmaa-quick.toml" in makefile and "--decompose" in makefile
