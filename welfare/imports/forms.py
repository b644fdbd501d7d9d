from crispy_forms.helper import FormHelper
from crispy_forms.layout import Submit
from django import forms
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from . import registry
from .readers import file_format, unsupported_message, xls_message
from .services import MAX_UPLOAD_MB


class ImportForm(forms.Form):
    """Which kind of records and which file; a dry run checks the file and saves nothing."""

    kind = forms.ChoiceField(label=gettext_lazy("Kind of records"))
    file = forms.FileField(
        label=gettext_lazy("File"),
        help_text=gettext_lazy("CSV (UTF-8) or Excel .xlsx, first row the column keys as in the template."),
    )
    dry_run = forms.BooleanField(
        label=gettext_lazy("Check only: report the problems and save nothing"), required=False
    )

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["kind"].choices = [(k.key, k.label) for k in registry.kinds_for(user)]
        self.fields["file"].widget.attrs["accept"] = ".csv,.xlsx"
        self.helper = FormHelper()
        self.helper.attrs = {"enctype": "multipart/form-data"}
        self.helper.add_input(Submit("submit", gettext_lazy("Import")))

    def clean_file(self):
        upload = self.cleaned_data["file"]
        if upload.size > MAX_UPLOAD_MB * 1024 * 1024:
            raise forms.ValidationError(
                _("The file is larger than %(max)s MB, the most one import takes: split it into "
                  "several files (by commune, for example).") % {"max": MAX_UPLOAD_MB}
            )
        fmt = file_format(upload.name)
        if fmt == "xls":
            raise forms.ValidationError(xls_message())
        if fmt is None:
            raise forms.ValidationError(unsupported_message())
        return upload
