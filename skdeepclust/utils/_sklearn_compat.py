"""The one place that imports scikit-learn's private parameter-validation API.

Estimators declare ``_parameter_constraints``: a dict from parameter name to a list of
constraints, any one of which the value must satisfy. The constraints are scikit-learn's
(``Interval``, ``StrOptions``, ``None``, a type, ``"boolean"``, ``"random_state"`` ...) plus the
package's own below, which scikit-learn's ``make_constraint`` does not know.
:func:`validate_params` checks them all and raises scikit-learn's ``InvalidParameterError``
(a ``ValueError`` and a ``TypeError``) with its usual wording: "The 'lr' parameter of DDC
must be a float in the range (0.0, inf). Got 0 instead."
"""

from __future__ import annotations

from numbers import Integral, Real

import numpy as np
from sklearn.utils._param_validation import (
    HasMethods,
    Interval,
    InvalidParameterError,
    StrOptions,
    make_constraint,
)

__all__ = [
    "HasMethods",
    "Interval",
    "InvalidParameterError",
    "SequenceOf",
    "StrOptions",
    "SubclassOf",
    "validate_params",
]


class SubclassOf:
    """A class (not an instance) derived from ``base``, e.g. an optimizer class.

    Parameters
    ----------
    base : type
    """

    hidden = False

    def __init__(self, base: type):
        self.base = base

    def is_satisfied_by(self, value) -> bool:
        return isinstance(value, type) and issubclass(value, self.base)

    def __str__(self) -> str:
        return f"a subclass of {self.base.__module__}.{self.base.__qualname__}"


class SequenceOf:
    """A tuple or list whose entries are real numbers (or ints) in ``[low, inf)``.

    Parameters
    ----------
    kind : {numbers.Integral, numbers.Real}
    low : float
        Smallest allowed entry.
    strict : bool, default=False
        Entries must be strictly greater than ``low``.
    allow_empty : bool, default=True
    """

    hidden = False

    def __init__(self, kind: type, low: float, *, strict: bool = False,
                 allow_empty: bool = True):
        self.kind = kind
        self.low = low
        self.strict = strict
        self.allow_empty = allow_empty

    def _entry_ok(self, entry) -> bool:
        if isinstance(entry, bool) or not isinstance(entry, self.kind):
            return False
        if not np.isfinite(entry):
            return False
        return entry > self.low if self.strict else entry >= self.low

    def is_satisfied_by(self, value) -> bool:
        if isinstance(value, np.ndarray):
            value = value.tolist()
        if not isinstance(value, (tuple, list)):
            return False
        return (self.allow_empty or len(value) > 0) and all(map(self._entry_ok, value))

    def __str__(self) -> str:
        name = "int" if self.kind is Integral else "real number"
        relation = ">" if self.strict else ">="
        return f"a tuple of {name}s {relation} {self.low}"


def _as_constraint(constraint):
    if isinstance(constraint, (SubclassOf, SequenceOf)):
        return constraint
    return make_constraint(constraint)


def _satisfies(value, constraint) -> bool:
    # scikit-learn's integer intervals take True and False for 1 and 0; a flag passed where a
    # count belongs is a mistake worth naming.
    if isinstance(value, bool) and isinstance(constraint, Interval):
        return False
    return constraint.is_satisfied_by(value)


def validate_params(constraints: dict, params: dict, caller_name: str) -> None:
    """Check each value of ``params`` against its entry in ``constraints``.

    Parameters without an entry are not checked (routed ``encoder__*`` parameters, for
    example, are checked by the class they are routed to).

    Raises
    ------
    InvalidParameterError
        Naming the parameter, the estimator, what is allowed and the value given.
    """
    for name, value in params.items():
        if name not in constraints:
            continue
        options = [_as_constraint(c) for c in constraints[name]]
        if any(_satisfies(value, option) for option in options):
            continue
        shown = [str(option) for option in options if not option.hidden]
        allowed = shown[0] if len(shown) == 1 else f"{', '.join(shown[:-1])} or {shown[-1]}"
        raise InvalidParameterError(
            f"The {name!r} parameter of {caller_name} must be {allowed}. Got {value!r} instead."
        )


#: Common constraint lists, so that estimators state them the same way.
POSITIVE_INT = [Interval(Integral, 1, None, closed="left")]
NON_NEGATIVE_INT = [Interval(Integral, 0, None, closed="left")]
POSITIVE_REAL = [Interval(Real, 0, None, closed="neither")]
NON_NEGATIVE_REAL = [Interval(Real, 0, None, closed="left")]
