"""Charts drawn as SVG on the server: what they show, and that crawled words stay text."""

from __future__ import annotations

import re

from service.web.charts import Timeline, legend, nice_max, periods_between, svg


def test_every_period_between_the_first_and_last_is_drawn_so_gaps_show():
    assert periods_between("2018", "2021", "year") == ["2018", "2019", "2020", "2021"]
    assert periods_between("2019-11", "2020-02", "month") == [
        "2019-11", "2019-12", "2020-01", "2020-02"]


def test_the_axis_top_is_a_round_number_at_or_above_the_peak():
    assert [nice_max(n) for n in (0, 1, 2, 3, 5, 11, 40, 41)] == [2, 2, 2, 4, 10, 20, 40, 100]


def test_one_bar_segment_per_period_and_kind_with_its_count():
    t = Timeline(unit="year", periods=["2018", "2019", "2020"],
                 up={"2018": {"letter": 2, "telegram": 1}, "2020": {"letter": 1}})
    out = str(svg(t, "Letters over time", "c"))
    tips = re.findall(r"<title>([^<]*)</title></rect>", out)
    assert tips == ["2018, letter: 2", "2018, telegram: 1", "2020, letter: 1"]
    assert 'role="img"' in out and 'aria-labelledby="c-t c-d"' in out
    assert "<desc id=\"c-d\">4 letters by year from 2018 to 2020; the most in 2018.</desc>" in out
    assert "style=" not in out and "<script" not in out  # allowed by a strict CSP


def test_a_second_side_is_drawn_below_the_axis():
    t = Timeline(unit="year", periods=["2019"], up={"2019": {"letter": 1}},
                 down={"2019": {"letter": 3}}, up_label="sent", down_label="received")
    out = str(svg(t, "t", "c"))
    axis = float(re.search(r'<line x1="\d+" x2="\d+" y1="([\d.]+)" y2="[\d.]+" '
                           r'stroke="#5d6677"', out).group(1))
    ys = [float(y) for y in re.findall(r'<rect x="[\d.]+" y="([\d.]+)"', out)]
    assert ys[0] < axis <= ys[1]  # sent above, received from the axis down
    assert "▼ received" in out
    assert re.findall(r"<title>([^<]*)</title></rect>", out) == [
        "2019, letter sent: 1", "2019, letter received: 3"]


def test_kind_names_from_crawled_text_are_escaped():
    t = Timeline(unit="year", periods=["2019"], up={"2019": {"<script>x</script>": 1}})
    out = str(svg(t, "t", "c"))
    assert "<script>" not in out and "&lt;script&gt;x&lt;/script&gt;" in out
    assert legend(t)[0][0] == "<script>x</script>"  # escaped where the legend is rendered


def test_no_dated_letters_says_so():
    out = str(svg(Timeline(unit="year", periods=[]), "t", "c"))
    assert "No dated letters." in out
