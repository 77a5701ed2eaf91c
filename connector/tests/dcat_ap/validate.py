#!/usr/bin/env python3
"""Validates a DSP 2025-1 catalogue (compact JSON-LD) against the DCAT-AP 3.0.1 SHACL shapes, offline.

Used by connector/tests/dcat_ap.rs; runnable by hand:

    python3 connector/tests/dcat_ap/validate.py --data catalog.json --base http://127.0.0.1:8181/dsp/catalog/request \
        --shapes-dir ../shared/dcat-ap-3.0.1 --contexts-dir assets/dsp-2025-1/context [--vocabulary vocab.ttl]

The JSON-LD is read with rdflib. Its remote contexts are never fetched: the two DSP 2025-1 context IRIs are mapped to
the bundled copies and any other remote context is an error. `--base` is the IRI the document was retrieved from; it
matters, because DSP terms such as `format` expand document-relative (see dcat_ap.rs).

`--vocabulary` Turtle files are added to the graph: the controlled-vocabulary statements (concept types and labels)
DCAT-AP expects a validator to be given alongside the data. pyshacl then checks the graph against shapes.ttl +
range.ttl (the mandatory DCAT-AP constraints: their results are `violations`, or `warnings` where a shape itself says
sh:Warning/sh:Info) and, separately, against shapes_recommended.ttl (reported as `warnings` only).

Prints one JSON object on stdout: {"violations": [...], "warnings": [...], "counts": {...}}; each result has
severity, focus, focus_hint (for a blank node: who points at it), path, value, constraint, shape, message and source.
Exit codes: 0 the report was printed (whatever it contains); 2 bad input; 3 rdflib or pyshacl is not installed.
"""

import argparse
import json
import os
import sys

INSTALL_HINT = "python3 -m pip install -r connector/tests/dcat_ap/requirements.txt"

try:
    import rdflib
    import rdflib.plugins.shared.jsonld.context as jsonld_context
    from pyshacl import validate
    from rdflib import BNode, Graph, Namespace, URIRef
    from rdflib.namespace import RDF
except ImportError as error:  # pragma: no cover - exercised by the Rust test's message
    print(f"missing Python package: {error}. Install with: {INSTALL_HINT}", file=sys.stderr)
    sys.exit(3)

SH = Namespace("http://www.w3.org/ns/shacl#")
DCAT = Namespace("http://www.w3.org/ns/dcat#")
DCT = Namespace("http://purl.org/dc/terms/")
FOAF = Namespace("http://xmlns.com/foaf/0.1/")
ODRL = Namespace("http://www.w3.org/ns/odrl/2/")

# The remote contexts a DSP 2025-1 message may use, and the bundled file each is read from instead.
BUNDLED_CONTEXTS = {
    "https://w3id.org/dspace/2025/1/context.jsonld": "dspace.jsonld",
    "https://w3id.org/dspace/2025/1/odrl-profile.jsonld": "odrl.jsonld",
}


def install_offline_loader(contexts_dir):
    """Makes rdflib's JSON-LD context loader read the bundled DSP contexts and refuse every other remote context."""
    cache = {}

    def load(url, *args, **kwargs):
        name = BUNDLED_CONTEXTS.get(str(url))
        if name is None:
            raise RuntimeError(f"remote JSON-LD context {url} is not bundled and the network is not used")
        if name not in cache:
            with open(os.path.join(contexts_dir, name), encoding="utf-8") as file:
                cache[name] = file.read()
        # A fresh copy each time: rdflib's @import handling mutates the document it is given.
        return json.loads(cache[name]), None

    jsonld_context.source_to_json = load
    return cache


def node_label(node):
    if node is None:
        return None
    if isinstance(node, BNode):
        return f"_:{node}"
    return node.n3() if not isinstance(node, URIRef) else str(node)


def focus_hint(graph, node):
    """For a blank node, `<subject> <predicate>` of the first triple pointing at it (repeated up to an IRI)."""
    hops = []
    seen = set()
    while isinstance(node, BNode) and node not in seen:
        seen.add(node)
        incoming = sorted(graph.subject_predicates(node), key=lambda sp: (str(sp[0]), str(sp[1])))
        if not incoming:
            break
        subject, predicate = incoming[0]
        hops.append(str(predicate))
        node = subject
    if not hops:
        return None
    return " / ".join([node_label(node)] + list(reversed(hops)))


def path_label(report, path):
    if path is None:
        return None
    if isinstance(path, BNode):
        inverse = report.value(path, SH.inversePath)
        if inverse is not None:
            return f"^{inverse}"
    return str(path)


