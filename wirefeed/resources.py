"""Data files shipped inside the package: schemas, the topic taxonomy and models."""
from __future__ import annotations

import functools
import json
from importlib import resources


@functools.lru_cache(maxsize=None)
def load_json(package: str, name: str):
    return json.loads(resources.files(package).joinpath(name).read_text(encoding="utf-8"))


def schema(name: str) -> dict:
    return load_json("wirefeed.schemas", name)
