"""The import kinds of this app: households, members, poverty_reviews, insurance_cards
(contract.md, "Import"). Each applies the rules of `services.py` to a chunk of rows at once:
one query per lookup, bulk writes, never a query per row.

`people_by_id`, `id_check`, `name_mismatch`, `IdClaims` and `NewPeople` link a row's person by
citizen ID (contract.md, "People"); other apps' kinds that name people use them too."""

import json
from collections import defaultdict
from collections.abc import Iterable

from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from welfare.core.lookups import among
from welfare.core.text import fold
from welfare.imports import registry as r
from welfare.imports.engine import Batch, Row, assign, bulk_add, bulk_change

from .models import (
    AreaType,
    BeneficiaryGroup,
    Household,
    InsuranceCard,
    Member,
    Person,
    PovertyResult,
    PovertyReview,
    PovertyStandard,
    Relation,
    ReviewStatus,
    Sex,
)
from .poverty import deprivations_parse, poverty_classify, standard_for_review_year
from .services import person_id_problems

AREA_TYPES = tuple(AreaType.values)


def _name(text: str) -> str:
    return " ".join(text.split())


def _households_by_code(codes, *, lock: bool = False, brief: bool = False) -> dict[str, Household]:
    """Households by code. `lock`: rows this chunk will update are locked until the import
    commits, so a form saved meanwhile waits and is then refused as stale (its version moved
    on) instead of being overwritten. `brief`: only what a row linking to a household checks
    (its key and commune), for the kinds that only refer to households. The search column
    (every member's name) is never read."""
    households = Household.objects.filter(among(Household, "code", codes))
    if brief:
        households = households.only("id", "code", "commune_id")
    else:
        households = households.select_related("head").defer("search_folded")
    if lock:
        households = households.select_for_update(of=("self",))
    return {h.code: h for h in households}


def _household_check(batch: Batch, row: Row, households: dict[str, Household], *, commune=None):
    """The row's household exists, lies in the row's commune (when it names one) and in the
    user's areas. Returns it, or None after marking the row."""
    code = row["household_code"]
    household = households.get(code)
    if household is None:
        batch.error(row, "household_code", _("No household has the code %(code)s.") % {"code": code})
        return None
    if commune is not None and household.commune_id != commune:
        batch.error(
            row,
            "household_code",
            _("Household %(code)s belongs to commune %(its)s, not to commune %(row)s.")
            % {"code": code, "its": household.commune_id, "row": commune},
        )
        return None
    if not batch.existing_commune_check(row, "household_code", household.commune_id):
        return None
    return household


def id_check(batch: Batch, row: Row, column: str, **known) -> bool:
    problems = person_id_problems(id_number=row[column], **known)
    for message in problems:
        batch.error(row, column, message)
    return not problems


def people_by_id(numbers, *, lock: bool = False) -> dict[str, Person]:
    if not numbers:
        return {}
    people = Person.objects.filter(among(Person, "id_number", numbers))
    return {p.id_number: p for p in (people.select_for_update() if lock else people)}


def name_mismatch(batch: Batch, person: Person, given: str) -> str:
    """Who holds an ID is named only to someone who may see that person (personal data:
    Decree 356/2025/NĐ-CP), as the person forms do; others learn only that the names differ. A
    person not saved yet was named by an earlier row of the same file."""
    if person.pk is None or batch.scope.commune_ok(person.commune_id):
        return _("This citizen ID belongs to %(name)s, not to %(given)s.") % {
            "name": person.full_name,
            "given": given,
        }
    return _("This citizen ID is recorded for someone with another name, not %(given)s.") % {
        "given": given
    }


