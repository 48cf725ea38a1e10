import json
import time

import numpy as np
import pytest

from wirefeed.cli import main
from wirefeed.topic_model import Example, TopicModel, features, provider_labelled
from wirefeed.topics import (LEXICON_FILE, bundled_examples, choose_topics, default_model, media_topic_for, provider_media_topics,
                             provider_topics, resolve_label, tag_topics, taxonomy, train_model)


def codes(title, body, language):
    return [t["code"] for t in tag_topics(title, body, language)]


@pytest.mark.parametrize("title, body, language, expected", [
    ("المنتخب الوطني يفوز على ضيفه بهدفين", "فاز المنتخب الوطني لكرة القدم في تصفيات كأس آسيا", "ar", "medtop:15000000"),
    ("فيضانات تغمر أحياء في مدينة الساحل", "أجلت فرق الدفاع المدني مئات السكان بعد أمطار غزيرة", "ar", "medtop:03000000"),
    ("البنك المركزي يبقي سعر الفائدة دون تغيير", "تراجع معدل التضخم وارتفعت أسهم المصارف في البورصة", "ar", "medtop:04000000"),
    ("Oil prices climb as supply worries return", "Brent crude futures rose and energy shares led the stock market", "en", "medtop:04000000"),
    ("Rail workers strike over pay", "The union rejected a wage offer; workers walked out", "en", "medtop:09000000"),
    ("Municipales : la coalition en tête", "Le premier tour des élections municipales, l'opposition appelle à voter", "fr", "medtop:11000000"),
    ("Grippe : les hôpitaux en plan blanc", "Les médecins appellent à se faire vacciner contre l'épidémie", "fr", "medtop:07000000"),
    ("Storm brings heavy rain", "Forecasters warned of strong winds and falling temperatures", "en", "medtop:17000000"),
])
def test_top_topic(title, body, language, expected):
    assert codes(title, body, language)[0] == expected


def test_scores_labels_origin_and_second_level_under_its_broader_topic():
    topics = tag_topics("فيضانات تغمر أحياء", "أجلت فرق الدفاع المدني السكان", "ar")
    assert topics and all(0 < t["score"] <= 1 and t["origin"] == "model" for t in topics)
    assert topics[0]["label"] == "كوارث وحوادث وطوارئ"
    english = tag_topics("Voters head to the polls in a tight presidential election", "Turnout was high as polling "
                         "stations opened; the electoral commission expects results on Monday", "en")
    assert [t["code"] for t in english][:2] == ["medtop:11000000", "medtop:20000574"]
    assert english[1]["label"] == "election" and english[1]["score"] <= english[0]["score"]
    known = taxonomy()
    for text in (("Army shells rebel positions", "Fighting killed 12 soldiers"), ("Le CAC 40 recule", "La Bourse de Paris")):
        tagged = tag_topics(*text, "en")
        for n, topic in enumerate(tagged):
            broader = known[topic["code"]].broader
            if broader:  # a second-level topic always follows its broader one
                assert broader in [t["code"] for t in tagged[:n]]


@pytest.mark.parametrize("title, body", [
    ("", ""), ("   ", "\n"), ("Hello", "Lorem ipsum dolor sit amet"), ("12 345 678", "2026-11-25 10:00"),
    ("https://example.com/a/b", ""), ("新华社北京电", "国务院总理今天在人民大会堂会见了来访的外国客人"),
])
def test_no_evidence_no_topic(title, body):
    assert tag_topics(title, body, "en") == []


def test_bad_input_has_a_defined_answer():
    long_body = "Fighting between the army and rebels killed dozens. " * 40000  # about 2 MB
    started = time.perf_counter()
    assert codes("Clashes on the border", long_body, "en")[0] == "medtop:16000000"
    assert time.perf_counter() - started < 1.0  # only the lead is read
    mixed = codes("Le président élu", "The election results were announced; الانتخابات الرئاسية", "fr")
    assert mixed and mixed[0] == "medtop:11000000"
    assert tag_topics(None, None, "xx") == []


def test_taxonomy_is_data_with_labels_in_three_languages():
    known = taxonomy()
    top = [t for t in known.values() if t.broader is None]
    assert len(top) == 17 and {t.code for t in top} == {f"medtop:{n:02d}000000" for n in range(1, 18)}
    second = [t for t in known.values() if t.broader]
    wanted = {"politics", "conflict", "economy", "crime", "disaster", "health", "science", "sport"}
    assert {known[t.broader].slug for t in second} == wanted
    for topic in known.values():
        assert set(topic.labels) == {"ar", "en", "fr"} and all(topic.labels.values())
        assert topic.broader is None or known[topic.broader].broader is None
    assert resolve_label("sport/doping") == {"medtop:20001104", "medtop:15000000"}
    with pytest.raises(ValueError):
        resolve_label("sports")


def test_training_corpus_covers_every_topic_in_arabic_english_and_french():
    examples = bundled_examples()
    for language in ("ar", "en", "fr"):
        covered = set().union(*(e.codes for e in examples if e.language == language))
        assert covered == set(taxonomy()), (language, set(taxonomy()) - covered)


def test_shipped_model_matches_taxonomy_and_lexicon():
    model = default_model()
    assert model.codes == list(taxonomy()) and model.meta["lexicon"] == LEXICON_FILE
    assert model.meta["examples"] == len(bundled_examples())  # retrain after changing the corpus


