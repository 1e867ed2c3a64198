"""The publication list's facet counts: per type, topic, tag, author, year and region, over a
queryset's publications, and the query expressions behind them."""

import collections
import datetime
import functools
import zoneinfo

from django.db import connections, models
from django.db.models.functions import ExtractYear
from django.utils import timezone

from policyhub.editorial.models import PublishableQuerySet


@functools.cache
def new_year_shift(tzname):
    """``(shift, exceptions)``: the local year of a moment is the UTC year of the moment plus
    ``shift`` seconds (the usual offset on 1 January), except in the ``(start, end, year)`` UTC
    ranges of the years whose 1 January had another offset (wartime, a changed standard time).
    Checked from 1900 to 2100."""
    zone = zoneinfo.ZoneInfo(tzname)
    starts = {
        year: datetime.datetime(year, 1, 1, tzinfo=zone)
        .astimezone(datetime.UTC)
        .replace(tzinfo=None)
        for year in range(1900, 2101)
    }
    offsets = collections.Counter(datetime.datetime(y, 1, 1) - s for y, s in starts.items())
    shift = offsets.most_common(1)[0][0]
    exceptions = []
    for year, start in starts.items():
        assumed = datetime.datetime(year, 1, 1) - shift
        if start < assumed:
            exceptions.append((start, assumed, year))
        elif assumed < start:
            exceptions.append((assumed, start, year - 1))
    return int(shift.total_seconds()), exceptions


class UnindexedValue(models.Func):
    """A column's value that SQLite's planner will not read through the column's index (a unary
    plus). Counting publications by type, it walks the type index in order, to group without
    sorting, and looks up every row for its status; reading status, time and type from one
    covering index and sorting the groups is several times faster."""

    template = "%(expressions)s"

    def as_sqlite(self, compiler, connection, **extra_context):
        return self.as_sql(compiler, connection, template="+%(expressions)s", **extra_context)


class LocalYear(ExtractYear):
    """``ExtractYear`` that SQLite computes itself. Django's SQLite version calls a Python
    function for every row (the year facet spent most of its time there). A local year starts at
    local midnight on 1 January, so the local year of a moment is the UTC year of the moment
    shifted by the offset on 1 January, whatever the offset in July."""

    def as_sqlite(self, compiler, connection, **extra_context):
        shift, exceptions = new_year_shift(self.get_tzname() or "UTC")
        sql, params = compiler.compile(self.lhs)
        # Stored as "YYYY-MM-DD HH:MM:SS[.ffffff]" in UTC: text comparison is time order.
        cases, case_params = "", []
        for start, end, year in exceptions:
            cases += f"WHEN {sql} >= %s AND {sql} < %s THEN %s "
            case_params += [*params, str(start), *params, str(end), year]
        year_sql = f"CAST(strftime('%%Y', {sql}, %s) AS integer)"
        year_params = [*params, f"{shift:+d} seconds"]
        if not cases:
            return year_sql, year_params
        return f"CASE {cases}ELSE {year_sql} END", [*case_params, *year_params]


