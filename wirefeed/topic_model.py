"""The topic classifier: hashed word features and a one-vs-rest logistic regression, learned from
labelled items.

Features are pure functions of the text: the matching form's words (Arabic conjunctions and articles
split off), a short stem of each word (so ``elections`` and ``électoral`` or ``انتخابات`` and
``الانتخابية`` share evidence), and word pairs; title words count twice. A feature is a CRC-32 of its
string, so the same text gives the same features in every process. The vector is L2-normalised, so a
headline and a long body are scored on the same scale.

The model is a softmax regression over the 17 top-level topics and one over the children of each
broader topic the taxonomy lists (the probability of a second-level topic given its broader one),
trained together by full-batch gradient descent (Nesterov momentum) with L2 weight decay, on sparse
matrices held as sorted index arrays (numpy only). It is saved as a small ``.npz``:
the feature hashes it knows, their weights (float16) and each topic's bias.

Training data is any list of ``Example`` (title, body, language, codes): the bundled corpus
(``wirefeed/models/topic-training/*.txt``), or items whose provider sent subject codes, which are
labelled data for free (``wirefeed topics train --items FILE``).
"""
from __future__ import annotations

import io
import json
import re
import zlib
from dataclasses import dataclass
from pathlib import Path
from typing import Iterable, Sequence

import numpy as np

from wirefeed.text.normalize import matching_form

MAX_TITLE_CHARS = 400
MAX_BODY_CHARS = 1200   # the lead carries the topic; later paragraphs cost time and add little
STEM_CHARS = 5
TITLE_WEIGHT = 2.0
LEXICON_WEIGHT = 2.0  # a lexicon match counts as much as a title word
_ADDRESSES = re.compile(r"\b(?:https?://|www\.)\S+|\S+@\S+\.\w+")
_ARABIC_CONJUNCTIONS = ("و", "ف")
_ARABIC_PREFIXES = ("وبال", "وال", "بال", "كال", "فال", "لل", "ال")


def _split_clitics(token: str) -> str:
    """An Arabic word without a leading conjunction and article (والانتخابات -> انتخابات); other
    words as they are."""
    if not ("\u0621" <= token[0] <= "\u064a"):
        return token
    for prefix in _ARABIC_PREFIXES:
        if token.startswith(prefix) and len(token) - len(prefix) >= 2:
            return token[len(prefix):]
    if len(token) > 3 and token[0] in _ARABIC_CONJUNCTIONS:
        return token[1:]
    return token


def _hash(feature: str) -> int:
    return zlib.crc32(feature.encode("utf-8"))


class Lexicon:
    """Words that signal a topic, as prior knowledge for the model: each word of a text that
    matches a topic's stems adds to that topic's one feature, whose weight is learned."""

    def __init__(self, text: str, resolve):
        self.prefixes: dict[str, set[int]] = {}
        self.exact: dict[str, set[int]] = {}
        self.phrases: dict[str, set[int]] = {}
        slug = None
        for number, line in enumerate(text.splitlines(), 1):
            if not line.strip() or line.startswith("#"):
                continue
            head, _, stems = line.partition(":")
            parts = head.split()
            if len(parts) == 2:
                slug = parts[0]
            elif len(parts) != 1 or slug is None:
                raise ValueError(f"lexicon line {number}: expected 'slug language: stems' or 'language: stems'")
            feature = _hash("lex:" + slug)
            resolve(slug)  # an unknown slug is an error here, not a silent dead feature
            for stem in stems.split():
                words = [_split_clitics(w) for w in matching_form(stem.rstrip("$").replace("_", " ")).split()]
                if not words:
                    continue
                form = " ".join(words)
                if len(words) > 1:
                    table = self.phrases
                elif stem.endswith("$") or len(form) < 4:  # short stems would match too much as prefixes
                    table = self.exact
                else:
                    table = self.prefixes
                table.setdefault(form, set()).add(feature)
        self.lengths = sorted({len(stem) for stem in self.prefixes}, reverse=True)

    def match(self, word: str, previous: str) -> set[int]:
        """The topic features a word (and the phrase it ends) signals."""
        found = set(self.exact.get(word, ()))
        for length in self.lengths:
            if length <= len(word):
                found.update(self.prefixes.get(word[:length], ()))
        if previous:
            found.update(self.phrases.get(previous + " " + word, ()))
        return found


def _add_words(text: str, weight: float, counts: dict[int, float], lexicon: Lexicon | None) -> None:
    text = _ADDRESSES.sub(" ", text)  # a URL's or an address's words say nothing of the topic
    words = [_split_clitics(w) for w in matching_form(text).split() if len(w) > 1 and not w.isdigit()]
    previous = ""
    for word in words:
        for feature in (word, "~" + word[:STEM_CHARS] if len(word) > STEM_CHARS else None,
                        previous + " " + word if previous else None):
            if feature:
                key = _hash(feature)
                counts[key] = counts.get(key, 0.0) + weight
        if lexicon is not None:
            for key in lexicon.match(word, previous):
                counts[key] = counts.get(key, 0.0) + weight * LEXICON_WEIGHT
        previous = word


