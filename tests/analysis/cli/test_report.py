"""``kasvu report DIR``: the page's path on stdout, notes on stderr, exit 2 on bad input."""

from __future__ import annotations

import pytest
from report_fixtures import A_NAME, make_compare_dir, make_run_dir

from analysis.cli import main


@pytest.fixture(scope="module")
def compare_dir(tmp_path_factory):
    return make_compare_dir(tmp_path_factory.mktemp("cmp"), reps=2, months=12)


def test_report_default_output_is_dir_report(tmp_path, capsys):
    run = make_run_dir(tmp_path / "run", A_NAME, False, [100, 101], 12)
    for stem in ("providers", "quintiles", "organisers"):
        (run / f"{stem}.parquet").unlink()
    assert main(["report", str(run), "--lang", "en"]) == 0
    out = capsys.readouterr()
    assert out.out.strip() == str(run / "report" / "report-en.html")
    assert "money by organiser" in out.err and "organisers.parquet" in out.err
    written = {p.name for p in (run / "report").iterdir()}
    assert {"labour-en.png", "business-en.png", "beveridge-en.png", "map-en.png"} <= written
    assert "money-en.png" not in written and "quintiles-en.png" not in written
    page = (run / "report" / "report-en.html").read_text(encoding="utf-8")
    assert "was skipped" in page


def test_empty_directory_is_a_clear_error(tmp_path, capsys):
    assert main(["report", str(tmp_path)]) == 2
    err = capsys.readouterr().err
    assert "no results" in err and "timeseries.parquet" in err
    assert not (tmp_path / "report").exists()


def test_missing_directory_and_bad_format_are_errors(tmp_path, compare_dir, capsys):
    assert main(["report", str(tmp_path / "nowhere")]) == 2
    assert "no such directory" in capsys.readouterr().err
    assert main(["report", str(compare_dir), "--format", "png,gif"]) == 2
    assert "gif" in capsys.readouterr().err
    with pytest.raises(SystemExit) as exc:
        main(["report", str(compare_dir), "--lang", "sv"])
    assert exc.value.code == 2
