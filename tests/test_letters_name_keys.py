"""Name keys: spellings of one name compare equal, different names stay apart."""
from __future__ import annotations

import pytest

from scrapers.letters.name_keys import norm


@pytest.mark.parametrize("a, b", [
    ("Mohamed bin Zayed", "Muhammad bin Zayid"),
    ("Erdoğan", "Erdogan"),
    ("U.S.", "US"),
    ("George H.W. Bush", "George H. W. Bush"),
    ("Shaikh Nawaf", "Sheikh Nawaf"),
    ("Abdel Fattah el-Sisi", "Abdel Fattah al-Sissi"),
    ("Zelenskyy", "Zelensky"),
])
def test_spellings_of_one_name_share_a_key(a, b):
    assert norm(a) == norm(b)


@pytest.mark.parametrize("a, b", [
    ("Kim Jong Un", "Kim Jong Il"),
    ("Mahmoud Abbas", "Mohammed Abbas"),
    ("George W. Bush", "George H. W. Bush"),
])
def test_different_names_keep_different_keys(a, b):
    assert norm(a) != norm(b)
