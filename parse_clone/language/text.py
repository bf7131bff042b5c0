"""MongoDB-like ``$text`` search evaluated in memory: parsing, matching and scoring.

What it does, after MongoDB's text search:
- the search string splits into terms on whitespace and punctuation; any term
  matches (OR); ``"quoted phrases"`` must all appear (substring match); a term or
  phrase prefixed with ``-`` excludes; a search of exclusions only matches nothing;
- words are folded to lower case and stripped of diacritics unless
  ``$caseSensitive`` / ``$diacriticSensitive``;
- for English (the default language) stop words are dropped and words are
  reduced by the Snowball English (Porter2) stemmer, so "baking" finds "bake";
  other languages match unstemmed words (a known gap);
- the score follows MongoDB's formula for one field with weight 1.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Iterable
from dataclasses import dataclass
from functools import lru_cache
from typing import Any

from parse_clone.errors import ParseError

_WORD = re.compile(r"\w+")
_ENGLISH = frozenset({"en", "english", "eng"})

# MongoDB's English stop word list (stop_words_english.txt).
_STOP_WORDS_EN = frozenset(
    """a about above after again against all am an and any are aren't as at be because been
    before being below between both but by can't cannot could couldn't did didn't do does
    doesn't doing don't down during each few for from further had hadn't has hasn't have
    haven't having he he'd he'll he's her here here's hers herself him himself his how how's
    i i'd i'll i'm i've if in into is isn't it it's its itself let's me more most mustn't my
    myself no nor not of off on once only or other ought our ours ourselves out over own same
    shan't she she'd she'll she's should shouldn't so some such than that that's the their
    theirs them themselves then there there's these they they'd they'll they're they've this
    those through to too under until up very was wasn't we we'd we'll we're we've were weren't
    what what's when when's where where's which while who who's whom why why's with won't
    would wouldn't you you'd you'll you're you've your yours yourself yourselves""".split()
)


@dataclass(frozen=True)
class TextSearch:
    """A compiled ``$search``: the stems to find, to exclude, and the phrases."""

    terms: frozenset[str]
    excluded_terms: frozenset[str]
    phrases: tuple[str, ...]
    excluded_phrases: tuple[str, ...]
    case_sensitive: bool
    diacritic_sensitive: bool
    english: bool

    def matches(self, value: Any) -> bool:
        """Does a field value (a string or an array holding strings) satisfy the search?"""
        texts = _texts(value)
        if not texts or not self.terms:
            return False
        stems: set[str] = set()
        folded: list[str] = []
        for text in texts:
            f = self._fold(text)
            folded.append(f)
            stems.update(self._stems(f))
        if self.terms.isdisjoint(stems) or not self.excluded_terms.isdisjoint(stems):
            return False
        for phrase in self.phrases:
            if not any(phrase in f for f in folded):
                return False
        for phrase in self.excluded_phrases:
            if any(phrase in f for f in folded):
                return False
        return True

    def score(self, value: Any) -> float:
        """MongoDB's relevance score of the value for this search (0.0 when it does not match)."""
        if not self.matches(value):
            return 0.0
        total = 0.0
        for text in _texts(value):
            total += self._score_text(text)
        return total

    # ----- internals -----

    def _fold(self, text: str) -> str:
        return fold(text, self.case_sensitive, self.diacritic_sensitive)

    def _stems(self, folded_text: str) -> list[str]:
        return [s for s in (self._stem(w) for w in _WORD.findall(folded_text)) if s]

    def _stem(self, word: str) -> str:
        if not self.english:
            return word
        if word.lower() in _STOP_WORDS_EN:
            return ""
        return stem_english(word)

    def _score_text(self, text: str) -> float:
        # Per distinct stem: frequency damped 1 + 1/2 + 1/4 ..., times a coefficient
        # favouring short fields, with a bonus when the whole field is the word.
        folded = self._fold(text)
        counts: dict[str, int] = {}
        for s in self._stems(folded):
            counts[s] = counts.get(s, 0) + 1
        tokens = sum(counts.values())
        score = 0.0
        for s in self.terms:
            count = counts.get(s)
            if not count:
                continue
            freq = 2.0 - 0.5 ** (count - 1)
            coeff = 0.5 * count / tokens + 0.5
            # MongoDB compares the raw field with the *stemmed* term for this bonus.
            adjustment = 1.1 if folded == s else 1.0
            score += freq * coeff * adjustment
        return score