def results(report, data, shapes, source, force_warning=False):
    found = []
    for result in report.subjects(RDF.type, SH.ValidationResult):
        severity = report.value(result, SH.resultSeverity)
        severity = str(severity).rsplit("#", 1)[-1] if severity is not None else "Violation"
        if force_warning and severity == "Violation":
            severity = "Warning"
        focus = report.value(result, SH.focusNode)
        shape = report.value(result, SH.sourceShape)
        message = [str(m) for m in report.objects(result, SH.resultMessage)]
        constraint = report.value(result, SH.sourceConstraintComponent)
        found.append(
            {
                "severity": severity,
                "focus": node_label(focus),
                "focus_hint": focus_hint(data, focus),
                "focus_types": sorted(str(t) for t in data.objects(focus, RDF.type)) if focus is not None else [],
                "path": path_label(report, report.value(result, SH.resultPath)),
                "value": node_label(report.value(result, SH.value)),
                "constraint": str(constraint).rsplit("#", 1)[-1] if constraint is not None else None,
                # Named shapes keep their IRI; an anonymous property shape is named by its parent node shape.
                "shape": node_label(shape) if not isinstance(shape, BNode) else parent_shape(shapes, shape),
                "message": " ".join(message),
                "source": source,
            }
        )
    found.sort(key=lambda r: (r["shape"] or "", r["path"] or "", r["focus"] or "", r["value"] or ""))
    return found


def parent_shape(shapes, shape):
    for parent in shapes.subjects(SH.property, shape):
        return node_label(parent)
    return "(anonymous shape)"


def shapes_graph(paths):
    graph = Graph()
    for path in paths:
        graph.parse(path, format="turtle")
    return graph


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--data", required=True, help="the catalogue, DSP compact JSON-LD")
    parser.add_argument("--base", required=True, help="the IRI the catalogue was retrieved from")
    parser.add_argument("--shapes-dir", required=True, help="the DCAT-AP 3.0.1 SHACL folder")
    parser.add_argument("--contexts-dir", required=True, help="the bundled DSP 2025-1 contexts")
    parser.add_argument("--vocabulary", action="append", default=[], help="Turtle added to the data graph")
    parser.add_argument("--dump", help="write the data graph as Turtle here (for debugging)")
    args = parser.parse_args()

    loaded = install_offline_loader(args.contexts_dir)
    try:
        with open(args.data, encoding="utf-8") as file:
            document = file.read()
        data = Graph()
        data.parse(data=document, format="json-ld", base=args.base)
    except Exception as error:  # noqa: BLE001 - any parse failure is bad input, reported as such
        print(f"cannot read {args.data} as JSON-LD: {type(error).__name__}: {error}", file=sys.stderr)
        return 2
    if "dspace.jsonld" not in loaded:
        # rdflib did not ask the offline loader for the DSP context: its internals changed, and the document was
        # read with some other context (or none). Refuse rather than validate the wrong graph.
        print(f"the bundled DSP context was not used to read {args.data} (rdflib {rdflib.__version__})", file=sys.stderr)
        return 2
    if args.dump:
        data.serialize(args.dump, format="turtle")

    # Vocabularies are added to the data graph, as DCAT-AP validators add the controlled vocabularies a catalogue
    # refers to. (pyshacl's ont_graph would not do: by default it copies only RDFS/OWL axioms, not concepts.)
    checked = Graph()
    checked += data
    for path in args.vocabulary:
        checked.parse(path, format="turtle")

    mandatory = shapes_graph(
        [os.path.join(args.shapes_dir, "shapes.ttl"), os.path.join(args.shapes_dir, "range.ttl")]
    )
    recommended = shapes_graph([os.path.join(args.shapes_dir, "shapes_recommended.ttl")])

    checks = [(mandatory, "shapes.ttl+range.ttl", False), (recommended, "shapes_recommended.ttl", True)]
    violations, warnings = [], []
    for shapes, source, force_warning in checks:
        _conforms, report, _text = validate(
            checked,
            shacl_graph=shapes,
            inference="none",
            allow_warnings=True,
            allow_infos=True,
        )
        for result in results(report, checked, shapes, source, force_warning):
            (violations if result["severity"] == "Violation" else warnings).append(result)

    def count(cls):
        return len(set(data.subjects(RDF.type, cls)))

    counts = {
        "triples": len(data),
        "catalogs": count(DCAT.Catalog),
        "datasets": count(DCAT.Dataset),
        "distributions": count(DCAT.Distribution),
        "data_services": count(DCAT.DataService),
        "offers": count(ODRL.Offer),
        "agents": count(FOAF.Agent),
        "formats": sorted(str(o) for o in set(data.objects(None, DCT.format))),
    }
    json.dump({"violations": violations, "warnings": warnings, "counts": counts}, sys.stdout, indent=1)
    print()
    return 0


if __name__ == "__main__":
    sys.exit(main())
