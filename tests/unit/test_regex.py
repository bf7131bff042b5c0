"""PCRE (MongoDB $regex) patterns compiled for Python's re."""

from __future__ import annotations

import re

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from parse_clone.errors import ParseError
from parse_clone.language.regex import compile_regex, translate_pcre


def found(pattern: str, text: str, options: str = "") -> bool:
    return compile_regex(pattern, options).search(text) is not None


# ----- \Q...\E -----


def test_quoted_literal_escapes_metacharacters():
    assert found(r"^\Qa.b*c(d)\E$", "a.b*c(d)") is True
    assert found(r"^\Qa.b*c(d)\E$", "aXbbc(d)") is False


def test_quote_without_end_runs_to_end_of_pattern():
    assert translate_pcre(r"x\Q.*") == r"x\.\*"
    assert found(r"x\Q.*", "x.*") is True
    assert found(r"x\Q.*", "xyz") is False


def test_stray_end_quote_is_ignored():
    assert translate_pcre(r"a\Eb") == "ab"


def test_several_quoted_sections():
    assert found(r"^\Q+\E\d\Q?\E$", "+7?") is True


def test_quoted_section_holding_backslashes():
    assert found(r"^\Qa\b\E$", "a\\b") is True


def test_quoted_literal_inside_character_class():
    assert found(r"^[\Q]^\E]+$", "]^]") is True
    assert found(r"^[\Q]^\E]+$", "a") is False


def test_quoted_literal_keeps_spaces_in_extended_mode():
    assert found(r"^\Qa b\E$", "a b", "x") is True


def test_quoted_literal_with_case_insensitive_option():
    assert found(r"^\QHello.\E", "hello.world", "i") is True


# ----- anchors -----


def test_lower_z_is_absolute_end():
    assert found(r"a\z", "a") is True
    assert found(r"a\z", "a\n") is False


def test_upper_z_allows_final_newline():
    assert found(r"a\Z", "a\n") is True
    assert found(r"a\Z", "a\nb") is False


def test_dollar_allows_final_newline_like_pcre():
    assert found("a$", "a\n") is True


# ----- ASCII shorthands -----


def test_word_class_is_ascii_only():
    assert found(r"^\w+$", "abc_1") is True
    assert found(r"^\w+$", "café") is False


def test_digit_class_is_ascii_only():
    assert found(r"^\d$", "٣") is False
    assert found(r"^\d$", "3") is True


def test_shorthand_inside_character_class_is_ascii_only():
    assert found(r"^[\w-]+$", "a-b") is True
    assert found(r"^[\w-]+$", "é") is False


def test_word_boundary_is_ascii():
    assert found(r"\bcat\b", "a cat!") is True
    assert found(r"\bcat\b", "écat") is True  # é is not a word character in PCRE


def test_ucp_verb_enables_unicode_classes():
    assert found(r"(*UCP)^\w+$", "café") is True


def test_utf8_verb_is_accepted():
    assert found(r"(*UTF8)^a$", "a") is True


# ----- other escapes -----


def test_horizontal_space():
    assert found(r"a\hb", "a\tb") is True
    assert found(r"a\hb", "a\nb") is False
    assert found(r"a\Hb", "axb") is True


def test_vertical_space_is_not_python_vertical_tab():
    assert found(r"a\vb", "a\nb") is True
    assert found(r"a\vb", "a b") is False


def test_any_newline_sequence():
    assert found(r"^a\Rb$", "a\r\nb") is True
    assert found(r"^a\Rb$", "a\rb") is True


def test_non_newline_escape():
    assert found(r"^\N$", "x") is True
    assert found(r"^\N$", "\n") is False


def test_braced_hex_escape():
    assert found(r"^\x{e9}$", "é") is True
    assert found(r"^\x{1F600}$", "😀") is True


def test_short_hex_escape():
    assert found(r"^\x41$", "A") is True
    assert found(r"^\x9$", "\t") is True


def test_octal_and_control_escapes():
    assert found(r"^\o{101}$", "A") is True
    assert found(r"^\cA$", "\x01") is True
    assert found(r"^\e$", "\x1b") is True


def test_escaped_slash_is_literal():
    assert found(r"^a\/b$", "a/b") is True


# ----- POSIX classes -----


@pytest.mark.parametrize(
    ("cls", "yes", "no"),
    [
        ("alpha", "a", "1"),
        ("digit", "7", "x"),
        ("alnum", "Z", "-"),
        ("upper", "Q", "q"),
        ("lower", "q", "Q"),
        ("space", "\t", "x"),
        ("punct", "!", "a"),
        ("xdigit", "f", "g"),
    ],
)
def test_posix_class(cls, yes, no):
    assert found(f"^[[:{cls}:]]$", yes) is True
    assert found(f"^[[:{cls}:]]$", no) is False


def test_posix_class_combined_with_other_items():
    assert found(r"^[[:digit:]_x]+$", "1_x2") is True


def test_unknown_posix_class_raises_102():
    with pytest.raises(ParseError) as info:
        compile_regex("[[:nope:]]")
    assert info.value.code == 102


# ----- groups -----


def test_named_group_with_angle_brackets():
    m = compile_regex(r"(?<year>\d{4})-(?<month>\d\d)").search("on 2024-05")
    assert m is not None and m.group("year") == "2024" and m.group("month") == "05"


def test_named_group_with_quotes():
    assert compile_regex(r"(?'y'\d+)").search("x42").group("y") == "42"


def test_python_named_group_still_works():
    assert compile_regex(r"(?P<y>\d+)").search("x42").group("y") == "42"