def compile_text_search(search: Any) -> TextSearch:
    """Compile a ``$text`` argument ``{"$search": {"$term", ...}}``; ParseError 107 if malformed."""
    if type(search) is not dict or type(search.get("$search")) is not dict:
        raise ParseError(ParseError.INVALID_JSON, "bad $text: $search, should be object")
    spec = search["$search"]
    term = spec.get("$term")
    if type(term) is not str or not term:
        raise ParseError(ParseError.INVALID_JSON, "bad $text: $term, should be string")
    language = spec.get("$language")
    if language is not None and type(language) is not str:
        raise ParseError(ParseError.INVALID_JSON, "bad $text: $language, should be string")
    case_sensitive = spec.get("$caseSensitive", False)
    if case_sensitive is None:
        case_sensitive = False
    if type(case_sensitive) is not bool:
        raise ParseError(ParseError.INVALID_JSON, "bad $text: $caseSensitive, should be boolean")
    diacritic_sensitive = spec.get("$diacriticSensitive", False)
    if diacritic_sensitive is None:
        diacritic_sensitive = False
    if type(diacritic_sensitive) is not bool:
        raise ParseError(ParseError.INVALID_JSON, "bad $text: $diacriticSensitive, should be boolean")
    return _compile(term, (language or "english").lower(), case_sensitive, diacritic_sensitive)


@lru_cache(maxsize=256)
def _compile(term: str, language: str, case_sensitive: bool, diacritic_sensitive: bool) -> TextSearch:
    english = language in _ENGLISH
    proto = TextSearch(frozenset(), frozenset(), (), (), case_sensitive, diacritic_sensitive, english)
    terms: set[str] = set()
    excluded: set[str] = set()
    phrases: list[str] = []
    excluded_phrases: list[str] = []
    for negated, is_phrase, text in _parse_search(term):
        folded = fold(text, case_sensitive, diacritic_sensitive)
        stems = proto._stems(folded)
        if is_phrase:
            if not folded.strip():
                continue
            (excluded_phrases if negated else phrases).append(folded)
            if not negated:
                terms.update(stems)
        else:
            (excluded if negated else terms).update(stems)
    return TextSearch(
        frozenset(terms),
        frozenset(excluded),
        tuple(phrases),
        tuple(excluded_phrases),
        case_sensitive,
        diacritic_sensitive,
        english,
    )


def _parse_search(term: str) -> Iterable[tuple[bool, bool, str]]:
    """(negated, is_phrase, text) pieces of a search string."""
    i, n = 0, len(term)
    while i < n:
        if term[i].isspace():
            i += 1
            continue
        negated = term[i] == "-"
        start = i + 1 if negated else i
        if start < n and term[start] == '"':
            end = term.find('"', start + 1)
            end = n if end < 0 else end
            yield negated, True, term[start + 1 : end]
            i = end + 1
            continue
        end = start
        while end < n and not term[end].isspace() and term[end] != '"':
            end += 1
        yield negated, False, term[start:end]
        i = end


def fold(text: str, case_sensitive: bool = False, diacritic_sensitive: bool = False) -> str:
    """The text as search compares it: lower-cased and without diacritics unless asked to keep them."""
    if not case_sensitive:
        text = text.lower()
    if not diacritic_sensitive and not text.isascii():
        decomposed = unicodedata.normalize("NFD", text)
        text = unicodedata.normalize("NFC", "".join(ch for ch in decomposed if not unicodedata.combining(ch)))
    return text


def _texts(value: Any) -> list[str]:
    if type(value) is str:
        return [value]
    if type(value) is list:
        return [v for v in value if type(v) is str]
    return []


# ----- Snowball English (Porter2) stemmer -----

_VOWELS = frozenset("aeiouy")
_DOUBLES = ("bb", "dd", "ff", "gg", "mm", "nn", "pp", "rr", "tt")
_LI_ENDINGS = frozenset("cdeghkmnrt")
_EXCEPTIONS = {
    "skis": "ski",
    "skies": "sky",
    "dying": "die",
    "lying": "lie",
    "tying": "tie",
    "idly": "idl",
    "gently": "gentl",
    "ugly": "ugli",
    "early": "earli",
    "only": "onli",
    "singly": "singl",
    "sky": "sky",
    "news": "news",
    "howe": "howe",
    "atlas": "atlas",
    "cosmos": "cosmos",
    "bias": "bias",
    "andes": "andes",
}
_AFTER_1A = frozenset({"inning", "outing", "canning", "herring", "earring", "proceed", "exceed", "succeed"})
_STEP2 = (
    ("ization", "ize"),
    ("ational", "ate"),
    ("fulness", "ful"),
    ("ousness", "ous"),
    ("iveness", "ive"),
    ("tional", "tion"),
    ("biliti", "ble"),
    ("lessli", "less"),
    ("entli", "ent"),
    ("ation", "ate"),
    ("alism", "al"),
    ("aliti", "al"),
    ("ousli", "ous"),
    ("iviti", "ive"),
    ("fulli", "ful"),
    ("enci", "ence"),
    ("anci", "ance"),
    ("abli", "able"),
    ("izer", "ize"),
    ("ator", "ate"),
    ("alli", "al"),
    ("bli", "ble"),
    ("ogi", "og"),
    ("li", ""),
)
_STEP3 = (
    ("ational", "ate"),
    ("tional", "tion"),
    ("alize", "al"),
    ("icate", "ic"),
    ("iciti", "ic"),
    ("ative", ""),
    ("ical", "ic"),
    ("ness", ""),
    ("ful", ""),
)
_STEP4 = (
    "ement",
    "ance",
    "ence",
    "able",
    "ible",
    "ment",
    "ant",
    "ent",
    "ism",
    "ate",
    "iti",
    "ous",
    "ive",
    "ize",
    "ion",
    "al",
    "er",
    "ic",
)


