"""Language tags: accuracy on a labelled set of sentences and 2-4 word headlines in the wire
languages, against plain langdetect and lingua in the same run; and speed against plain langdetect.

    .venv/bin/pip install -c constraints.txt -e ".[bench]"     # lingua, the second baseline
    taskset -c 0 .venv/bin/python -m benchmarks.bench_language

The set is benchmarks/data/language-eval.yaml: 20 sentences and 20 headlines in each of ar, en, fr,
es, de, pt, fa, ur, tr, ru, it (Persian and Urdu as Arabic-script confusers), plus texts with too
little evidence (numbers, a URL, names) whose right answer is "und". Nothing is declared: every
detector sees only the text. Plain langdetect is `langdetect.detect` (seed 0) over its 55 languages;
lingua is built for the same 11 languages as wirefeed's candidates (its most favourable setting).
"""
from __future__ import annotations

import time
from pathlib import Path

import yaml

from wirefeed.language import CANDIDATES, UNDETERMINED, detect_language

DATA = Path(__file__).parent / "data" / "language-eval.yaml"


def load() -> tuple[dict[str, list[tuple[str, str]]], list[str]]:
    data = yaml.safe_load(DATA.read_text(encoding="utf-8"))
    sets = {"sentences": [], "headlines": []}
    for language, parts in data.items():
        if language == "und":
            continue
        for kind in sets:
            sets[kind] += [(language, text) for text in parts[kind]]
    return sets, data["und"]


def plain_langdetect():
    from langdetect import DetectorFactory, detect
    from langdetect.lang_detect_exception import LangDetectException

    DetectorFactory.seed = 0

    def run(text: str) -> str:
        try:
            return detect(text).split("-")[0]
        except LangDetectException:
            return UNDETERMINED
    return run


def lingua():
    from lingua import IsoCode639_1, LanguageDetectorBuilder

    codes = [getattr(IsoCode639_1, code.upper()) for code in sorted(CANDIDATES)]
    detector = LanguageDetectorBuilder.from_iso_codes_639_1(*codes).with_preloaded_language_models().build()

    def run(text: str) -> str:
        found = detector.detect_language_of(text)
        return found.iso_code_639_1.name.lower() if found else UNDETERMINED
    return run


def ours(text: str) -> str:
    return detect_language(text).language


def accuracy(run, items) -> tuple[float, list[tuple[str, str, str]]]:
    wrong = [(expected, text, got) for expected, text in items if (got := run(text)) != expected]
    return 1 - len(wrong) / len(items), wrong


def speed(run, texts, seconds: float = 3.0) -> float:
    done, started = 0, time.perf_counter()
    while time.perf_counter() - started < seconds:
        for text in texts:
            run(text)
        done += len(texts)
    return done / (time.perf_counter() - started)


def main() -> None:
    sets, und = load()
    detectors = {"plain langdetect": plain_langdetect(), "lingua (11 languages)": lingua(), "wirefeed": ours}
    print(f"{len(sets['sentences'])} sentences, {len(sets['headlines'])} headlines of 2-4 words, "
          f"{len(und)} texts without enough evidence; {len(CANDIDATES)} languages")
    print("| detector | sentences | headlines | 'und' when evidence is missing | items/s | speed ratio to langdetect |")
    print("| --- | ---: | ---: | ---: | ---: | ---: |")
    all_texts = [t for _, t in sets["sentences"] + sets["headlines"]]
    base_rate = None
    mistakes = {}
    for name, run in detectors.items():
        sentences, wrong_s = accuracy(run, sets["sentences"])
        headlines, wrong_h = accuracy(run, sets["headlines"])
        abstained = sum(run(text) == UNDETERMINED for text in und) / len(und)
        rate = speed(run, all_texts)
        base_rate = base_rate or rate
        mistakes[name] = wrong_s + wrong_h
        print(f"| {name} | {sentences:.1%} | {headlines:.1%} | {abstained:.0%} | {rate:,.0f} | {rate / base_rate:.2f} |")
    for expected, text, got in mistakes["wirefeed"]:
        print(f"wirefeed: {expected} -> {got}: {text}")


if __name__ == "__main__":
    main()
