"""How correspondence extraction reads articles: what counts as a letter, and what does not."""
from __future__ import annotations

import json

import pytest

from scrapers.letters import EXTRACTOR_VERSION, FoundLetter, extract_letters


def found(text: str, **kw) -> list[tuple[str, str, str]]:
    return [(x.sender, x.recipient, x.kind) for x in extract_letters(text, **kw)]


def one(text: str, **kw) -> FoundLetter:
    letters = extract_letters(text, **kw)
    assert len(letters) == 1, letters
    return letters[0]


# ---------------------------------------------------------------- the public API

def test_found_letter_is_a_frozen_record_with_a_json_ready_dict():
    x = one("Kim Jong Un sent a letter to Xi Jinping on Monday.", published="2019-06-20")
    assert isinstance(x, FoundLetter)
    d = x.as_dict()
    assert set(d) == {"sender", "recipient", "kind", "date", "via", "evidence", "start", "end",
                      "confidence", "reply_to", "status", "sender_type", "recipient_type"}
    json.dumps(d)
    with pytest.raises(AttributeError):
        x.sender = "someone"  # type: ignore[misc]


def test_extractor_version_is_a_semantic_version():
    assert EXTRACTOR_VERSION.count(".") == 2


def test_evidence_is_the_sentence_and_its_span_in_the_text():
    text = "Seoul, June 3. Some preamble here.\n\nKim Jong Un sent a letter to Xi Jinping on Monday. Other news."
    x = one(text, published="2019-06-20")
    assert x.evidence == "Kim Jong Un sent a letter to Xi Jinping on Monday."
    assert text[x.start:x.end] == x.evidence
    assert 0 < x.confidence <= 1


@pytest.mark.parametrize("text", ["", "   \n  ", "Nothing about correspondence at all.", "%%% @@@ 12345 ]]]"])
def test_empty_or_irrelevant_text_gives_no_letters(text):
    assert extract_letters(text) == []


def test_wrong_argument_types_are_refused_clearly():
    with pytest.raises(TypeError, match="text must be str"):
        extract_letters(None)  # type: ignore[arg-type]
    with pytest.raises(TypeError, match="published"):
        extract_letters("x", published=20190101)  # type: ignore[arg-type]


def test_garbage_publication_date_is_ignored_not_fatal():
    x = one("Kim Jong Un sent a letter to Xi Jinping.", published="not a date")
    assert x.date is None


# ---------------------------------------------------------------- constructions

@pytest.mark.parametrize("text", [
    "Donald Trump sent a letter to Kim Jong Un.",
    "Donald Trump wrote a letter to Kim Jong Un.",
    "Donald Trump penned a personal letter to Kim Jong Un.",
    "Donald Trump has delivered a letter to Kim Jong Un.",
    "Kim Jong Un received a letter from Donald Trump.",
    "Kim Jong Un has received a warm letter from US President Donald Trump.",
    "A letter from Donald Trump to Kim Jong Un was published on Monday.",
    "Donald Trump's letter to Kim Jong Un was published on Monday.",
    "Donald Trump wrote to Kim Jong Un last week.",
    "Donald Trump told Kim Jong Un in a letter that talks would go ahead.",
    "In a letter to Kim Jong Un, Donald Trump said talks would go ahead.",
    "Donald Trump sent Kim Jong Un a letter.",
])
def test_sender_and_recipient_constructions(text):
    assert found(text, published="2019-06-20") == [("Donald Trump", "Kim Jong Un", "letter")]


def test_a_message_handed_to_the_recipient_from_the_sender_names_the_go_between():
    x = one("A senior official, Kim Yong Chol, handed a message to Donald Trump from Kim Jong Un on Friday.",
            published="2019-01-20")
    assert (x.sender, x.recipient, x.kind, x.via) == ("Kim Jong Un", "Donald Trump", "message", "Kim Yong Chol")


def test_a_passive_handing_over():
    x = one("A message was handed to Vladimir Putin from Kim Jong Un.", published="2019-01-20")
    assert (x.sender, x.recipient, x.kind) == ("Kim Jong Un", "Vladimir Putin", "message")