class IdClaims:
    """The citizen IDs this file gives to people, over all its chunks: ID -> (the first row
    giving it, the pk of the recorded person it is given to or None for a new person, the folded
    name, the name). A recorded person without an ID who gets one by a row, or a new person
    created with one, holds it for the rest of the file: a later row giving that ID to another
    recorded person is refused, and a later row naming a person by it links to the same person
    (the names agreeing), as it would once the earlier row's chunk is saved.

    The claims live in the import's memory (`batch.memory`, a table of its transaction, as
    they grow with the file); one per chunk is made with the IDs the chunk's rows give, and
    reads the claims earlier chunks made on those IDs in one query."""

    def __init__(self, batch: Batch, ids: Iterable[str]):
        self.memory = batch.memory
        self.file: dict[str, tuple] = {
            key[3:]: (row, *json.loads(data))
            for key, (row, data) in batch.memory.get("id:" + i for i in ids).items()
        }
        # The recorded people given an ID by a row of this chunk (not saved yet), both ways.
        self.chunk: dict[str, Person] = {}
        self.ids: dict[int, str] = {}

    def current_id(self, person: Person) -> str | None:
        """The person's ID as the earlier rows of the file leave it."""
        return person.id_number or self.ids.get(person.pk)

    def given(self, batch: Batch, row: Row, column: str, id_number: str, person: Person) -> bool:
        """The row gives `id_number` to `person`, recorded without one: refused when an earlier
        row of the file gave it to someone else."""
        first = self.file.get(id_number)
        if first is not None and first[1] != person.pk:
            batch.error(row, column, _("This citizen ID is already given to another person in row "
                                       "%(row)s.") % {"row": first[0]})
            return False
        return True

    def new(self, batch: Batch, row: Row, column: str, id_number: str, name: str):
        """The row names a person by an ID nobody held before this chunk. Returns (ok, person):
        the recorded person an earlier row of this chunk gave the ID to, else None (a new
        person, the same for every row naming it). Refused when an earlier row of the file
        gave the ID to someone of another name."""
        first = self.file.get(id_number)
        if first is None:
            return True, None
        if first[2] != fold(name):
            batch.error(row, column, name_mismatch(batch, Person(full_name=first[3]), name))
            return False, None
        return True, self.chunk.get(id_number)

    def record(self, row: Row, id_number: str, person: Person | None, name: str) -> None:
        """A valid row gives `id_number` to `person` (recorded without an ID), or to a new person
        (None)."""
        if id_number in self.file:
            return
        pk = person.pk if person is not None else None
        self.file[id_number] = (row.number, pk, fold(name), _name(name))
        self.memory.add("id:" + id_number, row.number,
                        json.dumps(self.file[id_number][1:], ensure_ascii=False))
        if person is not None:
            self.chunk[id_number] = person
            self.ids[person.pk] = id_number


class NewPeople:
    """People to create in one chunk, one per citizen ID (two rows naming the same new ID get
    the same person)."""

    def __init__(self):
        self.people: list[Person] = []
        self.by_id: dict[str, Person] = {}

    def get(self, *, full_name, commune_id, id_number=None, sex="", birth_date=None, ethnicity=""):
        if id_number and id_number in self.by_id:
            return self.by_id[id_number]
        person = Person(
            full_name=_name(full_name),
            name_folded=fold(full_name),
            id_number=id_number or None,
            sex=sex or "",
            birth_date=birth_date,
            birth_year=birth_date.year if birth_date else None,
            ethnicity=ethnicity or "",
            commune_id=commune_id,
        )
        self.people.append(person)
        if id_number:
            self.by_id[id_number] = person
        return person


# --- households -------------------------------------------------------------------------------


