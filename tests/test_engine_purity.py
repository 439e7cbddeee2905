"""The engine stays a pure simulation core: no heavy or I/O libraries, no global random state."""

from __future__ import annotations

import ast
import json
import subprocess
import sys
from pathlib import Path

SRC = Path(__file__).resolve().parents[1] / "src" / "acdsim"

# numpy.random attributes that create explicit, seeded generators (never the global state).
SEEDED_NUMPY = {"SeedSequence", "Generator", "PCG64", "PCG64DXSM", "Philox", "SFC64", "MT19937", "BitGenerator", "default_rng"}


def test_importing_the_engine_does_not_import_pandas_matplotlib_or_yaml() -> None:
    """Engine contract: it takes validated scenarios and emits records; it never imports pandas, matplotlib or yaml."""
    code = (
        "import sys, json; import acdsim.engine; "
        "print(json.dumps(sorted(m for m in ('pandas', 'matplotlib', 'yaml') "
        "if any(k == m or k.startswith(m + '.') for k in sys.modules))))"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert json.loads(out.stdout.strip().splitlines()[-1]) == []


def _numpy_aliases(tree: ast.Module) -> tuple[set[str], set[str]]:
    """Names bound to the numpy module and to numpy.random in one file."""
    np_names: set[str] = set()
    rnd_names: set[str] = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            for a in node.names:
                if a.name == "numpy":
                    np_names.add(a.asname or "numpy")
                elif a.name == "numpy.random":
                    if a.asname:
                        rnd_names.add(a.asname)
                    else:
                        np_names.add("numpy")
        elif isinstance(node, ast.ImportFrom) and node.module == "numpy":
            for a in node.names:
                if a.name == "random":
                    rnd_names.add(a.asname or "random")
    return np_names, rnd_names


def _global_random_uses(path: Path) -> list[str]:
    tree = ast.parse(path.read_text(encoding="utf-8"), filename=str(path))
    found: list[str] = []
    np_names, rnd_names = _numpy_aliases(tree)
    for node in ast.walk(tree):
        line = f"{path.relative_to(SRC.parent)}:{getattr(node, 'lineno', 0)}"
        if isinstance(node, ast.Import):
            found += [f"{line}: import random" for a in node.names if a.name == "random"]
        elif isinstance(node, ast.ImportFrom):
            if node.module == "random":
                found.append(f"{line}: from random import ...")
            if node.module == "numpy.random":
                found += [f"{line}: from numpy.random import {a.name}" for a in node.names if a.name not in SEEDED_NUMPY]
        elif isinstance(node, ast.Attribute):
            base = node.value
            is_np_random = (
                isinstance(base, ast.Attribute) and base.attr == "random"
                and isinstance(base.value, ast.Name) and base.value.id in np_names
            ) or (isinstance(base, ast.Name) and base.id in rnd_names)
            if is_np_random and node.attr not in SEEDED_NUMPY:
                found.append(f"{line}: numpy.random.{node.attr}")
    return found


def test_no_module_uses_the_global_random_module_or_numpy_global_distributions() -> None:
    """§8 named streams: randomness only from seeded generators; never `random` nor `np.random.<dist>` global functions."""
    files = sorted(SRC.rglob("*.py"))
    assert files
    problems = [p for f in files for p in _global_random_uses(f)]
    assert problems == []


def test_the_global_random_checker_catches_the_forbidden_forms(tmp_path: Path) -> None:
    """The source check above flags `import random`, `np.random.exponential` and `from numpy.random import rand`."""
    bad = tmp_path / "bad.py"
    bad.write_text(
        "import random\nimport numpy as np\nfrom numpy.random import rand\nfrom numpy import random as npr\n"
        "x = np.random.exponential(1.0)\ny = npr.seed(3)\ng = np.random.default_rng(1)\n",
        encoding="utf-8",
    )
    global SRC
    old, SRC = SRC, tmp_path.parent
    try:
        found = _global_random_uses(bad)
    finally:
        SRC = old
    assert len(found) == 4, found
    assert not any("default_rng" in f for f in found)
