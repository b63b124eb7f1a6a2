"""Damaged and lost manifests: named with their key, rebuilt from the spec and the run files."""

from __future__ import annotations

import json
import shutil

import pytest
from sweep_fixtures import (
    SPEC,
    assert_same_results,
    copy_sweep,
    file_hashes,
    sweep_serial,
    write_spec,
)

import analysis
from analysis.experiments.repair import repair_sweep
from analysis.experiments.spec import SpecError
from analysis.experiments.store import StoreError
from analysis.experiments.sweep import status

NO_ENTROPY = SPEC.format(months=4, samples=3, extra="").replace("entropy = 7\n", "")


@pytest.fixture(scope="module")
def finished(tmp_path_factory):
    """Finished sweeps of six runs: (spec, directory) with and without entropy in the spec."""
    root = tmp_path_factory.mktemp("finished")
    spec = write_spec(root)
    sweep_serial(spec, root / "out")
    generated = write_spec(root, name="generated.toml", text=NO_ENTROPY)
    sweep_serial(generated, root / "generated")
    return {"spec": (spec, root / "out"), "generated": (generated, root / "generated")}


def edit_manifest(out, change):
    path = out / "manifest.json"
    manifest = json.loads(path.read_text())
    path.write_text(json.dumps(change(manifest)))


WRONG_SHAPES = {
    "a list": (lambda m: [m], "expected a JSON object, got a list"),
    "no runs": (lambda m: {k: v for k, v in m.items() if k != "runs"}, "key 'runs' is missing"),
    "runs a string": (lambda m: {**m, "runs": "r000000"},
                      "key 'runs': expected a list of runs, got a string"),
    "float seed": (lambda m: {**m, "runs": [*m["runs"][:2], [*m["runs"][2][:3], 1.5e18],
                                            *m["runs"][3:]]},
                   "key 'runs[2]': expected [run_id, point, replication, seed] with whole "
                   "numbers"),
    "point outside": (lambda m: {**m, "runs": [["r000000", 9, 0, 1], *m["runs"][1:]]},
                      "key 'runs[0]': point 9 is not one of the 3 design points"),
    "short design row": (lambda m: {**m, "design": [[0.01], *m["design"][1:]]},
                         "key 'design[0]': expected a list of 2 parameter values"),
    "newer format": (lambda m: {**m, "format": 9},
                     "key 'format': 9 is not a format this kasvu reads (1, 2)"),
    "entropy a string": (lambda m: {**m, "entropy": "7"},
                         "key 'entropy': expected a whole number, got a string"),
}


@pytest.mark.parametrize("shape", WRONG_SHAPES)
def test_manifest_of_the_wrong_shape_is_named_with_its_key(finished, tmp_path, shape):
    spec, source = finished["spec"]
    out = copy_sweep(source, tmp_path / "out")
    change, problem = WRONG_SHAPES[shape]
    edit_manifest(out, change)
    before = file_hashes(out)
    expected = f"{out / 'manifest.json'}: {problem}"
    for attempt in (lambda: analysis.load(out), lambda: analysis.load(out, "design"),
                    lambda: status(out), lambda: sweep_serial(spec, out)):
        with pytest.raises(StoreError) as err:
            attempt()
        assert str(err.value).startswith(expected)
        assert f"`kasvu sweep --repair {out}`" in str(err.value)
    assert file_hashes(out) == before


def test_damaged_manifest_is_set_aside_and_rebuilt(finished, tmp_path):
    spec, source = finished["spec"]
    out = copy_sweep(source, tmp_path / "out")
    (out / "manifest.json").write_text("{\"runs\": ")
    damaged = file_hashes(out)["manifest.json"]
    lines = repair_sweep(out)
    assert lines[0].startswith("moved the damaged manifest (unreadable (")
    assert lines[0].endswith(f"to {out / 'quarantine' / 'manifest.1'}/")
    assert file_hashes(out)["quarantine/manifest.1/manifest.json"] == damaged
    assert lines[1:] == [
        f"rebuilt {out / 'manifest.json'} from {out / 'spec.toml'} (entropy from the spec)",
        f"{out}: 6 done, 0 failed, 0 pending of 6",
    ]
    assert_same_results(out, source)
    assert sweep_serial(spec, out).ran == 0


@pytest.mark.parametrize("kind", ["spec", "generated"])
def test_lost_manifest_is_rebuilt_to_identical_results(finished, tmp_path, kind):
    spec, source = finished[kind]
    out = copy_sweep(source, tmp_path / "out")
    (out / "manifest.json").unlink()
    for name in ("r000004.parquet", "r000004.json", "r000005.parquet", "r000005.json"):
        (out / "runs" / name).unlink()  # the sweep was not finished when its manifest went
    with pytest.raises(StoreError, match=r"no manifest.json\); if it was lost, `kasvu sweep "
                                         r"--repair"):
        analysis.load(out)
    with pytest.raises(StoreError, match="kasvu sweep --repair"):
        sweep_serial(spec, out)
    lines = repair_sweep(out)
    origin = ("entropy from the spec" if kind == "spec"
              else "entropy recovered from 4 stored file(s)")
    assert lines == [
        f"rebuilt {out / 'manifest.json'} from {out / 'spec.toml'} ({origin})",
        f"{out}: 4 done, 0 failed, 2 pending of 6; resume with "
        f"`kasvu sweep {out / 'spec.toml'} --out {out}`",
    ]
    rebuilt = json.loads((out / "manifest.json").read_text())
    original = json.loads((source / "manifest.json").read_text())
    for key in ("name", "entropy", "entropy_source", "spec_hash", "design", "runs",
                "code_fingerprint", "format"):
        assert rebuilt[key] == original[key], key
    assert sweep_serial(spec, out).ran == 2
    assert_same_results(out, source)


