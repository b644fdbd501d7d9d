from django.contrib.auth import views as auth_views
from django.urls import reverse_lazy

from .access import allow, public
from .forms import LoginForm, PasswordChangeForm

login_view = public(
    auth_views.LoginView.as_view(
        form_class=LoginForm, template_name="registration/login.html", redirect_authenticated_user=True
    )
)
logout_view = public(auth_views.LogoutView.as_view())
password_change_view = allow()(
    auth_views.PasswordChangeView.as_view(
        form_class=PasswordChangeForm,
        template_name="registration/password_change.html",
        success_url=reverse_lazy("password_change_done"),
    )
)
password_change_done_view = allow()(
    auth_views.PasswordChangeDoneView.as_view(template_name="registration/password_change_done.html")
)
