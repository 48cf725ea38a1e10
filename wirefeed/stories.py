"""Stories: copies of one dispatch, folded together across outlets, runs and workers.

Pure functions and a small in-memory index; the Beam job (``FoldStories``) feeds it the batch and
the documents Elasticsearch already holds in the window, which serves as the shared fingerprint
store (each document carries its LSH band keys in ``story_bands``).

How two documents are judged copies (measured in benchmarks/bench_stories.py):
- candidates come from MinHash LSH over word 3-shingles of the text's matching form: 32 hashes in
  16 bands of 2 (a copy sharing 40 % of its shingles is still found 94 % of the time, half of them
  99 %), kept in Elasticsearch as 16 keyword terms, about 300 bytes a document;
- each candidate is verified exactly on the shingle sets: Jaccard >= 0.5, or containment >= 0.8
  of the shorter text (a copy that drops paragraphs), with at least 12 shingles on the short side;
- recurring items (weather, exchange rates, prayer times, results) share their wording and differ
  in their figures: when both texts carry at least 3 numbers and fewer than half are shared, they
  are different stories whatever the wording says.
"""
from __future__ import annotations

import hashlib
import heapq
import re
from collections import deque
import zlib
from dataclasses import dataclass, field

import numpy as np

from wirefeed.text.normalize import matching_form

SHINGLE = 3
PERMUTATIONS = 32
BANDS, ROWS = 16, 2
MIN_JACCARD = 0.5
MIN_CONTAINMENT = 0.8
MIN_SHINGLES = 12
MAX_VERIFIED = 20  # candidates verified per document, those sharing the most bands first
BAND_MEMBERS = 64  # members remembered per band key
_NUMBER = re.compile(r"\d+(?:[.,]\d+)*")
_rng = np.random.default_rng(20261124)
_A = (_rng.integers(1, 2 ** 63, PERMUTATIONS, dtype=np.uint64) | np.uint64(1))
_B = _rng.integers(0, 2 ** 63, PERMUTATIONS, dtype=np.uint64)


class Fingerprint:
    """A document's text as shingles (for verifying a pair) and LSH band keys (for finding candidates).
    When the band keys are known (computed at cleaning), the matching form, shingles and figures are
    computed only when a pair is verified: most documents share no band with anything."""

    __slots__ = ("_text", "_form", "bands", "_shingles", "_numbers")

    def __init__(self, form: str | None = None, bands: tuple[int, ...] | None = None, text: str | None = None):
        self._text, self._form = text, form
        self._shingles: frozenset[int] | None = None
        self._numbers: frozenset[str] | None = None
        self.bands = bands if bands is not None else band_keys(minhash(self.shingles))

    @property
    def form(self) -> str:
        if self._form is None:
            self._form = matching_form(self._text)
        return self._form

    @property
    def shingles(self) -> frozenset[int]:
        if self._shingles is None:
            self._shingles = shingles(self.form)
        return self._shingles

    @property
    def numbers(self) -> frozenset[str]:
        if self._numbers is None:
            self._numbers = frozenset(_NUMBER.findall(self.form))
        return self._numbers


def story_text(doc: dict) -> str:
    """The text copies share: the body (titles are rewritten by every outlet); the title and summary
    only when the body is too short to say anything (a headline-only item)."""
    body = doc.get("body") or ""
    if _long_enough(body):
        return body
    return "\n".join(part for part in (doc.get("title"), doc.get("summary"), body) if part)


def _long_enough(body: str) -> bool:
    return body.count(" ") >= MIN_SHINGLES  # about a sentence: enough shingles to compare


def shingles(form: str, size: int = SHINGLE) -> frozenset[int]:
    words = form.split()
    if len(words) < size:
        return frozenset([zlib.crc32(" ".join(words).encode())]) if words else frozenset()
    if size == 3:  # the common case, with the loops in C
        grams = map(" ".join, zip(words, words[1:], words[2:]))
    else:
        grams = (" ".join(words[i:i + size]) for i in range(len(words) - size + 1))
    return frozenset(map(zlib.crc32, map(str.encode, grams)))


