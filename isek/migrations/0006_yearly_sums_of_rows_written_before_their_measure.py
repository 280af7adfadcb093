"""The yearly sums of rows written before their measure (``YearlySum``, migration 0004).

Django checks its foreign keys at the commit, so a planned cost, financing or spending may be written before the
measure it names in the same transaction (a fixture loaded in any order, raw SQL, a measure deleted and written
back). The rows' triggers find no measure then, so no version to add them to, and they counted nowhere. A new
measure now adds the rows that already name it: those its rows' triggers could not count. Once per statement over
the new measures (a copied version's are written in one).
"""

from django.db import migrations

CREATE = """
CREATE FUNCTION isek_sums_of_new_measures() RETURNS trigger
LANGUAGE plpgsql AS $$
DECLARE
    part record;
BEGIN
    FOR part IN
        SELECT measure.version_id, 'kosten' AS kind, row.year AS year, '' AS source,
               sum(row.amount) AS amount, count(*)::int AS n
        FROM new_measures measure JOIN isek_plannedcost row ON row.measure_id = measure.id
        GROUP BY 1, 2, 3, 4
        UNION ALL
        SELECT measure.version_id, 'finanzierung', row.year, row.source, sum(row.amount), count(*)::int
        FROM new_measures measure JOIN isek_financing row ON row.measure_id = measure.id
        GROUP BY 1, 2, 3, 4
        UNION ALL
        SELECT measure.version_id, 'ausgaben', EXTRACT(YEAR FROM row.date)::int, row.source, sum(row.amount),
               count(*)::int
        FROM new_measures measure JOIN isek_spending row ON row.measure_id = measure.id
        GROUP BY 1, 2, 3, 4
        ORDER BY 1, 2, 3, 4  -- the sums in the same order in every transaction: two writers wait, not deadlock
    LOOP
        PERFORM isek_sums_add(part.version_id, part.kind, part.year, part.source, part.amount, part.n);
    END LOOP;
    RETURN NULL;
END $$;

CREATE TRIGGER isek_sums_of_new_measures AFTER INSERT ON isek_measure REFERENCING NEW TABLE AS new_measures
FOR EACH STATEMENT EXECUTE FUNCTION isek_sums_of_new_measures();
"""

DROP = """
DROP TRIGGER IF EXISTS isek_sums_of_new_measures ON isek_measure;
DROP FUNCTION IF EXISTS isek_sums_of_new_measures();
"""


class Migration(migrations.Migration):
    dependencies = [
        ("isek", "0005_yearly_sums_wider_than_a_row"),
    ]

    operations = [
        migrations.RunSQL(CREATE, DROP),
        # Rows a measure written after them left out before this migration.
        migrations.RunSQL("SELECT isek_rebuild_sums();", migrations.RunSQL.noop),
    ]
