"""The ``grade similarity`` pipeline (the package's docstring tells its stages): a class's sources
read, compared topic by topic, ranked, clustered and written out."""

from __future__ import annotations

import shutil
import tempfile
from dataclasses import dataclass
from pathlib import Path

from grader.base import defaults
from grader.base.topics import TOPICS, reference_file, stub_file
from grader.engine.subset import submission as subset
from grader.similarity import report
from grader.similarity.compare import Pair, Settings, TopicResult, clusters, compare_topic, ranked
from grader.similarity.sources import TopicSource, read_class


@dataclass
class SimilarityRun:
    results: list[TopicResult]
    pairs: list[Pair]  # ranked, best first
    clusters: list[tuple[str, list[str]]]
    notes: list[str]
    summary: str


def best_per_pair(pairs: list[Pair], limit: int) -> list[Pair]:
    """The best row of each (topic, A, B), ranked; at most ``limit``."""
    best: dict[tuple[str, str, str], Pair] = {}
    for pair in pairs:  # ranked: the first row of a pair is its best
        best.setdefault((pair.topic, pair.a, pair.b), pair)
    return [p for p in best.values() if p.shared][:limit]


def refused_notes(sources: list[TopicSource]) -> list[str]:
    """Modules the grader refuses (:mod:`grader.engine.subset.submission`), with the reason: a copy packed
    into a string (zlib + base64 through timeit) shares no token with its original, so it is
    named here for the instructor to read."""
    notes = []
    for source in sources:
        found = subset.check(source.text)
        if found:
            first = found[0]
            notes.append(
                f"{source.topic}: {source.student}'s module is refused by the grader "
                f"(line {first.line}: {first.what}); read it by hand, its tokens may hide a copy"
            )
    return notes


def run_similarity(
    submissions: Path,
    out: Path,
    topics: tuple[str, ...] = (),
    threshold: float = defaults.SIMILARITY_THRESHOLD,
) -> SimilarityRun:
    """Compare every pair of ``submissions`` per topic; write the reports into ``out``."""
    settings = Settings(threshold=threshold)
    scratch = Path(tempfile.mkdtemp(prefix="torchgrade-similarity-"))
    try:
        sources, notes = read_class(submissions, topics, scratch)
    finally:
        shutil.rmtree(scratch, ignore_errors=True)
    results: list[TopicResult] = []
    for topic in topics or TOPICS:
        mine = [s for s in sources if s.topic == topic]
        if not mine:
            continue
        stub = stub_file(topic).read_text()
        solution = reference_file(topic)
        reference = solution.read_text() if solution.is_file() else ""
        if not reference:
            notes.append(f"{topic}: no reference solution here; nobody was compared with it")
        result, left_out = compare_topic(
            topic=topic, stub=stub, reference=reference, submitted=mine, settings=settings
        )
        results.append(result)
        notes += left_out + refused_notes(mine)
    pairs = ranked(p for r in results for p in r.pairs)
    found = clusters(pairs)
    shown = best_per_pair(pairs, defaults.SIMILARITY_REPORT_PAIRS)
    out.mkdir(parents=True, exist_ok=True)
    report.write_csv(pairs, results, out / "similarity.csv")
    report.write_clusters(found, out / "clusters.csv")
    report.write_html(
        results=results,
        shown=shown,
        found=found,
        notes=notes,
        threshold=threshold,
        path=out / "similarity.html",
    )
    return SimilarityRun(
        results=results,
        pairs=pairs,
        clusters=found,
        notes=notes,
        summary=report.summary(results=results, shown=shown, found=found, notes=notes, threshold=threshold),
    )
