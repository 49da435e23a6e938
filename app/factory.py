"""create_app(): config → extensions → core blueprints → domains → errors, CLI and Jinja."""

from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

from flask import Flask
from werkzeug.middleware.proxy_fix import ProxyFix

from app import config as config_module
from app.extensions import babel, csrf, db, limiter, login_manager, mail, migrate, talisman
from app.i18n import _l, select_locale, select_timezone
from app.urls import IdConverter

ROOT = Path(__file__).resolve().parents[1]

# No inline scripts or styles and nothing from another origin.
CONTENT_SECURITY_POLICY = {
    "default-src": "'self'",
    "script-src": "'self'",
    "style-src": "'self'",
    "img-src": ["'self'", "data:"],
    "font-src": "'self'",
    "connect-src": "'self'",
    "form-action": "'self'",
    "frame-ancestors": "'none'",
    "base-uri": "'none'",
    "object-src": "'none'",
}


def create_app(config: dict[str, Any] | type | None = None) -> Flask:
    """Build the application; ``config`` (a mapping or class) is applied last, for tests."""
    app = Flask(
        "app",
        template_folder=str(ROOT / "templates"),
        instance_path=str(ROOT / "instance"),
        instance_relative_config=True,
    )
    app.url_map.converters["id"] = IdConverter
    configure(app, config)
    register_extensions(app)
    register_blueprints(app)
    register_domains(app)
    from app.errors import register_error_handlers
    from app.jinja import register_jinja

    register_error_handlers(app)
    register_jinja(app)
    app.before_request(refuse_nul_bytes)
    register_cli(app)
    return app


def configure(app: Flask, overrides: dict[str, Any] | type | None) -> None:
    """Layer the configuration and refuse to start production without a real secret key."""
    app.config.from_object(config_module.Config)
    app.config.from_pyfile("config.py", silent=True)
    app.config.from_prefixed_env("AULA")
    if isinstance(overrides, type):
        app.config.from_object(overrides)
    elif overrides:
        app.config.from_mapping(overrides)
    if app.config["ENVIRONMENT"] == "production":
        # Harden every value still at its development default; explicit settings win.
        for key, value in vars(config_module.ProductionConfig).items():
            if key.isupper() and app.config.get(key) == getattr(config_module.Config, key, None):
                app.config[key] = value
        if not app.config.get("BASE_URL"):
            raise RuntimeError(
                "BASE_URL must be set in production (AULA_BASE_URL=https://…): e-mailed links "
                "are built from it."
            )
        if not app.config.get("TRUSTED_HOSTS"):
            app.config["TRUSTED_HOSTS"] = [urlsplit(app.config["BASE_URL"]).hostname]
        secret = app.config.get("SECRET_KEY")
        if not secret or secret == config_module.DEV_SECRET_KEY or len(str(secret)) < 32:
            raise RuntimeError(
                "SECRET_KEY must be set to a random value of at least 32 characters in "
                "production (AULA_SECRET_KEY or instance/config.py)."
            )
    Path(app.instance_path).mkdir(parents=True, exist_ok=True)
    app.config["SQLALCHEMY_DATABASE_URI"] = (
        app.config.get("DATABASE_URL")
        or app.config.get("SQLALCHEMY_DATABASE_URI")
        or f"sqlite:///{Path(app.instance_path) / 'aula.db'}"
    )
    if app.config["SQLALCHEMY_DATABASE_URI"].startswith("sqlite"):
        app.config["SQLALCHEMY_ENGINE_OPTIONS"] = {}
    app.config["MAIL_FILE_PATH"] = app.config.get("MAIL_FILE_PATH") or str(
        Path(app.instance_path) / "outbox"
    )
    if app.config["PROXY_FIX_X_FOR"]:
        app.wsgi_app = ProxyFix(app.wsgi_app, x_for=int(app.config["PROXY_FIX_X_FOR"]), x_proto=1)


def refuse_nul_bytes() -> None:
    """Answer 400 to NUL characters in the query or form: no text here may contain one."""
    from flask import abort, request

    values = list(request.args.values())
    if request.mimetype in ("application/x-www-form-urlencoded", "multipart/form-data"):
        values += list(request.form.values())
    if any("\x00" in value for value in values):
        abort(400)


def register_extensions(app: Flask) -> None:
    """Initialise every extension against ``app``."""
    from app.db import import_all_models, render_alembic_item

    import_all_models()
    db.init_app(app)
    migrate.init_app(
        app,
        db,
        directory=str(ROOT / "app" / "migrations"),
        render_as_batch=True,
        compare_type=True,
        render_item=render_alembic_item,
    )
    babel.init_app(app, locale_selector=select_locale, timezone_selector=select_timezone)
    csrf.init_app(app)
    limiter.init_app(app)
    mail.init_app(app)
    talisman.init_app(
        app,
        force_https=app.config["FORCE_HTTPS"],
        strict_transport_security=app.config["HSTS_ENABLED"],
        session_cookie_secure=app.config["SESSION_COOKIE_SECURE"],
        session_cookie_http_only=True,
        content_security_policy=CONTENT_SECURITY_POLICY,
        frame_options="DENY",
        referrer_policy="same-origin",
        permissions_policy={"geolocation": "()", "camera": "()", "microphone": "()"},
    )
    login_manager.init_app(app)
    login_manager.login_view = "auth.login"
    login_manager.login_message = _l("Please log in to open that page.")
    login_manager.login_message_category = "info"
    login_manager.session_protection = "basic"

    from app.auth.services import load_user

    login_manager.user_loader(load_user)


def register_blueprints(app: Flask) -> None:
    """Register the core blueprints."""
    from app import api, staff
    from app.admin.views import bp as admin_bp
    from app.auth.views import bp as auth_bp
    from app.main.panels import register_core_panels
    from app.main.views import bp as main_bp

    app.register_blueprint(main_bp)
    app.register_blueprint(auth_bp)
    app.register_blueprint(admin_bp)
    staff.init_app(app)
    api.init_app(app)
    register_core_panels()


def register_domains(app: Flask) -> None:
    """Wire in the training domains; the only place the core names them."""
    import assessments
    import case_simulations
    import certificates
    import courses

    for domain in (courses, assessments, case_simulations, certificates):
        domain.init_app(app)


def register_cli(app: Flask) -> None:
    """Add the core command groups."""
    from flask_migrate.cli import db as migrate_cli

    from app.auth.cli import users_cli
    from app.backup import backup_command
    from app.cli import content_cli, seed_command, translate_cli

    app.cli.add_command(users_cli)
    app.cli.add_command(translate_cli)
    app.cli.add_command(content_cli)
    app.cli.add_command(seed_command)
    migrate_cli.add_command(backup_command)  # `flask db backup`, beside Flask-Migrate's upgrade
