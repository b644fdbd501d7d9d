"""The import kinds of this app: relief_distributions, gifts, covid_support (contract.md,
"Import"). Each applies the rules of `services.py` to a chunk of rows at once
(`distribution_problems`, `distribution_defaults`, `gift_problems`, `covid_problems`,
`policy_group_for`): one query per lookup, bulk writes with their history rows and the undo log
of the engine, never a query per row.

Rounds (contract.md, "Rounds"): an unknown `round_code` creates the round in the province of
the row's commune, named by its code (a relief round with the cause of its first row, no ration:
its rice and cost default to 0 until a ration is set). The round is written with the rows and
logged like them, so undoing the import removes it too. When rows recorded since (by hand or by
another import) use the round, the undo is refused, as for every record an import added that
later work depends on (welfare.imports.services.import_undo).
"""

from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from welfare.core.text import fold
from welfare.households.models import Household, Member
from welfare.imports import registry as r
from welfare.imports.engine import Batch, Row, assign, bulk_add, bulk_change

from . import services
from .models import (
    Cause,
    CovidPolicyGroup,
    CovidSupport,
    Distribution,
    FundingSource,
    Gift,
    GiftRound,
    RecipientGroup,
    RecipientType,
    ReliefRound,
    RoundStatus,
)

# --- Shared -------------------------------------------------------------------------------------


def _may_open_rounds(batch: Batch) -> bool:
    return batch.user is None or batch.user.has_perm("welfare.manage_rounds")


def _rounds(batch: Batch, model, rows: list[Row]) -> dict[tuple[int, str], object]:
    """The stored rounds the rows name, by (province, code): one query. Rounds created by
    earlier chunks of this file are stored by now and found here."""
    provinces = {batch.ctx.communes[row["commune_code"]] for row in rows}
    codes = batch.values("round_code", rows)
    if not codes:
        return {}
    found = model.objects.select_for_update().filter(province_id__in=provinces, code__in=codes)
    return {(o.province_id, o.code): o for o in found}


def _round_for(batch: Batch, row: Row, rounds: dict, new_rounds: dict, make):
    """The round a row names, or a new (unsaved) one in the province of the row's commune
    made by `make(province_id, code)`, shared by the later rows naming that code. None after
    marking the row."""
    key = (batch.ctx.communes[row["commune_code"]], row["round_code"])
    found = rounds.get(key) or new_rounds.get(key)
    if found is not None:
        return found
    if not _may_open_rounds(batch):
        batch.error(row, "round_code", _("No round has the code %(code)s in this province, and you may "
                                         "not open one.") % {"code": row["round_code"]})
        return None
    found = new_rounds[key] = make(*key)
    return found


def _households(rows: list[Row]) -> dict[str, Household]:
    codes = {row["household_code"] for row in rows if row.has("household_code")}
    if not codes:
        return {}
    return {h.code: h for h in Household.objects.filter(code__in=codes)}


def _household(batch: Batch, row: Row, households: dict[str, Household]) -> Household | None:
    """The row's household, or None (after marking the row when the code is unknown). That it
    lies in the row's commune is a rule of the services, checked with the others."""
    household = households.get(row["household_code"])
    if household is None:
        batch.error(row, "household_code", _("No household has the code %(code)s.")
                    % {"code": row["household_code"]})
    return household


def _people_by_name(pairs: set[tuple[int, str]]) -> dict[tuple[int, str], int]:
    """The members found by household and name (contract.md, "People": a row with a household
    links by household and name): (household pk, folded name) -> person pk. One query."""
    if not pairs:
        return {}
    found: dict[tuple[int, str], int] = {}
    for household_id, person_id, folded in (
        Member.objects.filter(household_id__in={h for h, _n in pairs})
        .order_by("person_id")
        .values_list("household_id", "person_id", "person__name_folded")
    ):
        if (household_id, folded) in pairs:
            found.setdefault((household_id, folded), person_id)
    return found


def _save_new_rounds(batch: Batch, model) -> None:
    """Write the rounds the chunk's rows opened (with history, logged for undo) before the rows
    that use them; the unsaved objects the rows hold get their primary keys."""
    used = {id(row.target[0]): row.target[0] for row in batch.valid() if row.target[0].pk is None}
    bulk_add(batch, model, list(used.values()))


# --- relief_distributions -----------------------------------------------------------------------

# The fields `distribution_problems` names, as the file's columns.
_DISTRIBUTION_COLUMNS = {
    "round": "round_code",
    "commune": "commune_code",
    "household": "household_code",
    "recipient_name": "recipient_name",
    "persons_covered": "persons_covered",
    "distributed_on": "distributed_on",
}


