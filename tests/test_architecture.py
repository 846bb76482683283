"""The layering the project promises: a pure engine, safe loaders, and a fast command start."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest

PACKAGE = Path(__file__).parent.parent / "screener"
ENGINE = ["screener.rulebook", "screener.evaluation", "screener.expressions", "screener.answers",
          "screener.model", "screener.report", "screener.source"]


@pytest.mark.parametrize("module", ENGINE)
def test_engine_modules_import_neither_typer_nor_rich(module: str) -> None:
    code = (f"import sys, {module}; "
            "bad = [m for m in ('typer', 'rich', 'polars') if m in sys.modules]; print(','.join(bad))")
    result = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert result.stdout.strip() == ""


def test_no_eval_exec_or_unsafe_yaml_in_the_package() -> None:
    for path in PACKAGE.rglob("*.py"):
        text = path.read_text(encoding="utf-8")
        for forbidden in ("eval(", "exec(", "yaml.unsafe_load", "yaml.full_load", "pickle"):
            assert forbidden not in text.replace("evaluate(", "").replace("_eval(", ""), (path, forbidden)
        if "yaml.load(" in text:
            assert "SafeLoader" in text, path


def test_the_command_line_starts_without_heavy_imports() -> None:
    """polars (batch only), PyYAML (only when YAML is read) and rich's markup engine cost startup time."""
    code = "import sys, screener.cli; print([m for m in ('polars', 'yaml', 'rich.markup') if m in sys.modules])"
    result = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert result.stdout.strip() == "[]"


def test_the_installed_package_finds_the_default_rulebook() -> None:
    """`pip install .` (not editable) ships rules/ inside the package; it must be the checkout's rulebook."""
    from screener.rulebook import content_hash, default_rules_path, load_rulebook

    installed = default_rules_path()
    assert load_rulebook(installed).info.id == "canada"
    assert content_hash(installed) == content_hash(PACKAGE.parent / "rules")


def test_only_the_compiled_rulebook_asks_whether_a_rule_is_in_force() -> None:
    """Every date question is decided once, in the slice (`compiled.slice_at`, `compiled.review_due`).

    The loader also asks it once, to find days a dated table leaves without a row (`rules validate`), and
    its stale-number warnings once, for the version of a derived value on each day one starts or ends.
    """
    from screener.model import Dated

    askers = sorted(str(path.relative_to(PACKAGE)) for path in PACKAGE.rglob("*.py")
                    if "in_force(" in path.read_text(encoding="utf-8"))
    assert askers == ["compiled.py", "rulebook.py", "stated.py"]
    assert (PACKAGE / "stated.py").read_text(encoding="utf-8").count("in_force(") == 1
    loader = (PACKAGE / "rulebook.py").read_text(encoding="utf-8")
    assert loader.count("in_force(") == 1 and "in_force(row, after)" in loader  # the gap check only
    assert not hasattr(Dated, "in_force")  # a model cannot be asked directly


def test_the_engine_imports_one_way() -> None:
    """rulebook.py uses the evaluator; the evaluator and the closures need the rulebook only for type hints."""
    code = ("import sys, screener.evaluation, screener.program; "
            "print('screener.rulebook' in sys.modules)")
    result = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert result.stdout.strip() == "False"


def test_what_if_does_not_depend_on_the_interview() -> None:
    """What-if is engine: what it shares with the interview (the score questions a table converts) is the
    rulebook's, so neither a what-if nor a batch loads the interview."""
    code = ("import sys, screener.whatif, screener.rulebook as r; "
            "print('screener.interview' in sys.modules, hasattr(r.Rulebook, 'table_lookups'))")
    result = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert result.stdout.split() == ["False", "True"]
    assert "screener.interview" not in (PACKAGE / "whatif.py").read_text(encoding="utf-8")  # nor lazily


def test_no_module_imports_another_module_s_private_name() -> None:
    """A `_name` is its module's own: a module that needs it from elsewhere gets a public name, so a rename
    or a change of meaning in one module cannot silently break another."""
    import ast

    borrowed = []
    for path in sorted(PACKAGE.rglob("*.py")):
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if isinstance(node, ast.ImportFrom) and (node.module or "").startswith("screener"):
                borrowed += [f"{path.relative_to(PACKAGE)}: {node.module}.{alias.name}" for alias in node.names
                             if alias.name.startswith("_") and alias.name not in ("_", "__version__")]
    assert borrowed == []


