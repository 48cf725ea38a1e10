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
