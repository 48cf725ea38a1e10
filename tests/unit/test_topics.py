import pytest

from wirefeed.resources import schema
from wirefeed.topics import default_model, tag_topics


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


def test_scores_labels_and_origin():
    topics = tag_topics("فيضانات تغمر أحياء", "أجلت فرق الدفاع المدني السكان", "ar")
    assert topics and all(0.5 <= t["score"] <= 1 and t["origin"] == "model" for t in topics)
    assert topics[0]["label"] == "كوارث وحوادث وطوارئ"
    assert tag_topics("Floods", "Rescue teams evacuated residents after the flood", "en")[0]["label"].startswith("disaster")


def test_no_evidence_no_topic():
    assert tag_topics("", "", "en") == []
    assert tag_topics("Hello", "Lorem ipsum dolor sit amet", "en") == []


def test_every_taxonomy_topic_has_a_lexicon_in_arabic_english_and_french():
    taxonomy = {t["code"] for t in schema("media-topics.v1.json")["topics"]}
    assert len(taxonomy) == 17
    model = default_model()
    for language in ("ar", "en", "fr"):
        covered = {stem.topic for stems in model.words[language].values() for stem in stems}
        assert covered == taxonomy, (language, taxonomy - covered)


def test_provider_codes_map_onto_media_topics_and_are_kept_verbatim():
    from wirefeed.topics import media_topic_for, provider_topics

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