@lru_cache(maxsize=4096)
def stem_english(word: str) -> str:
    """The Snowball English (Porter2) stem of a lower-case word."""
    if len(word) <= 2:
        return word
    if word in _EXCEPTIONS:
        return _EXCEPTIONS[word]
    w = word.lstrip("'")
    w = _mark_ys(w)
    r1, r2 = _regions(w)
    w = _step0(w)
    w = _step1a(w)
    if w in _AFTER_1A:
        return w
    w = _step1b(w, r1)
    w = _step1c(w)
    w = _step2(w, r1)
    w = _step3(w, r1, r2)
    w = _step4(w, r2)
    w = _step5(w, r1, r2)
    return w.replace("Y", "y")


def _is_vowel(ch: str) -> bool:
    return ch in _VOWELS


def _mark_ys(w: str) -> str:
    chars = list(w)
    for k, ch in enumerate(chars):
        if ch == "y" and (k == 0 or _is_vowel(chars[k - 1])):
            chars[k] = "Y"
    return "".join(chars)


def _region_after(w: str, start: int) -> int:
    for k in range(start + 1, len(w)):
        if not _is_vowel(w[k]) and _is_vowel(w[k - 1]):
            return k + 1
    return len(w)


def _regions(w: str) -> tuple[int, int]:
    for prefix in ("gener", "commun", "arsen"):
        if w.startswith(prefix):
            r1 = len(prefix)
            break
    else:
        r1 = _region_after(w, 0)
    return r1, _region_after(w, r1)


def _ends_short_syllable(w: str) -> bool:
    if len(w) == 2:
        return _is_vowel(w[0]) and not _is_vowel(w[1])
    if len(w) >= 3:
        return not _is_vowel(w[-3]) and _is_vowel(w[-2]) and not _is_vowel(w[-1]) and w[-1] not in "wxY"
    return False


def _is_short(w: str, r1: int) -> bool:
    return r1 >= len(w) and _ends_short_syllable(w)


def _step0(w: str) -> str:
    for suffix in ("'s'", "'s", "'"):
        if w.endswith(suffix):
            return w[: -len(suffix)]
    return w


def _step1a(w: str) -> str:
    if w.endswith("sses"):
        return w[:-2]
    if w.endswith("ied") or w.endswith("ies"):
        return w[:-2] if len(w) > 4 else w[:-1]
    if w.endswith("us") or w.endswith("ss"):
        return w
    if w.endswith("s"):
        if any(_is_vowel(ch) for ch in w[:-2]):
            return w[:-1]
    return w


def _step1b(w: str, r1: int) -> str:
    for suffix in ("eedly", "eed"):
        if w.endswith(suffix):
            return w[: -len(suffix)] + "ee" if len(w) - len(suffix) >= r1 else w
    for suffix in ("ingly", "edly", "ing", "ed"):
        if w.endswith(suffix):
            stem = w[: -len(suffix)]
            if not any(_is_vowel(ch) for ch in stem):
                return w
            if stem.endswith(("at", "bl", "iz")):
                return stem + "e"
            if stem.endswith(_DOUBLES):
                return stem[:-1]
            if _is_short(stem, r1):
                return stem + "e"
            return stem
    return w


def _step1c(w: str) -> str:
    if len(w) > 2 and w[-1] in "yY" and not _is_vowel(w[-2]):
        return w[:-1] + "i"
    return w


def _step2(w: str, r1: int) -> str:
    for suffix, replacement in _STEP2:
        if w.endswith(suffix):
            if len(w) - len(suffix) < r1:
                return w
            stem = w[: -len(suffix)]
            if suffix == "ogi" and not stem.endswith("l"):
                return w
            if suffix == "li" and (not stem or stem[-1] not in _LI_ENDINGS):
                return w
            return stem + replacement
    return w


def _step3(w: str, r1: int, r2: int) -> str:
    for suffix, replacement in _STEP3:
        if w.endswith(suffix):
            if len(w) - len(suffix) < r1:
                return w
            if suffix == "ative" and len(w) - len(suffix) < r2:
                return w
            return w[: -len(suffix)] + replacement
    return w


def _step4(w: str, r2: int) -> str:
    for suffix in _STEP4:
        if w.endswith(suffix):
            if len(w) - len(suffix) < r2:
                return w
            stem = w[: -len(suffix)]
            if suffix == "ion" and not stem.endswith(("s", "t")):
                return w
            return stem
    return w


def _step5(w: str, r1: int, r2: int) -> str:
    if w.endswith("e"):
        stem = w[:-1]
        if len(stem) >= r2 or (len(stem) >= r1 and not _ends_short_syllable(stem)):
            return stem
        return w
    if w.endswith("l") and len(w) - 1 >= r2 and w[-2:] == "ll":
        return w[:-1]
    return w