def test_someone_conveying_a_letter_of_the_sender_is_the_intermediary():
    x = one("Ambassador Patrick Murphy conveyed to Hun Sen a letter of US President Donald Trump.",
            published="2019-11-21")
    assert (x.sender, x.recipient, x.via) == ("Donald Trump", "Hun Sen", "W. Patrick Murphy")


def test_headline_forms():
    text = "Kim Jong Un sent a letter to Xi Jinping, KCNA said."
    letters = extract_letters(text, title="Kim Sends Letter to Xi", published="2023-09-20")
    assert [(l.sender, l.recipient) for l in letters] == [("Kim Jong Un", "Xi Jinping")]


def test_a_title_alone_with_no_support_in_the_article_is_not_a_letter():
    # headlines paraphrase ("Kim's New Year message to Trump" about a speech); the body decides
    assert extract_letters("Kim Jong Un gave a long speech on the economy.",
                           title="Kim Jong Un's Jan. 1 Message to Trump: ready to meet") == []


def test_title_that_is_the_first_line_is_not_counted_twice():
    text = "Trump Writes Letter To Kim\n\nPresident Trump wrote a letter to Kim Jong Un, the White House said."
    letters = extract_letters(text, title="Trump Writes Letter To Kim", published="2019-01-24")
    assert len(letters) == 1 and letters[0].start >= 0


def test_exchanged_letters_are_two_letters():
    got = found("Kim Jong Un and Vladimir Putin exchanged letters on Tuesday.", published="2023-08-15")
    assert sorted(got) == [("Kim Jong Un", "Vladimir Putin", "letter"), ("Vladimir Putin", "Kim Jong Un", "letter")]


def test_coordinated_senders_each_sent_one():
    got = found("Both Bill Clinton and George W. Bush sent letters to Kim Jong Il.", published="2009-12-16")
    assert sorted(got) == [("Bill Clinton", "Kim Jong Il", "letter"), ("George W. Bush", "Kim Jong Il", "letter")]


# ---------------------------------------------------------------- replies

def test_a_reply_is_linked_to_the_letter_it_answers():
    text = ("Moon Jae-in sent a letter to Kim Jong Un on Wednesday. "
            "Kim replied on Thursday, thanking Moon for his efforts.")
    letters = extract_letters(text, published="2022-04-22")
    pairs = [(l.sender, l.recipient) for l in letters]
    assert pairs == [("Moon Jae-in", "Kim Jong Un"), ("Kim Jong Un", "Moon Jae-in")]
    assert letters[1].reply_to == 0 and letters[0].reply_to is None
    assert letters[1].kind == "letter"
    assert letters[0].date == "2022-04-20" and letters[1].date == "2022-04-21"


def test_in_response_to_names_the_earlier_letter():
    text = "Kim Jong Un sent a letter to Xi Jinping. The letter was in response to Xi's congratulatory message."
    letters = extract_letters(text, published="2023-09-20")
    by_pair = {(l.sender, l.recipient): i for i, l in enumerate(letters)}
    assert set(by_pair) == {("Kim Jong Un", "Xi Jinping"), ("Xi Jinping", "Kim Jong Un")}
    reply = letters[by_pair[("Kim Jong Un", "Xi Jinping")]]
    assert reply.reply_to == by_pair[("Xi Jinping", "Kim Jong Un")]
    assert letters[by_pair[("Xi Jinping", "Kim Jong Un")]].kind == "message"


def test_a_reply_message_received():
    x = extract_letters("Kim Jong Un received a reply message from Xi Jinping on October 19.", published="2021-10-23")
    assert [(l.sender, l.recipient, l.kind, l.date) for l in x] == [("Xi Jinping", "Kim Jong Un", "message", "2021-10-19")]


# ---------------------------------------------------------------- not letters

@pytest.mark.parametrize(("text", "status"), [
    ("Donald Trump will send a letter to Kim Jong Un.", "planned"),
    ("Donald Trump may write to Kim Jong Un.", "planned"),
    ("Donald Trump plans to send a letter to Kim Jong Un next week.", "planned"),
    ("Donald Trump is expected to send a letter to Kim Jong Un.", "planned"),
    ("Donald Trump would write a letter to Kim Jong Un if talks resumed.", "planned"),
    ("Kim Yong Chol plans to travel to Washington to hand deliver a personal letter from Kim Jong Un to Donald Trump.",
     "planned"),
    ("Donald Trump did not send a letter to Kim Jong Un.", "denied"),
    ("Donald Trump never wrote to Kim Jong Un.", "denied"),
    ("Donald Trump denied sending a letter to Kim Jong Un.", "denied"),
    ("Donald Trump sent no letter to Kim Jong Un.", "denied"),
])
def test_planned_hypothetical_and_denied_letters_are_kept_with_their_status(text, status):
    letters = extract_letters(text, published="2019-06-20")
    assert [x.status for x in letters] == [status]
    assert letters[0].recipient in ("Kim Jong Un", "Donald Trump") and letters[0].sender != letters[0].recipient


