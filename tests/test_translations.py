from pathlib import Path

import polib

LOCALE = Path(__file__).resolve().parents[1] / "locale" / "id" / "LC_MESSAGES"


def test_every_indonesian_translation_is_done():
    po = polib.pofile(str(LOCALE / "django.po"))
    assert po.untranslated_entries() == []
    assert po.fuzzy_entries() == []


def test_the_compiled_catalogue_matches_the_po_file():
    """The .mo file ships in the repository (a fresh machine may lack gettext); it must be compiled from the .po."""
    po = polib.pofile(str(LOCALE / "django.po"))
    mo = polib.mofile(str(LOCALE / "django.mo"))

    def entries(catalogue):
        return {(e.msgid, e.msgstr, tuple(sorted(e.msgstr_plural.items()))) for e in catalogue if e.msgid}

    assert entries(mo) == entries(po)
