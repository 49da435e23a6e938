"""Who may open what: every route in the URL map against every role.

A new route without an entry in EXPECTED fails ``test_every_route_has_an_access_entry``.
"""

import base64
import io

import pytest

from app.auth.models import Office, Position
from app.extensions import db
from assessments import content_source as quiz_source
from assessments import services as quiz_services
from assessments.authoring import quizzes as quiz_drafts
from assessments.authoring import services as bank_services
from assessments.models import Assessment, QuestionBank
from case_simulations import authoring as scenario_drafts
from case_simulations import content_source as simulation_source
from case_simulations import services as simulation_services
from case_simulations.models import Scenario
from certificates.compliance import services as compliance_services
from certificates.models import Certificate
from courses import content_source, services
from courses.authoring import images as authoring_images
from courses.authoring import services as authoring_services
from courses.models import Course
from tests.factories import make_user

# A 1×1 PNG for the lesson-image route.
PNG = base64.b64decode(
    "iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mP8z8BQDwAEhQGAhKmMIQAAAABJRU5ErkJggg=="
)
ROLES = ["anonymous", "learner", "trainer", "hr", "admin"]
LOGIN_REDIRECT = 302

# endpoint -> (method, url template, {role: status}); "*" is the default for unnamed roles.
PUBLIC = {"*": 200}
LOGGED_IN = {"anonymous": LOGIN_REDIRECT, "*": 200}
ADMIN_ONLY = {"anonymous": LOGIN_REDIRECT, "admin": 200, "*": 403}
ADMIN_POST = {"anonymous": LOGIN_REDIRECT, "admin": 302, "*": 403}

FORM = {"anonymous": LOGIN_REDIRECT, "*": 200}  # an empty POST re-renders with errors
NOT_YOURS = {"anonymous": LOGIN_REDIRECT, "*": 404}
TRAINERS = {"anonymous": LOGIN_REDIRECT, "trainer": 200, "admin": 200, "*": 403}
ADMIN_FORM = {"anonymous": LOGIN_REDIRECT, "admin": 200, "*": 403}
HOLDER_OR_HR = {"anonymous": LOGIN_REDIRECT, "hr": 200, "admin": 200, "*": 404}
HR_ONLY = {"anonymous": LOGIN_REDIRECT, "hr": 200, "admin": 200, "*": 403}
HR_POST = {"anonymous": LOGIN_REDIRECT, "hr": 302, "admin": 302, "*": 403}
HR_BAD_FORM = {"anonymous": LOGIN_REDIRECT, "hr": 400, "admin": 400, "*": 403}
TOKEN_ONLY = {"*": 401}
TRAINER_POST = {"anonymous": LOGIN_REDIRECT, "trainer": 302, "admin": 302, "*": 403}
TRAINERS_NOTHING = {"anonymous": LOGIN_REDIRECT, "trainer": 404, "admin": 404, "*": 403}