def households_validate(batch: Batch) -> None:
    for row in batch.rows:
        if row.has("commune_code"):  # also on rows with other problems: report every problem
            batch.commune_check(row)
    existing = _households_by_code(batch.values("household_code"), lock=True)
    given_ids = batch.values("head_id_number")
    people = people_by_id(given_ids)
    claims = IdClaims(batch, given_ids)
    for row in batch.valid():
        household = existing.get(row["household_code"])
        if row.has("head_id_number") and not id_check(batch, row, "head_id_number"):
            continue
        given_id = row["head_id_number"]
        by_id = people.get(given_id) if given_id else None
        if by_id is not None and by_id.name_folded != fold(row["head_name"]):
            batch.error(row, "head_id_number", name_mismatch(batch, by_id, row["head_name"]))
            continue
        new_head = household is None or household.head is None
        if given_id and by_id is None and new_head:
            # The head the row names by an ID nobody held: the person an earlier row of the
            # file gave it to, or a new one.
            ok, by_id = claims.new(batch, row, "head_id_number", given_id, row["head_name"])
            if not ok:
                continue
        if household is None:
            if given_id and by_id is None:
                claims.record(row, given_id, by_id, row["head_name"])
            row.target = (None, by_id)
            continue
        if not batch.existing_commune_check(row, "household_code", household.commune_id):
            continue
        if household.commune_id != row["commune_code"]:
            batch.error(
                row,
                "commune_code",
                _("Household %(code)s is registered in commune %(its)s: a household does not "
                  "move to another commune by import.")
                % {"code": household.code, "its": household.commune_id},
            )
            continue
        head = household.head
        if head is not None:
            head_id = claims.current_id(head)  # a head of two households may get it by a row above
            other_id = given_id and head_id and head_id != given_id
            if given_id and not head_id and not claims.given(
                batch, row, "head_id_number", given_id, head
            ):
                continue
            taken = given_id and not head_id and by_id is not None and by_id.pk != head.pk
            if other_id or taken:
                batch.error(
                    row,
                    "head_id_number",
                    _("The household's head is %(name)s with another citizen ID: the head is "
                      "changed on the household's page.") % {"name": head.full_name},
                )
                continue
            if head.name_folded != fold(row["head_name"]):
                batch.error(
                    row,
                    "head_name",
                    _("The household's head is %(name)s: the head is changed on the household's "
                      "page.") % {"name": head.full_name},
                )
                continue
            if given_id and not head_id:
                # The head's ID is recorded now: it must agree with what is known of the head.
                problems = person_id_problems(id_number=given_id, sex=head.sex,
                                              birth_date=head.birth_date, birth_year=head.birth_year)
                if problems:
                    for message in problems:
                        batch.error(row, "head_id_number", message)
                    continue
                claims.record(row, given_id, head, row["head_name"])
        elif given_id and by_id is None:
            claims.record(row, given_id, None, row["head_name"])
        row.target = (household, by_id)


def households_apply(batch: Batch) -> None:
    new_people = NewPeople()
    added: list[Household] = []
    heads: list[tuple[Household, Person]] = []  # households that get their head member now
    changed: dict[int, list] = {}  # household pk -> [household, old values]
    changed_people: dict[int, list] = {}
    for row in batch.valid():
        household, by_id = row.target
        if household is None:
            household = Household(
                code=row["household_code"],
                commune_id=row["commune_code"],
                area_type=row["area_type"],
                village=row.get("village", ""),
                address=row.get("address", ""),
            )
            added.append(household)
            heads.append((household, by_id or new_people.get(
                full_name=row["head_name"], commune_id=row["commune_code"],
                id_number=row["head_id_number"])))
            row.action = "added"
            continue
        values = {"area_type": row["area_type"]}
        for column in ("village", "address"):
            if row.has(column):
                values[column] = row[column]
        before = assign(household, values)
        changed[household.pk] = [household, before]
        head = household.head
        person_before = {}
        if head is None:  # a household left without a head gets the row's
            heads.append((household, by_id or new_people.get(
                full_name=row["head_name"], commune_id=row["commune_code"],
                id_number=row["head_id_number"])))
            person_before = {"head": None}
        else:
            person_values = {"full_name": _name(row["head_name"])}
            if row.has("head_id_number"):
                person_values["id_number"] = row["head_id_number"]
            entry = changed_people.setdefault(head.pk, [head, {}])
            person_before = assign(entry[0], person_values)  # a head of two households: one object
            for name, old in person_before.items():
                entry[1].setdefault(name, old)
        row.action = "updated" if before or person_before else "unchanged"
    bulk_add(batch, Person, new_people.people)
    bulk_change(batch, Person, [tuple(v) for v in changed_people.values()])
    for household, head in heads:
        before = assign(household, {"head_id": head.pk, "head_name_folded": head.name_folded})
        if household.pk is not None:
            changed[household.pk][1].update(before)
    bulk_add(batch, Household, added)
    bulk_change(batch, Household, [tuple(v) for v in changed.values()])
    bulk_add(batch, Member, [Member(household=h, person=p, relation=Relation.HEAD) for h, p in heads])


