"""The filter language of the every-policy views and the shell's ``--filter``.

Headless and light: no Textual, no pydantic, no httpx. Read it as

- :func:`parse` a string into a :class:`Filter` (terms that AND together, and the
  :class:`Problem` of each term it could not read; it never raises);
- :func:`facts_from` a policy and its names (:class:`Names`, the catalog) into the
  :class:`PolicyFacts` a filter matches and a sort orders;
- :func:`parse_sort` / :func:`sort_policies` / :func:`sort_key` to order by a column;
- :func:`summary` for the words under the list ("12 of 340 match").

docs/filter.md describes the language for users.
"""

from policytui.query.facts import ComponentFacts, FactsReader, Names, PolicyFacts, facts_from
from policytui.query.fields import FIELDS, Field
from policytui.query.lexer import quote
from policytui.query.parser import Filter, Problem, Term, parse
from policytui.query.sorting import COLUMNS, SortOrder, parse_sort, sort_key, sort_policies
from policytui.query.summary import summary

__all__ = [
    "COLUMNS",
    "FIELDS",
    "ComponentFacts",
    "FactsReader",
    "Field",
    "Filter",
    "Names",
    "PolicyFacts",
    "Problem",
    "SortOrder",
    "Term",
    "facts_from",
    "parse",
    "parse_sort",
    "quote",
    "sort_key",
    "sort_policies",
    "summary",
]
