import pytest

from sim import load_scenario


@pytest.fixture(scope="session")
def tiny():
    """The tiny built-in scenario with a short burn-in, for fast tests."""
    return load_scenario("tiny", ["simulation.burn_in_months=3"])