def test_repair_sets_aside_runs_that_do_not_fit_the_rebuilt_plan(finished, tmp_path):
    spec, source = finished["spec"]
    out = copy_sweep(source, tmp_path / "out")
    (out / "manifest.json").unlink()
    shutil.copyfile(out / "runs" / "r000005.parquet", out / "runs" / "r000003.parquet")
    before = file_hashes(out)
    lines = repair_sweep(out, spec)
    aside = out / "quarantine" / "r000003.1"
    assert lines == [
        f"rebuilt {out / 'manifest.json'} from {spec} (entropy from the spec)",
        f"r000003: holds run r000005, not r000003; moved to {aside}/, it runs again when the "
        "sweep resumes",
        f"{out}: 5 done, 0 failed, 1 pending of 6; resume with `kasvu sweep {spec} --out {out}`",
    ]
    assert file_hashes(out)["quarantine/r000003.1/r000003.parquet"] == before[
        "runs/r000003.parquet"]
    assert sweep_serial(spec, out).ran == 1
    assert_same_results(out, source)


def test_repair_keeps_a_sound_manifest(finished, tmp_path):
    spec, source = finished["spec"]
    out = copy_sweep(source, tmp_path / "out")
    before = file_hashes(out)
    assert repair_sweep(out) == [
        f"{out / 'manifest.json'}: sound; verified the run files against it",
        f"{out}: 6 done, 0 failed, 0 pending of 6",
    ]
    assert file_hashes(out) == before
    other = write_spec(tmp_path, text=SPEC.format(months=4, samples=4, extra=""))
    with pytest.raises(SpecError, match="changed since"):
        repair_sweep(out, other)


def test_repair_refuses_what_it_cannot_repair_and_changes_nothing(finished, tmp_path):
    spec, source = finished["spec"]
    foreign = tmp_path / "foreign"
    foreign.mkdir()
    (foreign / "notes.txt").write_text("mine")
    with pytest.raises(StoreError, match=r"foreign: not a sweep directory \(no manifest.json, "
                                         r"spec.toml, runs/ or failed/\); nothing to repair"):
        repair_sweep(foreign, spec)
    assert [p.name for p in foreign.iterdir()] == ["notes.txt"]

    out = copy_sweep(source, tmp_path / "out")
    (out / "manifest.json").unlink()
    before = file_hashes(out)
    wrong = write_spec(tmp_path, name="wrong.toml",
                       text=SPEC.format(months=4, samples=3, extra="").replace("= 7", "= 70"))
    with pytest.raises(StoreError, match=r"none of the 6 stored run files fits the plan of .*"
                                         r"wrong.toml \(e.g. r000000: from another sweep"):
        repair_sweep(out, wrong)
    (out / "spec.toml").unlink()
    with pytest.raises(StoreError, match="cannot repair without the spec: spec.toml is missing"):
        repair_sweep(out)
    assert file_hashes(out) == {k: v for k, v in before.items() if k != "spec.toml"}

    generated, lost = finished["generated"]
    out = copy_sweep(lost, tmp_path / "generated")
    (out / "manifest.json").unlink()
    before = file_hashes(out)
    other = write_spec(tmp_path, name="other.toml", text=NO_ENTROPY.replace("0.015", "0.02"))
    with pytest.raises(StoreError, match="names no entropy and no stored file records one for "
                                         "this spec"):
        repair_sweep(out, other)
    assert file_hashes(out) == before


def test_sweep_killed_before_its_manifest_is_resumed(tmp_path):
    spec, out = write_spec(tmp_path), tmp_path / "out"
    out.mkdir()
    (out / "spec.toml").write_text(spec.read_text())  # killed right after the spec's copy
    assert sweep_serial(spec, out).ran == 6
    other = tmp_path / "other"
    other.mkdir()
    (other / "spec.toml").write_text("base = 'tiny'\n")
    with pytest.raises(StoreError, match="not a sweep .*`kasvu sweep --repair"):
        sweep_serial(spec, other)


def test_a_spec_whose_base_lies_beside_it_is_repaired_from_the_directory_alone(tmp_path):
    """The spec names its base by a path relative to itself, which the directory's copy of
    the spec cannot follow; the copy of the base beside it stands in."""
    project = tmp_path / "project"
    (project / "regions").mkdir(parents=True)
    (project / "regions" / "small.toml").write_text(
        'extends = "tiny"\nname = "small"\n\n[labour]\nmonthly_separation_rate = 0.011\n')
    spec = write_spec(project, text=SPEC.format(months=4, samples=3, extra="").replace(
        'base = "tiny"', 'base = "regions/small.toml"'))
    out = tmp_path / "out"
    sweep_serial(spec, out)
    assert (out / "base.toml").is_file()
    original = json.loads((out / "manifest.json").read_text())
    before = {k: v for k, v in file_hashes(out).items() if k != "manifest.json"}
    (out / "manifest.json").unlink()
    lines = repair_sweep(out)  # no spec given: the directory's copies only
    assert lines[-1].startswith(f"{out}: 6 done, 0 failed, 0 pending of 6")
    rebuilt = json.loads((out / "manifest.json").read_text())
    for key in ("spec_hash", "design", "runs", "entropy"):
        assert rebuilt[key] == original[key], key
    assert {k: v for k, v in file_hashes(out).items() if k != "manifest.json"} == before
    (out / "base.toml").unlink()
    (out / "manifest.json").unlink()
    with pytest.raises(SpecError, match="give the original"):
        repair_sweep(out)
