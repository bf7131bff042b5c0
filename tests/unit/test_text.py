"""MongoDB-like $text search: folding, stemming, parsing, matching and scoring."""

from __future__ import annotations

import pytest

from parse_clone.errors import ParseError
from parse_clone.language.text import compile_text_search, fold, stem_english


def search(term: str, **options):
    return compile_text_search({"$search": {"$term": term, **options}})


# ----- folding -----


def test_fold_lowercases_and_strips_diacritics():
    assert fold("CAFÉ Crème") == "cafe creme"


def test_fold_case_sensitive_keeps_case():
    assert fold("Café", case_sensitive=True) == "Cafe"


def test_fold_diacritic_sensitive_keeps_accents():
    assert fold("Café", diacritic_sensitive=True) == "café"


# ----- stemming (Snowball English) -----


@pytest.mark.parametrize(
    ("word", "stem"),
    [
        ("baking", "bake"),
        ("bake", "bake"),
        ("coffee", "coffe"),
        ("shopping", "shop"),
        ("running", "run"),
        ("hoping", "hope"),
        ("hopping", "hop"),
        ("cries", "cri"),
        ("ties", "tie"),
        ("gaps", "gap"),
        ("gas", "gas"),
        ("caresses", "caress"),
        ("generously", "generous"),
        ("generations", "generat"),
        ("national", "nation"),
        ("relational", "relat"),
        ("abandoned", "abandon"),
        ("ability", "abil"),
        ("accordingly", "accord"),
        ("achievement", "achiev"),
        ("skies", "sky"),
        ("news", "news"),
        ("succeeded", "succeed"),
        ("at", "at"),
    ],
)
def test_stem_english(word, stem):
    assert stem_english(word) == stem


# ----- parsing the search string -----


def test_terms_are_stemmed_and_stop_words_dropped():
    s = search("The baking of cakes")
    assert s.terms == frozenset({"bake", "cake"})


def test_phrase_is_kept_and_its_words_are_terms():
    s = search('"Coffee Shop" tea')
    assert s.phrases == ("coffee shop",)
    assert s.terms == frozenset({"coffe", "shop", "tea"})


def test_negated_term_and_phrase():
    s = search('coffee -tea -"black cat"')
    assert s.terms == frozenset({"coffe"})
    assert s.excluded_terms == frozenset({"tea"})
    assert s.excluded_phrases == ("black cat",)


def test_unterminated_phrase_runs_to_the_end():
    assert search('"coffee shop').phrases == ("coffee shop",)


def test_hyphen_inside_a_word_is_a_delimiter():
    assert search("pre-market").terms == frozenset({"pre", "market"})


def test_non_english_language_does_not_stem():
    assert search("baking", **{"$language": "spanish"}).terms == frozenset({"baking"})


def test_language_none_does_not_stem():
    assert search("the baking", **{"$language": "none"}).terms == frozenset({"the", "baking"})


def test_compiled_search_is_cached():
    assert search("coffee") is search("coffee")


# ----- matching -----


def test_any_term_matches():
    assert search("tea coffee").matches("black coffee") is True
    assert search("tea coffee").matches("water") is False


def test_every_phrase_must_appear():
    s = search('"black coffee" "no sugar"')
    assert s.matches("black coffee, no sugar") is True
    assert s.matches("black coffee with sugar") is False


def test_phrase_is_a_substring_match():
    assert search('"coffee sh"').matches("Coffee Shopping") is True


def test_excluded_phrase_rejects():
    assert search('coffee -"black coffee"').matches("black coffee") is False
    assert search('coffee -"black coffee"').matches("white coffee") is True


def test_case_sensitive_search():
    s = search("Coffee", **{"$caseSensitive": True})
    assert s.matches("Coffee time") is True
    assert s.matches("coffee time") is False


def test_array_of_strings_matches_any_element():
    assert search("coffee").matches(["tea", 3, "coffee"]) is True


def test_non_string_never_matches():
    assert search("1").matches(1) is False
    assert search("x").matches(None) is False


# ----- scoring -----


def test_score_single_word_field():
    assert search("coffee").score("coffee") == pytest.approx(1.0)


def test_score_bonus_when_field_equals_stem():
    assert search("cake").score("cake") == pytest.approx(1.1)


def test_score_shrinks_with_field_length():
    s = search("coffee")
    assert s.score("coffee shop") == pytest.approx(0.75)
    assert s.score("coffee shop near station") == pytest.approx(0.625)


def test_score_repetitions_are_damped():
    # count 2: freq 1 + 1/2, coeff 0.5 * 2/3 + 0.5
    assert search("coffee").score("coffee coffee tea") == pytest.approx(1.5 * (0.5 * 2 / 3 + 0.5))


def test_score_sums_terms():
    s = search("coffee tea")
    assert s.score("coffee tea") == pytest.approx(1.5)


def test_score_sums_array_elements():
    assert search("coffee").score(["coffee", "coffee shop"]) == pytest.approx(1.75)


def test_score_of_non_match_is_zero():
    assert search("coffee").score("tea") == 0.0


# ----- validation -----


def test_missing_term_raises_107():
    with pytest.raises(ParseError) as info:
        compile_text_search({"$search": {"$language": "en"}})
    assert (info.value.code, info.value.message) == (107, "bad $text: $term, should be string")


def test_bad_language_raises_107():
    with pytest.raises(ParseError) as info:
        search("x", **{"$language": True})
    assert (info.value.code, info.value.message) == (107, "bad $text: $language, should be string")


def test_bad_diacritic_sensitive_raises_107():
    with pytest.raises(ParseError) as info:
        search("x", **{"$diacriticSensitive": "no"})
    assert (info.value.code, info.value.message) == (107, "bad $text: $diacriticSensitive, should be boolean")