def features(title: str, body: str, lexicon: Lexicon | None = None) -> tuple[np.ndarray, np.ndarray]:
    """(hashes, values) of a text: unique uint32 feature hashes and their L2-normalised weights."""
    counts: dict[int, float] = {}
    _add_words((title or "")[:MAX_TITLE_CHARS], TITLE_WEIGHT, counts, lexicon)
    _add_words((body or "")[:MAX_BODY_CHARS], 1.0, counts, lexicon)
    if not counts:
        return np.empty(0, np.uint32), np.empty(0, np.float32)
    hashes = np.fromiter(counts.keys(), np.uint32, len(counts))
    values = np.fromiter(counts.values(), np.float32, len(counts))
    values = np.sqrt(values)  # damp repeated words
    return hashes, values / np.linalg.norm(values)


@dataclass(frozen=True)
class Example:
    title: str
    body: str
    language: str
    codes: frozenset[str]


def _softmax_groups(logits: np.ndarray, groups: list[np.ndarray]) -> np.ndarray:
    """Softmax over each group of columns (the last axis)."""
    out = np.empty_like(logits)
    for columns in groups:
        part = logits[..., columns]
        part = np.exp(part - part.max(axis=-1, keepdims=True))
        out[..., columns] = part / part.sum(axis=-1, keepdims=True)
    return out


def _groups(parents: Sequence[str]) -> list[np.ndarray]:
    """Columns that share a parent: the top level ("") and each broader topic's children."""
    by_parent: dict[str, list[int]] = {}
    for k, parent in enumerate(parents):
        by_parent.setdefault(parent, []).append(k)
    return [np.array(columns) for columns in by_parent.values()]


class TopicModel:
    """Scores a text against every topic the model was trained on: a softmax over the top-level
    topics, and for each broader topic a softmax over its children (the probability of the child
    given the broader topic)."""

    def __init__(self, codes: Sequence[str], parents: Sequence[str], hashes: np.ndarray, weights: np.ndarray,
                 bias: np.ndarray, meta: dict | None = None, lexicon: Lexicon | None = None):
        order = np.argsort(hashes)
        self.lexicon = lexicon
        self.codes = list(codes)
        self.parents = list(parents)
        self.groups = _groups(self.parents)
        self.hashes = hashes[order].astype(np.uint32)
        self.weights = weights[order].astype(np.float32)
        self.bias = bias.astype(np.float32)
        self.prior = _softmax_groups(self.bias, self.groups)  # what the model says of a text it knows nothing of
        self.meta = meta or {}

    def scores(self, title: str, body: str) -> np.ndarray | None:
        """Per code (``self.codes`` order): its probability among its siblings; None when the text
        has no feature the model learned (the bias alone is a prior, not evidence)."""
        hashes, values = features(title, body, self.lexicon)
        if not len(hashes):
            return None
        at = np.searchsorted(self.hashes, hashes)
        at[at == len(self.hashes)] = 0
        known = self.hashes[at] == hashes
        if not known.any():
            return None
        return _softmax_groups(self.bias + values[known] @ self.weights[at[known]], self.groups)

    def save(self, path: str | Path) -> None:
        buffer = io.BytesIO()
        np.savez_compressed(buffer, codes=np.array(self.codes), parents=np.array(self.parents), hashes=self.hashes,
                            weights=self.weights.astype(np.float16), bias=self.bias,
                            meta=np.array(json.dumps(self.meta, sort_keys=True)))
        Path(path).write_bytes(buffer.getvalue())

    @classmethod
    def load(cls, source, lexicon: Lexicon | None = None) -> "TopicModel":
        """A saved model; ``lexicon`` must be the one it was trained with."""
        with np.load(source, allow_pickle=False) as data:
            return cls([str(c) for c in data["codes"]], [str(p) for p in data["parents"]], data["hashes"],
                       data["weights"], data["bias"], json.loads(str(data["meta"])), lexicon)


def _design(examples: Sequence[Example], lexicon: Lexicon | None) -> tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray]:
    """The training matrix as (row, column, value) triples sorted by row, and the feature hash of
    each column."""
    rows, hashes, values = [], [], []
    for n, example in enumerate(examples):
        h, v = features(example.title, example.body, lexicon)
        rows.append(np.full(len(h), n, np.int64))
        hashes.append(h)
        values.append(v)
    rows_a, hashes_a, values_a = np.concatenate(rows), np.concatenate(hashes), np.concatenate(values)
    vocabulary, columns = np.unique(hashes_a, return_inverse=True)
    return rows_a, columns.astype(np.int64), values_a, vocabulary


