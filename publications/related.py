"""Related publications: the editors' choices, then the publications sharing the most tags and
topics, each with the reason it is shown."""

from django.db import connections, models

from policyhub.editorial import datacache

from .models import Publication, TaggedPublication


def related_publications(publication, limit=4):
    """Published publications to read next, each with a ``reason``.

    The editors' choices come first, in their order; the rest are filled with publications
    sharing the most tags and topics with this one (newest first on a tie). Five queries
    however many candidates there are.
    """
    published = Publication.objects.published()
    chosen = []
    links = (
        publication.related_links.filter(
            models.Exists(published.filter(pk=models.OuterRef("to_publication")))
        )
        .select_related("to_publication__publication_type")
        .order_by("order", "pk")[:limit]
    )
    for link in links:
        link.to_publication.reason = "recommended by our editors"
        chosen.append(link.to_publication)
    missing = limit - len(chosen)
    if missing <= 0:
        return chosen

    tag_ids = TaggedPublication.objects.filter(content_object=publication).values("tag_id")
    topics = Publication.topics.through.objects
    topic_ids = topics.filter(publication=publication).values("topic_id")
    others = published.exclude(pk=publication.pk).exclude(pk__in=[p.pk for p in chosen])
    # The ranking reads every publication sharing a tag or topic (half the archive for the
    # commonest tags) and depends on counted data only: it outlives edits of texts.
    ranked = datacache.remember(
        f"related-ranking:{publication.pk}:{missing}:{','.join(str(p.pk) for p in chosen)}",
        lambda: ranked_neighbours(others, tag_ids, topic_ids, missing),
        counts=True,
    )
    by_pk = others.filter(pk__in=ranked).select_related("publication_type").in_bulk()
    candidates = [by_pk[pk] for pk in ranked if pk in by_pk]
    if candidates:
        tag_rows = (
            TaggedPublication.objects.filter(content_object_id__in=by_pk, tag_id__in=tag_ids)
            .annotate(kind=models.Value("tag"), name=models.F("tag__name"))
            .values_list("content_object_id", "kind", "name")
        )
        topic_rows = (
            Publication.topics.through.objects.filter(
                publication_id__in=by_pk, topic_id__in=topic_ids
            )
            .annotate(kind=models.Value("topic"), name=models.F("topic__name"))
            .values_list("publication_id", "kind", "name")
        )
        names = {"tag": {}, "topic": {}}
        for pk, kind, name in tag_rows.union(topic_rows, all=True).order_by("name"):
            names[kind].setdefault(pk, []).append(name)
        for candidate in candidates:
            candidate.reason = shared_reason(
                names["tag"].get(candidate.pk, []), names["topic"].get(candidate.pk, [])
            )
    return chosen + candidates


def ranked_neighbours(candidates, tag_ids, topic_ids, limit):
    """Ids of the ``limit`` publications of ``candidates`` sharing the most tags and topics,
    newest first on a tie, best first.

    Starts from the through tables (the rows of these tags and topics, by their indexes) and
    only then looks up those publications: the cost follows how many publications share
    something with this one, not the size of the archive. The filter is the ORM's own
    ``candidates`` condition, so "published" is not restated here.

    SQLite counts per publication first, then looks up each counted one by key: it would
    rather walk every published row (a nested loop over a derived table is not something
    the ORM writes), and ``CROSS JOIN`` keeps its join order. PostgreSQL joins the rows
    first and counts after: it cannot estimate a join on counted rows and would probe the
    visibility index once per neighbour; joining first, it hashes the published ids from
    that index instead (the same shape is several times slower on SQLite).
    """
    connection = connections[candidates.db]
    count_first = connection.vendor == "sqlite"
    shared = []
    for through, owner, column, ids in (
        (TaggedPublication, "content_object_id", "tag_id", tag_ids),
        (Publication.topics.through, "publication_id", "topic_id", topic_ids),
    ):
        rows = through.objects.filter(**{f"{column}__in": ids}).values(pid=models.F(owner))
        if count_first:
            rows = rows.annotate(n=models.Count("*"))
        shared.append(rows.order_by().query.sql_with_params())
    compiler = candidates.query.get_compiler(connection=connection)
    where, where_params = compiler.compile(candidates.query.where)
    quote = connection.ops.quote_name
    table = quote(Publication._meta.db_table)
    pk, published_at = f"{table}.{quote('id')}", f"{table}.{quote('published_at')}"
    (tags_sql, tags_params), (topics_sql, topics_params) = shared
    rows = f"({tags_sql} UNION ALL {topics_sql}) s"
    if count_first:
        statement = (
            f"SELECT c.pid FROM (SELECT s.pid AS pid, SUM(s.n) AS score FROM {rows} "  # noqa: S608
            f"GROUP BY s.pid) c CROSS JOIN {table} WHERE {pk} = c.pid AND {where} "
            f"ORDER BY c.score DESC, {published_at} DESC, {pk} DESC LIMIT %s"
        )
    else:
        statement = (
            f"SELECT {pk} FROM {rows} CROSS JOIN {table} "  # noqa: S608
            f"WHERE {pk} = s.pid AND {where} GROUP BY {pk}, {published_at} "
            f"ORDER BY COUNT(*) DESC, {published_at} DESC, {pk} DESC LIMIT %s"
        )
    with connection.cursor() as cursor:
        cursor.execute(statement, [*tags_params, *topics_params, *where_params, limit])
        return [row[0] for row in cursor.fetchall()]


def shared_reason(tag_names, topic_names):
    """ "shares tags: sanctions, North Korea; topic: Humanitarian aid" """
    parts = []
    if tag_names:
        parts.append(f"{'tags' if len(tag_names) > 1 else 'tag'}: {', '.join(tag_names)}")
    if topic_names:
        parts.append(f"{'topics' if len(topic_names) > 1 else 'topic'}: {', '.join(topic_names)}")
    return "shares " + "; ".join(parts)
