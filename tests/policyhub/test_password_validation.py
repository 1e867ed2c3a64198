import pytest
from django.contrib.auth.password_validation import validate_password
from django.core.exceptions import ValidationError

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize("password", ["Tr0ub4dor&3", "x7#Kq!2mZp", "password1234", "123456789012"])
def test_short_common_or_numeric_passwords_are_refused(password):
    with pytest.raises(ValidationError):
        validate_password(password)


def test_eleven_characters_is_too_short():
    with pytest.raises(ValidationError, match="at least 12 characters"):
        validate_password("Tr0ub4dor&3")


def test_a_twelve_character_passphrase_is_accepted():
    validate_password("horse staple")


def test_the_admin_refuses_a_short_password_for_a_new_user(admin_client, django_user_model):
    response = admin_client.post(
        "/admin/auth/user/add/",
        {"username": "newcomer", "password1": "Tr0ub4dor&3", "password2": "Tr0ub4dor&3"},
    )

    assert response.status_code == 200
    assert "at least 12 characters" in response.content.decode()
    assert not django_user_model.objects.filter(username="newcomer").exists()