def train(examples: Sequence[Example], codes: Sequence[str], parents: Sequence[str], *, lexicon: Lexicon | None = None,
          epochs: int = 300, learning_rate: float = 20.0, momentum: float = 0.9, l2: float = 1e-5,
          meta: dict | None = None) -> TopicModel:
    """Softmax regressions over each group of sibling codes (``parents[k]`` is code k's broader code,
    "" at the top level), learned jointly. An example's codes must include the broader topic of each
    second-level code it carries; it teaches a group only if it has a code in it (an item with two
    topics splits its weight between them)."""
    if not examples:
        raise ValueError("no labelled examples to train on")
    codes, parents = list(codes), list(parents)
    index = {code: k for k, code in enumerate(codes)}
    groups = _groups(parents)
    targets = np.zeros((len(examples), len(codes)), np.float32)
    for n, example in enumerate(examples):
        for code in example.codes:
            if code in index:
                targets[n, index[code]] = 1.0
    taught = np.zeros_like(targets)  # 1 where the example teaches that code's group
    for columns in groups:
        mass = targets[:, columns].sum(axis=1, keepdims=True)
        targets[:, columns] /= np.maximum(mass, 1.0)
        taught[:, columns] = (mass > 0) / max(int((mass > 0).sum()), 1)
    rows, columns, values, vocabulary = _design(examples, lexicon)
    # Forward pass reduces over rows (entries sorted by row); the gradient over columns.
    row_starts = np.flatnonzero(np.r_[True, rows[1:] != rows[:-1]])
    row_ids = rows[row_starts]
    by_column = np.argsort(columns, kind="stable")
    col_rows, col_values, col_sorted = rows[by_column], values[by_column], columns[by_column]
    col_starts = np.flatnonzero(np.r_[True, col_sorted[1:] != col_sorted[:-1]])
    col_ids = col_sorted[col_starts]

    weights = np.zeros((len(vocabulary), len(codes)), np.float32)
    prior = (targets * (taught > 0)).sum(axis=0) + 1.0
    bias = np.zeros(len(codes), np.float32)
    for group in groups:
        bias[group] = np.log(prior[group] / prior[group].sum())
    # Plain gradient descent with Nesterov momentum: unlike Adam it moves a weight in proportion to
    # its gradient, so words shared by many examples of a topic lead and one-off words stay small.
    velocity_w, velocity_b = np.zeros_like(weights), np.zeros_like(bias)
    n = len(examples)
    for _ in range(epochs):
        look_w, look_b = weights + momentum * velocity_w, bias + momentum * velocity_b
        logits = np.tile(look_b, (n, 1))
        logits[row_ids] += np.add.reduceat(values[:, None] * look_w[columns], row_starts, axis=0)
        residual = (_softmax_groups(logits, groups) - targets) * taught
        grad_w = np.zeros_like(weights)
        grad_w[col_ids] = np.add.reduceat(col_values[:, None] * residual[col_rows], col_starts, axis=0)
        grad_w += l2 * look_w
        velocity_w = momentum * velocity_w - learning_rate * grad_w
        velocity_b = momentum * velocity_b - learning_rate * residual.sum(axis=0)
        weights += velocity_w
        bias += velocity_b
    keep = np.abs(weights).max(axis=1) >= 1e-3  # features the model never leaned on cost space only
    info = {"examples": n, "features": int(keep.sum()), "epochs": epochs, "l2": l2, **(meta or {})}
    return TopicModel(codes, parents, vocabulary[keep], weights[keep], bias, info, lexicon)


def read_labelled(text: str, language: str, resolve, source: str = "<text>") -> list[Example]:
    """Examples from ``labels | title | body`` lines (``#`` starts a comment line); ``resolve`` turns
    a label (a slug or a code) into the set of codes it stands for, broader ones included."""
    examples = []
    for number, line in enumerate(text.splitlines(), 1):
        if not line.strip() or line.startswith("#"):
            continue
        parts = [p.strip() for p in line.split(" | ")]
        if len(parts) != 3:
            raise ValueError(f"{source}:{number}: expected 'labels | title | body'")
        codes: set[str] = set()
        for label in parts[0].split(","):
            codes |= resolve(label.strip())
        examples.append(Example(parts[1], parts[2], language, frozenset(codes)))
    return examples


def provider_labelled(items: Iterable[dict], codes_of) -> list[Example]:
    """Examples from raw items or documents whose provider sent subject codes: ``codes_of(item)``
    gives the Media Topics the provider's codes map onto (empty: the item is not labelled)."""
    from wirefeed.text.html import to_line

    examples = []
    for item in items:
        codes = codes_of(item)
        if codes:
            examples.append(Example(to_line(item.get("title")), to_line(item.get("body")),
                                    item.get("language") or "", frozenset(codes)))
    return examples
