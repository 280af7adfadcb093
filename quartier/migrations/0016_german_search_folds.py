"""``german_search_folds(text)``: the words of a text as people type them without umlauts, for the stored search
words of actors (``quartier.sorting.GermanSearchFolds``): "Kästner" also as "kaestner" and "kastner", "Straße" as
"strasse", "Özdemir" as "oezdemir" and "ozdemir".

Self-contained (it does not call ``german_sort_key``): a restore of a dump runs with an empty search path, and
the generated columns that use this function are computed then.
"""

import unicodedata

from django.db import migrations

#: As in ``0015_german_sort_key``: letters filed under their base letter, and those base letters.
FROM = "ÄÖÜäöüÀÁÂÃÅàáâãåĀāĂăĄąÇçĆćČčĎďÈÉÊËèéêëĒēĘęĚěĞğÌÍÎÏìíîïİıĪīŁłÑñŃńŇňÒÓÔÕØòóôõøŌōŐőŘřŚśŞşŠšŢţŤťÙÚÛùúûŪūŮůŰűÝýÿŸŹźŻżŽž"
TO = "".join(
    {"ı": "i", "Ł": "l", "ł": "l", "Ø": "o", "ø": "o"}.get(letter, unicodedata.normalize("NFD", letter)[0].lower())
    for letter in FROM
)


def folded(value: str) -> str:
    """SQL: ``value`` lower case, with every letter of FROM as its base letter and ß, æ, œ spelled out."""
    text = f"translate({value}, '{FROM}', '{TO}')"
    for letter, spelled in (("ß", "ss"), ("ẞ", "ss"), ("Æ", "ae"), ("æ", "ae"), ("Œ", "oe"), ("œ", "oe")):
        text = f"replace({text}, '{letter}', '{spelled}')"
    return f"lower({text})"


def spelled_out(value: str) -> str:
    """SQL: ``value`` with the German umlauts written as two letters (ä as ae), as typed without them."""
    for letter, spelled in (("ä", "ae"), ("ö", "oe"), ("ü", "ue"), ("Ä", "Ae"), ("Ö", "Oe"), ("Ü", "Ue")):
        value = f"replace({value}, '{letter}', '{spelled}')"
    return value


CREATE = f"""
CREATE OR REPLACE FUNCTION german_search_folds(value text) RETURNS text
LANGUAGE sql IMMUTABLE STRICT PARALLEL SAFE
AS $$
    SELECT {folded("value")} || ' ' || {folded(spelled_out("value"))}
$$;
"""

DROP = "DROP FUNCTION IF EXISTS german_search_folds(text);"


class Migration(migrations.Migration):
    dependencies = [("quartier", "0015_german_sort_key")]

    operations = [migrations.RunSQL(CREATE, DROP)]
