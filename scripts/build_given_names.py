"""Writes wirefeed/models/given-names.txt: given names in Latin script, from the person providers of
Faker (MIT licence, https://github.com/joke2k/faker), so that language detection can tell a text that
is only a person's name ("Emmanuel Macron") from a headline.

    pip download --no-deps faker==40.63.0 -d /tmp/faker && unzip -q /tmp/faker/faker-*.whl -d /tmp/faker
    python scripts/build_given_names.py /tmp/faker/faker > wirefeed/models/given-names.txt

The provider modules are read as source (every string constant in a ``first_names*`` assignment), so
Faker need not be installed.
"""
from __future__ import annotations

import ast
import re
import sys
import unicodedata
from pathlib import Path

LATIN_NAME = re.compile(r"^[A-Za-z\u00c0-\u024f][A-Za-z\u00c0-\u024f'\-]+$")


def given_names(provider_source: str) -> set[str]:
    names = set()
    for node in ast.walk(ast.parse(provider_source)):
        if isinstance(node, ast.Assign) and any(
                isinstance(t, ast.Name) and t.id.startswith("first_names") for t in node.targets):
            for constant in ast.walk(node.value):
                if isinstance(constant, ast.Constant) and isinstance(constant.value, str):
                    name = unicodedata.normalize("NFC", constant.value.strip())
                    if LATIN_NAME.match(name):
                        names.add(name.lower())
    return names


def main(faker_package: str) -> None:
    folder = Path(faker_package) / "providers" / "person"
    names: set[str] = set()
    locales = sorted(p.name for p in folder.iterdir() if (p / "__init__.py").exists())
    for locale in locales:
        names |= given_names((folder / locale / "__init__.py").read_text(encoding="utf-8"))
    print("# Given names in Latin script, lower case, one a line: every first_names* list of Faker's person")
    print("# providers (https://github.com/joke2k/faker, MIT licence, Copyright (c) 2012 Daniele Faraglia),")
    print(f"# {len(locales)} locales. Built by scripts/build_given_names.py; used by wirefeed/language.py.")
    for name in sorted(names):
        print(name)


if __name__ == "__main__":
    main(sys.argv[1])