@pytest.mark.parametrize("text", [
    "Donald Trump said he received a beautiful letter from Kim Jong Un.",
    "According to Donald Trump, Kim Jong Un sent him a letter last week.",
])
def test_a_letter_only_one_party_tells_of_is_claimed(text):
    x = one(text, published="2019-06-20")
    assert ((x.sender, x.recipient), x.status) == (("Kim Jong Un", "Donald Trump"), "claimed")


def test_a_letter_the_article_reports_is_reported():
    x = one("Kim Jong Un sent a letter to Donald Trump, KCNA said on Monday.", published="2019-06-20")
    assert x.status == "reported"


@pytest.mark.parametrize("text", [
    "Donald Trump spoke to Kim Jong Un by phone on Monday.",
    "Donald Trump called Moon Jae-in from Singapore before the summit.",
    "Donald Trump tweeted a message to Kim Jong Un on Sunday.",
    "Donald Trump posted a message on Twitter praising Kim Jong Un.",
    "Kim Jong Un delivered his New Year speech on January 1.",
    "In a New Year message, Kim Jong Un said he was ready to meet Donald Trump.",
    "Kim Jong Un met Vladimir Putin on Thursday in Vladivostok.",
    "Putin and Kim shook hands and sat down to exchange greetings in front of the cameras.",
    "The summit sent a strong message to Washington, Kim Jong Un said.",
])
def test_calls_tweets_speeches_and_meetings_are_not_letters(text):
    assert found(text, published="2019-06-20") == []


# ---------------------------------------------------------------- one letter, many mentions

def test_the_same_letter_mentioned_several_times_is_reported_once_with_the_best_date():
    text = ("Kim Jong Un sent a very nice note to Donald Trump, the president said on Thursday.\n"
            "In his letter, which was written 24 days after the June 12 summit, Kim praised Trump.\n"
            "The letter was later published by the White House.")
    x = one(text, published="2018-07-12")
    assert (x.sender, x.recipient) == ("Kim Jong Un", "Donald Trump")
    assert x.date == "2018-07-06"


def test_a_second_letter_is_a_different_letter():
    text = ("Trump said on 9 August that he had received a beautiful letter from Kim Jong Un. "
            "Officials have not said anything about a second letter sent in the third week of August.")
    letters = extract_letters(text, published="2019-09-16")
    assert [(l.sender, l.recipient, l.date) for l in letters] == [
        ("Kim Jong Un", "Donald Trump", "2019-08-09"), ("Kim Jong Un", "Donald Trump", "2019-08")]


def test_an_older_exchange_is_not_merged_with_the_current_one():
    text = ("Kim Jong Un and Vladimir Putin exchanged letters marking the anniversary. "
            "The two leaders had also exchanged congratulatory letters in 2018.")
    letters = extract_letters(text, published="2023-10-12")
    assert sorted((l.sender, l.date) for l in letters if l.date == "2018") == [("Kim Jong Un", "2018"), ("Vladimir Putin", "2018")]
    assert len(letters) == 4


def test_a_telegram_called_a_message_elsewhere_is_a_telegram():
    text = ("Kim Jong Un received a congratulatory message from Vladimir Putin. "
            "The telegram was not listed on the Kremlin's website. "
            "Putin sent a traditional telegram, his spokesman said.")
    x = one(text, published="2018-08-15")
    assert (x.sender, x.recipient, x.kind) == ("Vladimir Putin", "Kim Jong Un", "telegram")


