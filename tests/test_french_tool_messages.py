"""The last English in the lawyers' tools, now in French (issue 16): `rules test` values, the .xlsx reader,
numbers inside the text-number warning, and PyYAML's own words after our advice. Each is checked in both
languages through the command line (CliRunner) or the loader, as a person meets it."""

from __future__ import annotations

from pathlib import Path

from test_loader import COMPACT_HEADER
from typer.testing import CliRunner

from screener import i18n
from screener.cli import app
from screener.rulebook import load_rulebook

runner = CliRunner()
NBSP = "\u00a0"

RULES = COMPACT_HEADER + """\
  - {id: funds, type: money, topic: main, prompt: Funds?}
pathways:
  - {id: work, title: Work, kind: permanent_residence, summary: s, requirements: [
      {id: adult, text: You are an adult, condition: age >= 18},
      {id: money, text: "You have 15,263 dollars or more", condition: funds >= 20000}]}
"""


def invoke(args: list[str], lang: str) -> tuple[int, str, str]:
    result = runner.invoke(app, [*args, "--lang", lang], env={"COLUMNS": "400", "SCREENER_LANG": ""})
    # French output puts no-break spaces inside « » and before ':' (never a line break there)
    return result.exit_code, result.stdout.replace(NBSP, " "), result.stderr.replace(NBSP, " ")


def test_the_text_number_warning_writes_its_numbers_as_the_reader_does(tmp_path: Path) -> None:
    (tmp_path / "main.yaml").write_text(RULES, encoding="utf-8")
    said = {}
    for lang in ("en", "fr"):
        with i18n.command_language(lang):
            found = [str(w) for w in load_rulebook(tmp_path).warnings if "money" in str(w)]
        assert len(found) == 1
        said[lang] = found[0]
    assert "15,263" in said["en"] and "20,000" in said["en"]
    assert f"15{NBSP}263" in said["fr"] and f"20{NBSP}000" in said["fr"]
    assert "15,263" not in said["fr"]
    (tmp_path / "main.yaml").write_text(RULES.replace("15,263 dollars", "$15,263"), encoding="utf-8")
    assert not [w for w in load_rulebook(tmp_path).warnings if "money" in str(w)]  # an amount, not "263"


def test_rules_test_rejects_a_misspelled_pathway_in_french(tmp_path: Path) -> None:
    (tmp_path / "main.yaml").write_text(RULES, encoding="utf-8")
    (tmp_path / "tests").mkdir()
    (tmp_path / "tests" / "typo.yaml").write_text(
        "tests:\n  - name: misspelled\n    source: s\n    as_of: 2026-01-01\n    answers: {age: 30}\n"
        "    expect:\n      pathways: {wrok: eligible}\n", encoding="utf-8")
    where = tmp_path / "tests" / "typo.yaml"
    code, _, err = invoke(["rules", "test", str(tmp_path)], "fr")
    assert code == 1
    assert f"  {where}:7:18: « wrok » n'est pas une voie de ce recueil de règles (vouliez-vous dire « work »?)\n" in err
    code, _, err = invoke(["rules", "test", str(tmp_path)], "en")
    assert code == 1
    assert f"  {where}:7:18: 'wrok' is not a pathway of this rulebook (did you mean 'work'?)\n" in err


def test_an_unreadable_workbook_is_refused_in_french(tmp_path: Path) -> None:
    source = tmp_path / "in.xlsx"
    source.write_bytes(b"PK\x03\x04rest of a zip")
    args = ["batch", str(source), "-o", str(tmp_path / "out.csv"), "--as-of", "2026-11-25"]
    code, _, err = invoke(args, "fr")
    assert code == 2
    assert f"{source} : ce n'est pas un classeur .xlsx lisible (" in err
    code, _, err = invoke(args, "en")
    assert f"{source}: not a readable .xlsx workbook (" in err


def test_pyyaml_s_own_words_are_translated_after_the_advice(tmp_path: Path) -> None:
    (tmp_path / "main.yaml").write_text("rulebook: {id: demo, title: Demo\ntopics: []\n", encoding="utf-8")
    code, _, err = invoke(["rules", "validate", str(tmp_path)], "fr")
    assert code == 1
    assert "(YAML : dans un dictionnaire entre accolades : la « , » ou le « } » attendu est introuvable)" in err
    code, _, err = invoke(["rules", "validate", str(tmp_path)], "en")
    assert "(YAML: while parsing a flow mapping did not find expected ',' or '}')" in err  # PyYAML's own text


