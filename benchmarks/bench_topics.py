"""Topic tags: macro-F1 over the 17 top-level IPTC Media Topics on a labelled evaluation set in
Arabic, English and French, per topic and per language, with the second level; the hand-written
lexicon wirefeed used before (the baseline) measured in the same run; and items per second on one
core, for both.

    taskset -c 0 .venv/bin/python -m benchmarks.bench_topics [--data FOLDER] [--cv 5]

The default evaluation set is benchmarks/data/topic-eval/<language>.txt: 306 items (6 per top-level
topic and language, a few with two topics, second-level labels too), written apart from the training
corpus (wirefeed/models/topic-training/) about other events, but early enough to shape it. ``--cv K``
also reports K-fold cross-validation on the training corpus (the model retrained K times).
Speed is measured on the evaluation items and on the benchmark corpus's cleaned sample items
(2.4 KB bodies). ``--data benchmarks/data/topic-eval-frozen-3`` runs the set written after the
model, the lexicon and the thresholds were frozen (306 items, top-level labels only, other stories
in each language), the figure to trust on text the author of the training data did not tune on.
"""
from __future__ import annotations

import argparse
import random
from collections import Counter
from pathlib import Path

from benchmarks.bench_language import speed
from benchmarks.topic_lexicon import lexicon_baseline
from wirefeed.topic_model import Example, read_labelled
from wirefeed.topics import bundled_examples, resolve_label, tag_topics, taxonomy, train_model

DATA = Path(__file__).parent / "data" / "topic-eval"


def load_eval(folder: Path = DATA) -> list[Example]:
    examples = []
    for path in sorted(folder.glob("*.txt")):
        examples += read_labelled(path.read_text(encoding="utf-8"), path.stem, resolve_label, path.name)
    return examples


def top_level(codes) -> set[str]:
    known = taxonomy()
    return {c for c in codes if c in known and known[c].broader is None}


def second_level(codes) -> set[str]:
    known = taxonomy()
    return {c for c in codes if c in known and known[c].broader is not None}


def f1(tp: int, fp: int, fn: int) -> tuple[float, float, float]:
    precision = tp / (tp + fp) if tp + fp else 0.0
    recall = tp / (tp + fn) if tp + fn else 0.0
    return precision, recall, (2 * precision * recall / (precision + recall) if precision + recall else 0.0)


def score(pairs: list[tuple[set[str], set[str]]], codes: list[str]) -> dict:
    """Per-code precision/recall/F1 and their macro average, for (gold, predicted) pairs."""
    counts = {c: Counter() for c in codes}
    for gold, predicted in pairs:
        for code in codes:
            counts[code]["tp"] += code in gold and code in predicted
            counts[code]["fp"] += code not in gold and code in predicted
            counts[code]["fn"] += code in gold and code not in predicted
    per_code = {c: (*f1(n["tp"], n["fp"], n["fn"]), n["tp"] + n["fn"]) for c, n in counts.items()}
    present = [c for c in codes if per_code[c][3]]
    macro = sum(per_code[c][2] for c in present) / len(present) if present else 0.0
    micro = f1(sum(n["tp"] for n in counts.values()), sum(n["fp"] for n in counts.values()),
               sum(n["fn"] for n in counts.values()))
    return {"per_code": per_code, "macro_f1": macro, "micro": micro}


def ours(model=None):
    def run(example: Example) -> set[str]:
        return {t["code"] for t in tag_topics(example.title, example.body, example.language, model)}
    return run


def lexicon():
    model = lexicon_baseline()

    def run(example: Example) -> set[str]:
        return {t["code"] for t in model.classify(example.title, example.body, example.language)}
    return run


def evaluate(run, examples: list[Example], title_only: bool = False) -> tuple[dict, dict, dict]:
    tops = [c for c, t in taxonomy().items() if t.broader is None]
    seconds = [c for c, t in taxonomy().items() if t.broader is not None]
    predictions = [run(Example(e.title, "", e.language, e.codes) if title_only else e) for e in examples]
    top = score([(top_level(e.codes), top_level(p)) for e, p in zip(examples, predictions)], tops)
    second = score([(second_level(e.codes), second_level(p)) for e, p in zip(examples, predictions)], seconds)
    by_language = {}
    for language in sorted({e.language for e in examples}):
        pairs = [(top_level(e.codes), top_level(p)) for e, p in zip(examples, predictions) if e.language == language]
        by_language[language] = score(pairs, tops)["macro_f1"]
    return top, second, by_language