r.register(
    r.ImportKind(
        key="households",
        label=gettext_lazy("Households"),
        order=10,
        columns=(
            r.Column("household_code", gettext_lazy("Household code"), r.CODE, required=True, max_length=30),
            r.Column("commune_code", gettext_lazy("Commune code"), r.INT, required=True),
            r.Column("head_name", gettext_lazy("Head of household"), r.TEXT, required=True, max_length=150),
            r.Column("area_type", gettext_lazy("Area (rural, urban)"), r.ENUM, required=True, choices=AREA_TYPES),
            r.Column("village", gettext_lazy("Village"), r.TEXT, max_length=100),
            r.Column("address", gettext_lazy("Address"), r.TEXT, max_length=255),
            r.Column("head_id_number", gettext_lazy("Head's citizen ID"), r.CITIZEN_ID, max_length=12),
        ),
        row_key=lambda row: row["household_code"],
        key_columns=("household_code",),
        validate=households_validate,
        apply=households_apply,
        help=gettext_lazy("Adds or updates households by code; the head becomes a member with relation “head”."),
    )
)


# --- members ----------------------------------------------------------------------------------


def _member_key(row: Row):
    if row.has("id_number"):
        return ("id", row["household_code"], row["id_number"])
    return ("name", row["household_code"], fold(row["full_name"]), row["birth_date"])


def members_validate(batch: Batch) -> None:
    households = _households_by_code(batch.values("household_code"))
    for row in batch.valid():
        household = _household_check(batch, row, households)
        if household is None:
            continue
        row.target = household
    rows = batch.valid()
    household_ids = {row.target.pk for row in rows}
    members = list(
        Member.objects.filter(household_id__in=household_ids).select_related("person")
        .select_for_update(of=("self", "person"))
    ) if household_ids else []
    by_id = {}
    by_person = {}
    by_name = defaultdict(list)
    heads = {}
    for m in members:
        by_person[(m.household_id, m.person_id)] = m
        if m.person.id_number:
            by_id[(m.household_id, m.person.id_number)] = m
        by_name[(m.household_id, m.person.name_folded, m.person.birth_date)].append(m)
        if m.relation == Relation.HEAD:
            heads[m.household_id] = m
    given_ids = batch.values("id_number", rows)
    people = people_by_id(given_ids, lock=True)
    # The members earlier rows of the file changed, and the headless households an earlier
    # row gave a head, as far as this chunk's households go (the file's memory: one query).
    earlier = batch.memory.get([f"member:{m.pk}" for m in members]
                               + [f"head:{pk}" for pk in household_ids])
    touched = {int(key[7:]) for key in earlier if key.startswith("member:")}
    headless = {int(key[5:]) for key in earlier if key.startswith("head:")}
    claims = IdClaims(batch, given_ids)
    for row in rows:
        household = row.target
        id_number = row["id_number"]
        folded = fold(row["full_name"])
        if id_number:
            member = by_id.get((household.pk, id_number))
            if member is None and id_number in claims.chunk:  # given the ID by an earlier row
                member = by_person.get((household.pk, claims.chunk[id_number].pk))
            if member is None:
                # "else household_code + full_name + birth_date" (contract.md): a member recorded
                # without an ID is the row's member, whose ID the row fills in.
                found = [m for m in by_name.get((household.pk, folded, row["birth_date"]), [])
                         if not claims.current_id(m.person)]
                member = found[0] if len(found) == 1 else None
        else:
            found = by_name.get((household.pk, folded, row["birth_date"]), [])
            member = found[0] if len(found) == 1 else None
            if len(found) > 1:
                batch.error(row, "full_name", _("Two members of the household have this name and "
                                                "birth date: add the citizen ID to tell them apart."))
                continue
        if row["relation"] == Relation.HEAD:
            head = heads.get(household.pk)
            if head is None:
                if household.pk in headless:
                    batch.error(row, "relation", _("A household has exactly one head."))
                    continue
                headless.add(household.pk)
                batch.memory.add(f"head:{household.pk}", row.number)
            if head is not None and (member is None or member.pk != head.pk):
                # A row naming the head by name when the head has an ID, or by another person.
                head_id = claims.current_id(head.person)
                same = head.person.name_folded == folded and (
                    not id_number or not head_id or head_id == id_number
                )
                if not same:
                    batch.error(
                        row, "relation",
                        _("The household's head is %(name)s: the head is changed on the "
                          "household's page.") % {"name": head.person.full_name},
                    )
                    continue
                member = head
        elif member is not None and member.relation == Relation.HEAD:
            batch.error(row, "relation", _("This person is the household's head: the head is "
                                           "changed on the household's page."))
            continue
        person = member.person if member is not None else people.get(id_number) if id_number else None
        if id_number and person is None:
            # An ID nobody held before this chunk: the person an earlier row of the file gave it
            # to (the names agreeing), or a new one.
            ok, person = claims.new(batch, row, "id_number", id_number, row["full_name"])
            if not ok:
                continue
        if person is not None and person.name_folded != folded:
            column = "id_number" if id_number and member is None else "full_name"
            batch.error(row, column, name_mismatch(batch, person, row["full_name"]) if id_number
                        else _("The names do not agree."))
            continue
        if member is None and person is not None and id_number and (
            (household.pk, person.pk) in by_person
        ):
            batch.error(row, "id_number", _("This person is already a member of the household."))
            continue
        person_id = claims.current_id(person) if person is not None else None
        if id_number and person is not None and person_id and person_id != id_number:
            batch.error(row, "id_number", _("%(name)s already has another citizen ID.")
                        % {"name": person.full_name})
            continue
        if id_number and person is not None and not person_id and not claims.given(
            batch, row, "id_number", id_number, person
        ):
            continue
        if id_number and person is not None and not person_id and id_number in people:
            batch.error(row, "id_number", _("Another person already has this citizen ID."))
            continue
        sex = row["sex"] or (person.sex if person else "")
        birth_date = row["birth_date"] or (person.birth_date if person else None)
        birth_year = None if birth_date else (person.birth_year if person else None)
        problems = person_id_problems(
            id_number=id_number or person_id,
            sex=sex, birth_date=birth_date, birth_year=birth_year,
        )
        if problems:
            for message in problems:
                batch.error(row, "id_number", message)
            continue
        if row["birth_date"] and row["birth_date"] > batch.today:
            batch.error(row, "birth_date", _("The date cannot be in the future."))
            continue
        if member is not None:
            if member.pk in touched:
                batch.error(row, "full_name", _("Another row of the file is about the same member."))
                continue
            touched.add(member.pk)
            batch.memory.add(f"member:{member.pk}", row.number)
        if id_number and not person_id:
            claims.record(row, id_number, person, row["full_name"])
        row.target = (household, member, person)


