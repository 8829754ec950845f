"""validate.py runs an equivalent, faster form of the shapes (property shapes targeted
themselves): it must report exactly what pyshacl reports with the shapes as written."""

from __future__ import annotations

import pyshacl
import pytest

from atlas_graph.resources import shapes_graph
from atlas_graph.validation.shacl import _record_shapes, _record_shapes_graph, _shapes, _violations
from support.example_graph import BROKEN, valid_graph


def _results(data, shapes, use_shapes=None) -> set[tuple]:
    _, report, _ = pyshacl.validate(data, shacl_graph=shapes, inference="none", advanced=False,
                                    use_shapes=use_shapes)
    return {(v.focus, v.path, v.severity, v.message, v.value) for v in _violations(report)}


@pytest.mark.parametrize("breakage", BROKEN, ids=list(BROKEN))
def test_flattened_shapes_report_what_the_written_shapes_report(breakage: str) -> None:
    data = BROKEN[breakage][0](valid_graph())
    written = _results(data, shapes_graph())
    assert written  # each breakage is a violation
    assert _results(data, _shapes()) == written


@pytest.mark.parametrize("breakage", BROKEN, ids=list(BROKEN))
def test_record_shapes_graph_runs_exactly_the_record_shapes(breakage: str) -> None:
    data = BROKEN[breakage][0](valid_graph())
    assert _results(data, _record_shapes_graph()) == _results(data, shapes_graph(), list(_record_shapes()))