# (endpoint, method) -> (url template, {role: status}); "*" is the default for unnamed roles.
EXPECTED = {
    ("static", "GET"): ("/static/css/aula.css", PUBLIC),
    ("main.index", "GET"): ("/", {"*": 302}),
    ("main.home", "GET"): ("/inicio", LOGGED_IN),
    ("main.set_language", "POST"): ("/idioma", {"*": 302}),
    ("main.healthz", "GET"): ("/healthz", PUBLIC),
    ("auth.login", "GET"): ("/cuenta/entrar", {"anonymous": 200, "*": 302}),
    ("auth.login", "POST"): ("/cuenta/entrar", {"anonymous": 200, "*": 302}),
    ("auth.logout", "POST"): ("/cuenta/salir", {"*": 302}),
    ("auth.forgot_password", "GET"): ("/cuenta/olvide-contrasena", PUBLIC),
    ("auth.forgot_password", "POST"): ("/cuenta/olvide-contrasena", PUBLIC),
    ("auth.reset_password", "GET"): ("/cuenta/restablecer/no-valido", {"*": 302}),
    ("auth.reset_password", "POST"): ("/cuenta/restablecer/no-valido", {"*": 302}),
    ("auth.profile", "GET"): ("/cuenta/perfil", LOGGED_IN),
    # An empty POST to an edit form keeps the current values (Flask-WTF falls back to obj).
    ("auth.profile", "POST"): ("/cuenta/perfil", {"*": 302}),
    ("auth.change_password", "GET"): ("/cuenta/contrasena", LOGGED_IN),
    ("auth.change_password", "POST"): ("/cuenta/contrasena", FORM),
    ("admin.users", "GET"): ("/admin/usuarios", ADMIN_ONLY),
    ("admin.create_user", "GET"): ("/admin/usuarios/nuevo", ADMIN_ONLY),
    ("admin.create_user", "POST"): ("/admin/usuarios/nuevo", ADMIN_FORM),
    ("admin.edit_user", "GET"): ("/admin/usuarios/{user_id}", ADMIN_ONLY),
    ("admin.edit_user", "POST"): ("/admin/usuarios/{user_id}", ADMIN_FORM),
    ("admin.unlock_user", "POST"): ("/admin/usuarios/{user_id}/desbloquear", ADMIN_POST),
    ("admin.send_password_link", "POST"): (
        "/admin/usuarios/{user_id}/enlace-contrasena",
        ADMIN_POST,
    ),
    ("admin.offices", "GET"): ("/admin/oficinas", ADMIN_ONLY),
    ("admin.offices", "POST"): ("/admin/oficinas", ADMIN_FORM),
    ("admin.edit_office", "GET"): ("/admin/oficinas/{office_id}", ADMIN_ONLY),
    ("admin.edit_office", "POST"): ("/admin/oficinas/{office_id}", ADMIN_POST),
    ("admin.set_office_open", "POST"): ("/admin/oficinas/{office_id}/reabrir", ADMIN_POST),
    ("admin.positions", "GET"): ("/admin/puestos", ADMIN_ONLY),
    ("admin.positions", "POST"): ("/admin/puestos", ADMIN_FORM),
    ("admin.edit_position", "GET"): ("/admin/puestos/{position_id}", ADMIN_ONLY),
    ("admin.edit_position", "POST"): ("/admin/puestos/{position_id}", ADMIN_POST),
    ("admin.audit", "GET"): ("/admin/auditoria", ADMIN_ONLY),
    ("courses.catalogue", "GET"): ("/cursos/", LOGGED_IN),
    ("courses.detail", "GET"): ("/cursos/muestra-consular", LOGGED_IN),
    ("courses.enroll", "POST"): ("/cursos/muestra-consular/inscribirse", {"*": 302}),
    ("courses.resume", "GET"): ("/cursos/muestra-consular/continuar", {"*": 302}),
    # Not enrolled: every role is sent to the course page first.
    ("courses.lesson", "GET"): ("/cursos/muestra-consular/lecciones/01-notificacion", {"*": 302}),
    ("courses.complete_lesson", "POST"): (
        "/cursos/muestra-consular/lecciones/01-notificacion/completar",
        {"*": 302},
    ),
    ("courses.print_course", "GET"): ("/cursos/muestra-consular/imprimir", LOGGED_IN),
    ("assessments.intro", "GET"): ("/evaluaciones/muestra-final", LOGGED_IN),
    ("assessments.start", "POST"): ("/evaluaciones/muestra-final/comenzar", {"*": 302}),
    # Attempt pages of an attempt that is not yours do not exist.
    ("assessments.question", "GET"): ("/evaluaciones/intento/{attempt_id}/1", NOT_YOURS),
    ("assessments.question", "POST"): ("/evaluaciones/intento/{attempt_id}/1", NOT_YOURS),
    ("assessments.summary", "GET"): ("/evaluaciones/intento/{attempt_id}/resumen", NOT_YOURS),
    ("assessments.submit", "POST"): ("/evaluaciones/intento/{attempt_id}/enviar", NOT_YOURS),
    ("assessments.result", "GET"): ("/evaluaciones/intento/{attempt_id}/resultado", NOT_YOURS),
    ("assessments.analysis", "GET"): ("/evaluaciones/muestra-final/analisis", TRAINERS),
    ("assessments.analysis_csv", "GET"): ("/evaluaciones/muestra-final/analisis.csv", TRAINERS),
    ("case_simulations.catalogue", "GET"): ("/simulaciones/", LOGGED_IN),
    ("case_simulations.briefing", "GET"): ("/simulaciones/muestra-reten", LOGGED_IN),
    ("case_simulations.scenario_map", "GET"): ("/simulaciones/muestra-reten/mapa", TRAINERS),
    ("case_simulations.start", "POST"): ("/simulaciones/muestra-reten/comenzar", {"*": 302}),
    # Run pages of a run that is not yours do not exist (trainers see submitted runs only).
    ("case_simulations.play", "GET"): ("/simulaciones/partida/{run_id}", NOT_YOURS),
    ("case_simulations.move", "POST"): ("/simulaciones/partida/{run_id}/mover", NOT_YOURS),
    ("case_simulations.notebook", "GET"): ("/simulaciones/partida/{run_id}/cuaderno", NOT_YOURS),
    ("case_simulations.record_section", "GET"): (
        "/simulaciones/partida/{run_id}/registro/caso",
        NOT_YOURS,
    ),
    ("case_simulations.record_section", "POST"): (
        "/simulaciones/partida/{run_id}/registro/caso",
        NOT_YOURS,
    ),
    ("case_simulations.record_summary", "GET"): (
        "/simulaciones/partida/{run_id}/registro",
        NOT_YOURS,
    ),
    ("case_simulations.submit", "POST"): ("/simulaciones/partida/{run_id}/enviar", NOT_YOURS),
    ("case_simulations.report", "GET"): ("/simulaciones/partida/{run_id}/informe", NOT_YOURS),
    ("case_simulations.export", "GET"): ("/simulaciones/partida/{run_id}/huridocs.json", NOT_YOURS),
    ("case_simulations.review_queue", "GET"): ("/simulaciones/revision", TRAINERS),
    # The target's run is still open: nothing to review yet.
    ("case_simulations.review", "GET"): ("/simulaciones/revision/{run_id}", TRAINERS_NOTHING),
    ("case_simulations.review", "POST"): ("/simulaciones/revision/{run_id}", TRAINERS_NOTHING),
    ("certificates.mine", "GET"): ("/certificados/", LOGGED_IN),
    # Another person's certificate: HR and administrators see it; for others it does not exist.
    ("certificates.pdf", "GET"): ("/certificados/{serial}.pdf", HOLDER_OR_HR),
    ("certificates.credential", "GET"): ("/certificados/{serial}/credencial.json", HOLDER_OR_HR),
    ("certificates.register", "GET"): ("/certificados/gestion", HR_ONLY),
    ("certificates.detail", "GET"): ("/certificados/gestion/{serial}", HR_ONLY),
    # An empty revocation (no reason) is refused with the form shown again.
    ("certificates.revoke", "POST"): ("/certificados/gestion/{serial}/revocar", HR_BAD_FORM),
    ("certificates.renew", "POST"): ("/certificados/gestion/{serial}/renovar", HR_POST),
    ("certificates.require_renewal", "POST"): (
        "/certificados/gestion/{serial}/exigir-renovacion",
        HR_POST,
    ),
    ("certificates.rerender", "POST"): ("/certificados/gestion/{serial}/reemitir-pdf", HR_POST),
    ("certificates.bundle", "GET"): ("/certificados/gestion/certificados.zip", HR_ONLY),
    ("certificates.verify", "GET"): ("/certificados/verificar", PUBLIC),
    ("certificates.verify_code", "GET"): ("/certificados/verificar/{code}", PUBLIC),
    ("certificates.verify_token", "GET"): ("/certificados/t/{token}", {"*": 302}),
    ("certificates.issuer", "GET"): ("/certificados/emisor.json", PUBLIC),
    ("compliance.dashboard", "GET"): ("/rrhh/", HR_ONLY),
    ("compliance.office", "GET"): ("/rrhh/oficina/{office_id}", HR_ONLY),
    ("compliance.person", "GET"): ("/rrhh/persona/{user_id}", HR_ONLY),
    ("compliance.transcript", "GET"): ("/rrhh/persona/{user_id}/expediente", HR_ONLY),
    ("compliance.transcript_pdf", "GET"): ("/rrhh/persona/{user_id}/expediente.pdf", HR_ONLY),
    ("compliance.transcript_export", "GET"): ("/rrhh/persona/{user_id}/expediente.xlsx", HR_ONLY),
    ("compliance.matrix_export", "GET"): ("/rrhh/matriz.csv", HR_ONLY),
    # Invalid or empty posts come back to the person's page with the reason.
    ("compliance.assign", "POST"): ("/rrhh/persona/{user_id}/asignar", HR_POST),
    ("compliance.end_assignment", "POST"): (
        "/rrhh/asignaciones/{assignment_id}/terminar",
        HR_POST,
    ),
    ("compliance.waive", "POST"): ("/rrhh/asignaciones/{assignment_id}/exencion", HR_POST),
    ("compliance.revoke_waiver", "POST"): ("/rrhh/exenciones/{waiver_id}/revocar", HR_POST),
    ("compliance.requirements", "GET"): ("/rrhh/requisitos", HR_ONLY),
    ("compliance.requirements", "POST"): ("/rrhh/requisitos", HR_BAD_FORM),
    ("compliance.edit_requirement", "GET"): ("/rrhh/requisitos/{requirement_id}", HR_ONLY),
    ("compliance.edit_requirement", "POST"): ("/rrhh/requisitos/{requirement_id}", HR_BAD_FORM),
    ("compliance.retire_requirement", "POST"): (
        "/rrhh/requisitos/{requirement_id}/retirar",
        HR_POST,
    ),
    ("compliance.versions", "GET"): ("/rrhh/versiones", HR_ONLY),
    ("compliance.versions", "POST"): ("/rrhh/versiones", HR_BAD_FORM),
    # The API ignores the session cookie: without a bearer token every role gets 401.
    ("api.openapi", "GET"): ("/api/v1/openapi.json", PUBLIC),
    ("api.people", "GET"): ("/api/v1/people", TOKEN_ONLY),
    ("api.person", "GET"): ("/api/v1/people/{user_id}", TOKEN_ONLY),
    ("api.offices", "GET"): ("/api/v1/offices", TOKEN_ONLY),
    ("compliance_api.requirements", "GET"): ("/api/v1/requirements", TOKEN_ONLY),
    ("compliance_api.assignments", "GET"): ("/api/v1/assignments", TOKEN_ONLY),
    ("compliance_api.compliance", "GET"): ("/api/v1/compliance", TOKEN_ONLY),
    ("certificates_api.certificates", "GET"): ("/api/v1/certificates", TOKEN_ONLY),
    ("certificates_api.certificate", "GET"): ("/api/v1/certificates/{serial}", TOKEN_ONLY),
    ("api_tokens.tokens", "GET"): ("/admin/api", ADMIN_ONLY),
    ("api_tokens.tokens", "POST"): (
        "/admin/api",
        {"anonymous": LOGIN_REDIRECT, "admin": 400, "*": 403},
    ),
    ("api_tokens.revoke", "POST"): ("/admin/api/{token_id}/revocar", ADMIN_POST),
    ("staff.upload", "GET"): ("/personal/importar", HR_ONLY),
    ("staff.upload", "POST"): ("/personal/importar", HR_BAD_FORM),  # no file chosen
    ("staff.apply", "POST"): ("/personal/importar/aplicar", HR_POST),  # nothing staged
    ("authoring.index", "GET"): ("/autoria/", TRAINERS),
    ("authoring.new_course", "GET"): ("/autoria/cursos/nuevo", TRAINERS),
    ("authoring.new_course", "POST"): ("/autoria/cursos/nuevo", TRAINERS),
    ("authoring.course", "GET"): ("/autoria/cursos/muestra-consular", TRAINERS),
    ("authoring.start_draft", "POST"): ("/autoria/cursos/muestra-consular/borrador", TRAINER_POST),
    ("authoring.edit_course", "GET"): ("/autoria/cursos/muestra-consular/datos", TRAINERS),
    ("authoring.edit_course", "POST"): ("/autoria/cursos/muestra-consular/datos", TRAINERS),
    ("authoring.edit_lesson", "GET"): (
        "/autoria/cursos/muestra-consular/lecciones/01-notificacion",
        TRAINERS,
    ),
    ("authoring.edit_lesson", "POST"): (
        "/autoria/cursos/muestra-consular/lecciones/01-notificacion",
        TRAINERS,
    ),
    ("authoring.structure", "POST"): ("/autoria/cursos/muestra-consular/estructura", TRAINER_POST),
    ("authoring.glossary", "GET"): ("/autoria/cursos/muestra-consular/glosario", TRAINERS),
    ("authoring.glossary", "POST"): ("/autoria/cursos/muestra-consular/glosario", TRAINERS),
    ("authoring.upload_image", "POST"): ("/autoria/cursos/muestra-consular/imagenes", TRAINER_POST),
    ("authoring.settings", "GET"): ("/autoria/cursos/muestra-consular/ajustes", TRAINERS),
    ("authoring.settings", "POST"): ("/autoria/cursos/muestra-consular/ajustes", TRAINER_POST),
    ("authoring.preview_course", "GET"): (
        "/autoria/cursos/muestra-consular/vista-previa",
        TRAINERS,
    ),
    ("authoring.preview_lesson", "GET"): (
        "/autoria/cursos/muestra-consular/vista-previa/01-notificacion",
        TRAINERS,
    ),
    ("authoring.request_review", "POST"): (
        "/autoria/cursos/muestra-consular/pedir-revision",
        TRAINER_POST,
    ),
    ("authoring.review", "POST"): ("/autoria/cursos/muestra-consular/revisar", TRAINER_POST),
    ("authoring.publish", "GET"): ("/autoria/cursos/muestra-consular/publicar", TRAINERS),
    ("authoring.publish", "POST"): (
        "/autoria/cursos/muestra-consular/publicar",
        TRAINERS,
    ),  # no change note: re-rendered
    ("authoring.discard", "POST"): ("/autoria/cursos/muestra-consular/descartar", TRAINER_POST),
    ("authoring.versions", "GET"): ("/autoria/cursos/muestra-consular/versiones", TRAINERS),
    ("authoring.compare", "GET"): ("/autoria/cursos/muestra-consular/comparar", TRAINERS),
    ("authoring.rollback", "POST"): (
        "/autoria/cursos/muestra-consular/versiones/1/restaurar",
        TRAINER_POST,
    ),
    ("bank_authoring.banks", "GET"): ("/autoria/bancos/", TRAINERS),
    ("bank_authoring.bank", "GET"): ("/autoria/bancos/muestra", TRAINERS),
    ("bank_authoring.start_draft", "POST"): ("/autoria/bancos/muestra/borrador", TRAINER_POST),
    ("bank_authoring.new_question", "GET"): (
        "/autoria/bancos/muestra/preguntas/nueva?tipo=true_false&id=q-nueva",
        TRAINERS,
    ),
    ("bank_authoring.new_question", "POST"): ("/autoria/bancos/muestra/preguntas/nueva", TRAINERS),
    ("bank_authoring.edit_question", "GET"): (
        "/autoria/bancos/muestra/preguntas/{question}",
        TRAINERS,
    ),
    ("bank_authoring.edit_question", "POST"): (
        "/autoria/bancos/muestra/preguntas/{question}",
        TRAINERS,
    ),
    ("bank_authoring.new_question_form", "GET"): (
        "/autoria/bancos/muestra/preguntas/nueva/formulario?tipo=matching&id=q-nueva",
        TRAINERS,
    ),
    ("bank_authoring.new_question_form", "POST"): (
        "/autoria/bancos/muestra/preguntas/nueva/formulario?tipo=numeric",
        TRAINERS,
    ),
    ("bank_authoring.edit_question_form", "GET"): (
        "/autoria/bancos/muestra/preguntas/{question}/formulario",
        TRAINERS,
    ),
    ("bank_authoring.edit_question_form", "POST"): (
        "/autoria/bancos/muestra/preguntas/{question}/formulario",
        TRAINERS,
    ),
    ("bank_authoring.remove_question", "POST"): (
        "/autoria/bancos/muestra/preguntas/{question}/quitar",
        TRAINER_POST,
    ),
    ("bank_authoring.gift_preview", "POST"): (
        "/autoria/bancos/muestra/gift",
        TRAINER_POST,
    ),  # no file: back
    ("bank_authoring.gift_add", "POST"): ("/autoria/bancos/muestra/gift/agregar", TRAINER_POST),
    ("bank_authoring.request_review", "POST"): (
        "/autoria/bancos/muestra/pedir-revision",
        TRAINER_POST,
    ),
    ("bank_authoring.review", "POST"): ("/autoria/bancos/muestra/revisar", TRAINER_POST),
    ("bank_authoring.publish", "GET"): ("/autoria/bancos/muestra/publicar", TRAINERS),
    ("bank_authoring.publish", "POST"): ("/autoria/bancos/muestra/publicar", TRAINERS),
    ("bank_authoring.discard", "POST"): ("/autoria/bancos/muestra/descartar", TRAINER_POST),
    ("quiz_authoring.index", "GET"): ("/autoria/evaluaciones/", TRAINERS),
    ("quiz_authoring.new_quiz", "GET"): ("/autoria/evaluaciones/nueva", TRAINERS),
    ("quiz_authoring.new_quiz", "POST"): ("/autoria/evaluaciones/nueva", TRAINERS),
    ("quiz_authoring.quiz", "GET"): ("/autoria/evaluaciones/muestra-final", TRAINERS),
    ("quiz_authoring.quiz", "POST"): ("/autoria/evaluaciones/muestra-final", TRAINERS),
    ("quiz_authoring.start_draft", "POST"): (
        "/autoria/evaluaciones/muestra-final/borrador",
        TRAINER_POST,
    ),
    ("quiz_authoring.request_review", "POST"): (
        "/autoria/evaluaciones/muestra-final/pedir-revision",
        TRAINER_POST,
    ),
    ("quiz_authoring.review", "POST"): (
        "/autoria/evaluaciones/muestra-final/revisar",
        TRAINER_POST,
    ),
    ("quiz_authoring.publish", "GET"): ("/autoria/evaluaciones/muestra-final/publicar", TRAINERS),
    ("quiz_authoring.publish", "POST"): ("/autoria/evaluaciones/muestra-final/publicar", TRAINERS),
    ("quiz_authoring.discard", "POST"): (
        "/autoria/evaluaciones/muestra-final/descartar",
        TRAINER_POST,
    ),
    ("scenario_authoring.index", "GET"): ("/autoria/simulaciones/", TRAINERS),
    ("scenario_authoring.scenario", "GET"): ("/autoria/simulaciones/muestra-reten", TRAINERS),
    ("scenario_authoring.scenario", "POST"): ("/autoria/simulaciones/muestra-reten", TRAINERS),
    ("scenario_authoring.upload", "POST"): (
        "/autoria/simulaciones/muestra-reten/subir",
        {"anonymous": LOGIN_REDIRECT, "trainer": 422, "admin": 422, "*": 403},
    ),
    ("scenario_authoring.play", "GET"): ("/autoria/simulaciones/muestra-reten/probar", TRAINERS),
    ("scenario_authoring.start_draft", "POST"): (
        "/autoria/simulaciones/muestra-reten/borrador",
        TRAINER_POST,
    ),
    ("scenario_authoring.request_review", "POST"): (
        "/autoria/simulaciones/muestra-reten/pedir-revision",
        TRAINER_POST,
    ),
    ("scenario_authoring.review", "POST"): (
        "/autoria/simulaciones/muestra-reten/revisar",
        TRAINER_POST,
    ),
    ("scenario_authoring.publish", "GET"): (
        "/autoria/simulaciones/muestra-reten/publicar",
        TRAINERS,
    ),
    ("scenario_authoring.publish", "POST"): (
        "/autoria/simulaciones/muestra-reten/publicar",
        TRAINERS,
    ),
    ("scenario_authoring.discard", "POST"): (
        "/autoria/simulaciones/muestra-reten/descartar",
        TRAINER_POST,
    ),
    ("authoring.export_pack", "GET"): ("/autoria/cursos/muestra-consular/paquete.zip", TRAINERS),
    ("authoring.import_pack", "GET"): ("/autoria/paquetes", TRAINERS),
    ("authoring.import_pack", "POST"): ("/autoria/paquetes", TRAINERS),
    ("bank_authoring.history", "GET"): (
        "/autoria/bancos/muestra/preguntas/{question}/historial",
        TRAINERS,
    ),
    ("bank_authoring.restore", "POST"): (
        "/autoria/bancos/muestra/preguntas/{question}/restaurar/1",
        TRAINER_POST,
    ),
    ("bank_authoring.new_bank", "GET"): ("/autoria/bancos/nuevo", TRAINERS),
    ("bank_authoring.new_bank", "POST"): ("/autoria/bancos/nuevo", TRAINERS),
    ("media.image", "GET"): ("/medios/{image}", {"anonymous": LOGIN_REDIRECT, "*": 200}),
}