def members_apply(batch: Batch) -> None:
    new_people = NewPeople()
    new_members = []
    changed_members = []
    changed_people = {}
    for row in batch.valid():
        household, member, person = row.target
        person_values = {}
        if person is not None:
            person_values["full_name"] = _name(row["full_name"])
            for column in ("sex", "birth_date", "ethnicity"):
                if row.has(column):
                    person_values[column] = row[column]
            if row.has("birth_date"):
                person_values["birth_year"] = row["birth_date"].year
            if row.has("id_number"):
                person_values["id_number"] = row["id_number"]
            if person_values.get("full_name"):
                person_values["name_folded"] = fold(person_values["full_name"])
            # Two rows about one person (in two households) change one object.
            entry = changed_people.setdefault(person.pk, [person, {}])
            person = entry[0]
            for name, old in assign(person, person_values).items():
                entry[1].setdefault(name, old)
        else:
            person = new_people.get(
                full_name=row["full_name"], commune_id=household.commune_id,
                id_number=row["id_number"], sex=row["sex"], birth_date=row["birth_date"],
                ethnicity=row["ethnicity"],
            )
        if member is None:
            new_members.append(Member(household=household, person=person, relation=row["relation"]))
            row.action = "added"
        else:
            before = assign(member, {"relation": row["relation"]})
            changed_members.append((member, before))
            person_changed = bool(changed_people.get(person.pk, [None, {}])[1])
            row.action = "updated" if before or person_changed else "unchanged"
    bulk_add(batch, Person, new_people.people)
    bulk_change(batch, Person, [tuple(v) for v in changed_people.values()])
    for m in new_members:
        m.person_id = m.person.pk
    bulk_add(batch, Member, new_members)
    bulk_change(batch, Member, changed_members)
    # A head's new name is searched through the household's folded copy; a household that had
    # no head gets the one the file names.
    heads = [(m.household, m.person) for m, _b in changed_members if m.relation == Relation.HEAD]
    heads += [(m.household, m.person) for m in new_members if m.relation == Relation.HEAD]
    changes = []
    for household, person in heads:
        before = assign(household, {"head_id": person.pk, "head_name_folded": person.name_folded})
        changes.append((household, before))
    bulk_change(batch, Household, changes)