def test_training_is_deterministic_learns_and_round_trips(tmp_path):
    examples = [e for n, e in enumerate(bundled_examples()) if n % 3 == 0]
    first, second = train_model(examples, epochs=80), train_model(examples, epochs=80)
    assert np.array_equal(first.weights, second.weights)
    title, body = "Striker scores twice as champions win the derby", "The forward's goals sealed a 2-0 league win"
    assert codes_of(first, title, body)[0] == "medtop:15000000"
    path = tmp_path / "model.npz"
    first.save(path)
    loaded = TopicModel.load(path, first.lexicon)
    assert np.allclose(loaded.scores(title, body), first.scores(title, body), atol=1e-2)  # float16 weights


def codes_of(model, title, body):
    return [t["code"] for t in tag_topics(title, body, "en", model)]


def test_features_are_stable_and_normalised():
    hashes, values = features("Élections : le vote", "Les électeurs votent")
    again, _ = features("Élections : le vote", "Les électeurs votent")
    assert np.array_equal(hashes, again) and len(set(hashes.tolist())) == len(hashes)
    assert abs(float(np.linalg.norm(values)) - 1.0) < 1e-5
    assert features("", "")[0].size == 0


def test_provider_codes_map_onto_media_topics_and_are_kept_verbatim():
    assert media_topic_for("04011002") == "medtop:04000000"  # IPTC subject code: by its top level
    assert media_topic_for("subj:15054000") == "medtop:15000000"
    assert media_topic_for("http://cv.iptc.org/newscodes/subjectcode/11000000") == "medtop:11000000"
    assert media_topic_for("medtop:20000763") == "medtop:20000763"  # a Media Topic stays itself
    assert media_topic_for("http://cv.iptc.org/newscodes/mediatopic/16000000") == "medtop:16000000"
    assert media_topic_for("99000000") is None and media_topic_for("ap-category:s") is None
    topics = provider_topics([{"code": "15054000", "name": "football"}, {"code": "15000000"},
                              {"code": "ap-category:s", "name": "Sports"}], "ar")
    assert [(t["code"], t["label"], t["provider_codes"]) for t in topics] == [
        ("medtop:15000000", "رياضة", ["15054000", "15000000"]), ("ap-category:s", "Sports", ["ap-category:s"])]
    assert {t["origin"] for t in topics} == {"provider"}
    # A second-level Media Topic brings its broader topic, for facets on the top level.
    election = provider_topics([{"code": "medtop:20000574", "name": "election"}], "fr")
    assert [(t["code"], t["label"], t["provider_codes"]) for t in election] == [
        ("medtop:11000000", "politique", ["medtop:20000574"]), ("medtop:20000574", "élections", ["medtop:20000574"])]


def test_provider_coded_items_are_training_examples():
    raw = {"title": "<b>Cup final</b>", "body": "<p>The hosts won 2-1.</p>", "language": "en",
           "subjects": [{"code": "15054000"}, {"code": "ap-category:s"}]}
    unlabelled = {"title": "x", "body": "y", "subjects": [{"code": "ap-category:s"}]}
    document = {"title": "Vote", "body": "b", "language": "fr", "topics": [
        {"code": "medtop:11000000", "label": "politique", "score": 1.0, "origin": "provider"},
        {"code": "medtop:04000000", "label": "économie", "score": 0.9, "origin": "model"}]}
    examples = provider_labelled([raw, unlabelled, document], provider_media_topics)
    assert examples == [Example("Cup final", "The hosts won 2-1.", "en", frozenset({"medtop:15000000"})),
                        Example("Vote", "b", "fr", frozenset({"medtop:11000000"}))]


def test_cli_trains_on_provider_coded_items_and_the_job_can_use_the_model(tmp_path, monkeypatch, capsys):
    items = tmp_path / "items.jsonl"
    rows = []
    for n in range(6):
        rows.append({"title": f"Cup match {n}: hosts win the derby", "body": "The striker scored twice in the league",
                     "language": "en", "subjects": [{"code": "15054000"}]})
        rows.append({"title": f"Parliament vote {n} on the budget", "body": "Lawmakers and ministers debated the bill",
                     "language": "en", "subjects": [{"code": "medtop:11000000"}]})
    items.write_text("\n".join(json.dumps(r) for r in rows) + "\n", encoding="utf-8")
    out = tmp_path / "mine.npz"
    assert main(["topics", "train", "--items", str(items), "--no-bundled", "--out", str(out)]) == 0
    model = TopicModel.load(out)
    assert model.meta["examples"] == 12
    assert main(["topics", "train", "--no-bundled", "--out", str(out)]) == 2  # nothing to learn from
    assert main(["topics", "tag", "Derby: the hosts win the cup match", "--language", "fr"]) == 0
    assert json.loads(capsys.readouterr().out.splitlines()[0])["code"] == "medtop:15000000"


def test_the_fallback_topic_must_owe_its_score_to_the_text():
    codes = list(taxonomy())
    human_interest = codes.index("medtop:08000000")
    prior = np.full(len(codes), 0.05)
    prior[human_interest] = 0.28  # what a model leaning to human interest says of a text it knows nothing of
    probabilities = prior.copy()  # past FALLBACK_THRESHOLD (0.25), short of THRESHOLD (0.5)
    assert [t["code"] for t in choose_topics(codes, probabilities, "en")] == ["medtop:08000000"]
    assert choose_topics(codes, probabilities, "en", prior) == []  # the prior alone is no evidence
    probabilities[human_interest] = 0.4  # the text raised it by 0.12
    assert [t["code"] for t in choose_topics(codes, probabilities, "en", prior)] == ["medtop:08000000"]
