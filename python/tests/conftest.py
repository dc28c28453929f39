"""Shared paths and data of the Python tests (run by scripts/test.sh against the
installed package)."""
import json
import os
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]


@pytest.fixture(scope="session")
def root() -> Path:
    return ROOT


@pytest.fixture(scope="session")
def math500():
    """MATH500's problems as shipped in data/benchmarks (real gold answers)."""
    path = ROOT / "data" / "benchmarks" / "math500" / "test.jsonl"
    rows = [json.loads(line) for line in path.read_text().splitlines() if line.strip()]
    assert len(rows) == 500
    return rows


@pytest.fixture(scope="session")
def gsm8k():
    path = ROOT / "data" / "benchmarks" / "gsm8k" / "test.jsonl"
    return [json.loads(line) for line in path.read_text().splitlines() if line.strip()]


def chain_of_thought(final: str, steps: int = 40) -> str:
    """A long, realistic completion: numbered reasoning with LaTeX and intermediate
    numbers (which must not be taken for the answer), then a boxed final answer."""
    lines = ["Let me work through this carefully."]
    for i in range(1, steps + 1):
        lines.append(f"Step {i}: we have $x_{i} = \\frac{{{i}}}{{{i + 1}}}$, so the partial value is {i * 7}.")
    lines.append(f"Therefore, the final answer is $\\boxed{{{final}}}$.")
    return "\n".join(lines)
