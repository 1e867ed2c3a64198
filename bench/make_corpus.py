"""Synthetic content as a JSON Lines file for ``manage.py import_content`` (docs/interchange.md).

    .venv/bin/python bench/make_corpus.py 100000 /tmp/corpus-100k.jsonl --seed 1

The same N and seed always give the same bytes (no clock, no global random state). About one
option per 20 publications; 90% of publications published, 7% drafts, 3% scheduled (dates in
2099); related publications and option sources point both backwards and forwards in the file.
"""

import argparse
import bisect
import itertools
import json
import random
import sys
from datetime import UTC, datetime, timedelta
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

from words import vocabulary, zipf_weights

TYPES = ["Report", "Policy brief", "Commentary", "Working paper", "Interview", "Data note"]
TRACKS = ["Track 1", "Track 1.5", "Track 2", "Humanitarian"]
LEVELS = ["governmental", "nongovernmental", "both"]
TIMEFRAMES = ["immediate", "near-term", "long-term"]
STANCES = ["proposes", "supports", "opposes", "discusses"]
REAL_WORLD = ["proposed", "under-consideration", "adopted", "rejected"]
START = datetime(2010, 1, 1, tzinfo=UTC)


class Words:
    def __init__(self, rng, words):
        self.rng, self.words = rng, words
        self.cumulative = list(itertools.accumulate(zipf_weights(len(words))))

    def take(self, k):
        total = self.cumulative[-1]
        return [
            self.words[bisect.bisect(self.cumulative, self.rng.random() * total)] for _ in range(k)
        ]

    def sentence(self, low, high):
        text = " ".join(self.take(self.rng.randint(low, high)))
        return text[:1].upper() + text[1:] + "."


def names(rng, words, count, parts=2):
    found = []
    seen = set()
    while len(found) < count:
        name = " ".join(rng.choice(words).capitalize() for _ in range(parts))
        if name not in seen:
            seen.add(name)
            found.append(name)
    return found


def generate(count, seed):
    rng = random.Random(seed)
    vocab = vocabulary(seed)
    text = Words(rng, vocab)
    tail = vocab[300:]
    people = names(rng, tail, 2000)
    topics = names(rng, tail, 40, parts=1)
    regions = names(rng, tail, 48, parts=1)
    tags = names(rng, vocab[100:], 300, parts=1)
    tag_pick = Words(rng, tags)
    questions = [text.sentence(4, 8)[:-1] + "?" for _ in range(50)]
    actors = names(rng, tail, 30)
    bios = {name: text.sentence(8, 20) for name in people}
    span = int((datetime(2025, 6, 1, tzinfo=UTC) - START).total_seconds())

    def slug(n):
        return f"pub-{n:06d}"

    for n in range(count):
        roll = rng.random()
        if roll < 0.07:
            status, published = "draft", None
        elif roll < 0.10:
            status = "published"
            published = datetime(2099, 1, 1, tzinfo=UTC) + timedelta(hours=rng.randrange(9000))
        else:
            status = "published"
            published = START + timedelta(seconds=rng.randrange(span))
        paragraphs = [text.sentence(40, 80) for _ in range(rng.randint(3, 6))]
        authors = rng.sample(people, rng.randint(1, 3))
        yield {
            "kind": "publication",
            "slug": slug(n),
            "title": text.sentence(4, 10)[:-1],
            "type": rng.choice(TYPES),
            "summary": text.sentence(20, 40),
            "body": "".join(f"<p>{p}</p>" for p in paragraphs),
            "status": status,
            "published": published.isoformat().replace("+00:00", "Z") if published else None,
            "authors": [{"name": a, "bio": bios[a]} for a in authors],
            "topics": sorted(rng.sample(topics, rng.randint(1, 3))),
            "regions": sorted(rng.sample(regions, rng.randint(1, 2))),
            "tags": sorted(set(tag_pick.take(rng.randint(2, 5)))),
            "source": f"Adapted from {text.sentence(2, 4)[:-1]}" if rng.random() < 0.1 else None,
            "related": sorted(
                {slug(rng.randrange(count)) for _ in range(rng.randint(0, 3))} - {slug(n)}
            ),
        }
    for n in range(max(count // 20, 1)):
        yield {
            "kind": "option",
            "slug": f"opt-{n:05d}",
            "title": text.sentence(3, 8)[:-1],
            "question": rng.choice(questions),
            "track": rng.choice(TRACKS),
            "level": rng.choice(LEVELS),
            "timeframe": rng.choice(TIMEFRAMES),
            "summary": text.sentence(15, 30),
            "description": f"<p>{text.sentence(30, 60)}</p>",
            "status": "published" if rng.random() < 0.9 else "draft",
            "published": (START + timedelta(seconds=rng.randrange(span)))
            .isoformat()
            .replace("+00:00", "Z"),
            "real_world_status": rng.choice(REAL_WORLD),
            "actors": sorted(rng.sample(actors, rng.randint(1, 3))),
            # Only earlier options: prerequisites never form a cycle.
            "prerequisites": sorted({f"opt-{rng.randrange(n):05d}" for _ in range(2)}) if n else [],
            "tags": sorted(set(tag_pick.take(rng.randint(1, 3)))),
            "sources": [
                {"publication": s, "stance": rng.choice(STANCES), "note": ""}
                for s in sorted({slug(rng.randrange(count)) for _ in range(rng.randint(1, 4))})
            ],
        }


def about_30_percent(seed, body_words=330):
    """The word whose chance of appearing in a document is closest to 30% (for search benches)."""
    vocab = vocabulary(seed)
    weights = zipf_weights(len(vocab))
    total = sum(weights)

    def share(i):
        return 1 - (1 - weights[i] / total) ** body_words

    best = min(range(len(vocab)), key=lambda i: abs(share(i) - 0.3))
    return vocab[best], share(best)


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("count", type=int)
    parser.add_argument("output")
    parser.add_argument("--seed", type=int, default=1)
    args = parser.parse_args(argv)
    with open(args.output, "w", encoding="utf-8", newline="\n") as handle:
        for record in generate(args.count, args.seed):
            handle.write(json.dumps(record, ensure_ascii=False) + "\n")
    word, share = about_30_percent(args.seed)
    print(f"Wrote {args.output}; '{word}' is in about {share:.0%} of documents.", file=sys.stderr)


if __name__ == "__main__":
    main()
