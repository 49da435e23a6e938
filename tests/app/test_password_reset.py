"""Password reset by e-mail, end to end through the outbox, and password changes."""

import re

from app.auth import services
from app.extensions import db
from tests.factories import DEFAULT_PASSWORD, message_text

NEW_PASSWORD = "Marimba-Lluvia-Cacao-Tinta"  # noqa: S105


def request_reset(client, email):
    return client.post("/cuenta/olvide-contrasena", data={"email": email}, follow_redirects=True)


def reset_link(outbox):
    body = message_text(outbox()[-1])
    return re.search(r"http://localhost(/cuenta/restablecer/\S+)", body).group(1)


def test_reset_end_to_end_through_outbox(client, learner, outbox):
    page = request_reset(client, learner.email).get_data(as_text=True)
    assert "Si una cuenta activa usa" in page
    messages = outbox()
    assert len(messages) == 1
    assert messages[0]["To"] == learner.email
    assert "contraseña" in messages[0]["Subject"].lower() or "=?utf-8?" in messages[0]["Subject"]
    link = reset_link(outbox)
    assert client.get(link).status_code == 200
    response = client.post(link, data={"password": NEW_PASSWORD, "confirm": NEW_PASSWORD})
    assert response.headers["Location"] == "/cuenta/entrar"
    ok = client.post("/cuenta/entrar", data={"email": learner.email, "password": NEW_PASSWORD})
    assert ok.status_code == 302
    client.post("/cuenta/salir")
    old = client.post("/cuenta/entrar", data={"email": learner.email, "password": DEFAULT_PASSWORD})
    assert old.status_code == 200


def test_reset_link_works_only_once(client, learner, outbox):
    request_reset(client, learner.email)
    link = reset_link(outbox)
    client.post(link, data={"password": NEW_PASSWORD, "confirm": NEW_PASSWORD})
    again = client.get(link, follow_redirects=True)
    assert "no es válido" in again.get_data(as_text=True)


def test_reset_email_is_in_the_users_language(client, outbox):
    from tests.factories import make_user

    user = make_user("english@ejemplo.hn", language="en")
    request_reset(client, user.email)
    assert "Open this link to choose a new one" in message_text(outbox()[-1])


def test_unknown_email_gets_the_same_message_and_no_mail(client, outbox):
    page = request_reset(client, "nadie@ejemplo.hn").get_data(as_text=True)
    assert "Si una cuenta activa usa" in page
    assert outbox() == []


def test_tampered_token_is_refused_with_message(client, learner):
    token = services.make_reset_token(learner)
    tampered = token[:-3] + ("aaa" if not token.endswith("aaa") else "bbb")
    response = client.get(f"/cuenta/restablecer/{tampered}", follow_redirects=True)
    assert response.status_code == 200
    assert "no es válido" in response.get_data(as_text=True)


def test_weak_or_mismatched_new_password_rerenders_with_errors(client, learner):
    link = f"/cuenta/restablecer/{services.make_reset_token(learner)}"
    page = client.post(link, data={"password": "corta", "confirm": "corta"}).get_data(as_text=True)
    assert "al menos 12 caracteres" in page
    page = client.post(
        link, data={"password": "aaaaaaaaaaaaaaaa", "confirm": "aaaaaaaaaaaaaaaa"}
    ).get_data(as_text=True)
    assert "fácil de adivinar" in page
    page = client.post(link, data={"password": NEW_PASSWORD, "confirm": "otra"}).get_data(
        as_text=True
    )
    assert "no coinciden" in page


def test_change_password_checks_current_and_keeps_session(client, learner, login):
    login(learner)
    page = client.post(
        "/cuenta/contrasena",
        data={"current_password": "mala", "password": NEW_PASSWORD, "confirm": NEW_PASSWORD},
    ).get_data(as_text=True)
    assert "La contraseña actual no es correcta." in page
    response = client.post(
        "/cuenta/contrasena",
        data={
            "current_password": DEFAULT_PASSWORD,
            "password": NEW_PASSWORD,
            "confirm": NEW_PASSWORD,
        },
    )
    assert response.status_code == 302
    assert client.get("/inicio").status_code == 200  # this session stays signed in
    db.session.refresh(learner)
    assert services.verify_password(learner, NEW_PASSWORD)


def test_password_may_not_contain_the_users_name(client, learner, login):
    login(learner)
    page = client.post(
        "/cuenta/contrasena",
        data={
            "current_password": DEFAULT_PASSWORD,
            "password": "participante-Zorro-Lima-8",
            "confirm": "participante-Zorro-Lima-8",
        },
    ).get_data(as_text=True)
    assert "nombre ni su correo" in page
