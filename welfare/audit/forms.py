import re

from django import forms
from django.utils.translation import gettext_lazy as _

from welfare.households.forms import date_field

from .models import Action

OBJECT_RE = re.compile(r"^([a-z_]+\.[a-z_]+):(\d+)$")


class AccessLogFilterForm(forms.Form):
    q = forms.CharField(label=_("Record or list"), required=False, max_length=100)
    user = forms.TypedChoiceField(label=_("User"), required=False, coerce=int, empty_value=None)
    action = forms.ChoiceField(label=_("Action"), required=False)
    date_from = date_field(_("From"))
    date_to = date_field(_("To"))
    # "households.person:12": the events about one record (the person page links here).
    object = forms.RegexField(regex=OBJECT_RE, required=False, widget=forms.HiddenInput)

    def __init__(self, *args, users, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["user"].choices = [("", _("All users"))] + [
            (u.pk, f"{u.get_full_name()} ({u.username})" if u.get_full_name() else u.username)
            for u in users
        ]
        self.fields["action"].choices = [("", _("All actions"))] + list(Action.choices)
        for name in ("user", "action"):
            self.fields[name].widget.attrs["class"] = "form-select"
        for name in ("q", "date_from", "date_to"):
            self.fields[name].widget.attrs["class"] = "form-control"

    def values(self) -> dict:
        """The selector's filters; a filter that does not read is dropped, not guessed."""
        self.is_valid()
        data = getattr(self, "cleaned_data", {})
        object_type, object_id = "", None
        match = OBJECT_RE.match(data.get("object") or "")
        if match:
            object_type, object_id = match.group(1), int(match.group(2))
        return {
            "q": (data.get("q") or "").strip(),
            "actor_id": data.get("user"),
            "action": data.get("action") or "",
            "date_from": data.get("date_from"),
            "date_to": data.get("date_to"),
            "object_type": object_type,
            "object_id": object_id,
        }
