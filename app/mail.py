"""Sending e-mail from templates in the recipient's language."""

from flask import current_app, render_template
from flask_mailman import EmailMultiAlternatives

from app.i18n import force_locale


def send_templated_email(to: str, language: str, template: str, subject, **context) -> None:
    """Render ``templates/emails/<template>.txt|.html`` in ``language`` and send it.

    ``subject`` may be a lazy string; it is resolved in the recipient's language.
    """
    with force_locale(language):
        text = render_template(f"emails/{template}.txt", **context)
        html = render_template(f"emails/{template}.html", **context)
        message = EmailMultiAlternatives(
            subject=str(subject),
            body=text,
            from_email=current_app.config["MAIL_DEFAULT_SENDER"],
            to=[to],
        )
    message.attach_alternative(html, "text/html")
    message.send()
