"""The clean-up pass: the noise news pages leave in article bodies goes, the story stays."""

import pytest
from sites import seeds

from scrapers.cleanup import clean_text, is_noise

NOISE = [
    "icon bookmark-bicon bookmarkicon cameraicon checkicon chevron downicon chevron lefticon",
    "Advertisement",
    "Like this story? Share it with a friend!",
    "READ MORE: Russia’s upper house speaker delivers letter from Putin to North Korean leader",
    "FacebookTwitterWhatsappLinkedin",
    "Share on Facebook | Twitter | Email",
    "Sign up for our free newsletter and get the best stories delivered to your inbox.",
    "Your support helps us to tell the story",
    "Find your daily dose of news & explainers in your WhatsApp. Stay updated, Stay informed-  Follow DNA on WhatsApp.",
    "North Korean leader Kim Jong Un inspects the farm, in this undated photo released on August 13, 2018. KCNA/Reuters",
    "(Photo by Jane Doe/Getty Images)",
    "Photo: AFP",
    "Related: Nobody can stop Putin and Trump from meeting again if they want to, says Lavrov",
    "Follow Newsbeat on Instagram, Facebook, Twitter and YouTube.",
    "China furious at Macron for Hong Kong protest jibe [INSIGHT]",
    "08_15_Kim",
]
STORY = [
    "Donald Trump has received a \"warm\" letter from North Korean Leader Kim Jong-un.",
    "Reuters reported that the letter was delivered on Friday.",
    "If you just want the service, you can sign up for a free 7-day trial.",
    "Sanders said readers of the letter would be surprised by its tone.",
    "“Your support means everything,” Kim wrote in the letter, according to KCNA.",
    "WHO IS THE FRONT-RUNNER?",
    "Click here to get more information or download this game.",
]


@pytest.mark.parametrize("line", NOISE)
def test_noise_lines_are_recognised(line):
    assert is_noise(line), line


@pytest.mark.parametrize("line", STORY)
def test_story_lines_are_kept(line):
    assert not is_noise(line), line


def test_every_seed_keeps_its_story_and_loses_its_noise():
    for seed in seeds():
        cleaned = clean_text(seed["text"], title=seed["title"])
        flat = " ".join(cleaned.split())
        for letter in seed["letters"]:
            assert " ".join(letter["evidence"].split()) in flat, (seed["id"], letter["evidence"])
        for junk in ("Advertisement", "FacebookTwitterWhatsappLinkedin", "icon bookmark",
                     "Like this story", "READ MORE", "Your donation", "KCNA/Reuters"):
            assert junk not in cleaned, (seed["id"], junk)


def test_a_donation_appeal_spanning_paragraphs_goes_entirely():
    seed = next(s for s in seeds() if s["id"] == "s02")
    cleaned = clean_text(seed["text"])
    assert "reproductive rights" not in cleaned and "paywalls" not in cleaned
    assert "Kim Jong-un invited Donald Trump to visit Pyongyang" in cleaned


def test_a_navigation_menu_run_goes_but_a_bullet_list_stays():
    menu = "\n".join(["Home", "World", "Politics", "Business", "Tech", "Science", "Health",
                      "Sport", "Arts", "Travel", "Video", "Podcasts"])
    bullets = "\n".join(f"- {n} votes" for n in range(12))
    text = f"{menu}\nThe minister wrote a letter to the council.\n{bullets}"
    assert clean_text(text) == f"The minister wrote a letter to the council.\n{bullets}"


def test_the_headline_repeated_at_the_top_goes_once():
    text = "Opinion | Is Football Violence a Crime?\nIs Football Violence a Crime?\nThe body."
    assert clean_text(text, title="Is Football Violence a Crime?") == "The body."


def test_a_closing_list_of_headlines_goes_but_a_list_of_sentences_stays():
    story = "Kim sent a letter to Xi on Tuesday, KCNA said."
    related = "\n".join(["- Putin sends greetings to Kim on national day",
                         "- Moon Jae-in receives message from Trump",
                         "- Pochettino fired by Tottenham"])
    assert clean_text(f"{story}\n{related}") == story
    steps = "\n".join(["- Open the settings.", "- Choose a language.", "- Save the change."])
    assert clean_text(f"{story}\n{steps}") == f"{story}\n{steps}"
