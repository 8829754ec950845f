"""``atlas-graph convert``: Atlas pages → one RDF file."""

from __future__ import annotations

import argparse
import hashlib
import json
import os
import sys
import tempfile
from pathlib import Path

from atlas_graph.cli.base import EXIT_FAILED, EXIT_OK, EXIT_PROBLEMS, UsageError
from atlas_graph.cli.progress import progress_bar
from atlas_graph.formats import JSON_LD, N_QUADS, N_TRIPLES, RDF_SERIALIZATIONS, TRIG, TURTLE
from atlas_graph.ingest.pipeline import (
    InputError,
    batch_links,
    convert_files,
    record_files,
    to_dataset,
    to_graph,
)
from atlas_graph.link.authorities import Authorities, AuthoritiesError, load_authorities
from atlas_graph.link.curation import CurationError, read_curation
from atlas_graph.link.reconcile import Link, Linker
from atlas_graph.link.report import notices, summary
from atlas_graph.model import Batch
from atlas_graph.uris import BaseURIError, URIs, base_uri

HELP = "convert Atlas pages to one RDF file (format from the extension)"
DESCRIPTION = """\
Convert Atlas project pages (text captures) to RDF.

INPUT is any number of record files or folders (their *.txt files). The format is chosen by
OUTPUT's extension: .ttl (Turtle), .nt (N-Triples), .jsonld (JSON-LD), or .nq (N-Quads) and
.trig (TriG), where each record is its own named graph and the shared entities (collectivities,
countries, themes) are in <BASE graph/entities>.

Every record that can be converted is written. Each problem is printed on one line:
    FILE:LINE: FIELD: 'VALUE': what is wrong
Exit status: 0 every record converted; 1 some record rejected (e.g. an error page or an empty
file — the others are still written); 2 usage error (including a --links file with errors);
3 the authorities file is missing or unreadable (it is built at install time).

The collectivities and countries are linked to the authorities (INSEE codes, SIREN,
département and région; GeoNames and coordinates), see 'atlas-graph links --help'; --links
FILE gives the curators' decisions. A name that is not linked (ambiguous, not found, wrong
kind) is a notice, on standard error, that does not change the exit status.

Personal data (names and e-mails of contacts and volunteers) is left out unless
--include-contacts is given.

examples:
  atlas-graph convert records/ -o atlas.ttl
  atlas-graph convert records/*.txt -o atlas.nq --base-uri https://data.example.org/atlas/
"""

#: OUTPUT's extension → the rdflib serializer that writes it.
FORMATS = {f".{f.extension}": f.rdflib_name for f in (TURTLE, N_TRIPLES, N_QUADS, TRIG, JSON_LD)}
QUAD_FORMATS = {f.rdflib_name for f in RDF_SERIALIZATIONS if f.quads}


def add_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("inputs", nargs="+", metavar="INPUT", help="record files or folders of *.txt")
    parser.add_argument("-o", "--output", required=True, metavar="OUTPUT",
                        help="output file: .ttl .nt .nq .trig or .jsonld")
    add_mapping_arguments(parser)


def add_mapping_arguments(parser: argparse.ArgumentParser) -> None:
    """The options every verb that maps records shares."""
    parser.add_argument("--base-uri", metavar="URI",
                        help="base of every instance URI, ending with '/' "
                             "(default: $ATLAS_BASE_URI or http://localhost:8000/)")
    parser.add_argument("--include-contacts", action="store_true",
                        help="also publish contacts' and volunteers' names and e-mails (personal data)")
    parser.add_argument("--strict", action="store_true",
                        help="exit 1 on any problem, not only on rejected records")
    parser.add_argument("-q", "--quiet", action="store_true", help="print problems only, no summary")
    parser.add_argument("--links", metavar="FILE",
                        help="curated link decisions, CSV: country,name,authority,identifier (see 'links --help')")


def make_linker(authorities: Authorities, links_file: str | None) -> Linker:
    """The linker of a run: the authorities, and the decisions of ``links_file`` when given;
    a file with errors is a usage error that names its lines (nothing is written)."""
    if links_file is None:
        return Linker(authorities)
    try:
        curation = read_curation(links_file, authorities)
    except CurationError as exc:
        raise UsageError(f"--links {links_file}: not used, it has errors:\n{exc}") from None
    digest = hashlib.sha256(Path(links_file).read_bytes()).hexdigest()
    return Linker(authorities, curation, digest)