def test_greetings_and_messages_keep_the_word_the_article_uses():
    x = one("Belarusian President Aleksandr Lukashenko has extended greetings to Kim Jong Un on the national day.",
            published="2022-09-09")
    assert (x.sender, x.recipient, x.kind) == ("Alexander Lukashenko", "Kim Jong Un", "greetings")
    y = one("Kim Jong Un sent a message of greetings to the President of the Syrian Arab Republic.", published="2022-11-17")
    assert (y.recipient, y.kind) == ("Bashar al-Assad", "message")


# ---------------------------------------------------------------- people by office and pronoun

def test_offices_resolve_to_the_holder_at_the_article_date():
    before = one("The North Korean leader sent a letter to the US president.", published="2009-12-16")
    after = one("The North Korean leader sent a letter to the US president.", published="2019-06-20")
    again = one("The North Korean leader sent a letter to the US president.", published="2025-03-01")
    assert (before.sender, before.recipient) == ("Kim Jong Il", "Barack Obama")
    assert (after.sender, after.recipient) == ("Kim Jong Un", "Donald Trump")
    assert again.recipient == "Donald Trump"


def test_the_kremlin_and_chinese_president_resolve_to_people():
    x = one("Kim Jong Un received a congratulatory message from the Kremlin on Friday.", published="2018-08-17")
    assert x.sender == "Vladimir Putin"
    y = one("The North Korean leader sent a letter to the Chinese President on Sunday.", published="2008-09-14")
    assert y.sender == "Kim Jong Il" and y.recipient == "Hu Jintao"


def test_pronouns_resolve_within_the_paragraph():
    text = "Moon Jae-in met reporters on Friday. He said he had sent a letter to Kim Jong Un."
    x = one(text, published="2019-06-20")
    assert (x.sender, x.recipient) == ("Moon Jae-in", "Kim Jong Un")


def test_a_named_go_between():
    text = ("President Obama has written a personal letter to Kim Jong Il. "
            "Officials confirmed that envoy Stephen W. Bosworth delivered a letter from Obama for Kim.")
    x = one(text, published="2009-12-16")
    assert (x.sender, x.recipient, x.via) == ("Barack Obama", "Kim Jong Il", "Stephen Bosworth")


# ---------------------------------------------------------------- dates

@pytest.mark.parametrize("phrase, published, expected", [
    ("on Thursday", "2020-03-05", "2020-03-05"),
    ("on Wednesday", "2020-03-05", "2020-03-04"),
    ("yesterday", "2018-12-31", "2018-12-30"),
    ("in August", "2019-09-16", "2019-08"),
    ("last week", "2009-12-16", "2009-12"),
    ("earlier this month", "2019-09-16", "2019-09"),
    ("in 2018", "2023-10-12", "2018"),
    ("on June 30, 2019", "2019-07-02", "2019-06-30"),
])
def test_relative_and_absolute_dates(phrase, published, expected):
    x = one(f"Kim Jong Un sent a letter to Moon Jae-in {phrase}.", published=published)
    assert x.date == expected


def test_no_publication_date_means_relative_dates_are_unknown():
    assert one("Kim Jong Un sent a letter to Moon Jae-in on Thursday.").date is None


def test_the_article_date_is_found_in_the_text_when_not_given():
    text = "Hyonhee Shin\nMonday 16 September 2019 10:11 EDT\n\nKim Jong Un sent a letter to Donald Trump in August."
    assert one(text).date == "2019-08"


def test_future_dates_in_the_sentence_are_not_the_letter_date():
    x = one("Donald Trump sent a letter to Hun Sen on Thursday inviting him to a summit in 2020.", published="2019-11-21")
    assert x.date == "2019-11-21"


def test_published_as_datetime_is_accepted():
    assert one("Kim Jong Un sent a letter to Moon Jae-in yesterday.", published="2018-12-31T08:00:00+09:00").date == "2018-12-30"


def test_a_letter_dated_in_an_opening_phrase():
    x = one("In a letter dated June 11, Trump told Kim Jong Un that the meeting would go ahead.", published="2018-06-20")
    assert (x.sender, x.recipient, x.date) == ("Donald Trump", "Kim Jong Un", "2018-06-11")


def test_replied_to_a_message_is_a_message_back():
    text = "Kim Jong Un sent a message to Xi Jinping on Saturday. Xi Jinping replied to Kim Jong Un's message on Sunday."
    letters = extract_letters(text, published="2023-03-06")
    assert [(l.sender, l.kind, l.date, l.reply_to) for l in letters] == [
        ("Kim Jong Un", "message", "2023-03-04", None), ("Xi Jinping", "message", "2023-03-05", 0)]