def test_commands_are_assembled_by_the_cli_not_registered_by_import() -> None:
    """Each command module owns its `typer.Typer` and never imports `screener.cli`: cli.py adds them
    explicitly, so importing a command module has no side effect on the app (imports run one way)."""
    for path in sorted((PACKAGE / "commands").glob("*.py")):
        text = path.read_text(encoding="utf-8")
        assert "screener.cli" not in text, path
    code = ("import sys, screener.commands.check as c; "
            "print(len(c.commands.registered_commands), 'screener.cli' in sys.modules)")
    result = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert result.stdout.split() == ["1", "False"]  # the module holds its command; the app is not touched
    code = "import sys, screener.cli as c; print(sorted(m for _c, m, _g in c.FAMILIES if m in sys.modules))"
    result = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert result.stdout.strip() == "[]"  # a family's module is imported when the family is assembled
    from screener.cli import FAMILIES, app, family
    from screener.commands import batch, check, intake, rules, serve

    assert [(command, family(module)) for command, module, _group in FAMILIES] == [
        ("batch", batch.commands), ("check", check.commands), ("serve", serve.commands), ("rules", rules.commands),
        ("intake", intake.commands)]
    assert [info.typer_instance for info in app.registered_groups] == [family(m) for _c, m, _g in FAMILIES]


def test_a_command_line_builds_only_the_command_it_runs(monkeypatch: pytest.MonkeyPatch) -> None:
    """`screener check …` converts only `check` to a click command; help, errors and completion see them all."""
    from typer.main import get_command

    from screener.cli import app, app_for

    monkeypatch.delenv("_SCREENER_COMPLETE", raising=False)
    everything = list(get_command(app).commands)  # type: ignore[attr-defined]
    assert everything == ["batch", "check", "serve", "rules", "intake"]
    assert list(get_command(app_for(["check", "--json"])).commands) == ["check"]  # type: ignore[attr-defined]
    rules_group = get_command(app_for(["rules", "test"])).commands  # type: ignore[attr-defined]
    assert list(rules_group) == ["rules"] and "test" in rules_group["rules"].commands
    for args in ([], ["--help"], ["--version"], ["chek"], ["-h", "check"]):
        assert app_for(args) is app, args
    monkeypatch.setenv("_SCREENER_COMPLETE", "complete_bash")
    assert app_for(["check"]) is app


@pytest.mark.parametrize("args", [["check", "--help"], ["rules", "--help"], ["rules", "test", "--help"], ["--help"],
                                  ["chek"], ["rules", "tes"], ["check", "--as-of", "x", "--no-input"]])
def test_the_command_alone_reads_as_the_whole_app(args: list[str]) -> None:
    """Help, usage errors and a command's own errors are the same from the one-family app as from the whole."""
    from typer.testing import CliRunner

    from screener.cli import app, app_for

    runner = CliRunner()
    env = {"COLUMNS": "120", "SCREENER_LANG": "en"}
    alone, whole = runner.invoke(app_for(args), args, env=env), runner.invoke(app, args, env=env)
    assert (alone.exit_code, alone.output) == (whole.exit_code, whole.output)
    assert alone.output.strip()


def _imported(args: list[str], cache: Path, cwd: Path) -> set[str]:
    """The modules a `screener` command line imports (`python -X importtime`), with this cache folder."""
    import os

    env = {**os.environ, "SCREENER_CACHE_DIR": str(cache), "SCREENER_LANG": "en"}
    result = subprocess.run([sys.executable, "-X", "importtime", "-m", "screener", *args], capture_output=True,
                            text=True, env=env, cwd=cwd)
    assert result.returncode == 0, result.stderr[-2000:]
    return {line.rsplit("|", 1)[1].strip() for line in result.stderr.splitlines() if line.startswith("import time:")}


# What one `check --json` never needs, cache or not: the numbers texts state (the warnings of `rules validate`), the
# test cases' names (`rules test`), the csv module (an answer file read as an intake by `batch`).
NOT_FOR_ONE_CHECK = {"screener.stated", "screener.casecheck", "csv"}
# nor the other commands' modules (`cli.FAMILIES`: a command line imports its own family alone)
NOT_FOR_ONE_CHECK |= {f"screener.commands.{name}" for name in ("batch", "inputs", "rules", "serve", "intake")}


def test_check_json_and_rules_test_read_the_cache_without_yaml_or_polars(tmp_path: Path) -> None:
    """With the cache warm, `check --answers F.json --json` and `rules test` import neither PyYAML nor polars,
    nor the models of translation files; `check --json` not the interview nor typer's validators either."""
    import json

    answers = tmp_path / "answers.json"
    answers.write_text(json.dumps({"age": "31", "us_citizen": "yes"}), encoding="utf-8")
    rules = PACKAGE.parent / "rules"
    check = ["check", "--rules", str(rules), "--answers", str(answers), "--no-input", "--json"]
    tests = ["rules", "test", str(rules)]
    cold = _imported(check, tmp_path / "cache", tmp_path)
    assert {"yaml", "screener.translation_format"} <= cold  # a miss reads the YAML (so the test can tell)
    unneeded = {"yaml", "polars", "screener.translation_format"}
    # nor typer's pydantic validators for its options (screener.commands.coercion), nor what they import
    validators = {"typer._adapters", "pydantic.plugin._loader", "importlib.metadata"}
    validators |= {"screener.commands.usage"}  # and the usage errors' words: only a usage error needs them
    checks = {"screener.dated"}  # the dated rules' checks: a hit has nothing to check
    assert not (unneeded | validators | {"screener.interview"} | NOT_FOR_ONE_CHECK | checks) & _imported(
        check, tmp_path / "cache", tmp_path)
    _imported(tests, tmp_path / "cache", tmp_path)
    assert not unneeded & _imported(tests, tmp_path / "cache", tmp_path)


