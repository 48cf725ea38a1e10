"""Story folding: pairwise precision and recall on a labelled syndication set, against datasketch's
MinHashLSH in the same run; then speed and state size.

    .venv/bin/pip install -c constraints.txt -e ".[bench]"
    taskset -c 0 .venv/bin/python -m benchmarks.bench_stories            # quality + speed
    .venv/bin/python -m benchmarks.bench_stories --window 10000,100000,1000000   # + lookup cost in ES

The set: base dispatches in Arabic, English and French (benchmarks/data/syndication-base.yaml,
written in pairs on the same topic and day, so each pair is a hard negative) and the real agency
items of ../shared/fixtures/wire. Every base story is republished by outlets with the documented
transformations of ``VARIANTS``: an outlet prefix, an agency credit in the language's spellings,
a dateline, a dropped first or last paragraph, an added paragraph, the body printed twice with a
change at the seam, a new headline, small edits. Recurring items (weather, exchange rates, prayer
times, football results) are generated for five days with different figures: alike every day,
different stories. Every document goes through wirefeed's real cleaning (``enrich.clean``).

Ours: ``wirefeed.stories.fold`` (what the job runs), documents in publication order in batches of
50. Baseline: datasketch ``MinHashLSH(threshold=0.8, num_perm=128)`` over word 3-shingles of the
same cleaned text; a pair is predicted when either document's query returns the other.
"""
from __future__ import annotations

import argparse
import itertools
import random
import time
from datetime import datetime, timedelta, timezone
from pathlib import Path

import yaml

from wirefeed.connectors import FeedRef, get_connector
from wirefeed.enrich import clean, item_id
from wirefeed.stories import BANDS, PERMUTATIONS, StoryIndex, fingerprint, fold, story_text
from wirefeed.text.normalize import matching_form

HERE = Path(__file__).parent
WIRE = HERE.parents[1] / "shared" / "fixtures" / "wire"
T0 = datetime(2026, 11, 2, 6, 0, tzinfo=timezone.utc)

OUTLETS = {"ar": ["جو 24", "أخبار المدينة", "النهار اليوم", "صدى البلد", "الوكيل"],
           "en": ["Harbor Times", "City Line", "Daily Ledger", "Metro Wire", "The Courier"],
           "fr": ["Le Courrier", "Info Ville", "La Dépêche du Soir", "Le Quotidien", "Midi Presse"]}
CREDITS = {"ar": ["-(ا ف ب)", "(أ ف ب)", "- فرانس برس", "(رويترز)", "(د ب أ)"],
           "en": ["(AFP)", "(Reuters)", "- AFP", "(AP)", "(dpa)"],
           "fr": ["(AFP)", "- AFP", "(Reuters)", "(AP)", "(ANSA)"]}
DATELINES = {"ar": ["عمان - (أ ف ب) -", "بيروت (رويترز) -", "القاهرة - (ا ف ب) -"],
             "en": ["PARIS (Reuters) -", "LONDON, Nov 2 (AFP) -", "BERLIN (dpa) -"],
             "fr": ["PARIS, 2 nov 2026 (AFP) -", "LYON (AFP) -", "GENÈVE (Reuters) -"]}
ADDED = {"ar": "وكان {outlet} قد نشر في وقت سابق تقريرا مفصلا عن تطورات هذا الملف وتداعياته على المواطنين في المنطقة.",
         "en": "{outlet} reported earlier this month on the background to the dispute and its effect on local residents.",
         "fr": "{outlet} avait déjà consacré un long article au contexte de cette affaire et à ses conséquences locales."}
SMALL_EDITS = {"ar": [("قال", "أوضح"), ("إن", "أن"), ("الأحد", "يوم الأحد")],
               "en": [("said", "told reporters"), ("on Tuesday", "Tuesday"), ("the ", "")],
               "fr": [("a indiqué", "a précisé"), ("jeudi", "ce jeudi"), ("les ", "des ")]}


def base_stories() -> list[dict]:
    stories = yaml.safe_load((HERE / "data" / "syndication-base.yaml").read_text(encoding="utf-8"))
    connector = get_connector("wire")
    for path in sorted(WIRE.iterdir()) if WIRE.is_dir() else []:
        for raw in connector.items(FeedRef(str(path))):
            doc = clean(raw)
            paragraphs = [p for p in doc["body"].split("\n\n") if len(p.split()) >= 6]
            if len(paragraphs) >= 3 and doc["title"]:
                stories.append({"id": f"wire-{path.stem}-{raw['guid'][-12:]}", "lang": raw.get("language") or "en",
                                "pair": None, "title": doc["title"], "paragraphs": paragraphs[:6]})
    return stories


