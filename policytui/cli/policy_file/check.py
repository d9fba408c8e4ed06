"""The file against the server's catalog: every problem at once, each with its line.

Checked here, before anything is compared or sent: the shape (known keys, one policy per
uuid), the offering, the organization groups and the components (by uuid, type or name:
a name that disagrees with its uuid is a problem, since editing the name and leaving the
uuid is the likeliest slip), the actions this server offers, the period, each limit a
whole number from 0 to 2 147 483 647, and ``apply_to_all`` against organization groups.
What depends on the server's copy of a policy (may it be written so?) is the plan's.
"""

from __future__ import annotations

import difflib
import re
from typing import Any

from policytui.api.actions import canonical_actions
from policytui.cli.policy_file.located import Located
from policytui.cli.policy_file.model import (
    INT32_MAX,
    NOTIFY_EXTERNAL_USER,
    PERIOD_ALIASES,
    PERIOD_WORDS,
    Catalog,
    GroupInfo,
    OfferingInfo,
    PolicyValues,
    Problem,
    WantedOffering,
    WantedPolicy,
)
from policytui.cli.policy_file.plan import one_limit_problem

_UUID = re.compile(r"[0-9a-f]{32}")
#: Fields the server sends and sets itself: the export leaves them out.
READ_ONLY = frozenset(
    {
        "url",
        "scope",
        "scope_name",
        "scope_uuid",
        "created",
        "created_by_full_name",
        "created_by_username",
        "has_fired",
        "fired_datetime",
        "period_name",
        "affected_resources_count",
    }
)
POLICY_KEYS = (
    "uuid",
    "actions",
    "period",
    "organization_groups",
    "apply_to_all",
    "component_limits",
    "options",
)
PERIODS_SAID = ", ".join(PERIOD_WORDS.values())