r.register(
    r.ImportKind(
        key="members",
        label=gettext_lazy("Household members"),
        order=20,
        columns=(
            r.Column("household_code", gettext_lazy("Household code"), r.CODE, required=True, max_length=30),
            r.Column("full_name", gettext_lazy("Full name"), r.TEXT, required=True, max_length=150),
            r.Column("relation", gettext_lazy("Relation to the head"), r.ENUM, required=True,
                     choices=tuple(Relation.values)),
            r.Column("sex", gettext_lazy("Sex (male, female)"), r.ENUM, choices=tuple(Sex.values)),
            r.Column("birth_date", gettext_lazy("Date of birth"), r.DATE),
            r.Column("id_number", gettext_lazy("Citizen ID"), r.CITIZEN_ID, max_length=12),
            r.Column("ethnicity", gettext_lazy("Ethnicity"), r.TEXT, max_length=50),
        ),
        row_key=_member_key,
        key_columns=("household_code", "id_number", "full_name", "birth_date"),
        validate=members_validate,
        apply=members_apply,
        help=gettext_lazy("A member is found by household and citizen ID, else by household, name and "
                "date of birth; a row with relation “head” updates the head."),
    )
)


# --- poverty_reviews --------------------------------------------------------------------------


def reviews_validate(batch: Batch) -> None:
    households = _households_by_code(batch.values("household_code"))
    standards = batch.state.get("standards")
    if standards is None:
        standards = batch.state["standards"] = list(PovertyStandard.objects.all())
    may_recognise = batch.user is None or batch.user.has_perm("welfare.recognise_reviews")
    for row in batch.valid():
        household = _household_check(batch, row, households)
        if household is None:
            continue
        row.target = household
    rows = batch.valid()
    existing = {
        (rv.household_id, rv.review_year): rv
        for rv in PovertyReview.objects.select_for_update().filter(
            household_id__in={row.target.pk for row in rows},
            review_year__in=batch.values("review_year", rows),
        )
    } if rows else {}
    for row in rows:
        household = row.target
        review = existing.get((household.pk, row["review_year"]))
        if not may_recognise:
            if row.has("recognised_on"):
                batch.error(row, "recognised_on", _("Only a department head recognises a review: "
                                                    "leave this column empty to propose it."))
                continue
            if review is not None and review.status == ReviewStatus.RECOGNISED:
                batch.error(row, "review_year", _("The review of %(year)s is already recognised: "
                                                  "only a department head can change it.")
                            % {"year": row["review_year"]})
                continue
        try:
            standard = standard_for_review_year(row["review_year"], standards)
        except Exception as exc:  # ValidationError: no standard covers the year
            batch.error(row, "review_year", " ".join(getattr(exc, "messages", [str(exc)])))
            continue
        try:
            # "empty for none" (contract.md): a blank cell of a present column is no deprivation.
            if batch.has_column("deprivations") or review is None:
                numbers = deprivations_parse(_deprivation_text(row["deprivations"]))
            else:
                numbers = list(review.deprivations)
        except Exception as exc:
            batch.error(row, "deprivations", " ".join(getattr(exc, "messages", [str(exc)])))
            continue
        area_type = row["area_type"] or (review.area_type if review else household.area_type)
        result = poverty_classify(
            standard=standard, area_type=area_type,
            income_per_capita_vnd=row["income_per_capita_vnd"], deprivation_count=len(numbers),
        )
        if row.has("result") and row["result"] != result:
            batch.error(
                row, "result",
                _("The computed result is %(computed)s (%(standard)s), not %(given)s.")
                % {"computed": result, "standard": standard.code, "given": row["result"]},
            )
            continue
        if row.has("recognised_on") and row["recognised_on"].year < row["review_year"]:
            batch.error(row, "recognised_on", _("A review is recognised in its year or later."))
            continue
        row.target = (household, review, standard, area_type, numbers, result)


