"""The ISEK's yearly sums (``YearlySum``): per version, kind, year and source, what the cost and financing overview
shows, kept by PostgreSQL itself.

Triggers on the planned costs, financing and spending add each new row to its version's sum and take each old row
away, in the same transaction as the write, whatever wrote it (a service, a form, the admin, ``bulk_create``,
``QuerySet.update``, raw SQL): once per statement, over the rows it wrote and those it replaced or deleted
(transition tables), so that a statement of many rows changes each sum once. A measure given to another version takes its rows' sums along; a deleted measure
takes away the sums of the rows it still has (PostgreSQL checks Django's foreign keys at the commit, so its rows may
go after it, when their own trigger no longer finds its version). ``TRUNCATE`` deletes no rows one by one: the sums
are then rebuilt from the rows (``isek_rebuild_sums()``, which also fills the table here).

Taking away never inserts: when a version is deleted, Django deletes its sums and its rows in an order of its own,
and a sum already gone must stay gone. A sum whose last row goes is deleted, as that year disappeared from the
``GROUP BY`` that the table replaces.
"""

import django.db.models.deletion
from django.db import migrations, models

# kind code of YearlySum.Kind, table, the year of a row, its source ('' for the planned costs: they have none)
ROWS = (
    ("kosten", "isek_plannedcost", "{row}.year", "''"),
    ("finanzierung", "isek_financing", "{row}.year", "{row}.source"),
    ("ausgaben", "isek_spending", "EXTRACT(YEAR FROM {row}.date)::int", "{row}.source"),
)

HELPERS = """
CREATE FUNCTION isek_sums_add(v bigint, k text, y int, s text, a numeric, n int) RETURNS void
LANGUAGE plpgsql AS $$
BEGIN
    INSERT INTO isek_yearlysum AS sums (version_id, kind, year, source, amount, rows)
    VALUES (v, k, y, s, a, n)
    ON CONFLICT (version_id, kind, year, source)
    DO UPDATE SET amount = sums.amount + EXCLUDED.amount, rows = sums.rows + EXCLUDED.rows;
END $$;

-- An UPDATE only: never brings back a sum that is gone (its version's, while Django deletes the version).
CREATE FUNCTION isek_sums_subtract(v bigint, k text, y int, s text, a numeric, n int) RETURNS void
LANGUAGE plpgsql AS $$
DECLARE
    sum_id bigint;
    left_rows int;
BEGIN
    UPDATE isek_yearlysum SET amount = amount - a, rows = rows - n
    WHERE version_id = v AND kind = k AND year = y AND source = s
    RETURNING id, rows INTO sum_id, left_rows;
    IF left_rows = 0 THEN
        DELETE FROM isek_yearlysum WHERE id = sum_id;
    END IF;
END $$;

CREATE FUNCTION isek_rebuild_sums() RETURNS void
LANGUAGE plpgsql AS $$
BEGIN
    DELETE FROM isek_yearlysum;
    INSERT INTO isek_yearlysum (version_id, kind, year, source, amount, rows)
    SELECT measure.version_id, 'kosten', row.year, '', sum(row.amount), count(*)
    FROM isek_plannedcost row JOIN isek_measure measure ON measure.id = row.measure_id
    GROUP BY 1, 2, 3, 4;
    INSERT INTO isek_yearlysum (version_id, kind, year, source, amount, rows)
    SELECT measure.version_id, 'finanzierung', row.year, row.source, sum(row.amount), count(*)
    FROM isek_financing row JOIN isek_measure measure ON measure.id = row.measure_id
    GROUP BY 1, 2, 3, 4;
    INSERT INTO isek_yearlysum (version_id, kind, year, source, amount, rows)
    SELECT measure.version_id, 'ausgaben', EXTRACT(YEAR FROM row.date)::int, row.source, sum(row.amount), count(*)
    FROM isek_spending row JOIN isek_measure measure ON measure.id = row.measure_id
    GROUP BY 1, 2, 3, 4;
END $$;

CREATE FUNCTION isek_sums_after_truncate() RETURNS trigger
LANGUAGE plpgsql AS $$
BEGIN
    PERFORM isek_rebuild_sums();
    RETURN NULL;
END $$;

-- A measure's rows count for its version while it exists: given to another version, it takes their sums along;
-- deleted before its rows (the foreign keys are checked at the commit), it takes away what they still add.
CREATE FUNCTION isek_sums_of_measure() RETURNS trigger
LANGUAGE plpgsql AS $$
DECLARE
    part record;
BEGIN
    FOR part IN
        SELECT 'kosten' AS kind, row.year AS year, '' AS source, sum(row.amount) AS amount, count(*)::int AS n
        FROM isek_plannedcost row WHERE row.measure_id = OLD.id GROUP BY row.year
        UNION ALL
        SELECT 'finanzierung', row.year, row.source, sum(row.amount), count(*)::int
        FROM isek_financing row WHERE row.measure_id = OLD.id GROUP BY row.year, row.source
        UNION ALL
        SELECT 'ausgaben', EXTRACT(YEAR FROM row.date)::int, row.source, sum(row.amount), count(*)::int
        FROM isek_spending row WHERE row.measure_id = OLD.id GROUP BY 2, row.source
    LOOP
        PERFORM isek_sums_subtract(OLD.version_id, part.kind, part.year, part.source, part.amount, part.n);
        IF TG_OP = 'UPDATE' THEN
            PERFORM isek_sums_add(NEW.version_id, part.kind, part.year, part.source, part.amount, part.n);
        END IF;
    END LOOP;
    RETURN NULL;
END $$;

CREATE TRIGGER isek_sums_of_measure AFTER UPDATE OF version_id ON isek_measure
FOR EACH ROW WHEN (OLD.version_id IS DISTINCT FROM NEW.version_id) EXECUTE FUNCTION isek_sums_of_measure();
CREATE TRIGGER isek_sums_of_deleted_measure AFTER DELETE ON isek_measure
FOR EACH ROW EXECUTE FUNCTION isek_sums_of_measure();
"""

