"""``german_sort_key(text)``: a name as German lists sort it (DIN 5007-1), for ``quartier.sorting``.

Not an ICU collation ("de-u-ks-level2"): the embedded PostgreSQL of ``make run`` / ``make test`` (pgserver) is
built without ICU, so such a collation does not exist there, and a libc collation such as "de_DE.utf8" exists
only where the server's operating system has that locale. A plain SQL function gives the same order on every
server: umlauts and accented letters as their base letter (ä with a, ö with o, ü with u), ß as ss, case
ignored. Its result is compared under the "C" collation (which every server has), so punctuation and spaces
sort the same everywhere too. IMMUTABLE, so indexes can hold it.
"""

import unicodedata

from django.db import migrations

# One character each: the letters a German list files under their base letter (German, French, Turkish,
# Polish, Czech and other Latin names), upper and lower case, because lower() of a server with the "C" locale
# changes only ASCII letters.
FROM = "ÄÖÜäöüÀÁÂÃÅàáâãåĀāĂăĄąÇçĆćČčĎďÈÉÊËèéêëĒēĘęĚěĞğÌÍÎÏìíîïİıĪīŁłÑñŃńŇňÒÓÔÕØòóôõøŌōŐőŘřŚśŞşŠšŢţŤťÙÚÛùúûŪūŮůŰűÝýÿŸŹźŻżŽž"
#: Their base letters, in lower case: the first letter of each one's decomposition, and by hand those that have
#: none (ı, ł, ø).
TO = "".join(
    {"ı": "i", "Ł": "l", "ł": "l", "Ø": "o", "ø": "o"}.get(letter, unicodedata.normalize("NFD", letter)[0].lower())
    for letter in FROM
)

CREATE = f"""
CREATE OR REPLACE FUNCTION german_sort_key(value text) RETURNS text
LANGUAGE sql IMMUTABLE STRICT PARALLEL SAFE
AS $$
    SELECT lower(
        replace(replace(replace(replace(replace(replace(
            translate(value, '{FROM}', '{TO}'),
        'ß', 'ss'), 'ẞ', 'ss'), 'Æ', 'ae'), 'æ', 'ae'), 'Œ', 'oe'), 'œ', 'oe')
    )
$$;
"""

DROP = "DROP FUNCTION IF EXISTS german_sort_key(text);"


class Migration(migrations.Migration):
    dependencies = [("quartier", "0014_merge_step_duplicates_in_audit_trail")]

    operations = [migrations.RunSQL(CREATE, DROP)]