# The columns' limits (a positive small integer; a positive integer).
MAX_PERSONS = 32_767
MAX_RICE_KG = 2_147_483_647


def distributions_validate(batch: Batch) -> None:
    for row in batch.rows:
        if row.has("commune_code"):  # also on rows with other problems: report every problem
            batch.commune_check(row)
    for row in batch.valid():
        if row.has("rice_kg") and row["rice_kg"] < 0:
            batch.error(row, "rice_kg", _("The rice cannot be negative."))
        elif row.has("rice_kg") and row["rice_kg"] > MAX_RICE_KG:
            batch.error(row, "rice_kg", _("The rice cannot be more than %(max)s kg.") % {"max": MAX_RICE_KG})
        elif row["persons_covered"] > MAX_PERSONS:  # (fewer than 1: the service's rule below)
            batch.error(row, "persons_covered", _("Persons covered cannot be more than %(max)s.")
                        % {"max": MAX_PERSONS})
    rows = batch.valid()
    if not rows:
        return
    rounds = _rounds(batch, ReliefRound, rows)
    new_rounds: dict = {}  # those of earlier chunks are stored by now, and found in `rounds`
    households = _households(rows)
    checked: list[tuple[Row, ReliefRound, Household | None]] = []
    for row in rows:
        round = _round_for(
            batch, row, rounds, new_rounds,
            lambda province, code, cause=row["cause"]: ReliefRound(
                province_id=province, code=code, name=code, cause=cause
            ),
        )
        if round is None:
            continue
        if round.cause != row["cause"]:
            batch.error(
                row,
                "cause",
                _("Round %(code)s is for “%(cause)s”: a round has one cause.")
                % {"code": round.code, "cause": round.get_cause_display()},
            )
            continue
        household = None
        if row.has("household_code"):
            household = _household(batch, row, households)
            if household is None:
                continue
        checked.append((row, round, household))
    # The stored distributions the rows update (locked: a form saved meanwhile is then stale).
    keyed = [h.pk for _row, round, h in checked if h is not None and round.pk is not None]
    stored = {
        (d.round_id, d.household_id): d
        for d in Distribution.objects.select_for_update().filter(
            round__in=list(rounds.values()), household_id__in=keyed
        )
    } if keyed else {}
    by_round: dict[int, list[tuple[Row, services.Entry]]] = {}
    targets = []
    for row, round, household in checked:
        distribution = stored.get((round.pk, household.pk)) if household and round.pk else None
        if distribution is not None and not batch.existing_commune_check(
            row, "household_code", distribution.commune_id
        ):
            continue
        entry = services.Entry(
            commune_id=row["commune_code"],
            persons_covered=row["persons_covered"],
            distributed_on=row["distributed_on"],
            household=household,
            recipient_name=row["recipient_name"] or (distribution.recipient_name if distribution else ""),
        )
        by_round.setdefault(id(round), []).append((row, entry))
        targets.append((row, round, household, distribution))
    rounds_by_id = {id(o): o for _row, o, _h, _d in targets}
    for key, pairs in by_round.items():
        # A household the round already has is no problem here: its row updates that
        # distribution (contract.md, "Keys"); twice in one file is the engine's key problem.
        problems = services.distribution_problems(
            round=rounds_by_id[key], entries=[entry for _row, entry in pairs], stored=False
        )
        for index, found in problems.items():
            for field, message in found.items():
                batch.error(pairs[index][0], _DISTRIBUTION_COLUMNS.get(field, "round_code"), message)
    named = {
        (h.pk, fold(row["recipient_name"]))
        for row, _round, h, _d in targets
        if not row.invalid and h is not None and row.has("recipient_name")
    }
    people = _people_by_name(named)
    for row, round, household, distribution in targets:
        if row.invalid:
            continue
        person_id = (
            people.get((household.pk, fold(row["recipient_name"])))
            if household is not None and row.has("recipient_name") else None
        )
        row.target = (round, household, distribution, person_id)