def _credit(lang: str, n: int) -> str:
    return CREDITS[lang][n % len(CREDITS[lang])]


def _edit(paragraphs: list[str], lang: str) -> list[str]:
    edited = list(paragraphs)
    for n, (old, new) in enumerate(SMALL_EDITS[lang]):
        i = n % len(edited)
        edited[i] = edited[i].replace(old, new, 1)
    return edited


# Each variant: (name, how the outlet rewrote title and paragraphs). The agency's own copy is "original".
VARIANTS = {
    "prefix+credit": lambda s, o, n: (s["title"], [f"{o} : {s['paragraphs'][0]}", *s["paragraphs"][1:-1],
                                                   f"{s['paragraphs'][-1]} {_credit(s['lang'], n)}"]),
    "dateline": lambda s, o, n: (s["title"], [f"{DATELINES[s['lang']][n % 3]} {s['paragraphs'][0]}",
                                              *s["paragraphs"][1:]]),
    "drop-last+retitle": lambda s, o, n: (f"{o}: " + " ".join(reversed(s["title"].split()[:5])),
                                          s["paragraphs"][:-1]),
    "drop-first": lambda s, o, n: (s["title"], s["paragraphs"][1:]),
    "added-paragraph": lambda s, o, n: (s["title"], [*s["paragraphs"], ADDED[s["lang"]].format(outlet=o)]),
    "body-twice": lambda s, o, n: (s["title"], [*s["paragraphs"], s["paragraphs"][0].rstrip(".") + " .",
                                                *s["paragraphs"][1:]]),
    "small-edits": lambda s, o, n: (s["title"], _edit(s["paragraphs"], s["lang"])),
    "lede-only+retitle": lambda s, o, n: (" ".join(s["title"].split()[::-1]), s["paragraphs"][:1]),
    "combined": lambda s, o, n: (f"{o}: {s['title']}", _edit([f"{o} - {s['paragraphs'][0]}", *s["paragraphs"][1:-1]],
                                                             s["lang"])[:-1] + [s["paragraphs"][-2] + " " + _credit(s["lang"], n)]),
}


def recurring() -> list[dict]:
    """Items that look alike every day and differ in their figures: every day is its own story."""
    rng = random.Random(7)
    templates = {
        "ar-weather": ("ar", "حالة الطقس اليوم", "تكون الأجواء اليوم باردة نسبيا في معظم المناطق، وتبلغ درجة الحرارة العظمى "
                       "{a} والصغرى {b} درجة مئوية، والرياح شمالية غربية سرعتها {c} كم في الساعة، ونسبة الرطوبة {d} بالمئة."),
        "ar-prayer": ("ar", "مواقيت الصلاة في عمان", "مواقيت الصلاة اليوم حسب التوقيت المحلي لمدينة عمان: الفجر 5:{a} "
                      "والظهر 11:{b} والعصر 2:{c} والمغرب 4:{d} والعشاء 6:{e}."),
        "en-fx": ("en", "Exchange rates", "Indicative exchange rates against the dollar at the close on the local "
                  "market: euro 0.{a}, pound sterling 0.{b}, Swiss franc 0.{c}, yen 1{d}.{e}, according to the central bank."),
        "en-weather": ("en", "Weather forecast", "Mostly cloudy with a high of {a} degrees and a low of {b}, winds from "
                       "the west at {c} kilometres an hour and a {d} percent chance of rain in the afternoon."),
        "fr-foot": ("fr", "Ligue 1, les résultats", "Résultats de la journée de Ligue 1 : Lyon {a}-{b} Nice, Marseille "
                    "{c}-{d} Lens, Rennes {e}-{a} Monaco, Lille {b}-{e} Nantes, Brest {d}-{c} Toulouse."),
    }
    stories = []
    for key, (lang, title, text) in templates.items():
        for day in range(5):
            numbers = {k: rng.randint(10, 59) for k in "abcde"}
            stories.append({"id": f"{key}-day{day}", "lang": lang, "pair": key, "title": title, "day": day,
                            "paragraphs": [text.format(**numbers)]})
    return stories


def raw_doc(story: dict, outlet: str, variant: str, title: str, paragraphs: list[str], when: datetime) -> dict:
    guid = f"{story['id']}/{variant}/{outlet}"
    feed_url = f"http://{abs(hash(outlet)) % 10 ** 6}.example/feed"
    return {"schema": "wirefeed.raw/v1", "id": item_id("rss", feed_url, guid), "guid": guid, "version": 0,
            "source": {"name": outlet, "feed_url": feed_url, "connector": "rss", "title": outlet,
                       "language": story["lang"], "prefixes": [outlet]},
            "fetched_at": when.isoformat(), "published_at": when.isoformat(), "language": story["lang"],
            "title": title, "body": "".join(f"<p>{p}</p>" for p in paragraphs), "content_type": "text/html",
            "extra": {}}


