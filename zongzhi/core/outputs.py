"""The base of the API's answer schemas.

django-ninja's `Schema` wraps every object it validates in its `DjangoGetter`, so that a field
can be read through a `resolve_*` method, a dotted alias or a related manager. For answers built
as dicts or read straight from attributes that costs far more than the validation itself: a
20-row page of residents took 1.5 ms to validate that way and 0.04 ms as a plain pydantic model
(measured on this project's 2-core machine). Answer schemas without resolvers derive from
`OutSchema`; those with resolvers (users, audit entries) stay on ninja's `Schema`.
"""

from __future__ import annotations

from pydantic import BaseModel, ConfigDict


class OutSchema(BaseModel):
    """An answer schema: validated by pydantic alone, from dicts or from objects' attributes."""

    model_config = ConfigDict(from_attributes=True)
