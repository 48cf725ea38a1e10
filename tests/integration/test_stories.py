"""Stories across scheduled runs: a copy indexed in a later run joins the story of a document an
earlier run indexed (Elasticsearch is the shared fingerprint store), and the canonical gains the outlet."""
FIRST = """<?xml version="1.0" encoding="UTF-8"?>
<rss version="2.0"><channel><title>{outlet}</title><link>http://127.0.0.1/</link><description>d</description>
<item><guid>{guid}</guid><title>{title}</title><pubDate>{date}</pubDate><description><![CDATA[{body}]]></description></item>
</channel></rss>"""
DISPATCH = [
    "أعلنت وزارة الصحة الأحد تسجيل ارتفاع في عدد الإصابات بالإنفلونزا الموسمية خلال الأسبوع الماضي في عدة محافظات.",
    "وقال الناطق باسم الوزارة إن المستشفيات رفعت جاهزيتها، داعيا المواطنين إلى تلقي اللقاح قبل ذروة الموسم.",
    "وأوضح أن الفئات الأكثر عرضة هي كبار السن والأطفال والمصابون بأمراض مزمنة، وأن اللقاح متوفر مجانا في المراكز الصحية.",
    "وأشار إلى أن الوزارة ستطلق حملة توعية في المدارس والجامعات بدءا من الأسبوع المقبل.",
]
OTHER = ["أقرت الحكومة الأحد خطة لتطوير شبكة النقل العام في العاصمة تشمل خطوط حافلات سريعة جديدة.",
         "وقال وزير النقل إن المرحلة الأولى ستنطلق مطلع العام المقبل بكلفة تقدر بعشرات الملايين."]


def page(outlet, guid, title, date, paragraphs):
    body = "".join(f"<p>{p}</p>" for p in paragraphs)
    return FIRST.format(outlet=outlet, guid=guid, title=title, date=date, body=body)


def test_a_copy_in_a_later_run_joins_the_earlier_story(job, feed_server):
    folder, base = feed_server
    (folder / "agency.xml").write_text(page("وكالة الأنباء", "a-1", "ارتفاع إصابات الإنفلونزا الموسمية",
                                            "Sun, 22 Nov 2026 08:00:00 +0000", DISPATCH))
    job.write_config([{"url": f"{base}/agency.xml", "language": "ar"}])
    assert job.run().returncode == 0
    [original] = job.documents().values()
    assert original["copies"] == 1 and original["duplicate_of"] is None

    # A day later a local site carries it: its own prefix, an Arabic credit, a paragraph dropped,
    # a new headline; and an unrelated story from the same site.
    copy = [f"جو 24 : {DISPATCH[0]}", DISPATCH[1], DISPATCH[2] + "-(ا ف ب)"]
    (folder / "local.xml").write_text(page("جو 24", "j-9", "الصحة تحذر من ذروة الإنفلونزا",
                                           "Mon, 23 Nov 2026 10:00:00 +0000", copy))
    (folder / "local-other.xml").write_text(page("جو 24", "j-10", "خطة لتطوير النقل العام",
                                                 "Mon, 23 Nov 2026 11:00:00 +0000", OTHER))
    job.write_config([{"url": f"{base}/local.xml", "language": "ar", "prefixes": ["جو 24"]},
                      {"url": f"{base}/local-other.xml", "language": "ar"}])
    second = job.run()
    assert second.returncode == 0, second.stderr
    docs = job.documents()
    assert len(docs) == 3
    joined = next(d for d in docs.values() if d["title"] == "الصحة تحذر من ذروة الإنفلونزا")
    apart = next(d for d in docs.values() if d["title"] == "خطة لتطوير النقل العام")
    canonical = docs[original["id"]]
    assert joined["story_id"] == original["story_id"] and joined["duplicate_of"] == original["id"]
    assert 0.5 <= joined["similarity"] < 1 and joined["wire_agency"] == "AFP"
    assert canonical["copies"] == 2 and canonical["outlets"] == sorted({"وكالة الأنباء", "جو 24"})
    assert apart["story_id"] != original["story_id"] and apart["duplicate_of"] is None
    assert '"story_copies": 1' in second.stderr and '"stories_grown": 1' in second.stderr


def test_a_source_s_boilerplate_is_learned_across_runs(job, feed_server):
    from tests.unit.test_boilerplate import APP, STORIES

    folder, base = feed_server

    def feed(stories):
        items = "".join(f"<item><guid>jo-{n}</guid><title>جو 24 : {title}</title>"
                        f"<pubDate>Mon, 23 Nov 2026 0{n}:00:00 +0000</pubDate>"
                        f"<description><![CDATA[<p>جو 24 : {lede}</p><p>{APP}</p>]]></description></item>"
                        for n, (title, lede) in stories)
        return ('<?xml version="1.0" encoding="UTF-8"?><rss version="2.0"><channel><title>Jo24 News</title>'
                f"<link>http://127.0.0.1/</link><description>d</description>{items}</channel></rss>")

    (folder / "jo24.xml").write_text(feed(list(enumerate(STORIES))[:2]))
    job.write_config([{"url": f"{base}/jo24.xml", "language": "ar"}])
    assert job.run().returncode == 0
    first = {d["title"] for d in job.documents().values()}
    assert all(title.startswith("جو 24") for title in first)  # two items: too few to learn from

    (folder / "jo24.xml").write_text(feed(list(enumerate(STORIES))))
    second = job.run("run", "--all")
    assert second.returncode == 0, second.stderr
    new = [d for d in job.documents().values() if d["title"] not in first]
    assert [d["title"] for d in sorted(new, key=lambda d: d["published_at"])] == [t for t, _ in STORIES[2:]]
    assert all(d["body"] == lede for d, (_, lede) in zip(sorted(new, key=lambda d: d["published_at"]), STORIES[2:]))
