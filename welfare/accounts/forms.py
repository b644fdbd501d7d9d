from crispy_forms.helper import FormHelper
from crispy_forms.layout import Submit
from django.contrib.auth import forms as auth_forms
from django.utils.translation import gettext_lazy as _

from .models import User
from .services import role_areas_check


class LoginForm(auth_forms.AuthenticationForm):
    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["username"].widget.attrs.update({"autofocus": True, "autocomplete": "username"})
        self.helper = FormHelper()
        self.helper.add_input(Submit("submit", _("Log in"), css_class="w-100"))


class PasswordChangeForm(auth_forms.PasswordChangeForm):
    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.helper = FormHelper()
        self.helper.add_input(Submit("submit", _("Change my password")))


class _RoleAreasMixin:
    """Checks a role against its areas, with the same rule as `add_user`."""

    def clean(self):
        cleaned = super().clean()
        if not self.errors and "role" in cleaned:
            role_areas_check(
                role=cleaned.get("role"),
                province=cleaned.get("province"),
                communes=cleaned.get("communes"),
            )
        return cleaned


class UserAdminChangeForm(_RoleAreasMixin, auth_forms.UserChangeForm):
    class Meta(auth_forms.UserChangeForm.Meta):
        model = User


class UserAdminCreationForm(_RoleAreasMixin, auth_forms.AdminUserCreationForm):
    class Meta(auth_forms.AdminUserCreationForm.Meta):
        model = User
        fields = ("username", "role", "province", "communes")
