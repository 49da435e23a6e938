"""`flask case-simulations check|play` and the simulations' part of `flask content sync`."""

from sqlalchemy import select

from app.extensions import db
from case_simulations.models import Scenario, ScenarioVersion
from tests.case_simulations.conftest import BEST, SAMPLE


def test_check_reports_every_scenario(runner):
    result = runner.invoke(args=["case-simulations", "check"])
    assert result.exit_code == 0, result.output
    assert "muestra-reten: 9" in result.output
    assert "12.0" in result.output


def test_check_fails_with_line_numbers(app, runner, tmp_path):
    broken = SAMPLE.read_text(encoding="utf-8").replace("next: fin", "next: ninguna")
    (tmp_path / "muestra-reten.yaml").write_text(broken, encoding="utf-8")
    app.config["CASE_SIMULATIONS_DIR"] = str(tmp_path)
    result = runner.invoke(args=["case-simulations", "check"])
    assert result.exit_code == 1
    assert "muestra-reten.yaml:" in result.output
    assert "ninguna" in result.output


def test_play_walks_a_scripted_path(runner):
    result = runner.invoke(
        args=["case-simulations", "play", "muestra-reten", "--choices", ",".join(BEST)]
    )
    assert result.exit_code == 0, result.output
    assert "F03" in result.output
    assert "12 de 12.0" in result.output or "12 of 12.0" in result.output


def test_play_asks_at_the_prompt(runner):
    result = runner.invoke(
        args=["case-simulations", "play", "muestra-reten", "--lang", "en"],
        input="2\n1\n2\n2\n2\n1\n",
    )
    assert result.exit_code == 0, result.output
    assert "Sample: the checkpoint" in result.output
    assert "G4, G3" in result.output


def test_content_sync_versions_a_changed_scenario_and_keeps_the_old(app, runner, tmp_path):
    (tmp_path / "muestra-reten.yaml").write_text(SAMPLE.read_text(encoding="utf-8"), "utf-8")
    app.config["CASE_SIMULATIONS_DIR"] = str(tmp_path)
    assert runner.invoke(args=["content", "sync"]).exit_code == 0
    changed = SAMPLE.read_text(encoding="utf-8").replace("Muestra: el retén", "Muestra: el retén 2")
    (tmp_path / "muestra-reten.yaml").write_text(changed, "utf-8")
    result = runner.invoke(args=["content", "sync"])
    assert result.exit_code == 0, result.output
    scenario = db.session.scalar(select(Scenario).filter_by(slug="muestra-reten"))
    versions = db.session.scalars(
        select(ScenarioVersion).where(ScenarioVersion.scenario_id == scenario.id)
    ).all()
    assert [v.number for v in versions] == [1, 2]
    assert scenario.current_version.title_es == "Muestra: el retén 2"
    assert runner.invoke(args=["content", "sync"]).exit_code == 0  # unchanged: no version 3
    assert len(db.session.scalars(select(ScenarioVersion)).all()) == 2
