"""The lifecycle benchmark drives the shipped diagram: a change to the diagram or its forms must not
break `make bench` unnoticed. No timing is asserted here; this only runs the paths once."""

from __future__ import annotations

from bench import lifecycle


def test_the_lifecycle_steps_run_on_bare_spiffworkflow() -> None:
    timings = lifecycle.bare_round_trips(petitions=1)
    assert len(timings) == len(lifecycle.STEPS)


def test_the_lifecycle_steps_run_through_the_service() -> None:
    statements: list[lifecycle.StatementLog] = []
    timings = lifecycle.service_round_trips("sqlite", petitions=1, statements=statements)
    assert len(timings) == len(statements) == len(lifecycle.STEPS)
    assert all(log.count > 0 for log in statements)
