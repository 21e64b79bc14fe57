"""Offline understanding in the conversation's language (docs/languages.md).

The offline matcher compares words. For a conversation in another language than English it
needs that language's words reduced the same way on both sides — the message and the project's
phrases in that language (translated flow names, per-language `examples`, translated
questions and buttons): accents are folded (`Überweisung` → `uberweisung`), words are reduced
to their Snowball stem (`Überweisungen` → `uberweis`), and the language's function words are
left out. `Analyzer` does that; `analysis(code)` makes it the one `calmtui.understanding.text`
uses while a message is understood (a context variable, so concurrent conversations in
different languages do not mix).

Snowball stemmers come from `snowballstemmer` (pure Python, pinned; it uses PyStemmer's C code
when that is installed), imported on first use. A language without a stemmer is matched by its
folded words (CT711). The embedded meaning model is English: in other languages matching is
by words only. Short conversation-repair replies ("ja", "nein", "abbrechen") are read through a
small phrasebook as their English equivalents, which the repair rules know.
"""

from __future__ import annotations

import contextlib
from collections.abc import Generator
from functools import cache, lru_cache
from typing import Any, Protocol, cast

from calmtui.core.languages import base_language
from calmtui.understanding import text

ENGLISH = "en"
# Snowball's algorithm names by ISO 639-1 code.
SNOWBALL = {
    "ar": "arabic", "hy": "armenian", "eu": "basque", "ca": "catalan", "da": "danish",
    "nl": "dutch", "en": "english", "eo": "esperanto", "et": "estonian", "fi": "finnish",
    "fr": "french", "de": "german", "el": "greek", "hi": "hindi", "hu": "hungarian",
    "id": "indonesian", "ga": "irish", "it": "italian", "lt": "lithuanian", "ne": "nepali",
    "no": "norwegian", "nb": "norwegian", "nn": "norwegian", "pt": "portuguese",
    "ro": "romanian", "ru": "russian", "sr": "serbian", "es": "spanish", "sv": "swedish",
    "ta": "tamil", "tr": "turkish", "yi": "yiddish",
}  # fmt: skip
# Function words (accents folded): they say nothing about which flow a user means.
STOPWORDS: dict[str, str] = {
    "de": "ich mich mir mein meine meinen meinem meiner du dich dir dein deine sie ihr ihnen "
    "wir uns unser er es der die das den dem des ein eine einen einem einer und oder aber "
    "zu zum zur von vom mit fur auf an am im in ist sind war bin bitte mochte mochten will "
    "wollen kann konnen wurde gerne gern ja nein nicht noch auch nur so was wie wo wann "
    "warum welche welcher welches haben habe hat hatte mal jetzt",
    "fr": "je me moi mon ma mes tu te toi ton ta tes il elle nous vous ils elles le la les "
    "un une des du de d l et ou mais a au aux en dans pour par sur avec est sont suis "
    "voudrais veux vouloir peux pouvez svp plait oui non ne pas que qui quoi comment ou "
    "quand pourquoi quel quelle ce cet cette ces mon",
    "es": "yo me mi mis tu te ti el ella nosotros vosotros ellos ellas lo la los las un una "
    "unos unas y o pero a al de del en con por para es son soy quiero quisiera puedo "
    "favor si no que como donde cuando porque cual este esta estos estas",
    "it": "io mi me mio mia miei tu ti te il lo la i gli le un uno una e o ma a al allo alla "
    "di del della in con per su e sono voglio vorrei posso favore si no che come dove "
    "quando perche quale questo questa",
    "pt": "eu me mim meu minha tu te voce ele ela nos eles elas o a os as um uma e ou mas "
    "ao de do da em no na com por para e sao sou quero queria posso favor sim nao que "
    "como onde quando porque qual este esta",
    "nl": "ik me mij mijn jij je jou jouw u uw hij zij wij we ons de het een en of maar "
    "aan van in met voor op is zijn ben wil wil graag kan alsjeblieft ja nee niet "
    "wat hoe waar wanneer waarom welke dit dat",
}
# Whole short replies -> the English phrase the repair rules and yes/no answers understand.
PHRASEBOOK: dict[str, dict[str, str]] = {
    "de": {
        "ja": "yes", "jawohl": "yes", "genau": "yes", "richtig": "yes", "klar": "yes",
        "ja bitte": "yes please", "gerne": "yes", "okay": "ok", "nein": "no",
        "nein danke": "no thanks", "nee": "no", "falsch": "no", "abbrechen": "cancel",
        "stopp": "stop", "vergiss es": "forget it", "egal": "never mind",
        "uberspringen": "skip", "weiss nicht": "i don't know", "keine ahnung": "no idea",
        "wiederholen": "repeat", "wie bitte": "pardon", "nochmal": "say that again",
        "hilfe": "help", "hallo": "hello", "danke": "thanks", "tschuss": "bye",
        "mit einem menschen sprechen": "talk to a human",
    },
    "fr": {
        "oui": "yes", "d'accord": "ok", "exactement": "yes", "bien sur": "of course",
        "non": "no", "non merci": "no thanks", "annuler": "cancel", "arrete": "stop",
        "laisse tomber": "forget it", "passer": "skip", "je ne sais pas": "i don't know",
        "repeter": "repeat", "pardon": "pardon", "aide": "help", "bonjour": "hello",
        "merci": "thanks", "au revoir": "bye", "parler a un humain": "talk to a human",
    },
    "es": {
        "si": "yes", "claro": "yes", "vale": "ok", "de acuerdo": "ok", "no": "no",
        "no gracias": "no thanks", "cancelar": "cancel", "para": "stop", "olvidalo": "forget it",
        "saltar": "skip", "no se": "i don't know", "repetir": "repeat", "ayuda": "help",
        "hola": "hello", "gracias": "thanks", "adios": "bye",
        "hablar con una persona": "talk to a human",
    },
    "it": {
        "si": "yes", "certo": "yes", "va bene": "ok", "no": "no", "no grazie": "no thanks",
        "annulla": "cancel", "basta": "stop", "salta": "skip", "non lo so": "i don't know",
        "ripeti": "repeat", "aiuto": "help", "ciao": "hello", "grazie": "thanks",
        "arrivederci": "bye",
    },
    "pt": {
        "sim": "yes", "claro": "yes", "nao": "no", "nao obrigado": "no thanks",
        "cancelar": "cancel", "pare": "stop", "pular": "skip", "nao sei": "i don't know",
        "repetir": "repeat", "ajuda": "help", "ola": "hello", "obrigado": "thanks",
        "obrigada": "thanks", "tchau": "bye",
    },
    "nl": {
        "ja": "yes", "zeker": "yes", "prima": "ok", "nee": "no", "nee dank je": "no thanks",
        "annuleren": "cancel", "stop": "stop", "overslaan": "skip", "weet ik niet": "i don't know",
        "herhaal": "repeat", "help": "help", "hallo": "hello", "bedankt": "thanks",
        "dank je": "thanks", "doei": "bye",
    },
}  # fmt: skip


