"""Configuration defaults; instance/config.py, AULA_* variables and test overrides layer on top."""

from datetime import timedelta

DEV_SECRET_KEY = "dev-only-insecure-key"  # noqa: S105 - refused in production by the factory


class Config:
    """Defaults for every deployment; secrets come from the instance config or the environment."""

    # "development", "production" or "testing"; set AULA_ENVIRONMENT=production on servers.
    ENVIRONMENT = "development"
    SECRET_KEY = DEV_SECRET_KEY
    # AULA_DATABASE_URL wins; unset means SQLite in the instance folder.
    DATABASE_URL: str | None = None
    SQLALCHEMY_ENGINE_OPTIONS = {"pool_pre_ping": True}

    LANGUAGES = ["es", "en"]
    BABEL_DEFAULT_LOCALE = "es"
    BABEL_DEFAULT_TIMEZONE = "America/Mexico_City"

    MAX_CONTENT_LENGTH = 8 * 1024 * 1024
    SESSION_COOKIE_NAME = "aula_session"
    SESSION_COOKIE_HTTPONLY = True
    SESSION_COOKIE_SAMESITE = "Lax"
    SESSION_COOKIE_SECURE = False
    PERMANENT_SESSION_LIFETIME = timedelta(hours=12)
    REMEMBER_COOKIE_NAME = "aula_remember"
    REMEMBER_COOKIE_DURATION = timedelta(days=14)
    REMEMBER_COOKIE_HTTPONLY = True
    REMEMBER_COOKIE_SAMESITE = "Lax"
    REMEMBER_COOKIE_SECURE = False

    WTF_CSRF_TIME_LIMIT = 8 * 3600

    # Flask-Limiter: memory:// per process; AULA_RATELIMIT_STORAGE_URI=redis://… shares it.
    RATELIMIT_STORAGE_URI = "memory://"
    RATELIMIT_HEADERS_ENABLED = True
    # Empty by default: Flask-Limiter keeps the first non-empty prefix it is given.
    RATELIMIT_KEY_PREFIX = ""
    LOGIN_RATE_LIMIT = "10 per minute;60 per hour"
    RESET_RATE_LIMIT = "5 per minute;20 per hour"
    # Account lock after repeated wrong passwords (per account, independent of the IP).
    LOGIN_MAX_FAILURES = 5
    LOGIN_LOCK_MINUTES = 15

    PASSWORD_HASH_METHOD = "scrypt"  # noqa: S105 - a hash method name
    PASSWORD_MIN_LENGTH = 12
    PASSWORD_MIN_STRENGTH = 3  # zxcvbn score 0–4
    PASSWORD_RESET_MAX_AGE = 3600

    # Mail: "file" writes each message under MAIL_FILE_PATH (default instance/outbox);
    # "smtp" uses MAIL_SERVER, MAIL_PORT, MAIL_USE_TLS, MAIL_USERNAME, MAIL_PASSWORD.
    MAIL_BACKEND = "file"
    MAIL_FILE_PATH: str | None = None
    MAIL_DEFAULT_SENDER = "Aula Consular <no-responder@aula-consular.local>"

    # Security headers (flask-talisman). HTTPS is terminated by the reverse proxy.
    FORCE_HTTPS = False
    HSTS_ENABLED = False
    PROXY_FIX_X_FOR = 0

    # Public address used in e-mailed links, e.g. https://aula.sreci.gob.hn (required in
    # production so links never follow a forged Host header).
    BASE_URL: str | None = None

    ITEMS_PER_PAGE = 25

    # Uploaded staff files wait here (at most a day) between the check and the apply.
    STAFF_IMPORT_DIR: str | None = None  # default: instance/imports


class ProductionConfig(Config):
    """Stricter values applied when ENVIRONMENT is "production"."""

    SESSION_COOKIE_SECURE = True
    REMEMBER_COOKIE_SECURE = True
    HSTS_ENABLED = True
    PREFERRED_URL_SCHEME = "https"


class TestingConfig(Config):
    """Values for the test suite; tests override the database URL and paths."""

    ENVIRONMENT = "testing"
    TESTING = True
    SECRET_KEY = "testing-secret-key"  # noqa: S105
    DATABASE_URL = "sqlite://"
    WTF_CSRF_ENABLED = False
    # Fast hashing keeps the suite quick; production keeps scrypt.
    PASSWORD_HASH_METHOD = "pbkdf2:sha256:1000"  # noqa: S105