def test_replied_to_reporters_is_not_a_letter():
    assert extract_letters("Kim Jong Un replied to Donald Trump at a press conference.", published="2019-03-10") == []


def test_an_ambassador_who_delivered_it():
    x = one("Putin's message to Kim Jong Un was delivered by Russian Ambassador Alexander Matsegora.", published="2019-01-02")
    assert (x.sender, x.via) == ("Vladimir Putin", "Alexander Matsegora")


def test_a_speech_addressed_to_a_country_is_not_a_letter():
    assert extract_letters("In his New Year's address, Kim Jong Un sent a message to South Korea.", published="2019-01-01") == []


# ---------------------------------------------------------------- people the gazetteer lacks, carriers, wire copy

@pytest.mark.parametrize("text, sender", [
    ("Kim Jong Un received a letter from Burundian President Evariste Ndayishimiye.", "Évariste Ndayishimiye"),
    ("Kim Jong Un received a letter from Moroccan King Hassan Benali.", "Hassan Benali"),
    ("Kim Jong Un received a letter from Emir Sheikh Sabah al-Ahmad al-Jaber al-Sabah.", "Sabah Al-Ahmad Al-Jaber Al-Sabah"),
    ("Jordan's King Abdullah II sent a letter to Kim Jong Un.", "Abdullah II"),
    ("Bangladesh Prime Minister Sheikh Hasina sent a letter to Kim Jong Un.", "Sheikh Hasina"),
    ("Kim Jong Un received greetings from Cuban leader Miguel Diaz-Canel Bermudez.", "Miguel Díaz-Canel"),
])
def test_a_title_before_a_name_names_the_person_as_written(text, sender):
    x = one(text, published="2023-09-10")
    assert (x.sender, x.recipient) == (sender, "Kim Jong Un")


def test_a_name_after_the_title_wins_over_the_office_holder_only_when_it_is_someone_else():
    assert one("Kim Jong Un sent a message to Syrian President Bashar Al-Asad.", published="2022-11-16").recipient == "Bashar al-Assad"


def test_coordinated_parties_each_get_a_letter():
    text = "Kim Jong Un received greetings from Vietnamese President Vo Van Thuong and Syrian President Bashar al-Assad."
    assert [x.sender for x in extract_letters(text, published="2023-09-10")] == ["Võ Văn Thưởng", "Bashar al-Assad"]
    text = ("Kim Jong Un received a congratulatory message from Laotian President Bounnhang Vorachith and a message "
            "of greetings from Nicaraguan President Daniel Ortega.")
    assert [x.sender for x in extract_letters(text, published="2018-09-09")] == ["Bounnhang Vorachith", "Daniel Ortega"]


def test_the_carrier_before_an_aside_with_a_relative_clause():
    text = ("Liu Yunshan, a member of the Politburo Standing Committee of the Communist Party of China who led a "
            "delegation to the celebrations, handed over a letter from Chinese President Xi Jinping to North Korean "
            "leader Kim Jong Un on Friday.")
    x = one(text, published="2015-10-10")
    assert (x.sender, x.recipient, x.via, x.date) == ("Xi Jinping", "Kim Jong Un", "Liu Yunshan", "2015-10-09")


def test_the_envoy_who_handed_it_over_is_the_carrier_not_the_leader_who_relayed_it():
    text = ("South Korean President Moon Jae-in said he had delivered a message from U.S. President Donald Trump to "
            "Kim Jong Un through his special envoy. Chung Eui-yong handed the message to Kim in Pyongyang last week.")
    x = one(text, published="2018-03-12")
    assert (x.sender, x.recipient, x.via) == ("Donald Trump", "Kim Jong Un", "Chung Eui-yong")


def test_a_title_with_a_possessive_before_the_carrier():
    text = ("Azerbaijani President Ilham Aliyev received a letter from French President Emmanuel Macron, delivered by "
            "France's ambassador Anne Boillon, the presidential press service said.")
    x = one(text, published="2023-10-03")
    assert (x.sender, x.recipient, x.via) == ("Emmanuel Macron", "Ilham Aliyev", "Anne Boillon")


