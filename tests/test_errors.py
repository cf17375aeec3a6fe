"""errors.py: a checked write's problems are reported at the user's file, never its temporary copy."""

from __future__ import annotations

from wreport.errors import DataError, Location, ProblemsError, would_not_load

TEMP = "seeds/.sources.yaml.k6tnojgu.tmp"


def test_a_refused_write_names_the_users_file_at_the_first_problem() -> None:
    problems = ProblemsError([DataError("source 'x': missing field 'title'", Location.of(TEMP, 23)),
                              DataError(f"too large (read from {TEMP})", Location.of(TEMP))],
                             f"2 problems in {TEMP}")
    error = would_not_load(problems, TEMP, "seeds/sources.yaml", "with the new entry added at line 23")
    assert str(error) == ("seeds/sources.yaml:23: with the new entry added at line 23, seeds/sources.yaml would not "
                          "load: source 'x': missing field 'title' (and 1 more) (nothing was changed)")
    assert [str(p) for p in problems.problems][1] == "seeds/sources.yaml: too large (read from seeds/sources.yaml)"


def test_a_problem_in_another_file_keeps_its_own_name() -> None:
    """A fact that no longer resolves against the new manifest is facts.yaml's line."""
    problem = DataError("unknown source 'a'", Location.of("seeds/facts.yaml", 7), hint="did you mean 'b'?")
    error = would_not_load(problem, TEMP, "seeds/sources.yaml", "with the entry of 'a' taken out")
    assert str(error) == ("seeds/facts.yaml:7: with the entry of 'a' taken out, seeds/sources.yaml would not load: "
                          "unknown source 'a' (did you mean 'b'?; nothing was changed)")
