"""Story folding: copies meet, hard negatives stay apart, updates are not copies, state is reused."""
from wirefeed.stories import StoryIndex, fingerprint, fold, new_story_id, similarity

SOURCE = {"feed_url": "http://x.example/feed", "connector": "rss"}
STRIKE = ["Rail workers began a two-day strike on Thursday over pay and working conditions, halting most "
          "commuter services into the capital.",
          "The union said its members had rejected the latest offer because it failed to keep pace with the "
          "rising cost of living.",
          "The train operators urged passengers to work from home and warned that services would remain "
          "disrupted on Saturday morning."]
NURSES = ["Thousands of nurses rallied outside parliament on Thursday to demand more staff and better pay, "
          "warning that hospital wards were dangerously overstretched.",
          "The health secretary said the government valued nurses and would consider the recommendations of the "
          "independent pay review body."]


def doc(doc_id, paragraphs, outlet="Agency", published="2026-11-02T08:00:00Z", **extra):
    return {"id": doc_id, "title": "t", "summary": "", "body": "\n\n".join(paragraphs), "published_at": published,
            "source": {**SOURCE, "name": outlet}, "pub_status": "usable", "version": 1, **extra}


def weather(high, low, wind, rain):
    return [f"Mostly cloudy with a high of {high} degrees and a low of {low}, winds from the west at {wind} "
            f"kilometres an hour and a {rain} percent chance of rain in the afternoon."]


def test_a_trimmed_copy_with_a_credit_joins_the_story_and_the_canonical_lists_outlets():
    original = doc("a", STRIKE)
    copy = doc("b", ["CITY LINE - " + STRIKE[0], STRIKE[1]], outlet="City Line", published="2026-11-02T09:00:00Z")
    out, touched = fold([copy, original], StoryIndex())
    by_id = {d["id"]: d for d in out}
    assert by_id["b"]["story_id"] == by_id["a"]["story_id"] == new_story_id("a")
    assert by_id["b"]["duplicate_of"] == "a" and 0.5 <= by_id["b"]["similarity"] < 1
    assert by_id["a"]["outlets"] == ["Agency", "City Line"] and by_id["a"]["copies"] == 2 and touched == []


def test_two_reports_on_the_same_topic_the_same_day_stay_apart():
    out, _ = fold([doc("a", STRIKE), doc("b", NURSES, outlet="Other")], StoryIndex())
    assert len({d["story_id"] for d in out}) == 2


def test_recurring_items_that_differ_in_their_figures_stay_apart():
    monday, tuesday = doc("mon", weather(18, 9, 20, 40)), doc("tue", weather(16, 7, 25, 60), published="2026-11-03T08:00:00Z")
    assert similarity(fingerprint(monday), fingerprint(tuesday)) == 0.0
    same_day_copy = doc("mon2", ["WEATHER: " + weather(18, 9, 20, 40)[0]], outlet="Other")
    out, _ = fold([monday, tuesday, same_day_copy], StoryIndex())
    stories = {d["id"]: d["story_id"] for d in out}
    assert stories["mon"] == stories["mon2"] != stories["tue"]


def test_an_update_keeps_its_story_and_is_not_a_copy_of_itself():
    index = StoryIndex()
    first, _ = fold([doc("a", STRIKE), doc("b", STRIKE[:2], outlet="City Line", published="2026-11-02T09:00:00Z")],
                    index)
    corrected = doc("a", [STRIKE[0].replace("two-day", "three-day"), *STRIKE[1:]], version=2)
    [again], _ = fold([corrected], index)
    assert again["story_id"] == first[0]["story_id"] and again["duplicate_of"] is None
    assert again["copies"] == 2 and again["outlets"] == ["Agency", "City Line"]


def test_documents_from_the_store_are_found_and_their_canonical_is_rewritten():
    """What the job does across runs: Elasticsearch's documents go into the index first."""
    earlier, _ = fold([doc("a", STRIKE)], StoryIndex())
    index = StoryIndex()
    for stored in earlier:
        index.add_document(stored)
    [copy], touched = fold([doc("z", STRIKE[1:], outlet="Metro", published="2026-11-03T08:00:00Z")], index)
    assert copy["duplicate_of"] == "a" and copy["story_id"] == earlier[0]["story_id"]
    [canonical] = touched
    assert canonical["id"] == "a" and canonical["copies"] == 2 and canonical["outlets"] == ["Agency", "Metro"]
    assert canonical["story_bands"] == earlier[0]["story_bands"] and earlier[0]["copies"] == 1  # not mutated


def test_a_withdrawn_item_is_nobody_s_copy():
    out, _ = fold([doc("a", STRIKE), doc("k", STRIKE, outlet="Other", pub_status="canceled")], StoryIndex())
    killed = next(d for d in out if d["id"] == "k")
    assert killed["duplicate_of"] is None and killed["story_bands"] == []


def test_arabic_copies_match_through_diacritics_and_hamza_forms():
    text = ["أعلنت وزارة الصحة الأحد تسجيل ارتفاع في عدد الإصابات بالإنفلونزا الموسمية خلال الأسبوع الماضي في عدة محافظات.",
            "وقال الناطق باسم الوزارة إن المستشفيات رفعت جاهزيتها، داعيا المواطنين إلى تلقي اللقاح قبل ذروة الموسم."]
    folded = [p.replace("أ", "ا").replace("إ", "ا").replace("ة", "ه") + "ُ" for p in text]
    assert similarity(fingerprint(doc("a", text)), fingerprint(doc("b", folded))) == 1.0