def minhash(hashes: frozenset[int]) -> np.ndarray:
    """PERMUTATIONS minimum hash values under multiply-shift hashing (uint64 arithmetic wraps on purpose)."""
    if not hashes:
        return np.full(PERMUTATIONS, np.iinfo(np.uint64).max, dtype=np.uint64)
    values = np.fromiter(hashes, dtype=np.uint64, count=len(hashes))
    with np.errstate(over="ignore"):
        mixed = (values[:, None] * _A[None, :] + _B[None, :]) >> np.uint64(32)
    return mixed.min(axis=0)


_BAND_MIX = np.array([0x9E3779B97F4A7C15, 0xC2B2AE3D27D4EB4F], dtype=np.uint64)
_BAND_SALT = (np.arange(BANDS, dtype=np.uint64) + np.uint64(1)) * np.uint64(0x165667B19E3779F9)


def band_keys(signature: np.ndarray) -> tuple[int, ...]:
    """One signed 32-bit key per band: the band's rows and its number, mixed (indexed as keyword terms).
    Vectorised: hashing each band separately cost more than the MinHash itself."""
    rows = signature.reshape(BANDS, ROWS)
    with np.errstate(over="ignore"):
        mixed = (rows * _BAND_MIX[None, :ROWS]).sum(axis=1, dtype=np.uint64) ^ _BAND_SALT
        mixed ^= mixed >> np.uint64(29)
        mixed *= np.uint64(0xBF58476D1CE4E5B9)
        mixed ^= mixed >> np.uint64(32)
    return tuple((mixed & np.uint64(0xFFFFFFFF)).astype(np.uint32).view(np.int32).tolist())


def fingerprint(doc: dict, body_form: str | None = None) -> Fingerprint:
    """The document's fingerprint; its band keys are reused when the document already carries them
    (computed at cleaning), and ``body_form`` saves folding the body again when cleaning has it."""
    text = story_text(doc)
    form = body_form if body_form is not None and text is doc.get("body") else None
    bands = doc.get("story_bands")
    return Fingerprint(form, tuple(bands) if bands else None, text)


def similarity(a: Fingerprint, b: Fingerprint) -> float:
    """0..1: Jaccard of the shingle sets, or the shorter text's containment when it is a trimmed copy.
    0 when the figures say these are two editions of a recurring item."""
    if not a.shingles or not b.shingles:
        return 0.0
    if len(a.numbers) >= 3 and len(b.numbers) >= 3:
        if len(a.numbers & b.numbers) * 2 < len(a.numbers | b.numbers):
            return 0.0
    shared = len(a.shingles & b.shingles)
    jaccard = shared / len(a.shingles | b.shingles)
    if jaccard >= MIN_JACCARD:
        return jaccard
    shorter = min(len(a.shingles), len(b.shingles))
    containment = shared / shorter
    if shorter >= MIN_SHINGLES and containment >= MIN_CONTAINMENT:
        return containment
    return jaccard


def is_copy(score: float) -> bool:
    return score >= MIN_JACCARD


def new_story_id(canonical_id: str) -> str:
    return "story-" + hashlib.sha1(canonical_id.encode("utf-8")).hexdigest()[:24]


@dataclass
class Member:
    """A document the index knows: enough to decide copies and to point new copies at its story; its
    document, so a canonical's outlets can grow and an update keeps what its earlier version had."""
    id: str
    story_id: str
    canonical_id: str
    fingerprint: Fingerprint
    doc: dict | None = None