def authorities_failure(verb: str, error: AuthoritiesError) -> int:
    """The authorities file cannot be used: the verb fails as a whole (exit 3)."""
    print(f"atlas-graph {verb}: {error}", file=sys.stderr)
    return EXIT_FAILED


def report_links(links: list[Link], quiet: bool = False) -> None:
    """The names that are not linked, once per run, as notices (the exit status stays)."""
    lines = notices(links)
    if lines and not quiet:
        print(f"notice: links: {summary(links)}", file=sys.stderr)
        for line in lines:
            print(f"notice: links: {line}", file=sys.stderr)
        print("notice: links: the full list, with every candidate: atlas-graph links INPUT... -o report.csv",
              file=sys.stderr)


def resolve_uris(args: argparse.Namespace) -> URIs:
    try:
        return URIs(base_uri(args.base_uri))
    except BaseURIError as exc:
        raise UsageError(str(exc)) from None


def resolve_inputs(args: argparse.Namespace) -> list[Path]:
    try:
        return record_files(args.inputs)
    except InputError as exc:
        raise UsageError(str(exc)) from None


def report(batch: Batch, args: argparse.Namespace) -> int:
    """Print one line per problem on stderr; the exit status the batch deserves."""
    for problem in batch.problems:
        print(problem, file=sys.stderr)
    if batch.rejected:
        return EXIT_PROBLEMS
    return EXIT_PROBLEMS if args.strict and batch.problems else EXIT_OK


def run(args: argparse.Namespace) -> int:
    output = Path(args.output)
    rdf_format = FORMATS.get(output.suffix.lower())
    if rdf_format is None:
        raise UsageError(f"{output}: unknown extension {output.suffix!r}; use one of {' '.join(FORMATS)}")
    if not output.parent.is_dir():
        raise UsageError(f"{output}: folder {output.parent} does not exist")
    uris = resolve_uris(args)
    files = resolve_inputs(args)
    try:
        linker = make_linker(load_authorities(), args.links)
        with progress_bar("parsing", total=len(files)) as advance:
            batch = convert_files(files, uris, args.include_contacts, progress=advance)
        data = to_dataset(batch, uris, linker) if rdf_format in QUAD_FORMATS else to_graph(batch, uris, linker)
        links = batch_links(batch, linker)
    except AuthoritiesError as exc:
        return authorities_failure("convert", exc)
    write_atomically(output, data.serialize(format=rdf_format, encoding="utf-8"), rdf_format)
    status = report(batch, args)
    report_links(links, args.quiet)
    if not args.quiet:
        print(f"{len(batch.records)} records converted, {len(batch.rejected)} rejected, "
              f"{len(batch.problems)} problems; {len(data)} triples written to {output}", file=sys.stderr)
    return status


def write_atomically(path: Path, data: bytes, rdf_format: str) -> None:
    """Write through a temporary file so that a failed run never leaves half a file.

    Line-based formats are sorted and JSON-LD arrays ordered, so the same input gives the same
    bytes on every run."""
    if rdf_format in ("nt", "nquads"):
        data = b"".join(sorted(set(data.splitlines(keepends=True))))
    elif rdf_format == "json-ld":
        data = json.dumps(_ordered(json.loads(data)), ensure_ascii=False, indent=2,
                          sort_keys=True).encode("utf-8") + b"\n"
    fd, tmp = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}.", suffix=".tmp")
    try:
        with os.fdopen(fd, "wb") as out:
            out.write(data)
        os.replace(tmp, path)
    except BaseException:
        os.unlink(tmp)
        raise


def _ordered(node):
    """A JSON-LD document with every array in a fixed order (nodes and values are unordered
    sets in RDF; ``@list`` arrays, which are ordered, are kept as they are)."""
    if isinstance(node, dict):
        return {key: value if key == "@list" else _ordered(value) for key, value in node.items()}
    if isinstance(node, list):
        items = [_ordered(item) for item in node]
        return sorted(items, key=lambda item: json.dumps(item, ensure_ascii=False, sort_keys=True))
    return node
