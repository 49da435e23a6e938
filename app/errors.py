"""DomainError and the error pages: HTML for people, JSON for /api/ and JSON clients."""

import logging

from flask import Flask, Response, jsonify, render_template, request
from flask.globals import request_ctx
from flask_wtf.csrf import CSRFError
from werkzeug.exceptions import HTTPException, InternalServerError

from app.extensions import db
from app.i18n import _, _l

log = logging.getLogger(__name__)


class DomainError(Exception):
    """A business rule said no; ``message`` is a translatable string shown to the user."""

    message = _l("This action is not allowed.")

    def __init__(self, message=None):
        if message is not None:
            self.message = message
        super().__init__(str(self.message))


ERROR_TEXTS = {
    400: (
        _l("Bad request"),
        _l("The request could not be understood. Check the form and try again."),
    ),
    401: (
        _l("Authentication required"),
        _l("Send valid credentials to use this address."),
    ),
    403: (_l("Access denied"), _l("Your account does not have permission to open this page.")),
    404: (_l("Page not found"), _l("The page you asked for does not exist or was moved.")),
    405: (_l("Method not allowed"), _l("This address does not accept that kind of request.")),
    413: (_l("File too large"), _l("What you sent is larger than this site accepts.")),
    429: (
        _l("Too many attempts"),
        _l("You made too many requests in a short time. Wait a minute and try again."),
    ),
    500: (
        _l("Something went wrong"),
        _l("An unexpected error occurred. It has been logged; please try again in a moment."),
    ),
}


def wants_json() -> bool:
    """True for /api/ paths and for clients that prefer JSON over HTML."""
    if request.path.startswith("/api/"):
        return True
    best = request.accept_mimetypes.best_match(["text/html", "application/json"])
    return (
        best == "application/json"
        and request.accept_mimetypes[best] > request.accept_mimetypes["text/html"]
    )


def render_error(code: int, detail: str | None = None):
    """Render the error page (or JSON body) for ``code`` in the user's language."""
    title, text = ERROR_TEXTS.get(code, ERROR_TEXTS[500])
    message = detail or str(text)
    if request_ctx.url_adapter is None:
        # The request never matched this site (e.g. an untrusted Host): no links can be built.
        return Response(f"{code} {title}\n{message}\n", code, mimetype="text/plain")
    if wants_json():
        return jsonify(error={"code": code, "title": str(title), "message": message}), code
    return render_template("errors/error.html", code=code, title=title, message=message), code


def _audit(action: str, **details) -> None:
    """Record a refused request in the audit log without letting a failure hide the answer."""
    from app.audit import record_event

    try:
        db.session.rollback()
        record_event(action, path=request.path[:200], method=request.method, **details)
        db.session.commit()
    except Exception:  # noqa: BLE001 - the error page matters more than the log line
        log.exception("could not record %s", action)
        db.session.rollback()


def register_error_handlers(app: Flask) -> None:
    """Attach the handlers for HTTP errors, CSRF failures and unexpected exceptions."""

    @app.errorhandler(CSRFError)
    def csrf_error(error):
        _audit("security.csrf_rejected", reason=str(error.description)[:120])
        return render_error(
            400,
            _(
                "The form could not be sent because its security token is missing or has "
                "expired. Go back, reload the page and send it again."
            ),
        )

    @app.errorhandler(HTTPException)
    def http_error(error: HTTPException):
        code = error.code or 500
        if code not in ERROR_TEXTS:
            return error
        if code == 429:
            _audit("security.rate_limited", limit=str(error.description)[:120])
        response = app.make_response(render_error(code))
        valid = getattr(error, "valid_methods", None)
        if code == 405 and valid:
            response.headers["Allow"] = ", ".join(valid)  # RFC 9110 requires it
        return response

    @app.errorhandler(Exception)
    def unexpected_error(error: Exception):
        log.exception("Unhandled error on %s %s", request.method, request.path)
        db.session.rollback()
        if app.testing and app.config.get("PROPAGATE_TEST_ERRORS", True):
            raise error
        return render_error(InternalServerError.code)
