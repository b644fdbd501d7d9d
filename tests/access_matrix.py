"""What every app's access matrix does alike (tests/<app>/test_access_matrix.py): each URL name of
the app has an `Entry` (the statuses expected for each role, by GET and by POST, what to send);
an anonymous user is sent to the login page; each role gets the status of its entry, a refused
request changes nothing, an allowed write changes what it says, and a page an outsider may open
shows nothing of Hữu Lũng.

An app's test module describes its world, its entries and its snapshot, builds one `Matrix` and
calls it from its own parametrized tests."""

from collections.abc import Callable
from dataclasses import dataclass, field

from django.conf import settings
from django.shortcuts import resolve_url
from django.urls import reverse


@dataclass
class Entry:
    kwargs: Callable
    get: dict
    post: dict
    data: Callable = lambda w: {}
    query: Callable = lambda w: {}
    # Roles whose POST must change the database; every other role's must change nothing.
    changes: set = field(default_factory=set)


@dataclass
class Matrix:
    url_names: list
    entries: dict
    snapshot: Callable  # snapshot(world) -> a comparable picture of the app's records
    assert_no_hl: Callable  # assert_no_hl(response): an outsider's page shows nothing of Hữu Lũng
    prefixes: tuple  # every URL of the app starts with one of these
    outsiders: tuple = ("other", "far")

    def every_url_has_an_entry(self) -> None:
        assert len(self.url_names) == len(set(self.url_names)), "two URL patterns share a name"
        assert None not in self.url_names, "a URL pattern has no name"
        missing = sorted(set(self.url_names) - set(self.entries))
        stale = sorted(set(self.entries) - set(self.url_names))
        assert not missing, f"URLs without an entry in the access matrix: {missing}"
        assert not stale, f"entries for URLs that no longer exist: {stale}"

    def url_of(self, name: str, world) -> str:
        return reverse(name, kwargs=self.entries[name].kwargs(world))

    def send(self, client, method: str, name: str, world, capture):
        entry = self.entries[name]
        url = self.url_of(name, world)
        with capture(execute=True):
            if method == "get":
                return client.get(url, entry.query(world))
            return client.post(url, entry.data(world))

    def anonymous_is_sent_to_login(self, client, world, name: str, method: str, capture) -> None:
        assert name in self.entries, f"{name}: no entry in the access matrix"
        assert self.url_of(name, world).startswith(self.prefixes)
        before = self.snapshot(world)
        response = self.send(client, method, name, world, capture)
        assert response.status_code == 302, (name, method, response.status_code)
        assert response["Location"].startswith(resolve_url(settings.LOGIN_URL))
        assert self.snapshot(world) == before

    def role_gets_its_status(self, client, login, world, name: str, method: str, role: str, capture) -> None:
        assert name in self.entries, f"{name}: no entry in the access matrix"
        entry = self.entries[name]
        expected = getattr(entry, method)[role]
        login(world.users[role])
        before = self.snapshot(world)
        response = self.send(client, method, name, world, capture)
        allowed = expected if isinstance(expected, tuple) else (expected,)
        assert response.status_code in allowed, (
            f"{method.upper()} {name} as {role}: {response.status_code}, expected {expected}"
        )
        after = self.snapshot(world)
        if method == "post" and role in entry.changes:
            assert after != before, f"POST {name} as {role} should have saved something"
        else:
            assert after == before, f"{method.upper()} {name} as {role} changed the database"
        if role in self.outsiders and response.status_code == 200 and method == "get":
            # A page the outsider may open never shows a record of Hữu Lũng (a refused POST may
            # echo what was typed).
            self.assert_no_hl(response)