def _deprivation_text(value):
    # "1;4;7" as text; a single indicator typed as a number in a spreadsheet reads "4".
    return "" if value is None else str(value)


def reviews_apply(batch: Batch) -> None:
    user = batch.user
    added = []
    changed = []
    for row in batch.valid():
        household, review, standard, area_type, numbers, result = row.target
        values = {
            "standard_id": standard.pk,
            "area_type": area_type,
            "income_per_capita_vnd": row["income_per_capita_vnd"],
            "deprivations": numbers,
            "deprivation_count": len(numbers),
            "result": result,
        }
        if row.has("recognised_on"):
            values.update(status=ReviewStatus.RECOGNISED, recognised_on=row["recognised_on"],
                          recognised_by_id=user.pk if user else None)
        if review is None:
            review = PovertyReview(
                household=household, review_year=row["review_year"],
                proposed_by_id=user.pk if user else None, **values,
            )
            added.append(review)
            row.action = "added"
            continue
        before = assign(review, values)
        changed.append((review, before))
        row.action = "updated" if before else "unchanged"
    bulk_add(batch, PovertyReview, added)
    bulk_change(batch, PovertyReview, changed)


r.register(
    r.ImportKind(
        key="poverty_reviews",
        label=gettext_lazy("Poverty reviews"),
        order=30,
        columns=(
            r.Column("household_code", gettext_lazy("Household code"), r.CODE, required=True, max_length=30),
            r.Column("review_year", gettext_lazy("Review year"), r.YEAR, required=True),
            r.Column("income_per_capita_vnd", gettext_lazy("Income per person per month (VND)"), r.MONEY,
                     required=True),
            r.Column("deprivations", gettext_lazy("Deprived indicators (1–12, separated by ;)"), r.TEXT,
                     max_length=60),
            r.Column("area_type", gettext_lazy("Area (rural, urban)"), r.ENUM, choices=AREA_TYPES),
            r.Column("result", gettext_lazy("Result (poor, near_poor, average, not_poor)"), r.ENUM,
                     choices=tuple(PovertyResult.values)),
            r.Column("recognised_on", gettext_lazy("Recognised on"), r.DATE, event_date=True),
        ),
        row_key=lambda row: (row["household_code"], row["review_year"]),
        key_columns=("household_code", "review_year"),
        validate=reviews_validate,
        apply=reviews_apply,
        help=gettext_lazy("The result is computed by the standard covering the review year; an officer's "
                "rows are proposals for a head to recognise."),
    )
)


# --- insurance_cards --------------------------------------------------------------------------


def cards_validate(batch: Batch) -> None:
    for row in batch.rows:
        if row.has("commune_code"):  # also on rows with other problems: report every problem
            batch.commune_check(row)
    rows = batch.valid()
    households = _households_by_code(batch.values("household_code", rows), brief=True)
    cards = {c.card_number: c for c in InsuranceCard.objects.select_for_update().filter(
        among(InsuranceCard, "card_number", batch.values("card_number", rows)))}
    given_ids = batch.values("holder_id_number", rows)
    people = people_by_id(given_ids)
    claims = IdClaims(batch, given_ids)
    for row in rows:
        household = None
        if row.has("household_code"):
            household = _household_check(batch, row, households, commune=row["commune_code"])
            if household is None:
                continue
        card = cards.get(row["card_number"])
        if card is not None and not batch.existing_commune_check(row, "card_number", card.commune_id):
            continue
        valid_from = row["valid_from"] or (card.valid_from if card else None)
        valid_to = row["valid_to"] or (card.valid_to if card else None)
        if valid_from and valid_to and valid_from > valid_to:
            batch.error(row, "valid_to", _("The card cannot be valid to a date before it is "
                                           "valid from."))
            continue
        person = None
        if row.has("holder_id_number"):
            if not id_check(batch, row, "holder_id_number"):
                continue
            person = people.get(row["holder_id_number"])
            if person is not None and person.name_folded != fold(row["holder_name"]):
                batch.error(row, "holder_id_number", name_mismatch(batch, person, row["holder_name"]))
                continue
            if person is None:
                # A new holder: every row of the file naming this ID must name them alike.
                ok, _same = claims.new(
                    batch, row, "holder_id_number", row["holder_id_number"], row["holder_name"]
                )
                if not ok:
                    continue
                claims.record(row, row["holder_id_number"], None, row["holder_name"])
        row.target = [card, household, person]
    # A holder without an ID number is found by name among the household's members.
    by_name_rows = [row for row in batch.valid() if row.target[1] is not None and row.target[2] is None
                    and not row.has("holder_id_number")]
    if by_name_rows:
        found = {}
        for household_id, person_id, folded in Member.objects.filter(
            among(Member, "household_id", (row.target[1].pk for row in by_name_rows))
        ).order_by("person_id").values_list("household_id", "person_id", "person__name_folded"):
            found.setdefault((household_id, folded), person_id)
        for row in by_name_rows:
            row.target[2] = found.get((row.target[1].pk, fold(row["holder_name"])))