def distributions_apply(batch: Batch) -> None:
    _save_new_rounds(batch, ReliefRound)
    added, changed = [], []
    for row in batch.valid():
        round, household, distribution, person_id = row.target
        values = {
            "commune_id": row["commune_code"],
            "persons_covered": row["persons_covered"],
            "distributed_on": row["distributed_on"],
        }
        if row.has("recipient_name"):
            values.update(recipient_name=row["recipient_name"], recipient_folded=fold(row["recipient_name"]),
                          person_id=person_id)
        # A blank rice or cost cell: the round's ration on a new row; the stored value on update.
        for column in ("rice_kg", "cost_vnd"):
            if row.has(column):
                values[column] = row[column]
        if distribution is None:
            values["rice_kg"], values["cost_vnd"] = services.distribution_amounts(
                round=round, persons_covered=row["persons_covered"],
                rice_kg=values.get("rice_kg"), cost_vnd=values.get("cost_vnd"),
            )
            values.setdefault("recipient_name", "")
            values.setdefault("recipient_folded", "")
            added.append(Distribution(
                round_id=round.pk, household_id=household.pk if household else None, **values
            ))
            row.action = "added"
            continue
        before = assign(distribution, values)
        changed.append((distribution, before))
        row.action = "updated" if before else "unchanged"
    bulk_add(batch, Distribution, added)
    bulk_change(batch, Distribution, changed)


def distributions_before_undo(records: dict[str, set[int]]) -> None:
    """A closed round locks its distributions, an undo's too: refused before anything changes."""
    from welfare.imports.services import UndoRefused

    pks = records.get(Distribution._meta.label, set())
    closed = ReliefRound.objects.filter(
        status=RoundStatus.CLOSED, pk__in=Distribution.objects.filter(pk__in=pks).values("round_id")
    ).first()
    if closed is not None:
        raise UndoRefused(
            _("This import cannot be undone: round %(code)s was closed after it, which locks its "
              "distributions. A head can reopen the round first.") % {"code": closed.code}
        )


def _distribution_key(row):
    # A row without a household always adds (contract.md).
    if not row["household_code"]:
        return None
    return (row["round_code"], row["household_code"])


r.register(
    r.ImportKind(
        key="relief_distributions",
        label=gettext_lazy("Relief distributions"),
        order=70,
        columns=(
            r.Column("round_code", gettext_lazy("Round code"), r.CODE, required=True, max_length=30),
            r.Column("commune_code", gettext_lazy("Commune code"), r.INT, required=True),
            r.Column("cause", gettext_lazy("Cause (hunger, disaster, tet, other)"), r.ENUM, required=True,
                     choices=tuple(Cause.values)),
            r.Column("persons_covered", gettext_lazy("Persons covered"), r.INT, required=True),
            r.Column("distributed_on", gettext_lazy("Distributed on"), r.DATE, required=True,
                     event_date=True),
            r.Column("household_code", gettext_lazy("Household code"), r.CODE, max_length=30),
            r.Column("recipient_name", gettext_lazy("Recipient (when not a household)"), r.TEXT,
                     max_length=150),
            r.Column("rice_kg", gettext_lazy("Rice (kg)"), r.INT),
            r.Column("cost_vnd", gettext_lazy("Cost (VND)"), r.MONEY),
        ),
        row_key=_distribution_key,
        key_columns=("household_code", "round_code"),
        validate=distributions_validate,
        apply=distributions_apply,
        before_undo=distributions_before_undo,
        help=gettext_lazy("Adds or updates a household's distribution in a round (a row without a household "
                          "adds one for the person named). An unknown round code opens the round in the "
                          "province of the row's commune. Blank rice and cost follow the round's ration."),
    )
)


# --- gifts --------------------------------------------------------------------------------------


def gifts_validate(batch: Batch) -> None:
    for row in batch.rows:
        if row.has("commune_code"):
            batch.commune_check(row)
    rows = batch.valid()
    if not rows:
        return
    rounds = _rounds(batch, GiftRound, rows)
    new_rounds: dict = {}
    households = _households(rows)
    for row in rows:
        round = _round_for(
            batch, row, rounds, new_rounds,
            lambda province, code: GiftRound(province_id=province, code=code, name=code),
        )
        if round is None:
            continue
        household = None
        if row.has("household_code"):
            household = _household(batch, row, households)
            if household is None:
                continue
        values = {
            "commune_id": row["commune_code"],
            "household": household,
            "value_vnd": row["value_vnd"],
            "given_on": row["given_on"],
        }
        # (The round is found in the row's commune's province: no province check needed.)
        problems = services.gift_problems(values)
        for field, message in problems.items():
            batch.error(row, {"household": "household_code"}.get(field, field), message)
        if not problems:
            row.target = (round, household, None)
    valid = batch.valid()
    people = _people_by_name({
        (row.target[1].pk, fold(row["recipient_name"])) for row in valid if row.target[1] is not None
    })
    for row in valid:
        round, household, _person = row.target
        if household is not None:
            row.target = (round, household, people.get((household.pk, fold(row["recipient_name"]))))


