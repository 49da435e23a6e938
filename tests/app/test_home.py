"""The home page shows each role its own panels."""

import pytest

from tests.factories import make_user


@pytest.mark.parametrize(
    ("roles", "present", "absent"),
    [
        (("learner",), ["Su lugar en la red"], ["Personal por oficina", "Administración"]),
        (("trainer",), ["Personal por oficina"], ["Administración"]),
        (("hr",), ["Personal por oficina"], ["Administración"]),
        (("admin",), ["Administración", "Actividad reciente"], []),
    ],
)
def test_home_panels_by_role(app, client, login, roles, present, absent):
    login(make_user("alguien@ejemplo.hn", roles=roles))
    page = client.get("/inicio").get_data(as_text=True)
    for text in present:
        assert text in page
    for text in absent:
        assert text not in page


def test_admin_sees_admin_menu_and_learner_does_not(client, login, admin, learner):
    login(learner)
    assert "/admin/usuarios" not in client.get("/inicio").get_data(as_text=True)
    login(admin)
    assert "/admin/usuarios" in client.get("/inicio").get_data(as_text=True)
