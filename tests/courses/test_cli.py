"""`flask content check|sync|export` over course folders."""

import shutil

from sqlalchemy import func, select

from app.extensions import db
from courses.models import CourseVersion
from tests.courses.test_loader import SAMPLE, edit


def test_check_reports_file_line_and_key_and_fails(app, runner, tmp_path):
    shutil.copytree(SAMPLE, tmp_path / "muestra-consular")
    edit(tmp_path / "muestra-consular" / "course.yaml", "family: derechos-humanos", "family: x")
    app.config["COURSES_CONTENT_DIR"] = str(tmp_path)
    result = runner.invoke(args=["content", "check"])
    assert result.exit_code == 1
    assert "muestra-consular/course.yaml:4: family: debe ser uno de" in result.output
    assert "El contenido tiene 1 problema." in result.output


def test_broken_content_syncs_nothing(app, runner, tmp_path):
    shutil.copytree(SAMPLE, tmp_path / "muestra-consular")
    (tmp_path / "muestra-consular" / "lessons" / "02-acceso.md").unlink()
    app.config["COURSES_CONTENT_DIR"] = str(tmp_path)
    result = runner.invoke(args=["content", "sync"])
    assert result.exit_code != 0
    assert db.session.scalar(select(func.count()).select_from(CourseVersion)) == 0


def test_sync_then_export_cli(runner, tmp_path):
    assert runner.invoke(args=["content", "check"]).exit_code == 0
    synced = runner.invoke(args=["content", "sync"])
    assert synced.exit_code == 0 and "nuevos: 1" in synced.output
    again = runner.invoke(args=["content", "sync"])
    assert "sin cambios: 1" in again.output
    exported = runner.invoke(args=["content", "export", str(tmp_path / "out")])
    assert exported.exit_code == 0
    assert (tmp_path / "out" / "courses" / "muestra-consular" / "course.yaml").is_file()
    assert (
        tmp_path / "out" / "courses" / "muestra-consular" / "lessons" / "01-notificacion.en.md"
    ).is_file()


def test_report_lists_words_references_and_pending_facts(runner):
    result = runner.invoke(args=["courses", "report"])
    assert result.exit_code == 0, result.output
    assert "**01-notificacion**" in result.output and "vccr-art36" in result.output
    assert "Ejemplo de nota para formadores" in result.output
