"""The hand-made world of the organising tests (see ``organising_cases``)."""

import pytest
from organising_cases import model, organisers, providers


@pytest.fixture
def world():
    """Organisers, a Mesa model and the four providers, fresh for each test."""
    m = model()
    return organisers(), m, providers(m)
