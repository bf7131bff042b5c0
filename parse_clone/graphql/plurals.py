"""English plurals for find-query names, the same as the npm `pluralize` package gives (Parse Server names
`<classes>` with it): irregular words, ending rules tried newest first, uncountable words, and the
letter case of the replaced ending kept (`lockedE` -> `lockedES`, `salesPerson` -> `salesPeople`)."""

from __future__ import annotations

import re
from functools import lru_cache

# singular -> plural, whole words (the token is the lower-cased word)
_IRREGULAR = dict(pair.split(":") for pair in (
    "i:we me:us he:they she:they them:them myself:ourselves yourself:yourselves itself:themselves "
    "herself:themselves himself:themselves themself:themselves is:are was:were has:have this:these "
    "that:those echo:echoes dingo:dingoes volcano:volcanoes tornado:tornadoes torpedo:torpedoes "
    "genus:genera viscus:viscera stigma:stigmata stoma:stomata dogma:dogmata lemma:lemmata "
    "schema:schemata anathema:anathemata ox:oxen axe:axes die:dice yes:yeses foot:feet eave:eaves "
    "goose:geese tooth:teeth quiz:quizzes human:humans proof:proofs carve:carves valve:valves "
    "looey:looies thief:thieves groove:grooves pickaxe:pickaxes passerby:passersby").split())
_ALREADY_PLURAL = frozenset(_IRREGULAR.values())

_UNCOUNTABLE = frozenset((
    "adulthood advice agenda aid aircraft alcohol ammo analytics anime athletics audio bison blood bream "
    "buffalo butter carp cash chassis chess clothing cod commerce cooperation corps debris diabetes "
    "digestion elk energy equipment excretion expertise firmware flounder fun gallows garbage graffiti "
    "hardware headquarters health herpes highjinks homework housework information jeans justice kudos "
    "labour literature machinery mackerel mail media mews moose music mud manga news only personnel pike "
    "plankton pliers police pollution premises rain research rice salmon scissors series sewage shambles "
    "shrimp software species staff swine tennis traffic transportation trout tuna wealth welfare whiting "
    "wildebeest wildlife you").split())

# (ending, replacement with $n group references), in the order they were added: the last match wins
_RULES: tuple[tuple[str, str], ...] = (
    (r"s?$", "s"),
    (r"[^\u0000-\u007F]$", "$0"),
    (r"([^aeiou]ese)$", "$1"),
    (r"(ax|test)is$", "$1es"),
    (r"(alias|[^aou]us|t[lm]as|gas|ris)$", "$1es"),
    (r"(e[mn]u)s?$", "$1s"),
    (r"([^l]ias|[aeiou]las|[ejzr]as|[iu]am)$", "$1"),
    (r"(alumn|syllab|vir|radi|nucle|fung|cact|stimul|termin|bacill|foc|uter|loc|strat)(?:us|i)$", "$1i"),
    (r"(alumn|alg|vertebr)(?:a|ae)$", "$1ae"),
    (r"(seraph|cherub)(?:im)?$", "$1im"),
    (r"(her|at|gr)o$", "$1oes"),
    (r"(agend|addend|millenni|dat|extrem|bacteri|desiderat|strat|candelabr|errat|ov|symposi|curricul|automat"
     r"|quor)(?:a|um)$", "$1a"),
    (r"(apheli|hyperbat|periheli|asyndet|noumen|phenomen|criteri|organ|prolegomen|hedr|automat)(?:a|on)$", "$1a"),
    (r"sis$", "ses"),
    (r"(?:(kni|wi|li)fe|(ar|l|ea|eo|oa|hoo)f)$", "$1$2ves"),
    (r"([^aeiouy]|qu)y$", "$1ies"),
    (r"([^ch][ieo][ln])ey$", "$1ies"),
    (r"(x|ch|ss|sh|zz)$", "$1es"),
    (r"(matr|cod|mur|sil|vert|ind|append)(?:ix|ex)$", "$1ices"),
    (r"\b((?:tit)?m|l)(?:ice|ouse)$", "$1ice"),
    (r"(pe)(?:rson|ople)$", "$1ople"),
    (r"(child)(?:ren)?$", "$1ren"),
    (r"eaux$", "$0"),
    (r"m[ae]n$", "men"),
    (r"^thou$", "you"),
    # uncountable endings keep the word as it is
    (r"pok[eé]mon$", "$0"),
    (r"[^aeiou]ese$", "$0"),
    (r"deer$", "$0"),
    (r"fish$", "$0"),
    (r"measles$", "$0"),
    (r"o[iu]s$", "$0"),
    (r"pox$", "$0"),
    (r"sheep$", "$0"),
)
_COMPILED = tuple((re.compile(pattern, re.IGNORECASE), replacement) for pattern, replacement in reversed(_RULES))
_GROUP_REF = re.compile(r"\$(\d{1,2})")


def _restore_case(word: str, token: str) -> str:
    """`token` in the letter case of `word`: all lower, all upper, or capitalised."""
    if word == token:
        return token
    if word == word.lower():
        return token.lower()
    if word == word.upper():
        return token.upper()
    if word[0] == word[0].upper():
        return token[:1].upper() + token[1:].lower()
    return token.lower()


def _apply(word: str, pattern: re.Pattern[str], replacement: str) -> str:
    def substitute(match: re.Match[str]) -> str:
        result = _GROUP_REF.sub(lambda ref: (match.group(int(ref.group(1)))
                                             if int(ref.group(1)) <= (pattern.groups or 0) else "") or "",
                                replacement)
        if match.group(0) == "":
            return _restore_case(word[match.start() - 1], result)
        return _restore_case(match.group(0), result)

    return pattern.sub(substitute, word, count=1)


@lru_cache(maxsize=1024)
def pluralize(word: str) -> str:
    """The plural of `word` (a camelCase name is one word: only its ending changes): gameScore ->
    gameScores, category -> categories, salesPerson -> salesPeople, news -> news."""
    token = word.lower()
    if token in _ALREADY_PLURAL:
        return _restore_case(word, token)
    if token in _IRREGULAR:
        return _restore_case(word, _IRREGULAR[token])
    if not token or token in _UNCOUNTABLE:
        return word
    for pattern, replacement in _COMPILED:
        if pattern.search(word):
            return _apply(word, pattern, replacement)
    return word