# What a statement changed, per version, year and source: the amounts and the number of the rows it wrote
# (``NEW TABLE``), taken away for those it replaced or deleted (``OLD TABLE``). A row of a measure that is gone
# counts no more (``isek_sums_of_measure`` took it away when the measure went).
PART = """
        SELECT measure.version_id, {year} AS year, {source} AS source,
               {sign}sum(changed.amount) AS amount, {sign}count(*) AS n
        FROM {rows} changed JOIN isek_measure measure ON measure.id = changed.measure_id
        GROUP BY 1, 2, 3"""

# Run once per statement, not per row: a bulk_create or an UPDATE of thousands of rows changes each sum once. Per
# row, each change of a sum in one transaction leaves a row version that the next change of it must step over, so
# the cost grew with the square of the rows per sum (20,000 spendings of one year and source: 8 s instead of 0.1 s).
# A sum whose number of rows does not grow is changed by an UPDATE only (``isek_sums_subtract``).
STATEMENT_FUNCTION = """
CREATE FUNCTION isek_sums_of_{table}_{event}() RETURNS trigger
LANGUAGE plpgsql AS $$
DECLARE
    change record;
BEGIN
    FOR change IN
        SELECT version_id, year, source, sum(amount) AS amount, sum(n)::int AS n
        FROM ({changes}
        ) AS changes
        GROUP BY 1, 2, 3
        ORDER BY 1, 2, 3  -- the sums in the same order in every transaction: two writers wait, not deadlock
    LOOP
        IF change.n > 0 THEN
            PERFORM isek_sums_add(change.version_id, '{kind}', change.year, change.source, change.amount, change.n);
        ELSIF change.n < 0 OR change.amount <> 0 THEN
            PERFORM isek_sums_subtract(
                change.version_id, '{kind}', change.year, change.source, -change.amount, -change.n
            );
        END IF;
    END LOOP;
    RETURN NULL;
END $$;
"""

