"""The learner's language: one gettext catalogue (domain ``torchgrade``), English as its source;
how strings are marked and looked up: docs/i18n.md ("Choosing the language", read once per process
and again after :func:`refresh`; "Design, and why"). The catalogue, the grader's then each pack's
(:func:`pack_catalogues`), is opened only for another language than English, once per process.
"""

from __future__ import annotations

import os
import re
import unicodedata
from functools import cache
from pathlib import Path
from typing import TYPE_CHECKING, Any

from grader.base import defaults
from grader.base.packs import BUILT_IN, named_packs

if TYPE_CHECKING:
    import gettext

DOMAIN = "torchgrade"
LOCALE_DIR = Path(__file__).resolve().parents[1] / "locale"
# A release's or Gradescope zip's language, from its course file's `language` (written there by
# `grade release` / `grade gradescope`; a checkout has none)
DEFAULT_FILE = LOCALE_DIR / "DEFAULT"
# Spellings of a language the catalogue has, beyond its own code (lower case, "-" as "_").
_ALIASES = {"zh": "zh_CN", "zh_cn": "zh_CN", "zh_sg": "zh_CN", "zh_hans": "zh_CN", "zh_hans_cn": "zh_CN"}


def normalise(value: str) -> str | None:
    """The catalogue's language a locale value names ("zh_CN.UTF-8" → "zh_CN", "en_GB" and "C"
    → "en"), trying each of a colon-separated list (``LANGUAGE``); None where it names none."""
    for part in value.split(":"):
        code = part.split(".")[0].split("@")[0].replace("-", "_").strip()
        if code in defaults.LANGUAGES:
            return code
        if code in ("C", "POSIX") or code.lower().split("_")[0] == "en":
            return "en"
        if code.lower() in _ALIASES:
            return _ALIASES[code.lower()]
    return None


@cache
def shipped_default() -> str:
    """The course's language where this copy was built with one (:data:`DEFAULT_FILE`), else English."""
    try:
        found = normalise(DEFAULT_FILE.read_text(encoding="utf-8").strip())
    except (OSError, UnicodeDecodeError):
        found = None
    return found or defaults.LANGUAGE


_chosen: dict[str, str] = {}  # the process's language once read: :func:`refresh` forgets it


def refresh() -> None:
    """Read the language from the environment again at the next call (``grade``'s start: the warm
    engine's child gets its client's environment after the fork; --lang)."""
    _chosen.clear()


def language() -> str:
    """The language output is in (the module docstring's order), read once per process (see :func:`refresh`);
    a locale of "C" or "POSIX" (a container's) chooses nothing, so a course's language applies there."""
    if not _chosen:
        _chosen["lang"] = _read(os.environ)
    return _chosen["lang"]


def _read(environ: Any) -> str:
    for name in (defaults.LANGUAGE_ENV, *defaults.LOCALE_ENVS):
        value = environ.get(name)
        if not value or (name != defaults.LANGUAGE_ENV and value.split(".")[0] in ("C", "POSIX")):
            continue
        found = normalise(value)
        if found is not None:
            return found
        if name != "LANGUAGE":  # a locale the catalogue lacks (fr_FR): the course's, else English
            return shipped_default()
    return shipped_default()


def set_language(lang: str) -> None:
    """``--lang``: this process and every process it starts speak ``lang``."""
    os.environ[defaults.LANGUAGE_ENV] = lang
    refresh()


@cache
def _catalogue(lang: str) -> gettext.NullTranslations:
    """``lang``'s compiled catalogues as one, read straight from their paths (gettext.translation's
    search imports and consults the locale module for nothing here): the grader's (none: the
    source's words), then each pack's, for its suites' words (:func:`_catalogue_files`)."""
    first, *others = [_read_catalogue(path) for path in _catalogue_files(lang)]
    for other in others:
        first.add_fallback(other)
    return first