def build_set() -> list[tuple[str, str, dict]]:
    """(story label, transformation, cleaned document) for every copy of every story."""
    labelled = []
    for number, story in enumerate(base_stories()):
        when = T0 + timedelta(minutes=7 * number)
        outlets = OUTLETS.get(story["lang"], OUTLETS["en"])
        lang = story["lang"] if story["lang"] in OUTLETS else "en"
        story = {**story, "lang": lang}
        labelled.append((story["id"], "original",
                         clean(raw_doc(story, "AFP", "original", story["title"], story["paragraphs"], when))))
        for n, (variant, rewrite) in enumerate(VARIANTS.items()):
            if len(story["paragraphs"]) < 3 and variant.startswith(("drop", "combined")):
                continue
            outlet = outlets[n % len(outlets)]
            title, paragraphs = rewrite(story, outlet, n)
            labelled.append((story["id"], variant, clean(raw_doc(story, outlet, variant, title, paragraphs,
                                                                   when + timedelta(minutes=20 + 13 * n)))))
    for story in recurring():
        when = T0 + timedelta(days=story["day"], hours=5)
        for n, outlet in enumerate(OUTLETS[story["lang"]][:2]):
            title, paragraphs = VARIANTS["prefix+credit"](story, outlet, n) if n else (story["title"], story["paragraphs"])
            labelled.append((story["id"], "recurring-copy" if n else "original",
                             clean(raw_doc(story, outlet, f"recurring{n}", title, paragraphs,
                                           when + timedelta(minutes=30 * n)))))
    return labelled


def pairs_from_groups(groups: dict[str, list[int]]) -> set[tuple[int, int]]:
    return {pair for members in groups.values() for pair in itertools.combinations(sorted(members), 2)}


def score(predicted: set, truth: set) -> dict:
    hits = len(predicted & truth)
    precision = hits / len(predicted) if predicted else 1.0
    recall = hits / len(truth) if truth else 1.0
    f1 = 2 * precision * recall / (precision + recall) if precision + recall else 0.0
    return {"precision": precision, "recall": recall, "f1": f1, "predicted": len(predicted)}


def ours(docs: list[dict]) -> set[tuple[int, int]]:
    order = sorted(range(len(docs)), key=lambda i: docs[i]["published_at"])
    index, folded = StoryIndex(), {}
    for start in range(0, len(order), 50):
        batch = [docs[i] for i in order[start:start + 50]]
        out, _ = fold(batch, index)
        folded.update({d["id"]: d for d in out})
    groups: dict[str, list[int]] = {}
    for i, doc in enumerate(docs):
        groups.setdefault(folded[doc["id"]]["story_id"], []).append(i)
    return pairs_from_groups(groups)


def datasketch_shingles(doc: dict) -> set[bytes]:
    words = matching_form(story_text(doc)).split()
    return {" ".join(words[i:i + 3]).encode() for i in range(max(1, len(words) - 2))}


def baseline(docs: list[dict]) -> set[tuple[int, int]]:
    from datasketch import MinHash, MinHashLSH

    lsh = MinHashLSH(threshold=0.8, num_perm=128)
    hashes = []
    for i, doc in enumerate(docs):
        minhash = MinHash(num_perm=128)
        minhash.update_batch(list(datasketch_shingles(doc)))
        hashes.append(minhash)
        lsh.insert(str(i), minhash)
    predicted = set()
    for i, minhash in enumerate(hashes):
        for other in lsh.query(minhash):
            j = int(other)
            if j != i:
                predicted.add((min(i, j), max(i, j)))
    return predicted