def test_a_dateline_is_neither_a_party_nor_the_letter_date():
    x = one("TEHRAN, Iran (AP) - Iranian President Mahmoud Ahmadinejad has written a letter to President Bush.",
            published="2006-05-08")
    assert (x.sender, x.recipient) == ("Mahmoud Ahmadinejad", "George W. Bush")
    x = one("CANBERRA, May 12 (Reuters) - A message from Australian Prime Minister Anthony Albanese was delivered to "
            "Chinese Premier Li Qiang on Monday by Trade Minister Don Farrell.", published="2023-05-12")
    assert (x.date, x.via) == ("2023-05-08", "Don Farrell")


def test_what_a_leader_said_in_the_message_names_no_recipient():
    text = ("Chinese President Xi Jinping sent a message of condolence to Vietnamese President To Lam. "
            "In the message, Xi said Trong was a close comrade.")
    assert found(text, published="2024-07-20") == [("Xi Jinping", "Tô Lâm", "message")]


def test_a_leader_holding_another_leaders_letter_received_it():
    x = one("Turkish President Tayyip Erdogan threw a letter from U.S. President Donald Trump into the bin.",
            published="2019-10-17")
    assert (x.sender, x.recipient) == ("Donald Trump", "Recep Tayyip Erdoğan")


def test_the_letter_answered_is_from_the_one_being_replied_to():
    text = ("Kim Jong Un sent a reply message to Alexander Lukashenko, president of Belarus, in response to his "
            "congratulatory message.")
    assert sorted(found(text, published="2024-07-05")) == [
        ("Alexander Lukashenko", "Kim Jong Un", "message"), ("Kim Jong Un", "Alexander Lukashenko", "message")]


def test_a_cable_between_leaders_is_a_telegram_but_a_diplomatic_cable_is_not():
    assert found("President Bashar al-Assad received a cable of congratulations from Russian President Vladimir Putin.",
                 published="2021-04-17") == [("Vladimir Putin", "Bashar al-Assad", "telegram")]
    assert extract_letters("A leaked diplomatic cable from the U.S. embassy described Kim Jong Un as impatient.") == []


def test_a_platform_named_for_the_report_does_not_make_the_letter_a_post():
    x = one("Eritrean President Isaias Afwerki sent a message to Ethiopian Prime Minister Abiy Ahmed on Sunday, "
            "the information minister said on Twitter.", published="2019-07-08")
    assert (x.sender, x.recipient) == ("Isaias Afwerki", "Abiy Ahmed")


def test_she_may_be_anyone_the_gazetteer_does_not_know():
    x = one("Peru's President Dina Boluarte said she had written to Mexican President Andres Manuel Lopez Obrador.",
            published="2023-03-09")
    assert (x.sender, x.recipient) == ("Dina Boluarte", "Andrés Manuel López Obrador")


def test_a_carrier_the_sentence_leaves_unnamed_is_the_person_the_next_one_opens_with():
    text = ("SEOUL, Sept. 6 (Yonhap) -- A special envoy of President Moon Jae-in handed a personal letter from Moon to "
            "North Korean leader Kim Jong-un in Pyongyang on Wednesday.\n"
            "Chung Eui-yong, who led the delegation, told reporters that Kim had read the letter.")
    x = one(text, published="2018-09-06")
    assert (x.sender, x.recipient, x.via, x.date) == ("Moon Jae-in", "Kim Jong Un", "Chung Eui-yong", "2018-09-05")


@pytest.mark.parametrize("text", [
    "Kim Jong Un rejected an invitation from Trump.",
    "A cable car accident killed three people, Xi Jinping said in a message to the families.",
    "Trump, who wrote The Art of the Deal, met Kim Jong Un in Singapore.",
])
def test_not_letters_after_the_wire_rules(text):
    assert extract_letters(text, published="2019-06-20") == []


def test_wire_copy_of_one_sentence_a_paragraph_dates_a_letter_by_the_sentence_before():
    text = ("Wen Jiabao spoke out against the attack on Wednesday.\n"
            "In a telegram to Mikhail Fradkov, he said China stood with Russia.")
    (x,) = extract_letters("Wen Jiabao sent a telegram to Mikhail Fradkov.\n" + text, published="2004-09-09")
    assert x.date == "2004-09-08"
