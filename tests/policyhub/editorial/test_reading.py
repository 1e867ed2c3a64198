import pytest

from policyhub.editorial.reading import reading_minutes, word_count


@pytest.mark.parametrize(
    ("html", "words"),
    [
        ("", 0),
        (None, 0),
        ("<p>North Korea's sanctions-relief talks</p>", 4),
        ("<p>One</p><p>two</p>", 2),
        ("<ul><li>first</li><li>second</li></ul>", 2),
        ("<p>It cost 2,500 dollars in 2024.</p>", 6),
        ("<p>Tags <strong>are</strong> not <a href='https://x.example/a-b'>words</a></p>", 4),
        ("<p>Über die Grenze: Zusammenarbeit</p>", 4),
    ],
)
def test_word_count_counts_the_words_a_reader_sees(html, words):
    assert word_count(html) == words


@pytest.mark.parametrize(("words", "minutes"), [(0, 0), (1, 1), (230, 1), (231, 2), (6000, 27)])
def test_reading_minutes_round_up(words, minutes):
    assert reading_minutes(words) == minutes
