"""Query expressions behind the publication list's facet counts."""

import collections
import datetime
import functools
import zoneinfo

from django.db import models
from django.db.models.functions import ExtractYear


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
    plus). Counting publications by type, it walked the type index in order, to group without
    sorting, and looked up every row for its status: ~300 ms at 100,000 publications, against
    ~40 ms reading status, time and type from one covering index and sorting the groups."""

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
