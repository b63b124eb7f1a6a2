"""The dashboard in a real browser: ``kasvu app`` in a subprocess, Debian's chromium driven
headless by Playwright, with every request outside localhost blocked (offline). The what-if
page runs the tiny region; the decision page (``--decision DIR``) shows a hand-made study
(``decision_fixtures``), so that it needs no model run.

Skipped, with the reason, where chromium, Playwright or Solara is missing. Never runs
``playwright install``: the browser is the system's ``/usr/bin/chromium``. Set
``KASVU_DASHBOARD_SCREENSHOT=docs/dashboard.png`` to keep the final screenshot.
"""

from __future__ import annotations

import contextlib
import io
import os
import re
import shutil
import signal
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.request
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from decision_fixtures import decision_study, write_decision_dir

CHROMIUM_FLAGS = ["--no-sandbox", "--disable-gpu", "--disable-background-networking",
                  "--disable-component-update", "--disable-sync"]
SERVER_START_SECONDS = 120
RUN_SECONDS = 240  # the first run may compile the numba kernels
MONTHS = 12  # tiny-alliance: the levers act from month 7
DECISION_KEYS = {"x": "economy.cycle_amplitude", "y": "services.coaching.extra_applications"}
"""The hand-made study's uncertainties: B wins where x is high; y does not matter."""
LOCAL = ("http://127.0.0.1", "http://localhost", "ws://127.0.0.1", "ws://localhost",
         "data:", "blob:")


def _chromium() -> str:
    for candidate in ("/usr/bin/chromium", shutil.which("chromium") or ""):
        if candidate and os.access(candidate, os.X_OK):
            return candidate
    pytest.skip("chromium not installed (Debian: apt-get install chromium); "
                "the browser test needs it")


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def _wait_for_server(url: str, process: subprocess.Popen, log: Path) -> None:
    deadline = time.monotonic() + SERVER_START_SECONDS
    while time.monotonic() < deadline:
        if process.poll() is not None:
            pytest.fail(f"kasvu app exited with {process.returncode}:\n{log.read_text()}")
        try:
            with urllib.request.urlopen(url, timeout=5) as response:
                if response.status == 200:
                    return
        except (urllib.error.URLError, ConnectionError, TimeoutError):
            pass
        time.sleep(0.5)
    pytest.fail(f"kasvu app did not answer within {SERVER_START_SECONDS} s:\n{log.read_text()}")


@pytest.fixture
def browser():
    """Playwright's sync API and the chromium to drive, or a skip saying what is missing."""
    sync_api = pytest.importorskip("playwright.sync_api",
                                   reason="the Python playwright package is not installed")
    return sync_api, _chromium()


@contextlib.contextmanager
def _serve(tmp_path: Path, *options: str) -> Iterator[tuple[str, Path]]:
    """``kasvu app OPTIONS`` on a free localhost port; killed (with its children) at the end."""
    pytest.importorskip("solara", reason="the app extra (solara) is not installed")
    port = _free_port()
    log = tmp_path / "server.log"
    env = {**os.environ, "PYTHONUNBUFFERED": "1"}
    with log.open("w") as out:
        process = subprocess.Popen(
            [sys.executable, "-m", "analysis.cli", "app", "--port", str(port), *options],
            stdout=out, stderr=subprocess.STDOUT, env=env, start_new_session=True,
            cwd=Path(__file__).resolve().parents[3],
        )
    try:
        url = f"http://127.0.0.1:{port}/"
        _wait_for_server(url, process, log)
        yield url, log
    finally:
        if process.poll() is None:
            os.killpg(process.pid, signal.SIGTERM)
            try:
                process.wait(timeout=15)
            except subprocess.TimeoutExpired:
                os.killpg(process.pid, signal.SIGKILL)
                process.wait(timeout=15)


@pytest.fixture
def server(tmp_path):
    """The what-if dashboard of tiny-alliance, in English."""
    with _serve(tmp_path, "--scenario", "tiny-alliance", "--months", str(MONTHS),
                "--language", "en") as served:
        yield served


@pytest.fixture
def decision_server(tmp_path):
    """``kasvu app --decision DIR`` of a hand-made study (no model runs), in English."""
    study = write_decision_dir(tmp_path / "study", *decision_study(**DECISION_KEYS))
    with _serve(tmp_path, "--decision", str(study), "--language", "en") as served:
        yield served


@contextlib.contextmanager
def _offline_page(browser, tmp_path: Path) -> Iterator[tuple[Any, list[str], list[str]]]:
    """A chromium page that may reach localhost only: the page, its failures (page errors,
    server errors) and the addresses outside it asked for."""
    sync_api, chromium = browser
    outside: list[str] = []
    failed: list[str] = []

    def offline(route) -> None:
        if route.request.url.startswith(LOCAL):
            route.continue_()
        else:
            outside.append(route.request.url)
            route.abort()

    with sync_api.sync_playwright() as playwright:
        try:
            context = playwright.chromium.launch_persistent_context(
                str(tmp_path / "profile"), executable_path=chromium, headless=True,
                args=CHROMIUM_FLAGS, viewport={"width": 1600, "height": 1000})
        except sync_api.Error as exc:
            pytest.skip(f"chromium at {chromium} does not start under Playwright: {exc}")
        try:
            context.set_default_timeout(60_000)
            context.route("**/*", offline)
            page = context.new_page()
            page.on("pageerror", lambda exc: failed.append(f"page error: {exc}"))
            page.on("response", lambda r: failed.append(f"{r.status} {r.url}")
                    if r.status >= 500 else None)
            yield page, failed, outside
        finally:
            context.close()