def cards_apply(batch: Batch) -> None:
    new_people = NewPeople()
    added = []
    changed = []
    for row in batch.valid():
        card, household, person = row.target
        person_id = person.pk if isinstance(person, Person) else person
        if person_id is None and row.has("holder_id_number"):
            person = new_people.get(full_name=row["holder_name"], commune_id=row["commune_code"],
                                    id_number=row["holder_id_number"])
        values = {
            "holder_name": _name(row["holder_name"]),
            "holder_name_folded": fold(row["holder_name"]),
            "commune_id": row["commune_code"],
            "beneficiary_group": row["beneficiary_group"],
            "issued_on": row["issued_on"],
        }
        for column in ("valid_from", "valid_to", "holder_id_number"):
            if row.has(column):
                values[column] = row[column]
        if household is not None:
            values["household_id"] = household.pk
        row.target = (card, values, person if isinstance(person, Person) else person_id)
    bulk_add(batch, Person, new_people.people)
    for row in batch.valid():
        card, values, person = row.target
        person_id = person.pk if isinstance(person, Person) else person
        if person_id is not None or card is None:
            values["person_id"] = person_id
        elif card.holder_name_folded != values["holder_name_folded"]:
            values["person_id"] = None  # another holder, known by name only: no person
        if card is None:
            added.append(InsuranceCard(card_number=row["card_number"], **values))
            row.action = "added"
        else:
            before = assign(card, values)
            changed.append((card, before))
            row.action = "updated" if before else "unchanged"
    bulk_add(batch, InsuranceCard, added)
    bulk_change(batch, InsuranceCard, changed)


r.register(
    r.ImportKind(
        key="insurance_cards",
        label=gettext_lazy("Health-insurance cards"),
        order=40,
        columns=(
            r.Column("card_number", gettext_lazy("Card number"), r.CODE, required=True, max_length=20),
            r.Column("holder_name", gettext_lazy("Holder's name"), r.TEXT, required=True, max_length=150),
            r.Column("commune_code", gettext_lazy("Commune code"), r.INT, required=True),
            r.Column("beneficiary_group", gettext_lazy("Beneficiary group"), r.ENUM, required=True,
                     choices=tuple(BeneficiaryGroup.values)),
            r.Column("issued_on", gettext_lazy("Issued on"), r.DATE, required=True, event_date=True),
            r.Column("valid_from", gettext_lazy("Valid from"), r.DATE),
            r.Column("valid_to", gettext_lazy("Valid to"), r.DATE),
            r.Column("holder_id_number", gettext_lazy("Holder's citizen ID"), r.CITIZEN_ID, max_length=12),
            r.Column("household_code", gettext_lazy("Household code"), r.CODE, max_length=30),
        ),
        row_key=lambda row: row["card_number"],
        key_columns=("card_number",),
        validate=cards_validate,
        apply=cards_apply,
        help=gettext_lazy("Adds or updates cards by number; the holder is linked by citizen ID, else by "
                "name within the household."),
    )
)
