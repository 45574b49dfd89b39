"""No function in src/ is over 60 lines (a long function is several ideas that want names)."""
import ast

from conftest import ROOT

LIMIT = 60


def long_functions():
    found = []
    for path in sorted((ROOT / "src").rglob("*.py")):
        tree = ast.parse(path.read_text(encoding="utf-8"), str(path))
        for node in ast.walk(tree):
            if isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef)):
                length = max(getattr(n, "lineno", node.lineno) for n in ast.walk(node)) - node.lineno + 1
                if length > LIMIT:
                    found.append("%s:%d %s (%d lines)" % (path.relative_to(ROOT), node.lineno,
                                                          node.name, length))
    return found


def test_no_function_in_src_is_over_60_lines():
    assert long_functions() == []


def test_the_check_sees_a_long_function(tmp_path, monkeypatch):
    import sys
    module = sys.modules[__name__]
    (tmp_path / "src").mkdir()
    (tmp_path / "src" / "long.py").write_text("def f():\n" + "    x = 1\n" * LIMIT)
    monkeypatch.setattr(module, "ROOT", tmp_path)
    assert long_functions() == ["src/long.py:1 f (61 lines)"]
