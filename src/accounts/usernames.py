"""Usernames that cannot impersonate: two names that a reader could take for each other
share a look-alike key, and the key is unique, so the second is refused.

A name's keys are Unicode TR39 skeletons (ICU's SpoofChecker), which map each character
to the one it is confusable with (Cyrillic а and full-width ａ to a, 1 and I to l): one
of the name after NFKC case folding (Alice, ALICE and аlice collide) and one of the name
as typed (Illy and llly collide, which folding I to i would hide). Accents on Latin,
Greek and Cyrillic letters are dropped first (José collides with Jose), as a toast or a
member list shows them too small to tell apart; marks that make up letters of other
scripts, like the vowel signs of Devanagari, are kept, so different names there stay
different.
"""

import unicodedata

import icu

_CASE_FOLD = icu.Normalizer2.getNFKCCasefoldInstance()
_SPOOF_CHECKER = icu.SpoofChecker()
_ACCENTED_SCRIPTS = ("LATIN", "GREEK", "CYRILLIC")


def _without_accents(name: str) -> str:
    kept, base = [], ""
    for char in unicodedata.normalize("NFD", name):
        if unicodedata.category(char) == "Mn":
            if base.startswith(_ACCENTED_SCRIPTS):
                continue
        else:
            base = unicodedata.name(char, "")
        kept.append(char)
    return unicodedata.normalize("NFC", "".join(kept))


def look_alike_keys(name: str) -> tuple[str, str]:
    """(folded key, cased key): equal for names a reader could take for each other."""
    plain = _without_accents(name)
    return (
        _SPOOF_CHECKER.getSkeleton(0, _CASE_FOLD.normalize(plain)),
        _SPOOF_CHECKER.getSkeleton(0, unicodedata.normalize("NFKC", plain)),
    )