def gifts_apply(batch: Batch) -> None:
    _save_new_rounds(batch, GiftRound)
    added = []
    for row in batch.valid():
        round, household, person_id = row.target
        added.append(Gift(
            round_id=round.pk,
            commune_id=row["commune_code"],
            recipient_group=row["recipient_group"],
            funding_source=row["funding_source"],
            household_id=household.pk if household else None,
            person_id=person_id,
            recipient_name=row["recipient_name"],
            recipient_folded=fold(row["recipient_name"]),
            value_vnd=row["value_vnd"],
            given_on=row["given_on"],
        ))
        row.action = "added"
    bulk_add(batch, Gift, added)


r.register(
    r.ImportKind(
        key="gifts",
        label=gettext_lazy("Gifts"),
        order=75,
        columns=(
            r.Column("round_code", gettext_lazy("Round code"), r.CODE, required=True, max_length=30),
            r.Column("commune_code", gettext_lazy("Commune code"), r.INT, required=True),
            r.Column("recipient_group", gettext_lazy("Recipient group (poor_household, social_protection, "
                                                     "elderly, children, meritorious, worker, other)"),
                     r.ENUM, required=True, choices=tuple(RecipientGroup.values)),
            r.Column("funding_source", gettext_lazy("Funding source (central, province, district, commune, "
                                                    "socialized)"),
                     r.ENUM, required=True, choices=tuple(FundingSource.values)),
            r.Column("recipient_name", gettext_lazy("Recipient"), r.TEXT, required=True, max_length=150),
            r.Column("value_vnd", gettext_lazy("Value (VND)"), r.MONEY, required=True),
            r.Column("given_on", gettext_lazy("Given on"), r.DATE, required=True, event_date=True),
            r.Column("household_code", gettext_lazy("Household code"), r.CODE, max_length=30),
        ),
        row_key=None,
        key_columns=(),
        validate=gifts_validate,
        apply=gifts_apply,
        help=gettext_lazy("Every row adds a gift. An unknown round code opens the gift round in the "
                          "province of the row's commune."),
    )
)


# --- covid_support ------------------------------------------------------------------------------


def covid_validate(batch: Batch) -> None:
    for row in batch.rows:
        if row.has("commune_code"):
            batch.commune_check(row)
    rows = batch.valid()
    if not rows:
        return
    # The 12 policy groups, read once per chunk for `policy_group_for`.
    groups = {g.code: g for g in CovidPolicyGroup.objects.all()}
    for row in rows:
        problems = services.covid_problems({
            "approved_on": row["approved_on"],
            "amount_vnd": row["amount_vnd"],
            "policy": row["policy"],
        })
        for field, message in problems.items():
            batch.error(row, field, message)
        if not problems:
            row.target = services.policy_group_for(row["policy"], groups)


def covid_apply(batch: Batch) -> None:
    added = []
    for row in batch.valid():
        group = row.target
        added.append(CovidSupport(
            commune_id=row["commune_code"],
            recipient_type=row["recipient_type"],
            recipient_name=row["recipient_name"],
            recipient_folded=fold(row["recipient_name"]),
            policy=row["policy"].strip(),
            policy_group_id=group.pk if group else None,
            amount_vnd=row["amount_vnd"],
            approved_on=row["approved_on"],
        ))
        row.action = "added"
    bulk_add(batch, CovidSupport, added)


r.register(
    r.ImportKind(
        key="covid_support",
        label=gettext_lazy("COVID-19 support"),
        order=80,
        columns=(
            r.Column("commune_code", gettext_lazy("Commune code"), r.INT, required=True),
            r.Column("recipient_type", gettext_lazy("Recipient type (worker, employer, household_business, "
                                                    "other)"),
                     r.ENUM, required=True, choices=tuple(RecipientType.values)),
            r.Column("recipient_name", gettext_lazy("Recipient"), r.TEXT, required=True, max_length=200),
            r.Column("policy", gettext_lazy("Policy (e.g. 68/NQ-CP)"), r.TEXT, required=True, max_length=50),
            r.Column("amount_vnd", gettext_lazy("Amount (VND)"), r.MONEY, required=True),
            r.Column("approved_on", gettext_lazy("Approved on"), r.DATE, required=True, event_date=True),
        ),
        row_key=None,
        key_columns=(),
        validate=covid_validate,
        apply=covid_apply,
        help=gettext_lazy("Every row adds the support approved for a worker, an employer or a household "
                          "business. A policy written as a policy group's code (68/NQ-CP-5, say) is linked "
                          "to that group."),
    )
)
