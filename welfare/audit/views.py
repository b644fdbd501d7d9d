"""The access log page: who read or exported personal data, for heads and admins."""

from django.views.generic import ListView

from welfare.accounts.access import RoleRequiredMixin
from welfare.core.views import pagination_querystring

from . import selectors
from .forms import AccessLogFilterForm


class AccessLogView(RoleRequiredMixin, ListView):
    permission_required = "welfare.read_access_log"
    template_name = "audit/access_log.html"
    paginate_by = 50

    def filter_form(self) -> AccessLogFilterForm:
        if not hasattr(self, "_filter_form"):
            self._filter_form = AccessLogFilterForm(
                self.request.GET or None, users=selectors.access_log_users(user=self.request.user)
            )
        return self._filter_form

    def without_record(self) -> str:
        params = self.request.GET.copy()
        params.pop("object", None)
        params.pop("page", None)
        return params.urlencode()

    def get_queryset(self):
        events = selectors.access_event_list(user=self.request.user, **self.filter_form().values())
        return events.select_related("user")

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        values = self.filter_form().values()
        record_label = None
        if values["object_id"]:
            # The record's name as the log itself wrote it: never read from the record, so the
            # filter names nothing the reader could not already see in the log.
            newest = context["paginator"].object_list.first()
            record_label = newest.what if newest else ""
        context.update(
            filter_form=self.filter_form(),
            record_label=record_label,
            record_filtered=bool(values["object_id"]),
            total=context["paginator"].count,
            querystring=pagination_querystring(self.request.GET),
            without_record=self.without_record(),
        )
        return context
