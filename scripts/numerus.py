"""Put Qt's plural (numerus) forms back into the .ts files after ``pyside6-lupdate``.

``scripts/translations.sh`` runs it: ``python scripts/numerus.py BEFORE_DIR TS_DIR``.

The code marks a plural the Qt way, one source text and the count: ``translate("Board",
"%n students shown", None, count)``. lupdate's Python parser does not see the count, so it
writes every message as a plain one and turns an existing plural into an unfinished single
translation. This script makes every message whose source has ``%n`` a numerus message again,
with the forms it had before lupdate ran (``BEFORE_DIR`` holds copies of the .ts files). A new
plural gets empty forms marked unfinished, as many as the catalogue's language has (English
two, Japanese one): fill them in with Qt Linguist. Only those messages change; the rest of
lupdate's output is left byte for byte.
"""

from __future__ import annotations

import html
import re
import sys
from pathlib import Path

#: Plural forms per language, as lrelease counts them.
FORMS = {"en": 2, "ja": 1}

_MESSAGE = re.compile(r"<message(?P<attrs>[^>]*)>(?P<body>.*?)</message>", re.S)
_CONTEXT = re.compile(r"<context>\s*<name>(?P<name>.*?)</name>(?P<body>.*?)</context>", re.S)
_SOURCE = re.compile(r"<source>(.*?)</source>", re.S)
_TRANSLATION = re.compile(r"<translation(?P<attrs>[^>]*)>(?P<text>.*?)</translation>", re.S)
_FORM = re.compile(r"<numerusform>(.*?)</numerusform>", re.S)
_LANGUAGE = re.compile(r'<TS [^>]*\slanguage="(?P<lang>[a-z]+)')


def plural_forms(text: str) -> dict[tuple[str, str], tuple[list[str], bool]]:
    """(context, source) → (forms, finished) of every numerus message of a .ts file."""
    found = {}
    for context in _CONTEXT.finditer(text):
        for message in _MESSAGE.finditer(context["body"]):
            if 'numerus="yes"' not in message["attrs"]:
                continue
            source = _SOURCE.search(message["body"])
            translation = _TRANSLATION.search(message["body"])
            if source is None or translation is None:
                continue
            forms = _FORM.findall(translation["text"])
            finished = "unfinished" not in translation["attrs"]
            found[(html.unescape(context["name"]), html.unescape(source[1]))] = (forms, finished)
    return found


def restore(text: str, before: dict[tuple[str, str], tuple[list[str], bool]]) -> str:
    """``text`` (lupdate's output) with every ``%n`` message a numerus message again."""
    language = _LANGUAGE.search(text)
    count = FORMS.get(language["lang"] if language else "", 2)

    def message(context: str, match: re.Match[str]) -> str:
        source = _SOURCE.search(match["body"])
        if source is None or "%n" not in html.unescape(source[1]):
            return match[0]
        forms, finished = before.get((context, html.unescape(source[1])), ([], False))
        if len(forms) != count:
            # A new plural: lupdate kept the old single translation, if there was one.
            single = _TRANSLATION.search(match["body"])
            plain = single is not None and "<numerusform>" not in single["text"]
            kept = single["text"].strip() if single is not None and plain else ""
            forms, finished = [kept] * count, False
        inner = "".join(f"\n            <numerusform>{form}</numerusform>" for form in forms)
        state = "" if finished else ' type="unfinished"'
        translation = f"<translation{state}>{inner}\n        </translation>"
        body = _TRANSLATION.sub(lambda _m: translation, match["body"], count=1)
        return f'<message numerus="yes">{body}</message>'

    def context(match: re.Match[str]) -> str:
        name = html.unescape(match["name"])
        return _MESSAGE.sub(lambda m: message(name, m), match[0])

    return _CONTEXT.sub(context, text)


def main(before_dir: Path, ts_dir: Path) -> int:
    for ts in sorted(ts_dir.glob("*.ts")):
        old = before_dir / ts.name
        before = plural_forms(old.read_text(encoding="utf-8")) if old.exists() else {}
        ts.write_text(restore(ts.read_text(encoding="utf-8"), before), encoding="utf-8")
    return 0


if __name__ == "__main__":
    sys.exit(main(Path(sys.argv[1]), Path(sys.argv[2])))