class _Checker:
    def __init__(self, catalog: Catalog) -> None:
        self.catalog = catalog
        self.problems: list[Problem] = []
        self.seen_offerings: dict[str, int] = {}
        self.seen_uuids: dict[str, int] = {}
        #: The current policy's limits on components its offering lacks (see component).
        self.strays: list[Problem] = []

    def say(self, line: int, message: str) -> None:
        self.problems.append(Problem(line, message))

    # -- the document and its offerings --------------------------------------------------

    def document(self, root: Located | None) -> list[WantedOffering]:
        if root is None:
            self.say(0, "the file is empty: it needs `offerings:` (see `policytui export`)")
            return []
        if not isinstance(root.value, dict):
            self.say(root.line, "the file is a mapping with `offerings:` (see `policytui export`)")
            return []
        self.unknown_keys(root, ("offerings",), "the file")
        offerings = root.value.get("offerings")
        if offerings is None:
            self.say(root.line, "`offerings:` is missing")
            return []
        if not isinstance(offerings.value, list):
            self.say(offerings.line, "`offerings` is a list of offerings")
            return []
        wanted = [self.offering(entry) for entry in offerings.value]
        return [w for w in wanted if w is not None]

    def offering(self, entry: Located) -> WantedOffering | None:
        if not isinstance(entry.value, dict):
            self.say(entry.line, "an offering is a mapping with name, uuid and policies")
            return None
        self.unknown_keys(entry, ("name", "uuid", "policies"), "an offering")
        found = self.find_offering(entry)
        policies = entry.value.get("policies")
        wanted: list[WantedPolicy] = []
        if policies is None:
            self.say(entry.line, "this offering has no `policies:` (write `policies: []` for none)")
        elif not isinstance(policies.value, list):
            self.say(policies.line, "`policies` is a list of policies")
        else:
            for item in policies.value:
                policy = self.policy(item, found)
                if policy is not None:
                    wanted.append(policy)
        if found is None:
            return None
        earlier = self.seen_offerings.get(found.uuid)
        if earlier is not None:
            self.say(entry.line, f"{found.name} is listed already on line {earlier}")
            return None
        self.seen_offerings[found.uuid] = entry.line
        return WantedOffering(found.uuid, entry.line, tuple(wanted))

    def find_offering(self, entry: Located) -> OfferingInfo | None:
        offerings = self.catalog.offerings
        uuid = self.uuid_field(entry, "uuid")
        name = self.text_field(entry, "name")
        if uuid is not None:
            found = offerings.get(uuid)
            if found is None:
                self.say(
                    entry.value["uuid"].line,
                    f"no offering {uuid} among the offerings you manage",
                )
                return None
            if name is not None and name != found.name:
                self.say(
                    entry.value["name"].line,
                    f"offering {uuid} is {found.name!r} on the server, not {name!r} "
                    "(to name another offering, drop the uuid line)",
                )
            return found
        if name is None:
            self.say(entry.line, "give the offering's name or uuid")
            return None
        matches = [o for o in offerings.values() if o.name == name]
        if len(matches) == 1:
            return matches[0]
        line = entry.value["name"].line
        if matches:
            uuids = ", ".join(sorted(o.uuid for o in matches))
            self.say(line, f"several offerings are named {name!r} ({uuids}): give its uuid")
        else:
            self.say(line, f"no offering named {name!r} among the offerings you manage")
        return None

    # -- one policy ----------------------------------------------------------------------

    def policy(self, entry: Located, offering: OfferingInfo | None) -> WantedPolicy | None:
        if not isinstance(entry.value, dict):
            self.say(entry.line, "a policy is a mapping (actions, period, component_limits, …)")
            return None
        before = len(self.problems)
        for key, line in entry.key_lines.items():
            if key in POLICY_KEYS:
                continue
            if key in READ_ONLY:
                self.say(line, f"{key!r} is set by the server and cannot be written: remove it")
            elif key == "component_limits_set":
                self.say(line, "this file calls it `component_limits`")
            else:
                self.say(line, f"unknown key {key!r} in a policy (known: {', '.join(POLICY_KEYS)})")
        uuid = self.uuid_field(entry, "uuid")
        if uuid is not None:
            earlier = self.seen_uuids.get(uuid)
            if earlier is not None:
                self.say(entry.value["uuid"].line, f"policy {uuid} is given twice (line {earlier})")
            else:
                self.seen_uuids[uuid] = entry.value["uuid"].line
        actions = self.actions(entry)
        period = self.period(entry)
        groups, apply_to_all = self.groups(entry)
        self.strays = []
        limits = self.limits(entry, offering)
        strays = tuple(self.strays)
        options = self.options(entry)
        if len(self.problems) > before or offering is None:
            if uuid is None:
                # A policy to create sends its limits: what the plan would say of them is
                # said now too, so every problem is listed at once.
                self.problems.extend(strays)
                if self.catalog.features.one_limit and len(limits) > 1:
                    line = entry.key_lines.get("component_limits", entry.line)
                    self.problems.append(one_limit_problem(line, limits))
            return None
        values = PolicyValues(
            actions=actions,
            period=period,
            organization_groups=groups,
            apply_to_all=apply_to_all,
            component_limits=limits,
            options=options,
        )
        return WantedPolicy(
            offering.uuid, uuid, values, entry.line, dict(entry.key_lines), stray_limits=strays
        )

    def actions(self, entry: Located) -> tuple[str, ...]:
        node = entry.value.get("actions")
        if node is None:
            self.say(entry.line, "`actions:` is missing (e.g. [notify_organization_owners])")
            return ()
        value = node.value
        if isinstance(value, str):
            names = value.split(",")
        elif isinstance(value, list) and all(isinstance(i.value, str) for i in value):
            names = [i.value for i in value]
        else:
            self.say(node.line, "`actions` is a list of action names")
            return ()
        names = [n.strip() for n in names if n.strip()]
        if not names:
            self.say(node.line, "a policy needs at least one action")
            return ()
        offered = self.catalog.actions
        unknown = [n for n in names if n not in offered]
        # The server lists its actions in an order that changes between restarts.
        said = ", ".join(canonical_actions(offered)) or "none"
        for name in dict.fromkeys(unknown):
            self.say(node.line, f"unknown action {name!r}: this server offers {said}")
        return tuple(canonical_actions(names))

    def period(self, entry: Located) -> int:
        node = entry.value.get("period")
        if node is None:
            self.say(entry.line, f"`period:` is missing (one of {PERIODS_SAID})")
            return 0
        word = node.value
        number = PERIOD_ALIASES.get(word.strip().lower()) if isinstance(word, str) else None
        if number is None:
            self.say(node.line, f"period {word!r} is not one of {PERIODS_SAID}")
            return 0
        return number

    def groups(self, entry: Located) -> tuple[tuple[str, ...], bool]:
        features = self.catalog.features
        all_node = entry.value.get("apply_to_all")
        apply_to_all = False
        if all_node is not None:
            if not isinstance(all_node.value, bool):
                self.say(all_node.line, "`apply_to_all` is true or false")
            elif all_node.value and not features.apply_to_all:
                self.say(
                    all_node.line,
                    "this server has no apply_to_all (a 2024 Waldur): list organization groups",
                )
            else:
                apply_to_all = all_node.value
        node = entry.value.get("organization_groups")
        uuids: list[str] = []
        if node is not None:
            if not isinstance(node.value, list):
                self.say(node.line, "`organization_groups` is a list of groups (name and uuid)")
            else:
                seen: dict[str, int] = {}
                for item in node.value:
                    group = self.group(item)
                    if group is None:
                        continue
                    if group.uuid in seen:
                        self.say(item.line, f"group {group.name!r} is listed twice")
                        continue
                    seen[group.uuid] = item.line
                    uuids.append(group.uuid)
        if apply_to_all and node is not None and node.value:
            self.say(
                node.line,
                "give either apply_to_all: true or organization groups, not both "
                "(the server refuses both)",
            )
        elif not apply_to_all and node is None:
            either = " or apply_to_all: true" if features.apply_to_all else ""
            self.say(entry.line, f"`organization_groups:` is missing (list the groups{either})")
        elif not apply_to_all and isinstance(node.value, list) and not node.value:
            either = ", or write apply_to_all: true" if features.apply_to_all else ""
            self.say(node.line, f"the policy needs at least one organization group{either}")
        return tuple(sorted(uuids)), apply_to_all

    def group(self, item: Located) -> GroupInfo | None:
        groups = self.catalog.groups
        if isinstance(item.value, str):
            # A bare name (or uuid), handy when writing a file by hand.
            text = item.value.strip()
            key = text.replace("-", "").lower()
            if _UUID.fullmatch(key) and key in groups:
                return groups[key]
            return self.group_by_name(text, item.line)
        if not isinstance(item.value, dict):
            self.say(item.line, "a group is its name, or a mapping with name and uuid")
            return None
        self.unknown_keys(item, ("name", "uuid"), "a group")
        uuid = self.uuid_field(item, "uuid")
        name = self.text_field(item, "name")
        if uuid is not None:
            group = groups.get(uuid)
            if group is None:
                self.say(item.value["uuid"].line, f"no organization group {uuid} on the server")
                return None
            if name is not None and name not in (group.name, group.label):
                self.say(
                    item.value["name"].line,
                    f"organization group {uuid} is {group.label!r} on the server, not {name!r} "
                    "(to use another group, give its name alone)",
                )
                return None
            return group
        if name is None:
            self.say(item.line, "give the group's name or uuid")
            return None
        return self.group_by_name(name, item.value["name"].line)

    def group_by_name(self, name: str, line: int) -> GroupInfo | None:
        """By its path (``Baltics \u203a Estonia``, as export, list and show write it), else
        by its name alone when only one group has it."""
        groups = self.catalog.groups.values()
        matches = [g for g in groups if g.label == name] or [g for g in groups if g.name == name]
        if len(matches) == 1:
            return matches[0]
        if matches:
            which = ", ".join(sorted(f"{g.label!r} ({g.uuid})" for g in matches))
            self.say(
                line,
                f"several organization groups are named {name!r}: {which}; give its path or uuid",
            )
        else:
            names = sorted({g.name for g in groups} | {g.label for g in groups})
            close = difflib.get_close_matches(name, names, n=1)
            hint = f" (did you mean {close[0]!r}?)" if close else ""
            self.say(line, f"no organization group named {name!r} on the server{hint}")
        return None

    def limits(self, entry: Located, offering: OfferingInfo | None) -> tuple[tuple[str, int], ...]:
        node = entry.value.get("component_limits")
        if node is None:
            self.say(entry.line, "`component_limits:` is missing (type and limit of each)")
            return ()
        if not isinstance(node.value, list):
            self.say(node.line, "`component_limits` is a list of limits (type, limit)")
            return ()
        limits: list[tuple[str, int]] = []
        seen: dict[str, int] = {}
        for item in node.value:
            if not isinstance(item.value, dict):
                self.say(item.line, "a component limit is a mapping with type and limit")
                continue
            self.unknown_keys(item, ("type", "name", "limit", "unit"), "a component limit")
            type_ = self.component(item, offering)
            limit = self.limit(item)
            if type_ is not None:
                # Said with the limit's own problem, not only once that one is mended.
                if type_ in seen:
                    where = seen[type_]
                    self.say(item.line, f"component {type_!r} has a limit already (line {where})")
                    continue
                seen[type_] = item.line
            if type_ is None or limit is None:
                continue
            limits.append((type_, limit))
        return tuple(limits)

    def component(self, item: Located, offering: OfferingInfo | None) -> str | None:
        type_ = self.text_field(item, "type")
        name = self.text_field(item, "name")
        unit = self.text_field(item, "unit")
        if type_ is None and name is None:
            self.say(item.line, "give the component's type (or name)")
            return None
        if offering is None:
            return type_ or name  # the offering's own problem is said already
        if type_ is not None:
            component = offering.component(type_)
            if component is None and name is None and unit is None:
                # As the export writes a limit whose component the offering lacks (a policy
                # moved between offerings keeps its old limits): a problem only if written.
                self.strays.append(Problem(item.value["type"].line, self.no_such(offering, type_)))
                return type_
            if component is None:
                self.say(item.value["type"].line, self.no_such(offering, type_))
                return None
            if name is not None and name != component.name:
                self.say(
                    item.value["name"].line,
                    f"component {type_!r} is named {component.name!r}, not {name!r} "
                    "(to limit another component, change its type)",
                )
                return None
        else:
            matches = [c for c in offering.components if c.name == name]
            if len(matches) != 1:
                self.say(
                    item.value["name"].line, f"{offering.name} has no component named {name!r}"
                )
                return None
            component = matches[0]
        if unit is not None and unit != component.unit:
            self.say(
                item.value["unit"].line,
                f"{component.name or component.type} is measured in {component.unit!r}, "
                f"not {unit!r} (units are the offering's; write the limit in its unit)",
            )
            return None
        return component.type

    @staticmethod
    def no_such(offering: OfferingInfo, type_: str) -> str:
        have = ", ".join(c.type for c in offering.components) or "none"
        return f"{offering.name} has no component {type_!r} (it has {have})"

    def limit(self, item: Located) -> int | None:
        node = item.value.get("limit")
        if node is None:
            self.say(item.line, "`limit:` is missing")
            return None
        value = node.value
        if isinstance(value, bool) or not isinstance(value, int) or not 0 <= value <= INT32_MAX:
            self.say(
                node.line,
                f"limit {value!r} is not a whole number from 0 to 2 147 483 647",
            )
            return None
        return value

    def options(self, entry: Located) -> dict[str, Any]:
        node = entry.value.get("options")
        if node is None:
            return {}
        if not isinstance(node.value, dict):
            self.say(node.line, "`options` is a mapping keyed by action name")
            return {}
        if not self.catalog.features.options:
            if node.value:
                self.say(node.line, "this server has no options (a 2024 Waldur): remove them")
            return {}
        options: dict[str, Any] = {}
        for key, value in node.value.items():
            line = node.key_lines.get(key, node.line)
            if key not in self.catalog.actions:
                self.say(
                    line,
                    f"options are keyed by action name; {key!r} is not an action this server "
                    "offers (the server fails on it)",
                )
                continue
            if key == NOTIFY_EXTERNAL_USER:
                addresses = self.addresses(value)
                if addresses is None:
                    continue
                options[key] = addresses
            else:
                options[key] = value.plain()
        return options

    def addresses(self, node: Located) -> str | None:
        """``notify_external_user``: one comma-separated string on the wire (a list is
        read too); spaces around the commas are dropped, since the server does not trim."""
        value = node.value
        if isinstance(value, str):
            parts = value.split(",")
        elif isinstance(value, list) and all(isinstance(i.value, str) for i in value):
            parts = [i.value for i in value]
        else:
            self.say(node.line, "notify_external_user is e-mail addresses separated by commas")
            return None
        addresses = [p.strip() for p in parts if p.strip()]
        bad = [a for a in addresses if not re.fullmatch(r"[^@\s,]+@[^@\s,]+\.[^@\s,]+", a)]
        for address in bad:
            self.say(node.line, f"{address!r} is not an e-mail address")
        return None if bad else ",".join(addresses)

    # -- small readers -------------------------------------------------------------------

    def unknown_keys(self, entry: Located, known: tuple[str, ...], what: str) -> None:
        for key, line in entry.key_lines.items():
            if key not in known:
                self.say(line, f"unknown key {key!r} in {what} (known: {', '.join(known)})")

    def uuid_field(self, entry: Located, key: str) -> str | None:
        node = entry.value.get(key)
        if node is None:
            return None
        if not isinstance(node.value, str):
            written = node.written if node.written is not None else repr(node.value)
            read = (
                f"the number {node.value!r}"
                if type(node.value) in (int, float)  # not bool
                else f"{type(node.value).__name__} {node.value!r}"
            )
            self.say(
                node.line,
                f"uuid {written} was read as {read}, not as text (a uuid of digits only is a "
                f'number to YAML): put it in quotes, "{written}"',
            )
            return None
        uuid = node.value.strip().replace("-", "").lower()
        if not _UUID.fullmatch(uuid):
            self.say(node.line, f"{node.value!r} is not a uuid (32 hexadecimal digits)")
            return None
        return uuid

    def text_field(self, entry: Located, key: str) -> str | None:
        node = entry.value.get(key)
        if node is None:
            return None
        if not isinstance(node.value, str | int | float) or isinstance(node.value, bool):
            self.say(node.line, f"`{key}` is text")
            return None
        return str(node.value)


def check(root: Located | None, catalog: Catalog) -> tuple[list[WantedOffering], list[Problem]]:
    """The file's offerings and policies as checked values, and every problem found."""
    checker = _Checker(catalog)
    wanted = checker.document(root)
    return wanted, checker.problems
