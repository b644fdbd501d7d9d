"""Property tests of the main forms (issue 8, item 5), shared by tests/<app>/test_form_properties.py.

A form page is read as a browser reads it (GET: the fields of its POST form, the options of its
selects, the hidden fields such as the version and a formset's management form), then POSTed
with values drawn by hypothesis: text of every sort, formulas, control characters, huge and
negative numbers, impossible and future dates, blanks. Whatever is sent: never a server error;
either the form again (200, nothing saved) or a redirect, after which every saved record is
sane (amounts whole and not negative, event dates and birth dates not in the future). Each
example runs inside an atomic block rolled back afterwards."""

import datetime as dt
from html.parser import HTMLParser

from django.apps import apps
from django.db import models, transaction
from django.urls import reverse
from django.utils import timezone
from hypothesis import strategies as st

CASE_APPS = ("households", "beneficiaries", "relief", "employment", "reports")
# contract.md, "Event dates", and a person's birth: never in the future.
NOT_FUTURE = {"issued_on", "distributed_on", "given_on", "paid_on", "received_on", "decided_on",
              "disbursed_on", "placed_on", "approved_on", "recognised_on", "birth_date"}


class _Forms(HTMLParser):
    """The POST forms of a page: their fields (name → current value) and select options."""

    def __init__(self):
        super().__init__()
        self.forms: list[dict] = []
        self._form = None
        self._select = None
        self._textarea = None

    def handle_starttag(self, tag, attrs):
        a = dict(attrs)
        if tag == "form":
            self._form = {"method": (a.get("method") or "get").lower(), "fields": {}, "options": {},
                          "hidden": set(), "checkbox": set()}
            self.forms.append(self._form)
        if tag == "option" and self._select and self._form is not None:
            self._form["options"][self._select].append(a.get("value", ""))
            if "selected" in a:
                self._form["fields"][self._select] = a.get("value", "")
            return
        if self._form is None or not a.get("name"):
            return
        name = a["name"]
        fields = self._form["fields"]
        if tag == "input":
            kind = (a.get("type") or "text").lower()
            if kind in ("submit", "button", "file"):
                return
            if kind in ("checkbox", "radio"):
                self._form["checkbox"].add(name)
                self._form["options"].setdefault(name, []).append(a.get("value", "on"))
                if "checked" in a:
                    fields[name] = a.get("value", "on")
                else:
                    fields.setdefault(name, None)
                return
            if kind == "hidden":
                self._form["hidden"].add(name)
            fields[name] = a.get("value", "")
        elif tag == "select":
            self._select = name
            fields.setdefault(name, "")
            self._form["options"].setdefault(name, [])
        elif tag == "textarea":
            self._textarea = name
            fields[name] = ""

    def handle_data(self, data):
        if self._textarea and self._form is not None:
            self._form["fields"][self._textarea] += data

    def handle_endtag(self, tag):
        if tag == "form":
            self._form = None
        elif tag == "select":
            self._select = None
        elif tag == "textarea":
            self._textarea = None


def post_form(html: str) -> dict:
    """The page's main POST form: the one with the most fields."""
    parser = _Forms()
    parser.feed(html)
    forms = [f for f in parser.forms if f["method"] == "post" and f["fields"]]
    assert forms, "no POST form on the page"
    return max(forms, key=lambda f: len(f["fields"]))


def _future(days: int) -> str:
    return (timezone.localdate() + dt.timedelta(days=days)).isoformat()


ANY_VALUE = st.one_of(
    st.text(max_size=20),
    st.sampled_from(['=HYPERLINK("http://x","y")', "+cmd", "@SUM(1+1)", "-1", "0", "1e30", "NaN",
                     "9" * 40, str(10**30), str(-(10**12)), "1.5", "1.500.000", "12,5", " ", "",
                     "An\x00", "An\x01", "\u202eAn", "2022-02-30", "31/12/9999", "0000-00-00",
                     "Nguyễn " * 60]),
    st.integers(min_value=-(10**20), max_value=10**20).map(str),
    st.dates(min_value=dt.date(1, 1, 1), max_value=dt.date(9999, 12, 31)).map(lambda d: d.isoformat()),
    st.integers(min_value=1, max_value=4000).map(_future),
)


@st.composite
def form_data(draw, form: dict, keep: tuple[str, ...] = ()) -> dict:
    """A POST body for `form`: hidden fields and `keep` as the page sent them; every other
    field, independently, left as it was, blanked, one of its options, or any value."""
    data = {}
    fixed = set(form["hidden"]) | set(keep) | {"csrfmiddlewaretoken"}
    # Half the time only one field is disturbed and the rest sent as the page had them, so that
    # near-valid posts that save (and must save sane values) are drawn too.
    only = draw(st.one_of(st.none(), st.sampled_from(sorted(set(form["fields"]) - fixed) or [None])), label="only")
    for name, value in form["fields"].items():
        if name in fixed or (only is not None and name != only):
            if value is not None:
                data[name] = value
            continue
        options = form["options"].get(name)
        choices = [st.just(value or ""), ANY_VALUE]
        if options:
            choices.append(st.sampled_from(options))
        drawn = draw(st.one_of(*choices), label=name)
        if name in form["checkbox"] and drawn == "":
            continue
        data[name] = drawn
    return data


def case_state() -> dict[str, int]:
    return {
        model._meta.label: model._default_manager.count()
        for label in CASE_APPS
        for model in apps.get_app_config(label).get_models()
    }


def assert_saved_records_sane() -> None:
    """Every case record: amounts whole and ≥ 0, no event date or birth date in the future."""
    today = timezone.localdate()
    for label in CASE_APPS:
        for model in apps.get_app_config(label).get_models():
            if model._meta.label.split(".")[1].startswith("Historical"):
                continue
            for field in model._meta.concrete_fields:
                if field.name.endswith("_vnd") and isinstance(field, models.IntegerField):
                    assert not model._default_manager.filter(**{f"{field.name}__lt": 0}).exists(), field
                if field.name in NOT_FUTURE and isinstance(field, models.DateField):
                    assert not model._default_manager.filter(**{f"{field.name}__gt": today}).exists(), field


def post_randomly(client, url: str, data: dict, *, success_saves: bool = True):
    """POST one drawn body; assert the property; roll the example's writes back."""
    with transaction.atomic():
        before = case_state()
        response = client.post(url, data)
        assert response.status_code in (200, 302), (response.status_code, data)
        if response.status_code == 200:
            assert case_state() == before, data
        else:
            assert_saved_records_sane()
        transaction.set_rollback(True)
    return response


def post_random_values(client, url: str, data) -> None:
    """Open the page, read its form as a browser does, and POST one body drawn from it."""
    response = client.get(url)
    assert response.status_code == 200
    post_randomly(client, url, data.draw(form_data(post_form(response.content.decode())), label="post"))


def post_random_values_to(client, name: str, data, *, user, records: dict) -> None:
    """`post_random_values` on the page named `name`: once per test client (hypothesis reruns the
    test body on the same client), log `user()` in and make the `records` ({URL name: factory})
    whose pages take a key; a name without a record is a page without one (a create form)."""
    if not hasattr(client, "_prop_world"):
        client.force_login(user(), backend="welfare.accounts.backends.RoleBackend")
        client._prop_world = {url_name: make().pk for url_name, make in records.items()}
    pk = client._prop_world.get(name)
    post_random_values(client, reverse(name) if pk is None else reverse(name, args=[pk]), data)
