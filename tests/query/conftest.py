"""The sample policies' facts as a fixture (the samples live in query_samples.py)."""

from __future__ import annotations

import pytest
from query_samples import sample_facts

from policytui.query import PolicyFacts


@pytest.fixture
def facts() -> list[PolicyFacts]:
    return sample_facts()