class FacetCountsQuerySet(PublishableQuerySet):
    """Counts for the facets of a publication list. The model's queryset says, in
    ``_facet_pairs(relation)``, which (publication, value) pairs a facet counts."""

    # Filters above use ``pk__in`` subqueries rather than joins, so rows never repeat and the
    # aggregate counts below stay correct however many filters are combined. The counts run on
    # the narrow through tables against this queryset's ids, and need no DISTINCT: each
    # (publication, value) pair is unique (constraints on every through table).

    def count_by(self, relation):
        """``[{"slug", "name", "count"}]`` for a relation with slug and name (publication_type,
        topics, tags, authors), most used first, in one aggregate query."""
        pairs, column, target = self._facet_pairs(relation)
        sql, params = self._counts_sql(pairs, column)
        return self._named_counts(sql, params, target)

    def count_published_by(self, relation, at=None):
        """``published(at).count_by(relation)`` for the whole table, in one statement: the values
        of every publication less those of the hidden ones.

        Nearly every publication is published, so counting the few hidden ones is cheaper than
        asking, link by link, whether its publication is published: every link is read once, in
        index order (bench/README.md). A
        value used only by hidden publications nets zero and is left out, like in count_by().
        """
        if self.query.where:
            raise ValueError("count_published_by() counts the whole table: use count_by().")
        every, column, target = self._facet_pairs(relation, everything=True)
        hidden, _, _ = self.hidden(at)._facet_pairs(relation)
        sql, params = self._complement_counts_sql(every, hidden, column)
        return self._named_counts(sql, params, target)

    def _complement_counts_sql(self, every, hidden, column):
        """``SELECT facet_id, n``: the counts of ``every`` pair less those of ``hidden``, in one
        statement (one snapshot); values left with no pair are left out."""
        every_sql, every_params = self._counts_sql(every, column)
        hidden_sql, hidden_params = self._counts_sql(hidden, column)
        # Our own SQL around the ORM's; values are bound parameters.
        sql = (
            "SELECT facet_id, CAST(SUM(n) AS bigint) AS n FROM ("  # noqa: S608
            f"SELECT facet_id, n FROM ({every_sql}) e "
            f"UNION ALL SELECT facet_id, -n FROM ({hidden_sql}) h"
            ") u GROUP BY facet_id HAVING SUM(n) > 0"
        )
        return sql, [*every_params, *hidden_params]

    def _named_counts(self, sql, params, target):
        rows = self._join_counts_sql(
            sql, params, target, ["slug", "name"], "c.n DESC, LOWER(t.name), t.name"
        )
        return [{"slug": slug, "name": name, "count": n} for slug, name, n in rows]

    def _counts_sql(self, pairs, column):
        """``SELECT facet_id, n``: how many of ``pairs`` have each value of ``column``."""
        facet_id = models.F(column)
        if column == "publication_type_id" and pairs.query.where:
            facet_id = UnindexedValue(facet_id)
        counts = pairs.values(facet_id=facet_id).annotate(n=models.Count("*")).order_by()
        return counts.query.sql_with_params()

    def _join_counts_sql(self, sql, params, target, fields, order, outer=False):
        """``fields`` of ``target`` joined to the counts of ``sql`` (``facet_id, n`` rows).

        Counted by id first, then joined for the few values' fields: the names are not dragged
        through the aggregation. A join on a derived table is not something the ORM writes,
        hence the SQL around its query. ``outer`` keeps the values with no pairs (count 0).
        """
        connection = connections[self.db]
        quote = connection.ops.quote_name
        table, pk = quote(target._meta.db_table), quote(target._meta.pk.column)
        columns = ", ".join(f"t.{quote(target._meta.get_field(name).column)}" for name in fields)
        if outer:
            source = f"{table} t LEFT JOIN ({sql}) c ON t.{pk} = c.facet_id"
        else:
            source = f"({sql}) c INNER JOIN {table} t ON t.{pk} = c.facet_id"
        # Names quoted, values bound as parameters.
        statement = f"SELECT {columns}, COALESCE(c.n, 0) FROM {source} ORDER BY {order}"  # noqa: S608
        with connection.cursor() as cursor:
            cursor.execute(statement, params)
            return cursor.fetchall()

    def count_by_year(self):
        return list(
            self.order_by()
            .annotate(year=LocalYear("published_at"))
            .values("year")
            .annotate(count=models.Count("*"))
            .order_by("-year")
        )

    def count_by_region(self):
        """Counts per region, each including its sub-regions without counting a publication twice.

        Two queries: every region with its direct count (exact for a region without sub-regions),
        then, for the regions with sub-regions, how many of these publications sit anywhere in the
        subtree.
        """
        pairs = self.model.regions.through.objects.filter(
            publication__in=self.order_by().values("pk")
        )
        direct_sql, direct_params = self._counts_sql(pairs, "region_id")
        return self._region_counts(
            direct_sql, direct_params, lambda **counts: self.order_by().aggregate(**counts)
        )

    def count_published_by_region(self, at=None):
        """``published(at).count_by_region()`` for the whole table, the direct counts taken as
        every publication's less the hidden ones' (see ``count_published_by``)."""
        if self.query.where:
            raise ValueError("count_published_by_region() counts the whole table.")
        at = at or timezone.now()  # one moment for both queries
        links = self.model.regions.through.objects
        hidden = self.hidden(at).order_by()
        direct_sql, direct_params = self._complement_counts_sql(
            links.all(), links.filter(publication__in=hidden.values("pk")), "region_id"
        )

        # The few regions with sub-regions are counted over the published ones, in one query.
        published = self.published(at).order_by()
        return self._region_counts(
            direct_sql, direct_params, lambda **counts: published.aggregate(**counts)
        )

    def _region_counts(self, direct_sql, direct_params, aggregate):
        # (id, parent id, slug, name, direct count) for every region.
        regions = self._join_counts_sql(
            direct_sql,
            direct_params,
            self.model.regions.field.related_model,
            ["id", "parent", "slug", "name"],
            "t.id",
            outer=True,
        )
        children = {}
        for pk, parent_id, *_ in regions:
            children.setdefault(parent_id, []).append(pk)

        def subtree(region_id):
            found, frontier = {region_id}, [region_id]
            while frontier:
                for child_id in children.get(frontier.pop(), ()):
                    if child_id not in found:
                        found.add(child_id)
                        frontier.append(child_id)
            return found

        # A publication in a region and in one of its sub-regions counts once for the region.
        subtrees = {pk: subtree(pk) for pk, *_ in regions if pk in children}
        totals = {pk: direct for pk, *_, direct in regions}
        if subtrees:
            in_subtree = {
                f"r{region_id}": models.Count(
                    "pk",
                    filter=models.Q(
                        pk__in=self.model.regions.through.objects.filter(
                            region_id__in=members
                        ).values("publication_id")
                    ),
                )
                for region_id, members in subtrees.items()
            }
            for key, count in aggregate(**in_subtree).items():
                totals[int(key[1:])] = count
        counts = [
            {"slug": slug, "name": name, "count": totals[pk]}
            for pk, _parent_id, slug, name, _direct in regions
            if totals[pk]
        ]
        counts.sort(key=lambda row: (-row["count"], row["name"].lower(), row["name"]))
        return counts
