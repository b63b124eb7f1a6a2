"""The what-if dashboard in a real browser: ``kasvu app`` in a subprocess, Debian's chromium
driven headless by Playwright, with every request outside localhost blocked (offline).

Skipped, with the reason, where chromium, Playwright or Solara is missing. Never runs
``playwright install``: the browser is the system's ``/usr/bin/chromium``. Set
``KASVU_DASHBOARD_SCREENSHOT=docs/dashboard.png`` to keep the final screenshot.
"""

from __future__ import annotations

import io
import os
import shutil
import signal
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.request
from pathlib import Path

import pytest

CHROMIUM_FLAGS = ["--no-sandbox", "--disable-gpu", "--disable-background-networking",
                  "--disable-component-update", "--disable-sync"]
SERVER_START_SECONDS = 120
RUN_SECONDS = 240  # the first run may compile the numba kernels
MONTHS = 12  # tiny-alliance: the levers act from month 7
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


@pytest.fixture
def server(tmp_path):
    """``kasvu app`` on a free localhost port; killed (with its children) at the end."""
    pytest.importorskip("solara", reason="the app extra (solara) is not installed")
    port = _free_port()
    log = tmp_path / "server.log"
    env = {**os.environ, "PYTHONUNBUFFERED": "1"}
    with log.open("w") as out:
        process = subprocess.Popen(
            [sys.executable, "-m", "analysis.cli", "app", "--port", str(port),
             "--scenario", "tiny-alliance", "--months", str(MONTHS), "--language", "en"],
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


def _not_blank(png: bytes) -> None:
    from PIL import Image, ImageStat

    image = Image.open(io.BytesIO(png)).convert("RGB")
    assert image.width >= 1000 and image.height >= 600
    spread = ImageStat.Stat(image.convert("L")).stddev[0]
    colours = len(image.getcolors(maxcolors=1 << 20) or [])
    assert spread > 20 and colours > 200, (spread, colours)


def test_dashboard_runs_in_a_browser(browser, server, tmp_path):
    sync_api, chromium = browser
    url, log = server
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
        finally:
            context.close()
    assert not failed, failed
    assert not outside, f"the dashboard asked the internet for {outside}"
    assert "Traceback" not in log.read_text(), log.read_text()