def _not_blank(png: bytes, width: int = 1000, height: int = 600, spread_min: float = 20.0
               ) -> None:
    """A drawn image: big enough, with grey-level spread and colours a blank one lacks."""
    from PIL import Image, ImageStat

    image = Image.open(io.BytesIO(png)).convert("RGB")
    assert image.width >= width and image.height >= height, image.size
    spread = ImageStat.Stat(image.convert("L")).stddev[0]
    colours = len(image.getcolors(maxcolors=1 << 20) or [])
    assert spread > spread_min and colours > 200, (spread, colours)


def test_dashboard_runs_in_a_browser(browser, server, tmp_path):
    url, log = server
    with _offline_page(browser, tmp_path) as (page, failed, outside):
        page.goto(url)
        run = page.locator(".kasvu-run")
        run.wait_for()
        status = page.locator(".kasvu-status")
        assert status.inner_text() == "Choose the settings and press Run."

        # The language toggle turns every label Finnish, and back.
        page.get_by_role("button", name="FI", exact=True).click()
        page.get_by_text("Valitse asetukset ja paina Aja.").wait_for()
        page.get_by_text("Allianssin vivut", exact=True).first.wait_for()  # card by card
        page.get_by_role("button", name="EN", exact=True).click()
        page.get_by_text("Choose the settings and press Run.").wait_for()

        def press_run() -> str:
            """Run; wait until the summary has changed and the run is over."""
            before = page.locator(".kasvu-summary").inner_text()
            run.click()
            page.wait_for_function(
                """([before, done]) => {
                    const summary = document.querySelector('.kasvu-summary');
                    const button = document.querySelector('.kasvu-run');
                    return summary && summary.innerText !== before
                        && document.querySelector('.kasvu-status').innerText === done
                        && !button.classList.contains('v-btn--disabled');
                }""",
                arg=[before, f"Done: {MONTHS} months."], timeout=RUN_SECONDS * 1000)
            page.wait_for_timeout(500)  # the last images are on their way
            return page.locator(".kasvu-summary").inner_text()

        summary = press_run()
        assert f"At the end of month {MONTHS}" in summary and "Employed" in summary
        assert page.locator(".kasvu-chart img").count() == 5
        chart_before = page.locator(".kasvu-chart-employed img").screenshot()

        # A switch and a slider: pooled budget off, the region's budget to its maximum.
        lever = page.locator(".kasvu-lever-pooled_budget input")
        assert lever.is_checked()
        page.locator(".kasvu-lever-pooled_budget label").click()
        page.wait_for_function(
            "!document.querySelector('.kasvu-lever-pooled_budget input').checked")
        page.locator(".kasvu-region-budget [role=slider]").focus()
        page.keyboard.press("End")
        page.get_by_text("Region's budget, €/resident/year: 300").wait_for()

        assert press_run() != summary
        assert page.locator(".kasvu-chart-employed img").screenshot() != chart_before
        assert page.locator(".kasvu-chart img").count() == 5

        shot = page.screenshot(full_page=True)
        _not_blank(shot)
        keep = os.environ.get("KASVU_DASHBOARD_SCREENSHOT")
        if keep:
            Path(keep).write_bytes(shot)
    assert not failed, failed
    assert not outside, f"the dashboard asked the internet for {outside}"
    assert "Traceback" not in log.read_text(), log.read_text()


def test_decision_page_in_a_browser(browser, decision_server, tmp_path):
    from analysis.app.decision import Study, box_sentence

    url, log = decision_server
    x_name = "cycle amplitude (economy.cycle_amplitude)"
    box = box_sentence(Study(*decision_study(**DECISION_KEYS)).doc["boxes"][0], "en")
    with _offline_page(browser, tmp_path) as (page, failed, outside):
        page.goto(url)
        verdict = page.locator(".kasvu-decision-verdict")
        verdict.wait_for()
        assert verdict.inner_text().startswith(
            "Near extra applications (services.coaching.extra_applications) = 22.5: ")
        assert not re.search("page 0", page.locator("body").inner_text(), re.IGNORECASE)
        assert page.get_by_role("tab").count() == 0

        # The distribution of differences over the design points: the report's figure.
        differences = page.locator(".kasvu-chart-differences img")
        differences.wait_for()
        # Mostly white (a few design points): its grey-level spread measured 17.6 and 19.4,
        # a blank image's is 0.
        _not_blank(differences.screenshot(), 600, 300, spread_min=10.0)

        # One uncertainty chosen by its name, then moved to the low end of its range.
        page.locator(".kasvu-decision-key").click()
        page.get_by_role("option", name=x_name).click()
        page.get_by_text(f"Near {x_name} = 0.5: B is better than A at 100% and worse "
                         "at 0% of the 3 nearest").wait_for()
        boxes = page.locator(".kasvu-decision-box")
        assert boxes.all_inner_texts() == [
            f"{box} The chosen value is within the box's limits on {x_name}."]
        assert "PRIM: B wins on employed at the end when cycle amplitude " in box
        flips = page.locator(".kasvu-decision-flips").inner_text()
        assert flips.startswith(f"The verdict flips where {x_name} crosses 0.3")
        chart = page.locator(".kasvu-chart-decision img")
        before = chart.screenshot()
        _not_blank(before, 600, 300)

        page.locator(".kasvu-decision-value [role=slider]").focus()
        page.keyboard.press("Home")
        page.get_by_text(f"Near {x_name} = 0: B is better than A at 0% and worse at "
                         "100% of the 3 nearest").wait_for()
        page.get_by_text(f"The chosen value is outside the box's limits on {x_name}.",
                         exact=False).wait_for()
        page.wait_for_timeout(500)  # the new chart is on its way
        assert chart.screenshot() != before
    assert not failed, failed
    assert not outside, f"the dashboard asked the internet for {outside}"
    assert "Traceback" not in log.read_text(), log.read_text()