def corpus_examples(count: int = 300) -> list[Example]:
    """Cleaned sample items as the TagTopics stage sees them (title and body after Clean)."""
    from benchmarks.corpus import raw_items
    from wirefeed.enrich import clean, validate_raw

    docs = [clean(validate_raw(raw)) for raw in raw_items(count)]
    return [Example(d["title"], d["body"], d["language"] or "en", frozenset()) for d in docs]


def cross_validate(folds: int) -> float:
    examples = bundled_examples()
    random.Random(0).shuffle(examples)
    pairs = []
    for k in range(folds):
        held = examples[k::folds]
        model = train_model([e for n, e in enumerate(examples) if n % folds != k])
        run = ours(model)
        pairs += [(top_level(e.codes), top_level(run(e))) for e in held]
    return score(pairs, [c for c, t in taxonomy().items() if t.broader is None])["macro_f1"]


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--cv", type=int, default=0, help="also K-fold cross-validation on the training corpus")
    parser.add_argument("--data", type=Path, default=DATA, help="evaluation folder (default: %(default)s)")
    args = parser.parse_args()
    examples = load_eval(args.data)
    languages = Counter(e.language for e in examples)
    print(f"{len(examples)} evaluation items ({', '.join(f'{n} {l}' for l, n in sorted(languages.items()))}), "
          f"{sum(len(top_level(e.codes)) > 1 for e in examples)} with two top-level topics")
    runners = {"lexicon (baseline)": lexicon(), "wirefeed model": ours()}
    has_second = any(second_level(e.codes) for e in examples)  # a set may label the top level only
    results = {}
    print("| classifier | macro-F1, top level | micro P / R | ar | en | fr | headline only, macro-F1 | "
          "second level, micro P / R / F1 |")
    print("| --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: |")
    for name, run in runners.items():
        top, second, by_language = evaluate(run, examples)
        headline, _, _ = evaluate(run, examples, title_only=True)
        results[name] = top
        p, r, _ = top["micro"]
        sp, sr, sf = second["micro"]
        print(f"| {name} | {top['macro_f1']:.3f} | {p:.2f} / {r:.2f} | " + " | ".join(
            f"{by_language[l]:.3f}" for l in ("ar", "en", "fr")) + f" | {headline['macro_f1']:.3f} | "
            + (f"{sp:.2f} / {sr:.2f} / {sf:.2f} |" if name != "lexicon (baseline)" and has_second else "n/a |"))
    print()
    print("| topic | items | precision | recall | F1 | lexicon F1 |")
    print("| --- | ---: | ---: | ---: | ---: | ---: |")
    ours_top, base_top = results["wirefeed model"], results["lexicon (baseline)"]
    for code, topic in taxonomy().items():
        if topic.broader is None:
            p, r, f, n = ours_top["per_code"][code]
            print(f"| {topic.labels['en']} | {n} | {p:.2f} | {r:.2f} | {f:.2f} | {base_top['per_code'][code][2]:.2f} |")
    print()
    long_items = corpus_examples()
    print("| classifier | items/s, evaluation items | items/s, 2.4 KB sample items | ratio to lexicon |")
    print("| --- | ---: | ---: | ---: |")
    base = None
    for name, run in runners.items():
        short_rate, long_rate = speed(run, examples), speed(run, long_items)
        base = base or long_rate
        print(f"| {name} | {short_rate:,.0f} | {long_rate:,.0f} | {long_rate / base:.2f} |")
    if args.cv:
        print(f"\n{args.cv}-fold cross-validation on the training corpus ({len(bundled_examples())} items): "
              f"macro-F1 {cross_validate(args.cv):.3f}")


if __name__ == "__main__":
    main()