def test_named_backreferences():
    for ref in (r"\k<w>", r"\k'w'", r"\k{w}", r"\g{w}"):
        assert found(rf"^(?<w>ab)-{ref}$", "ab-ab") is True
        assert found(rf"^(?<w>ab)-{ref}$", "ab-ba") is False


def test_numbered_g_backreferences():
    assert found(r"^(a)(b)\g1\g{2}$", "abab") is True


def test_relative_backreference():
    assert found(r"^(a)(b)\g{-1}$", "abb") is True
    assert found(r"^(a)(b)\g{-2}$", "aba") is True


def test_lookbehind_is_not_mistaken_for_named_group():
    assert found(r"(?<=a)b", "ab") is True
    assert found(r"(?<!a)b", "ab") is False


def test_atomic_group_and_possessive_quantifier():
    assert found(r"^(?>a+)b$", "aab") is True
    assert found(r"^a++a$", "aaa") is False


def test_comment_group():
    assert found(r"a(?#note)b", "ab") is True


def test_conditional_group():
    assert found(r"^(a)?(?(1)b|c)$", "ab") is True
    assert found(r"^(a)?(?(1)b|c)$", "c") is True


# ----- inline options -----


def test_leading_inline_option():
    assert found(r"(?i)^abc$", "ABC") is True


def test_inline_option_in_the_middle_applies_to_the_rest():
    assert found(r"^a(?i)bc$", "aBC") is True
    assert found(r"^a(?i)bc$", "ABC") is False


def test_inline_option_scope_ends_with_its_group():
    assert found(r"^(a(?i)b)c$", "aBc") is True
    assert found(r"^(a(?i)b)c$", "aBC") is False


def test_inline_option_carries_into_later_alternatives():
    # PCRE: (?i) reaches the following alternatives of the same group.
    assert found(r"^(?:a(?i)b|c)$", "C") is True
    assert found(r"^(?:a(?i)b|c)$", "Ab") is False


def test_inline_option_does_not_swallow_alternation():
    assert found(r"^x(?i)y$|^z$", "z") is True
    assert found(r"^x(?i)y$|^z$", "xY") is True


def test_inline_option_turned_off():
    assert found(r"^a(?-i)b$", "Ab", "i") is True
    assert found(r"^a(?-i)b$", "AB", "i") is False


def test_scoped_inline_options_pass_through():
    assert found(r"^(?i:a)b$", "Ab") is True


def test_unsupported_inline_option_raises_102():
    with pytest.raises(ParseError) as info:
        compile_regex("(?U)a")
    assert info.value.code == 102


# ----- character classes -----


def test_leading_bracket_in_class_is_literal():
    assert found(r"^[]a]+$", "]a") is True
    assert found(r"^[^]a]$", "b") is True
    assert found(r"^[^]a]$", "]") is False


def test_set_operation_lookalikes_are_literal():
    assert found(r"^[a&&b]+$", "a&b") is True
    assert found(r"^[[]$", "[") is True
    assert found(r"^[~|]+$", "~|") is True


# ----- options and errors -----


def test_all_options_accepted():
    rx = compile_regex("a . b", "imxs")
    assert rx.flags & re.IGNORECASE and rx.flags & re.MULTILINE and rx.flags & re.VERBOSE and rx.flags & re.DOTALL


def test_empty_options_mean_none():
    assert compile_regex("a", "").flags & re.IGNORECASE == 0


def test_bad_option_letter_raises_102():
    with pytest.raises(ParseError) as info:
        compile_regex("a", "ig")
    assert (info.value.code, info.value.message) == (102, "Bad $options value for query: ig")


def test_unbalanced_parenthesis_raises_102():
    with pytest.raises(ParseError) as info:
        compile_regex("(a")
    assert info.value.code == 102
    assert info.value.message.startswith("Invalid regular expression: /(a/: ")


def test_stray_closing_parenthesis_raises_102():
    with pytest.raises(ParseError) as info:
        compile_regex("a)")
    assert info.value.code == 102


def test_unterminated_class_raises_102():
    with pytest.raises(ParseError) as info:
        compile_regex("[abc")
    assert info.value.code == 102


def test_trailing_backslash_raises_102():
    with pytest.raises(ParseError) as info:
        compile_regex("abc\\")
    assert info.value.code == 102


def test_unicode_property_is_unsupported():
    with pytest.raises(ParseError) as info:
        compile_regex(r"\p{L}")
    assert info.value.code == 102


def test_compile_regex_is_cached():
    assert compile_regex("^cached$", "i") is compile_regex("^cached$", "i")


def test_extended_mode_comment_does_not_open_a_group():
    assert found("^a # a comment with (\nb$", "ab", "x") is True


# ----- properties -----


@settings(max_examples=50, deadline=None)
@given(st.text(max_size=12).filter(lambda s: "\\E" not in s))
def test_quoted_text_matches_itself_literally(text):
    rx = compile_regex("^\\Q" + text + "\\E$")
    assert rx.search(text) is not None


@settings(max_examples=50, deadline=None)
@given(st.text(alphabet="ab.*+?()[]{}|^$\\", max_size=8))
def test_any_pattern_compiles_or_raises_parse_error(pattern):
    try:
        compile_regex(pattern)
    except ParseError as err:
        assert err.code == 102


def test_unhashable_options_raise_102():
    with pytest.raises(ParseError) as info:
        compile_regex("a", ["i"])  # type: ignore[arg-type]
    assert (info.value.code, info.value.message) == (102, "Bad $options value for query: ['i']")


def test_non_string_pattern_raises_107():
    with pytest.raises(ParseError) as info:
        compile_regex(["a"])  # type: ignore[arg-type]
    assert (info.value.code, info.value.message) == (107, "bad regex: ['a']")