def _routes(app) -> set[tuple[str, str]]:
    return {
        (rule.endpoint, method)
        for rule in app.url_map.iter_rules()
        for method in rule.methods - {"HEAD", "OPTIONS"}
    }


def test_every_route_has_an_access_entry(app):
    routes = _routes(app)
    missing = routes - EXPECTED.keys()
    stale = EXPECTED.keys() - routes
    assert not missing, f"routes without an access entry: {sorted(missing)}"
    assert not stale, f"access entries for routes that no longer exist: {sorted(stale)}"


@pytest.mark.parametrize("role", ROLES)
@pytest.mark.parametrize(("endpoint", "method"), sorted(EXPECTED))
def test_access_table(app, client, login, role, endpoint, method):
    template, statuses = EXPECTED[(endpoint, method)]
    services.sync_courses(content_source.load())
    banks, definitions = quiz_source.load()
    quiz_services.sync_assessments(banks, definitions)
    target = make_user("objetivo@ejemplo.hn")
    quiz = db.session.scalar(db.select(Assessment).filter_by(slug="muestra-final"))
    attempt = quiz_services.start_attempt(quiz, target, "es")
    serial = code = token = "none"
    if endpoint.startswith("certificates."):
        course = db.session.scalar(db.select(Course).filter_by(slug="muestra-consular"))
        enrollment = services.enroll(course, target)
        for item in enrollment.version.items:
            services.complete_item(enrollment, item, target)
        cert = db.session.scalar(db.select(Certificate))
        serial, code, token = cert.serial, cert.code, cert.token
    requirement_id = assignment_id = waiver_id = 0
    if endpoint.startswith("compliance."):
        course = db.session.scalar(db.select(Course).filter_by(slug="muestra-consular"))
        rule = compliance_services.save_requirement(
            None,
            target,
            course_id=course.id,
            position_id=target.position_id,
            office_id=None,
            due_within_days=30,
            starts_on=compliance_services.today(),
            renewal_months=None,
            note=None,
        )
        manual = compliance_services.assign(target, course.id, compliance_services.today(), target)
        waiver = compliance_services.grant_waiver(manual, target, "Motivo.", None)
        requirement_id, assignment_id, waiver_id = rule.id, manual.id, waiver.id
    token_id = 0
    if endpoint.startswith("api_tokens."):
        from app.api import services as api_services

        token_id = api_services.create_token(
            name="t", scopes={"people"}, office_ids=set(), expires_at=None, actor=None
        )[0].id
    if endpoint.startswith("quiz_authoring."):
        quiz_drafts.start_draft(quiz, make_user("autora@ejemplo.hn", roles=("trainer",)))
    question = "none"
    if endpoint.startswith("bank_authoring."):
        bank = db.session.scalar(db.select(QuestionBank).filter_by(slug="muestra"))
        author = make_user("autora@ejemplo.hn", roles=("trainer",))
        draft = bank_services.start_draft(bank, author)
        question = bank_services.questions_of(draft.content)[0]["id"]
    image = "none"
    if endpoint.startswith(("authoring.", "media.")):
        course = db.session.scalar(db.select(Course).filter_by(slug="muestra-consular"))
        author = make_user("autora@ejemplo.hn", roles=("trainer",))
        authoring_services.start_draft(course, author)
        image = authoring_images.store(course, author, io.BytesIO(PNG), "mapa.png").filename
    if endpoint.startswith("scenario_authoring."):
        simulation_services.sync_scenarios(simulation_source.load())
        scenario = db.session.scalar(db.select(Scenario).filter_by(slug="muestra-reten"))
        scenario_drafts.start_draft(scenario, make_user("autora@ejemplo.hn", roles=("trainer",)))
    run_id = 0
    if endpoint.startswith("case_simulations."):
        simulation_services.sync_scenarios(simulation_source.load())
        scenario = db.session.scalar(db.select(Scenario).filter_by(slug="muestra-reten"))
        run_id = simulation_services.start_run(scenario, target).id
    db.session.commit()
    ids = {
        "user_id": target.id,
        "office_id": db.session.scalar(db.select(Office.id).filter_by(code="tapachula")),
        "position_id": db.session.scalar(db.select(Position.id).filter_by(code="consul")),
        "attempt_id": attempt.id,
        "run_id": run_id,
        "requirement_id": requirement_id,
        "assignment_id": assignment_id,
        "waiver_id": waiver_id,
        "token_id": token_id,
        "serial": serial,
        "code": code,
        "token": token,
        "image": image,
        "question": question,
    }
    if role != "anonymous":
        login(make_user(f"{role}@ejemplo.hn", roles=(role,)))
    with client.open(template.format(**ids), method=method) as response:
        status = response.status_code
    expected = statuses.get(role, statuses.get("*"))
    assert status == expected, (role, endpoint, status)