def _catalogue_files(lang: str) -> list[Path]:
    return [LOCALE_DIR / lang / "LC_MESSAGES" / f"{DOMAIN}.mo", *pack_catalogues(lang)]


def _read_catalogue(path: Path) -> gettext.NullTranslations:
    import gettext  # here: English never reads a catalogue

    try:
        with path.open("rb") as handle:
            return gettext.GNUTranslations(handle)
    except OSError:
        return gettext.NullTranslations()


def _pack_locales(lang: str) -> list[Path]:
    """``<pack>/locale/<lang>`` of every pack: the built-in one's, then the course's."""
    folders = [BUILT_IN, *named_packs()]
    return [folder / "locale" / lang for i, folder in enumerate(folders) if folder not in folders[:i]]


def pack_catalogues(lang: str) -> list[Path]:
    """The packs' catalogues in ``lang``: ``<pack>/locale/<lang>/LC_MESSAGES/*.mo``, their suites'
    and domains' messages (docs/authors.md), the built-in pack's first."""
    return [path for folder in _pack_locales(lang) for path in sorted((folder / "LC_MESSAGES").glob("*.mo"))]


def _(message: str) -> str:
    """``message`` in the current language (as it is where the catalogue lacks it)."""
    lang = language()
    if lang == "en" or not message:
        return message
    return _catalogue(lang).gettext(message)


_PLACE = re.compile(r"\{(\d+)\}")


def columns(text: str) -> int:
    """Columns ``text`` takes on a terminal: a wide character (中文) takes two."""
    return sum(2 if unicodedata.east_asian_width(c) in "WF" else 1 for c in text)


class Verbatim(str):
    """A text :func:`text` shows as it is: already in the learner's language around what torch or
    the submission wrote (an exception's message), which no template may take apart."""


def text(message: str, depth: int = 0) -> str:
    """A suite's text in the current language: looked up as it is, else matched against the
    catalogue's f-string templates (``"{0}: final w"``, extracted from the suites by
    tests/grader/catalogue.py), each value translated in turn; as it is where neither matches."""
    lang = language()
    if lang == "en" or not message or isinstance(message, Verbatim):
        return message
    found = _catalogue(lang).gettext(message)
    if found != message or depth > 3:
        return found
    for patterns, translated in _templates(lang):
        best: list[tuple[str, str]] | None = None
        # each value split at the first separator; where that leaves prose untranslated, at the last
        # ("{0}: {1}.grad" of a label holding ": " itself), the split that leaves less
        for pattern in patterns:
            match = pattern.fullmatch(message)
            if match is None:
                continue
            values = [(v, text(v, depth + 1)) for v in match.groups()]
            if best is None or _untranslated(values) < _untranslated(best):
                best = values
            if not _untranslated(best):
                break
        if best is not None:
            return translated.format(*(t for _, t in best))
    return message


def _untranslated(values: list[tuple[str, str]]) -> int:
    """How many of a template's (value, translation) pairs are prose (words apart) left as it was."""
    return sum(" " in value and value == said for value, said in values)


@cache
def _templates(lang: str) -> list[tuple[tuple[re.Pattern[str], ...], str]]:
    """``lang``'s f-string templates as patterns, the most literal text first (a template of fewer words never
    takes a text a longer one fits): the grader's catalogue's, then each pack's (their suites' f-strings)."""
    entries: dict[Any, Any] = {}
    for path in _catalogue_files(lang):  # each read again, once: its own entries, not its fallbacks'
        entries = {**getattr(_read_catalogue(path), "_catalog", {}), **entries}  # the first one's wins
    found = []
    for key, translated in entries.items():
        if not isinstance(key, str) or "{0}" not in key or not isinstance(translated, str):
            continue
        literal = [part.replace("{{", "{").replace("}}", "}") for part in _PLACE.split(key)[::2]]
        patterns = tuple(
            re.compile(group.join(map(re.escape, literal)), re.DOTALL) for group in ("(.+?)", "(.+)")
        )
        found.append((len("".join(literal)), patterns, translated))
    return [(patterns, translated) for _, patterns, translated in sorted(found, key=lambda f: -f[0])]


