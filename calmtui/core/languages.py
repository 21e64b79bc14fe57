"""Language codes, their names, and which language a conversation is in (docs/languages.md).

Rasa Pro reads `language` (the default) and `additional_languages` from `config.yml`, accepts
only BCP 47 tags in their standard spelling (`de`, `pt-BR`, `zh-Hant`) or custom tags of the
form `x-<language>-<label>` (`x-en-formal`), and keeps the conversation's language in a built-in
strict categorical slot named `language`. This module is the pure half of that: checking a code,
naming it, and reading the conversation's language from the slots. It needs no data files: the
ISO 639-1 table below is what `language_name` and the checks use.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from typing import Any

LANGUAGE_SLOT = "language"
CUSTOM_PREFIX = "x-"

# ISO 639-1: every two-letter language code, with its English name.
_ISO_639_1 = """
aa Afar|ab Abkhazian|ae Avestan|af Afrikaans|ak Akan|am Amharic|an Aragonese|ar Arabic|
as Assamese|av Avaric|ay Aymara|az Azerbaijani|ba Bashkir|be Belarusian|bg Bulgarian|bi Bislama|
bm Bambara|bn Bangla|bo Tibetan|br Breton|bs Bosnian|ca Catalan|ce Chechen|ch Chamorro|
co Corsican|cr Cree|cs Czech|cu Church Slavic|cv Chuvash|cy Welsh|da Danish|de German|
dv Divehi|dz Dzongkha|ee Ewe|el Greek|en English|eo Esperanto|es Spanish|et Estonian|eu Basque|
fa Persian|ff Fula|fi Finnish|fj Fijian|fo Faroese|fr French|fy Western Frisian|ga Irish|
gd Scottish Gaelic|gl Galician|gn Guarani|gu Gujarati|gv Manx|ha Hausa|he Hebrew|hi Hindi|
ho Hiri Motu|hr Croatian|ht Haitian Creole|hu Hungarian|hy Armenian|hz Herero|ia Interlingua|
id Indonesian|ie Interlingue|ig Igbo|ii Sichuan Yi|ik Inupiaq|io Ido|is Icelandic|it Italian|
iu Inuktitut|ja Japanese|jv Javanese|ka Georgian|kg Kongo|ki Kikuyu|kj Kuanyama|kk Kazakh|
kl Kalaallisut|km Khmer|kn Kannada|ko Korean|kr Kanuri|ks Kashmiri|ku Kurdish|kv Komi|
kw Cornish|ky Kyrgyz|la Latin|lb Luxembourgish|lg Ganda|li Limburgish|ln Lingala|lo Lao|
lt Lithuanian|lu Luba-Katanga|lv Latvian|mg Malagasy|mh Marshallese|mi Maori|mk Macedonian|
ml Malayalam|mn Mongolian|mr Marathi|ms Malay|mt Maltese|my Burmese|na Nauru|nb Norwegian Bokmål|
nd North Ndebele|ne Nepali|ng Ndonga|nl Dutch|nn Norwegian Nynorsk|no Norwegian|nr South Ndebele|
nv Navajo|ny Nyanja|oc Occitan|oj Ojibwa|om Oromo|or Odia|os Ossetic|pa Punjabi|pi Pali|
pl Polish|ps Pashto|pt Portuguese|qu Quechua|rm Romansh|rn Rundi|ro Romanian|ru Russian|
rw Kinyarwanda|sa Sanskrit|sc Sardinian|sd Sindhi|se Northern Sami|sg Sango|si Sinhala|
sk Slovak|sl Slovenian|sm Samoan|sn Shona|so Somali|sq Albanian|sr Serbian|ss Swati|
st Southern Sotho|su Sundanese|sv Swedish|sw Swahili|ta Tamil|te Telugu|tg Tajik|th Thai|
ti Tigrinya|tk Turkmen|tl Tagalog|tn Tswana|to Tongan|tr Turkish|ts Tsonga|tt Tatar|tw Twi|
ty Tahitian|ug Uyghur|uk Ukrainian|ur Urdu|uz Uzbek|ve Venda|vi Vietnamese|vo Volapük|
wa Walloon|wo Wolof|xh Xhosa|yi Yiddish|yo Yoruba|za Zhuang|zh Chinese|zu Zulu
"""
LANGUAGE_NAMES: dict[str, str] = {
    code: name
    for code, _, name in (
        item.strip().partition(" ") for item in _ISO_639_1.replace("\n", "").split("|")
    )
}
# How the common ones call themselves (the status line shows both).
NATIVE_NAMES: dict[str, str] = {
    "ar": "العربية", "bg": "български", "ca": "català", "cs": "čeština", "da": "dansk",
    "de": "Deutsch", "el": "Ελληνικά", "en": "English", "es": "español", "et": "eesti",
    "fi": "suomi", "fr": "français", "he": "עברית", "hi": "हिन्दी", "hr": "hrvatski",
    "hu": "magyar", "id": "Indonesia", "it": "italiano", "ja": "日本語", "ko": "한국어",
    "lt": "lietuvių", "lv": "latviešu", "nb": "norsk bokmål", "nl": "Nederlands", "no": "norsk",
    "pl": "polski", "pt": "português", "ro": "română", "ru": "русский", "sk": "slovenčina",
    "sl": "slovenščina", "sr": "српски", "sv": "svenska", "th": "ไทย", "tr": "Türkçe",
    "uk": "українська", "vi": "Tiếng Việt", "zh": "中文",
}  # fmt: skip

# language[-Script][-REGION]: the part of BCP 47 assistants use (RFC 5646, canonical case).
_TAG = re.compile(
    r"^(?P<language>[a-z]{2,3})(?:-(?P<script>[A-Z][a-z]{3}))?(?:-(?P<region>[A-Z]{2}|\d{3}))?$"
)
_LABEL = re.compile(r"^[A-Za-z0-9]{1,8}$")


@dataclass(frozen=True, slots=True)
class CodeProblem:
    """Why a language code is not one Rasa accepts, and the spelling it probably meant."""

    message: str
    suggestion: str | None = None


def check_code(code: object) -> CodeProblem | None:
    """None when `code` is a language code Rasa accepts (a standard BCP 47 tag of a known
    language, or `x-<language>-<label>`), else what is wrong with it."""
    if not isinstance(code, str) or not code:
        return CodeProblem(f"{code!r} is not a language code")
    if code.startswith(CUSTOM_PREFIX):
        return _check_custom(code)
    match = _TAG.match(code)
    if match is None:
        suggestion = _canonical(code)
        if suggestion is not None:
            return CodeProblem(
                f"{code!r} is not written the standard way (BCP 47)", suggestion=suggestion
            )
        named = _code_for_name(code)
        return CodeProblem(f"{code!r} is not a language code (BCP 47)", suggestion=named)
    language = match["language"]
    if len(language) == 2 and language not in LANGUAGE_NAMES:
        return CodeProblem(f"{language!r} is not an ISO 639-1 language code")
    return None


def _check_custom(code: str) -> CodeProblem | None:
    rest = code[len(CUSTOM_PREFIX) :]
    base, _, label = rest.rpartition("-")
    if not base or not label:
        return CodeProblem(f"custom language {code!r} must look like 'x-<language>-<label>'")
    if not _LABEL.match(label):
        return CodeProblem(f"the label of custom language {code!r} must be letters and digits")
    problem = check_code(base)
    if problem is not None:
        return CodeProblem(f"custom language {code!r}: {problem.message}")
    return None


def _canonical(code: str) -> str | None:
    """`EN` -> `en`, `pt_br` -> `pt-BR`, `zh-hant` -> `zh-Hant`, when that is valid."""
    parts = code.replace("_", "-").split("-")
    if not parts or not parts[0]:
        return None
    fixed = [parts[0].lower()]
    for part in parts[1:]:
        if len(part) == 4 and part.isalpha():
            fixed.append(part.title())
        elif (len(part) == 2 and part.isalpha()) or part.isdigit():
            fixed.append(part.upper())
        else:
            fixed.append(part)
    candidate = "-".join(fixed)
    return candidate if candidate != code and check_code(candidate) is None else None


def _code_for_name(name: str) -> str | None:
    """`German` -> `de`, `Deutsch` -> `de` (people write the name instead of the code)."""
    wanted = name.strip().casefold()
    for table in (LANGUAGE_NAMES, NATIVE_NAMES):
        for code, label in table.items():
            if label.casefold() == wanted:
                return code
    return None


def base_language(code: str) -> str:
    """The language subtag: `de-CH` -> `de`, `x-en-formal` -> `en`."""
    if code.startswith(CUSTOM_PREFIX):
        code = code[len(CUSTOM_PREFIX) :].rpartition("-")[0]
    return code.split("-", 1)[0].lower()


def language_name(code: str) -> str:
    """`de` -> "German", `pt-BR` -> "Portuguese (BR)", `x-en-formal` -> "English (formal)";
    an unknown code is shown as it is."""
    if code.startswith(CUSTOM_PREFIX):
        base, _, label = code[len(CUSTOM_PREFIX) :].rpartition("-")
        return f"{language_name(base)} ({label})" if base else code
    language, _, rest = code.partition("-")
    name = LANGUAGE_NAMES.get(language.lower())
    if name is None:
        return code
    return f"{name} ({rest})" if rest else name


def describe_language(code: str) -> str:
    """`de · Deutsch` for the status line (the code alone when its name is unknown)."""
    native = NATIVE_NAMES.get(base_language(code))
    name = native if native is not None else language_name(code)
    return code if name == code else f"{code} · {name}"


def configured_languages(default: str, additional: Iterable[str]) -> tuple[str, ...]:
    """Rasa's values of the `language` slot: the additional languages, then the default one."""
    values = list(dict.fromkeys(additional))
    if default not in values:
        values.append(default)
    return tuple(values)


def conversation_language(
    slots: Mapping[str, Any], default: str, languages: Iterable[str] = ()
) -> str:
    """The conversation's language: the `language` slot when it holds a configured language
    (or any code, when none are listed), else the default language."""
    value = slots.get(LANGUAGE_SLOT)
    if not isinstance(value, str) or not value:
        return default
    allowed = tuple(languages)
    if allowed and value not in allowed:
        return default
    return value


def matching_language(value: object, languages: Iterable[str]) -> str | None:
    """The configured spelling of `value` (compared without case, as a categorical slot
    does), or None when it is not one of `languages`."""
    if not isinstance(value, str):
        return None
    wanted = value.strip().casefold()
    return next((code for code in languages if code.casefold() == wanted), None)
