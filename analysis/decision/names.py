"""Readable names of a decision study's uncertainties (epävarmuuksien nimet).

An uncertainty is a key path of the scenario schema (``services.coaching.extra_applications``,
``providers."Valmennus Oy".quality``). The report and the dashboard show it by
:func:`uncertainty_label`: the key's last part in plain words with the key beside it,
``extra applications (services.coaching.extra_applications)``. In Finnish the field's
Finnish term takes the place of the plain words where the schema's description of the field
gives one (``suhdannevaihtelu (economy.cycle_amplitude)``, :func:`finnish_term`); nothing
is translated here, so the other keys keep the English words of their names. A key that
is not a value of the schema is shown as it is.
"""

from __future__ import annotations

import re
from functools import cache

OPENING = re.compile(r"^([^():;.]*?) \(([^()]*)\)")
"""A description's first clause ending in a parenthesis: ``Business cycle (suhdannevaihtelu)``."""
MAX_OPENING_WORDS = 12
"""A parenthesis after more words than this explains the clause rather than naming it."""
VOWELS = "aeiouyäöå"
ABBREVIATIONS = {"eur": "EUR", "sd": "SD", "kra": "KRA"}
"""Parts of a key's name written otherwise in plain words."""


def schema_path(key: str) -> str | None:
    """The schema path of a key (``providers."Valmennus Oy".quality`` → ``providers.quality``).

    An element of a list of tables (a name or an index) is left out, as the parameter
    reference (``docs/parameters.md``) lists the fields. None when ``key`` names no value
    of the schema.
    """
    from sim.scenario import Scenario
    from sim.scenario.overrides import inner_model, split_key

    try:
        parts = split_key(key)
    except ValueError:
        return None
    model, names, element_next = Scenario, [], False
    for part in parts:
        if element_next:  # the name or index of a list's element
            element_next = False
            continue
        field = model.model_fields.get(part.text) if model is not None else None
        if field is None:
            return None
        names.append(part.text)
        model, is_list = inner_model(field.annotation)
        element_next = is_list and model is not None
    return ".".join(names) if model is None and not element_next else None


def finnish_term(description: str) -> str | None:
    """The Finnish term a field's description gives for the field, or None.

    The schema's convention is the English words and the Finnish term in parentheses right
    after them, in the description's first clause: ``Business cycle (suhdannevaihtelu):
    ...``, ``... a better job (on-the-job search, työnhaku työstä); ...`` (the last of the
    parenthesis's comma-separated parts). Parentheses there also explain in English
    (``(discouraged workers)``); a term counts as Finnish only when every word of it is
    spelt as a Finnish word is (:func:`spelt_finnish`).

    Args:
        description: the field's description in the schema.
    """
    found = OPENING.match(description)
    if found is None or len(found.group(1).split()) > MAX_OPENING_WORDS:
        return None
    term = found.group(2).split(", ")[-1]
    return term if all(spelt_finnish(word) for word in term.split(" ")) else None


def spelt_finnish(word: str) -> bool:
    """Whether ``word`` is spelt the way a native Finnish word is.

    Lower case, none of b c f q w x z, no two consonants at its start or end, no three in a
    row, and it ends in a vowel or in n, s, t, l or r (``suhdannevaihtelu``, ``maakunnat``;
    not ``assumption``, ``workers`` or ``returners``).

    Args:
        word: one word of a term.
    """
    if not re.fullmatch(r"[a-zäöå]{3,}", word) or re.search(r"[bcfqwxz]", word):
        return False
    runs = re.findall(f"[^{VOWELS}]+", word)
    return (max(map(len, runs), default=0) <= 2
            and (word[0] in VOWELS or word[1] in VOWELS)
            and (word[-1] in VOWELS or (word[-1] in "nstlr" and word[-2] in VOWELS)))


@cache
def finnish_terms() -> dict[str, str]:
    """The Finnish term of every field whose description gives one, by schema path."""
    from ..paramdoc import fields

    return {doc.path: term for doc in fields()
            if (term := finnish_term(doc.meaning)) is not None}


def plain_words(name: str) -> str:
    """A field's name in words: ``cost_eur_per_month`` → ``cost EUR per month``."""
    return " ".join(ABBREVIATIONS.get(part, part) for part in name.split("_") if part)


def uncertainty_name(key: str, lang: str) -> str:
    """An uncertainty's name alone, where its key is shown nearby (a chart's axis).

    Args:
        key: the uncertainty's key path.
        lang: ``fi`` (the schema's Finnish term where it gives one) or ``en``.

    Returns:
        ``cycle amplitude`` or ``suhdannevaihtelu``; ``key`` itself when it names no value
        of the schema.
    """
    from ..report.i18n import check_language

    check_language(lang)
    path = schema_path(key)
    if path is None:
        return key
    name = finnish_terms().get(path) if lang == "fi" else None
    return name or plain_words(path.rpartition(".")[2])


def uncertainty_label(key: str, lang: str, sep: str = " ") -> str:
    """How an uncertainty is shown in ``lang``: its name and the key in parentheses.

    Args:
        key: the uncertainty's key path.
        lang: ``fi`` (the schema's Finnish term where it gives one) or ``en``.
        sep: between the name and the parenthesis (a line break for a figure's tick
            label).

    Returns:
        ``cycle amplitude (economy.cycle_amplitude)`` in English, ``suhdannevaihtelu
        (economy.cycle_amplitude)`` in Finnish (:func:`uncertainty_name`); ``key`` itself
        when it names no value of the schema.
    """
    name = uncertainty_name(key, lang)
    return key if name == key else f"{name}{sep}({key})"