TRIGGERS = """
CREATE TRIGGER isek_sums_insert AFTER INSERT ON {table} REFERENCING NEW TABLE AS new_rows
FOR EACH STATEMENT EXECUTE FUNCTION isek_sums_of_{table}_insert();
CREATE TRIGGER isek_sums_update AFTER UPDATE ON {table} REFERENCING OLD TABLE AS old_rows NEW TABLE AS new_rows
FOR EACH STATEMENT EXECUTE FUNCTION isek_sums_of_{table}_update();
CREATE TRIGGER isek_sums_delete AFTER DELETE ON {table} REFERENCING OLD TABLE AS old_rows
FOR EACH STATEMENT EXECUTE FUNCTION isek_sums_of_{table}_delete();
CREATE TRIGGER isek_sums_after_truncate AFTER TRUNCATE ON {table}
FOR EACH STATEMENT EXECUTE FUNCTION isek_sums_after_truncate();
"""

EVENTS = ("insert", "update", "delete")


def of_table(kind: str, table: str, year: str, source: str) -> str:
    """The trigger functions and the triggers of one table of rows."""
    columns = {"year": year.format(row="changed"), "source": source.format(row="changed")}
    added = PART.format(**columns, sign="", rows="new_rows")
    taken = PART.format(**columns, sign="-", rows="old_rows")
    changes = {"insert": added, "update": f"{taken}\n        UNION ALL{added}", "delete": taken}
    functions = "".join(
        STATEMENT_FUNCTION.format(table=table, event=event, kind=kind, changes=changes[event]) for event in EVENTS
    )
    return functions + TRIGGERS.format(table=table)


CREATE = HELPERS + "".join(of_table(*row) for row in ROWS)

DROP = (
    "".join(
        f"DROP TRIGGER IF EXISTS isek_sums_{event} ON {table};\n"
        f"DROP FUNCTION IF EXISTS isek_sums_of_{table}_{event}();\n"
        for _kind, table, _year, _source in ROWS
        for event in EVENTS
    )
    + "".join(f"DROP TRIGGER IF EXISTS isek_sums_after_truncate ON {table};\n" for _k, table, _y, _s in ROWS)
    + """
DROP TRIGGER IF EXISTS isek_sums_of_measure ON isek_measure;
DROP TRIGGER IF EXISTS isek_sums_of_deleted_measure ON isek_measure;
DROP FUNCTION IF EXISTS isek_sums_of_measure();
DROP FUNCTION IF EXISTS isek_sums_after_truncate();
DROP FUNCTION IF EXISTS isek_rebuild_sums();
DROP FUNCTION IF EXISTS isek_sums_subtract(bigint, text, int, text, numeric, int);
DROP FUNCTION IF EXISTS isek_sums_add(bigint, text, int, text, numeric, int);
"""
)


class Migration(migrations.Migration):
    dependencies = [
        ("isek", "0003_rename_quartier_to_area"),
    ]

    operations = [
        migrations.CreateModel(
            name="YearlySum",
            fields=[
                ("id", models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name="ID")),
                (
                    "kind",
                    models.CharField(
                        choices=[("kosten", "Planned cost"), ("finanzierung", "Financing"), ("ausgaben", "Spent")],
                        max_length=12,
                        verbose_name="kind",
                    ),
                ),
                ("year", models.PositiveSmallIntegerField(verbose_name="year")),
                (
                    "source",
                    models.CharField(
                        blank=True,
                        choices=[
                            ("bund", "Urban development funding: federal"),
                            ("land", "Urban development funding: state"),
                            ("kommune", "Urban development funding: municipality"),
                            ("programm", "Other programmes"),
                            ("dritte", "Third parties"),
                            ("privat", "Private"),
                        ],
                        max_length=10,
                        verbose_name="source",
                    ),
                ),
                ("amount", models.DecimalField(decimal_places=2, max_digits=14, verbose_name="amount (€)")),
                ("rows", models.PositiveIntegerField(verbose_name="rows")),
                (
                    "version",
                    models.ForeignKey(
                        db_index=False,
                        on_delete=django.db.models.deletion.CASCADE,
                        related_name="+",
                        to="isek.version",
                    ),
                ),
            ],
            options={
                "verbose_name": "yearly sum",
                "verbose_name_plural": "yearly sums",
                "constraints": [
                    models.UniqueConstraint(fields=("version", "kind", "year", "source"), name="yearlysum_one_per_key")
                ],
            },
        ),
        migrations.RunSQL(CREATE, DROP),
        migrations.RunSQL("SELECT isek_rebuild_sums();", migrations.RunSQL.noop),
    ]