def test_a_check_that_reads_the_yaml_builds_no_pydantic_validator(tmp_path: Path) -> None:
    """Valid rule files become their models without pydantic's validators (`screener.quickvalid`), so a `check`
    without the cache never imports pydantic's plugin loader nor `importlib.metadata` (~15 ms of a miss)."""
    import json

    answers = tmp_path / "answers.json"
    answers.write_text(json.dumps({"age": "31", "us_citizen": "yes"}), encoding="utf-8")
    check = ["check", "--rules", str(PACKAGE.parent / "rules"), "--answers", str(answers), "--no-input", "--json"]
    found = _imported(check, Path("off"), tmp_path)  # SCREENER_CACHE_DIR=off
    assert {"yaml", "screener.translation_format", "screener.quickvalid"} <= found  # the YAML was read
    assert not {"pydantic.plugin._loader", "importlib.metadata"} & found
    assert not NOT_FOR_ONE_CHECK & found


def test_a_command_start_is_kept_out_of_later_collections(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """`long_lived` pauses the collector while a command imports and loads, then freezes what exists; a
    command run in-process gives it back when it ends."""
    import gc
    import json

    from typer.testing import CliRunner

    from screener.cli import app
    from screener.commands import long_lived

    gc.unfreeze()
    with long_lived():
        assert not gc.isenabled()
    assert gc.isenabled() and gc.get_freeze_count() > 0
    gc.unfreeze()
    answers = tmp_path / "answers.json"
    answers.write_text(json.dumps({"age": "31"}), encoding="utf-8")
    import screener.commands.check as check
    import screener.commands.help as help_module

    seen: dict[str, bool] = {}

    def probe(name: str, original: Any) -> Any:
        def probed(*args: Any, **kwargs: Any) -> Any:
            seen[name] = gc.isenabled()
            return original(*args, **kwargs)
        return probed

    monkeypatch.setattr(help_module, "running", probe("parsed", help_module.running))
    monkeypatch.setattr(check, "parse_as_of", probe("loading", check.parse_as_of))
    monkeypatch.setattr(check, "_print_json", probe("running", check._print_json))
    result = CliRunner().invoke(app, ["check", "--answers", str(answers), "--no-input", "--json", "--lang", "en"],
                                env={"SCREENER_CACHE_DIR": str(tmp_path / "cache")})
    assert result.exit_code == 0 and json.loads(result.stdout)["pathways"]
    assert seen == {"parsed": False, "loading": False, "running": True}  # paused while parsing and loading
    assert gc.isenabled() and gc.get_freeze_count() == 0  # and all given back when the command ends


def test_the_process_leaves_its_objects_to_the_exit() -> None:
    """`screener` freezes what is alive when its command ends, so Python's shutdown does not walk it all."""
    code = ("import atexit, gc, sys; atexit.register(lambda: print('frozen', gc.get_freeze_count() > 0)); "
            "from screener.cli import main; sys.argv = ['screener', '--help']; main()")
    result = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True)
    assert result.returncode == 0 and result.stdout.strip().endswith("frozen True")


def test_the_entry_point_imports_the_command_line_with_the_collector_paused() -> None:
    """`screener` (and `python -m screener`) import `screener.cli` through `screener.launch`, which pauses the
    collector meanwhile, then freezes what exists and gives the collector back before the command runs."""
    import tomllib

    scripts = tomllib.loads((PACKAGE.parent / "pyproject.toml").read_text(encoding="utf-8"))["project"]["scripts"]
    assert scripts["screener"] == "screener.launch:main"
    assert "screener.launch" in (PACKAGE / "__main__.py").read_text(encoding="utf-8")
    code = ("import gc, importlib.util, sys\n"
            "class CommandLine:  # stands in for screener.cli: says what it sees when imported and when run\n"
            "    def find_spec(self, name, path=None, target=None):\n"
            "        return importlib.util.spec_from_loader(name, self) if name == 'screener.cli' else None\n"
            "    def create_module(self, spec):\n"
            "        return None\n"
            "    def exec_module(self, module):\n"
            "        print('imported', gc.isenabled())\n"
            "        module.main = lambda: print('running', gc.isenabled(), gc.get_freeze_count() > 0)\n"
            "sys.meta_path.insert(0, CommandLine())\n"
            "from screener.launch import main\n"
            "main()\n")
    result = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True)
    assert result.returncode == 0, result.stderr[-2000:]
    assert result.stdout.splitlines() == ["imported False", "running True True"]
