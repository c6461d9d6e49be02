"""Shared fixtures: the shipped data files."""

from __future__ import annotations

import pytest

from normalize.catalog import Catalog, load_catalog
from normalize.names import NameBook, load_names
from tests.helpers import CORPUS, METRICS


@pytest.fixture(scope="session")
def catalog() -> Catalog:
    return load_catalog(METRICS)


@pytest.fixture(scope="session")
def names() -> NameBook:
    return load_names(CORPUS / "names.yaml")