def ngettext(singular: str, plural: str, count: int) -> str:
    lang = language()
    if lang == "en":
        return singular if count == 1 else plural
    return _catalogue(lang).ngettext(singular, plural, count)


def in_language(lang: str, message: str) -> str:
    """``message`` in ``lang`` whatever the current language (a release's README per language)."""
    return message if lang == "en" else _catalogue(lang).gettext(message)


def N_(message: str) -> str:
    """Marks a constant for the catalogue; :func:`_` translates it where it is shown."""
    return message


# Click's modules that word its own output ("Usage:", "Options", "Show this message and exit.")
# with the standard library's gettext, bound at their import: pointed at this catalogue.
_CLICK_MODULES = ("core", "decorators", "exceptions", "formatting", "parser", "termui", "types", "utils")


def localise_click(command: Any) -> None:
    """``command`` and its subcommands' help, and Click's own words, in the current language
    (nothing to do in English: the catalogue's source)."""
    if language() == "en":
        return
    import importlib

    for name in _CLICK_MODULES:
        module = importlib.import_module(f"click.{name}")
        # Click's own names for gettext's functions: `_` is private to Click (pyproject pins it)
        if hasattr(module, "_"):
            setattr(module, "_", _)  # noqa: B010 (the literal shows the private name: test_private_api)
        if hasattr(module, "ngettext"):
            setattr(module, "ngettext", ngettext)  # noqa: B010
    for each in commands_of(command):
        each.help = _(each.help) if each.help else each.help
        each.short_help = _(each.short_help) if each.short_help else short_help(each.help or "")
        for param in each.params:
            if getattr(param, "help", None):
                param.help = _(param.help)


SHORT_HELP_COLUMNS = 72  # a command's line in its group's help, beside the name: 36 Chinese characters


def short_help(help_text: str) -> str:
    """A command's line in its group's help, in a language written without spaces: its help's first sentence,
    else as many of its clauses (cut outside brackets) as fit :data:`SHORT_HELP_COLUMNS`, and "…" (Click cuts
    at a space, so a Chinese sentence, one long word to it, became "...")."""
    first = help_text.strip().split("\n\n")[0].replace("\n", " ").split("。")[0].strip()
    clauses, depth, start = [], 0, 0
    for at, char in enumerate(first):
        depth += (char in "（(") - (char in "）)")
        if depth == 0 and char in "；：，、":
            clauses.append(first[start : at + 1])
            start = at + 1
    clauses.append(first[start:])
    fitted = ""
    for clause in clauses:
        if columns(fitted + clause) > SHORT_HELP_COLUMNS:
            return fitted.rstrip("，、；：") + "…" if fitted else first + "。"
        fitted += clause
    return fitted + "。"


def commands_of(command: Any) -> list[Any]:
    """``command`` and every subcommand under it, depth first."""
    found = [command]
    for sub in getattr(command, "commands", {}).values():
        found += commands_of(sub)
    return found


def translated_docstrings(topic: str) -> dict[str, str]:
    """{exercise (``__module__``: the module): its docstring} in the learner's language, from its pack's
    ``locale/<lang>/docstrings/<topic>.md`` (``## name`` sections; reviewed translations for the hand-outs and
    `grade next`'s line, the stubs keep the English contract); {} in English or without one."""
    if language() == "en":
        return {}
    paths = [folder / "docstrings" / f"{topic}.md" for folder in _pack_locales(language())]
    path = next((p for p in paths if p.is_file()), None)
    if path is None:
        return {}
    found: dict[str, list[str]] = {}
    current: list[str] | None = None
    for line in path.read_text(encoding="utf-8").splitlines():
        if line.startswith("## "):
            current = found.setdefault(line[3:].strip(), [])
        elif current is not None:
            current.append(line)
    return {name: "\n".join(lines).strip() for name, lines in found.items()}
