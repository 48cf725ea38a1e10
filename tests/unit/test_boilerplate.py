"""Boilerplate learned per source from its recent items."""
from wirefeed.enrich import clean, enrich, strip_source_boilerplate
from wirefeed.text.boilerplate import Edges, edges, learn, strip_learned

STORIES = [("ارتفاع أسعار الذهب", "ارتفعت أسعار الذهب في السوق المحلية اليوم الأحد بنحو دينار للغرام الواحد."),
           ("افتتاح مهرجان جرش", "افتتح مهرجان جرش للثقافة والفنون دورته الجديدة مساء الأحد بمشاركة عربية واسعة."),
           ("أمطار غزيرة في الشمال", "هطلت أمطار غزيرة على المناطق الشمالية من المملكة خلال ساعات الليل الماضية."),
           ("الحكومة تقر الموازنة", "أقر مجلس الوزراء مشروع قانون الموازنة العامة للعام المقبل وأحاله إلى البرلمان.")]
APP = "حمّلوا تطبيق جو 24 على هواتفكم"


def raw(n, title, paragraphs, feed="http://jo24.example/rss"):
    return {"schema": "wirefeed.raw/v1", "id": f"rss-{n:024d}", "guid": str(n), "version": 0,
            "source": {"name": "Jo24 News", "feed_url": feed, "connector": "rss", "title": "Jo24 News",
                       "language": "ar", "prefixes": []},
            "fetched_at": "2026-11-02T08:00:00Z", "published_at": "2026-11-02T08:00:00Z", "language": "ar",
            "title": title, "body": "".join(f"<p>{p}</p>" for p in paragraphs), "content_type": "text/html",
            "extra": {}}


def jo24_docs():
    return [clean(raw(n, f"جو 24 : {title}", [f"جو 24 : {lede}", APP])) for n, (title, lede) in enumerate(STORIES)]


def test_an_unconfigured_outlet_prefix_and_app_line_are_learned_and_stripped():
    docs = jo24_docs()
    learned = learn([edges(d) for d in docs])
    assert learned.prefixes == {"جو 24"} and len(learned.lines) == 1
    for doc, (title, lede) in zip(strip_source_boilerplate(docs), STORIES):
        assert (doc["title"], doc["body"], doc["summary"]) == (title, lede, lede)
        assert doc["content_hash"] != docs[0]["content_hash"]


def test_stripping_recomputes_the_fingerprints():
    docs = jo24_docs()
    stripped, removed = strip_learned(docs[0], learn([edges(d) for d in docs]))
    assert removed == ["جو 24 :", APP]
    assert stripped["story_bands"] == enrich(raw(9, STORIES[0][0], [STORIES[0][1]]))["story_bands"]


def test_too_few_items_or_a_minority_pattern_teach_nothing():
    docs = jo24_docs()
    assert not learn([edges(d) for d in docs[:2]])  # fewer than three items
    others = [clean(raw(10 + n, title, [lede + " " + str(n)])) for n, (title, lede) in enumerate(STORIES * 2)]
    learned = learn([edges(d) for d in docs[:2] + others])  # 2 of 10 items: not the source's habit
    assert not learned


def test_edges_round_trip_for_the_stored_memory():
    sample = edges(jo24_docs()[0])
    assert Edges.from_json(sample.to_json()) == sample


def test_sources_learn_apart():
    docs = jo24_docs()
    other = [clean(raw(20 + n, title, [lede], feed="http://other.example/rss")) for n, (title, lede) in
             enumerate(STORIES)]
    out = strip_source_boilerplate(docs + other)
    assert [d["body"] for d in out[len(docs):]] == [lede for _, lede in STORIES]


def test_a_story_re_sent_under_new_ids_does_not_teach_its_lede():
    title, lede = STORIES[0]
    resent = [clean(raw(30 + n, title, [lede, f"Update {n}: more details."])) for n in range(5)]
    assert not learn([edges(d) for d in resent]).lines
