"""The public API keeps its promise: schemathesis generates requests from /api/openapi.json for
every operation (up to 100 examples each, fewer only where the schema allows fewer) against the
app on the suite's database; every answer must be non-5xx and match the schema."""

from __future__ import annotations

from collections import Counter

import schemathesis
from hypothesis import HealthCheck, given, settings

from platform_core.extensions import limiter


def test_every_operation_answers_within_its_schema(app, place, monkeypatch):
    monkeypatch.setattr(limiter, "enabled", False)  # limits have their own tests
    for i in range(3):
        place(title=f"Buurttuin nummer {i}")
    schema = schemathesis.openapi.from_wsgi("/api/openapi.json", app)
    operations = [result.ok() for result in schema.get_all_operations()]
    assert len(operations) >= 3
    examples: Counter[str] = Counter()
    for operation in operations:

        @given(case=operation.as_strategy())
        @settings(max_examples=100, deadline=None, suppress_health_check=list(HealthCheck), database=None)
        def exercise(case) -> None:
            examples[case.operation.label] += 1
            case.call_and_validate()

        exercise()
    with_parameters = [label for label in examples if "{" in label or examples[label] > 1]
    assert with_parameters, examples
    assert max(examples.values()) >= 100, examples
