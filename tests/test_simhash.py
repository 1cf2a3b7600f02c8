"""Near-duplicates: the same story with small edits is found, a different one is not."""

from sites import seeds

from scrapers.simhash import SimIndex, distance, from_hex, simhash, to_hex


def test_a_lightly_edited_copy_is_near_and_another_story_is_far():
    a, b = seeds()[2]["text"], seeds()[1]["text"]
    edited = a.replace("Mr Kim", "Kim", 1) + "\nReuters contributed to this report."
    assert distance(simhash(a), simhash(edited)) <= 7
    assert distance(simhash(a), simhash(b)) > 20


def test_short_texts_are_not_compared():
    assert simhash("Breaking: more soon.") is None


def test_the_index_finds_the_first_copy():
    texts = [s["text"] for s in seeds()]
    index = SimIndex()
    for i, t in enumerate(texts):
        index.add(simhash(t), f"a{i}")
    copy = texts[3] + "\nAdditional reporting by a colleague."
    assert index.find(simhash(copy)) == "a3"
    assert index.find(simhash(copy), exclude="a3") is None
    assert from_hex(to_hex(simhash(texts[0]))) == simhash(texts[0])


def test_the_hash_of_a_text_never_changes():
    # Stored simhashes of earlier crawls are compared with new ones: the same text must
    # keep its value across versions and processes, and with the word cache warm or cold.
    import scrapers.simhash as module

    for _ in range(2):
        assert to_hex(simhash(seeds()[2]["text"])) == "a4b9e0a4e54ebce4"
        assert to_hex(simhash(seeds()[0]["text"])) == "2a9f998bf00bbe00"
        module._WORDS.clear()