@dataclass
class StoryIndex:
    """Band key -> members, for one job: what Elasticsearch returned plus what this job assigned."""
    members: dict[str, Member] = field(default_factory=dict)
    by_band: dict[int, deque] = field(default_factory=dict)

    def add(self, member: Member) -> None:
        self.members[member.id] = member
        for key in member.fingerprint.bands:
            # A band shared by very many documents is a big story: its latest members stand for it.
            self.by_band.setdefault(key, deque(maxlen=BAND_MEMBERS)).append(member.id)

    def add_document(self, doc: dict) -> None:
        """A document already indexed (from the store), with the story fields it was given."""
        if doc["id"] not in self.members:
            canonical = doc.get("duplicate_of") or doc["id"]
            self.add(Member(doc["id"], doc.get("story_id") or new_story_id(doc["id"]), canonical,
                            fingerprint(doc), doc))

    def best_match(self, doc_id: str, fp: Fingerprint) -> tuple[Member, float] | None:
        """The most similar verified copy among the members sharing a band; only the MAX_VERIFIED
        sharing the most bands are verified, so a story carried by hundreds of outlets costs no
        more than one carried by a few (they are all copies of each other anyway)."""
        shared: dict[str, int] = {}
        for key in fp.bands:
            for member_id in self.by_band.get(key, ()):
                shared[member_id] = shared.get(member_id, 0) + 1
        shared.pop(doc_id, None)
        best = None
        for member_id in heapq.nlargest(MAX_VERIFIED, shared, key=shared.__getitem__):
            member = self.members[member_id]
            score = similarity(fp, member.fingerprint)
            if is_copy(score) and (best is None or score > best[1]):
                best = (member, score)
        return best


def _own_story(doc: dict) -> None:
    doc.update(story_id=new_story_id(doc["id"]), duplicate_of=None, similarity=None,
               outlets=[doc["source"]["name"]], copies=1)


def fold(docs: list[dict], index: StoryIndex,
         fingerprints: dict[str, Fingerprint] | None = None) -> tuple[list[dict], list[dict]]:
    """Assign each document to a story: the story of its best copy in the index, or a new one.
    Earlier-published documents go first, so a story's canonical is the first to publish; an update
    of an item already placed keeps its place (it replaces its earlier version, it is not a copy).
    Returns (the documents with story fields, canonical documents from the store whose outlets
    changed and must be written again)."""
    from wirefeed.enrich import is_withdrawn

    out: dict[str, dict] = {}
    touched: dict[str, dict] = {}
    for doc in sorted(docs, key=lambda d: (d.get("published_at") or "9999", d["id"])):
        doc = dict(doc)
        fp = (fingerprints or {}).get(doc["id"]) or fingerprint(doc)
        doc["story_bands"] = list(fp.bands)
        known = index.members.get(doc["id"])
        if is_withdrawn(doc):
            _own_story(doc)
            doc["story_bands"] = []
            out[doc["id"]] = doc
            continue
        if known is not None:
            earlier = known.doc or {}
            doc.update(story_id=known.story_id, similarity=earlier.get("similarity"),
                       duplicate_of=None if known.canonical_id == doc["id"] else known.canonical_id,
                       outlets=earlier.get("outlets") or [doc["source"]["name"]], copies=earlier.get("copies") or 1)
            if doc["duplicate_of"]:
                doc.update(outlets=[], copies=None)
        else:
            match = index.best_match(doc["id"], fp)
            if match is None:
                _own_story(doc)
            else:
                member, score = match
                doc.update(story_id=member.story_id, duplicate_of=member.canonical_id, similarity=round(score, 4),
                           outlets=[], copies=None)
                canonical = index.members.get(member.canonical_id)
                if canonical is not None and canonical.doc is not None and canonical.canonical_id == canonical.id:
                    head = {**canonical.doc, "copies": (canonical.doc.get("copies") or 1) + 1,
                            "outlets": sorted({*(canonical.doc.get("outlets") or []), doc["source"]["name"]})}
                    canonical.doc = head  # a new dict: documents already handed out are never changed
                    (out if head["id"] in out else touched)[head["id"]] = head
        index.add(Member(doc["id"], doc["story_id"], doc["duplicate_of"] or doc["id"], fp, doc))
        out[doc["id"]] = doc
    return list(out.values()), list(touched.values())