def quality() -> None:
    labelled = build_set()
    docs = [doc for _, _, doc in labelled]
    groups: dict[str, list[int]] = {}
    for i, (label, _, _) in enumerate(labelled):
        groups.setdefault(label, []).append(i)
    truth = pairs_from_groups(groups)
    by_language: dict[str, int] = {}
    for label, variant, doc in labelled:
        by_language[doc["language"]] = by_language.get(doc["language"], 0) + 1
    print(f"{len(docs)} documents ({', '.join(f'{k} {v}' for k, v in sorted(by_language.items()))}), "
          f"{len(groups)} stories, {len(truth)} true pairs of {len(docs) * (len(docs) - 1) // 2}")
    ours_pairs, base_pairs = ours(docs), baseline(docs)
    print("| method | precision | recall | F1 | pairs predicted |")
    print("| --- | ---: | ---: | ---: | ---: |")
    for name, predicted in (("baseline: datasketch MinHashLSH (0.8, 128 perm, word 3-shingles)", base_pairs),
                            ("wirefeed `stories.fold`", ours_pairs)):
        s = score(predicted, truth)
        print(f"| {name} | {s['precision']:.3f} | {s['recall']:.3f} | {s['f1']:.3f} | {s['predicted']} |")
    # Recall per transformation: the pair (agency original, outlet's copy).
    originals = {label: i for i, (label, variant, _) in enumerate(labelled) if variant == "original"}
    by_variant: dict[str, list[tuple[int, int]]] = {}
    for i, (label, variant, _) in enumerate(labelled):
        if variant != "original":
            by_variant.setdefault(variant, []).append((min(i, originals[label]), max(i, originals[label])))
    print("\n| transformation | pairs | wirefeed recall | datasketch recall |")
    print("| --- | ---: | ---: | ---: |")
    for variant, pairs in sorted(by_variant.items()):
        r_ours = sum(p in ours_pairs for p in pairs) / len(pairs)
        r_base = sum(p in base_pairs for p in pairs) / len(pairs)
        print(f"| {variant} | {len(pairs)} | {r_ours:.3f} | {r_base:.3f} |")
    wrong = sorted(ours_pairs - truth)
    for i, j in wrong[:10]:
        print(f"false pair: {labelled[i][0]}/{labelled[i][1]} ~ {labelled[j][0]}/{labelled[j][1]}")
    missed = sorted(truth - ours_pairs)
    for i, j in missed[:10]:
        print(f"missed pair: {labelled[i][0]}/{labelled[i][1]} ~ {labelled[j][0]}/{labelled[j][1]}")


def speed(items: int) -> None:
    """Cleaning and fingerprinting 2 KB items on one core, against plain datasketch MinHash."""
    from datasketch import MinHash

    stories = base_stories()
    raws = []
    for n in range(items):
        story = stories[n % len(stories)]
        paragraphs = list(story["paragraphs"])
        while sum(len(p.encode()) for p in paragraphs) < 2048:
            paragraphs += story["paragraphs"][:1] + [f"{p} ({n})" for p in story["paragraphs"][1:]]
        raws.append(raw_doc(story, "Harbor Times", f"speed{n}", story["title"], paragraphs, T0))
    size = sum(len(r["body"].encode()) for r in raws) / len(raws)
    texts = [r["body"] for r in raws]
    started = time.perf_counter()
    for text in texts:
        words = text.split()
        minhash = MinHash(num_perm=128)
        minhash.update_batch([" ".join(words[i:i + 3]).encode() for i in range(len(words) - 2)])
    base_rate = len(texts) / (time.perf_counter() - started)
    started = time.perf_counter()
    docs = [clean(raw) for raw in raws]  # cleaning computes the fingerprint's band keys too
    our_rate = len(raws) / (time.perf_counter() - started)
    bare = [{k: v for k, v in doc.items() if k != "story_bands"} for doc in docs]
    started = time.perf_counter()
    for doc in bare:
        fingerprint(doc)
    print_rate = len(bare) / (time.perf_counter() - started)
    print(f"\n{items} items of {size:.0f} bytes of HTML body, one process")
    print("| what | items/s | ratio to baseline |")
    print("| --- | ---: | ---: |")
    print(f"| baseline: datasketch MinHash (128 perm) of word 3-shingles, no cleaning | {base_rate:,.0f} | 1.00 |")
    print(f"| wirefeed `enrich.clean`: HTML to text, prefix, credit, dateline, footers, repeats, "
          f"content hash, fingerprint ({PERMUTATIONS}-hash MinHash, {BANDS} LSH bands) | {our_rate:,.0f} | "
          f"{our_rate / base_rate:.2f} |")
    print(f"| fingerprint alone, from clean text (fold, shingle, MinHash, bands) | {print_rate:,.0f} | "
          f"{print_rate / base_rate:.2f} |")


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--speed-items", type=int, default=3000)
    parser.add_argument("--window", default="", help="comma-separated window sizes for the Elasticsearch lookup cost")
    args = parser.parse_args()
    quality()
    speed(args.speed_items)
    if args.window:
        from benchmarks.bench_story_state import window_costs

        window_costs([int(n) for n in args.window.split(",")])


if __name__ == "__main__":
    main()