def test_a_pyyaml_problem_without_advice_is_french_too_and_an_unknown_one_stays_as_pyyaml_wrote_it(
        tmp_path: Path) -> None:
    (tmp_path / "main.yaml").write_text('rulebook: {id: demo, title: "a \\q"}\n', encoding="utf-8")
    code, _, err = invoke(["rules", "validate", str(tmp_path)], "fr")
    assert code == 1
    assert "dans un texte entre guillemets : caractère d'échappement inconnu" in err
    (tmp_path / "main.yaml").write_text("a: &x 1\nb: &x 2\n", encoding="utf-8")  # a duplicate anchor: not in the table
    code, _, err = invoke(["rules", "validate", str(tmp_path)], "fr")
    assert code == 1
    assert "found duplicate anchor" in err


def test_a_bad_map_is_refused_in_french(tmp_path: Path) -> None:
    mapping = tmp_path / "map.yaml"
    mapping.write_text("columns:\n  Statut: marital_status\n  Âge: agee\nvalues:\n  marital_status:\n"
                       "    Pacsé: civil_union\n", encoding="utf-8")
    source = tmp_path / "in.csv"
    source.write_text("Statut,Âge\nPacsé,30\n", encoding="utf-8")
    args = ["batch", str(source), "-o", str(tmp_path / "out.csv"), "--map", str(mapping), "--as-of", "2026-11-25"]
    code, _, err = invoke(args, "fr")
    assert code == 2
    assert "Erreur : --map : 2 problèmes dans la table de correspondance" in err
    assert "« agee » n'est pas un champ du recueil de règles (vouliez-vous dire « age »?)" in err


def test_an_input_with_no_known_column_is_refused_in_french(tmp_path: Path) -> None:
    source = tmp_path / "in.csv"
    source.write_text("Nom,Couleur\nZoé,bleu\n", encoding="utf-8")
    code, _, err = invoke(["batch", str(source), "-o", str(tmp_path / "out.csv"), "--as-of", "2026-11-25"], "fr")
    assert code == 2
    assert "aucune des 2 colonnes de l'entrée n'est un champ du recueil de règles" in err
    assert "un en-tête doit être un identifiant de champ" in err


def test_answer_file_and_save_refusals_in_french(tmp_path: Path) -> None:
    answers = tmp_path / "me.yaml"
    answers.write_text("- age\n- 30\n", encoding="utf-8")
    code, _, err = invoke(["check", "--answers", str(answers), "--no-input"], "fr")
    assert code == 2
    assert f"--answers : {answers} doit associer chaque identifiant de question à une réponse" in err
    answers.write_text("age: [30]\n", encoding="utf-8")
    code, _, err = invoke(["check", "--answers", str(answers), "--no-input"], "fr")
    assert code == 2 and "doit être une seule valeur, pas une liste ni un dictionnaire" in err
    answers.write_text("age: 30\n", encoding="utf-8")
    save = tmp_path / "nowhere" / "me.yaml"
    code, _, err = invoke(["check", "--answers", str(answers), "--no-input", "--save", str(save)], "fr")
    assert code == 2  # an output path that cannot be written: a bad argument, as --answers' above
    assert f"--save : impossible d'écrire dans {save.parent} (dossier introuvable)" in err


def test_explain_cites_tables_and_scores_in_french() -> None:
    """`rules explain --markdown` shows each table's and score's citation: in French, the French one."""
    code, out, _ = invoke(["rules", "explain", "express_entry_fsw", "--markdown"], "fr")
    assert code == 0
    cited = [line for line in out.splitlines() if "Droit : " in line]
    assert any("Instructions ministérielles concernant le système Entrée express, SCG" in line for line in cited)
    assert any("Droit : RIPR, al. 79(2)a)" in line for line in cited)  # the FSW language table
    assert not [line for line in cited if "IRPR" in line or "Ministerial Instructions" in line]
    code, out, _ = invoke(["rules", "explain", "express_entry_fsw", "--markdown"], "en")
    assert "Law: IRPR s.79(2)(a)" in out


def test_explain_cites_derived_values_and_their_versions_in_french() -> None:
    code, out, _ = invoke(["rules", "explain", "citizenship_by_descent", "--markdown"], "fr")
    assert code == 0
    assert "Loi sur la citoyenneté, al. 3(1)b), par. 3(3) (limite à la première génération" in out  # a version's
    assert "Citizenship Act" not in out and "IRPR" not in out