class _Stemmer(Protocol):
    def stemWord(self, word: str) -> str: ...


class Analyzer:
    """How words of one language are compared: folded, stemmed, without function words."""

    def __init__(self, code: str) -> None:
        self.code = code
        self.language = base_language(code)
        self.stopwords = frozenset(text.fold(STOPWORDS.get(self.language, "")).split())
        self._stemmer = _snowball(self.language)
        self.stem = lru_cache(maxsize=8192)(self._stem)

    @property
    def has_stemmer(self) -> bool:
        return self._stemmer is not None

    def _stem(self, word: str) -> str:
        if self._stemmer is None or word.isdigit():
            return word
        return text.fold(self._stemmer.stemWord(word))

    def is_stopword(self, word: str) -> bool:
        return word in self.stopwords


@cache
def analyzer(code: str) -> Analyzer:
    return Analyzer(code)


def _snowball(language: str) -> _Stemmer | None:
    algorithm = SNOWBALL.get(language)
    if algorithm is None:
        return None
    import snowballstemmer  # pyright: ignore[reportMissingTypeStubs] - untyped, pure Python

    make: Any = snowballstemmer.stemmer  # pyright: ignore[reportUnknownMemberType, reportUnknownVariableType]
    return cast(_Stemmer, make(algorithm))


def is_english(code: str | None) -> bool:
    return code is None or base_language(code) == ENGLISH


@contextlib.contextmanager
def analysis(code: str | None) -> Generator[Analyzer | None]:
    """Words are compared the way `code` needs while the block runs (English: unchanged)."""
    chosen = None if is_english(code) else analyzer(code or ENGLISH)
    token = text.ANALYZER.set(chosen)
    try:
        yield chosen
    finally:
        text.ANALYZER.reset(token)


def from_phrasebook(message: str, code: str | None) -> str | None:
    """The English phrase a short reply in `code` stands for ("Nein, danke!" -> "no thanks")."""
    if is_english(code):
        return None
    book = PHRASEBOOK.get(base_language(code or ENGLISH))
    if not book:
        return None
    return book.get(" ".join(text.words(message)))


def language_notes(analyzer: Analyzer, message: str, read_as: str | None) -> list[str]:
    """What the trace says about reading a message in another language."""
    how = "stems" if analyzer.has_stemmer else "folded words, no stemmer for it (CT711)"
    notes = [f"read in {analyzer.code} ({how}); words only: the meaning model is English"]
    if read_as is not None:
        notes.insert(0, f"{message.strip()!r} read as {read_as!r} ({analyzer.code} phrasebook)")
    return notes
