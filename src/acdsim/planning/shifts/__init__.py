"""Shifts that cover a staffing requirement at minimum paid hours (``acdsim shifts``, docs/shifts.md).

- :mod:`.parse`: the flags' grammar (``--lengths``, ``--break``, ``--open``/``--close``) and
  the staffing table (the staffing.csv of ``acdsim staff``);
- :mod:`.model`: the shift columns and the integer program (HiGHS via ``scipy.optimize.milp``);
- :mod:`.roster`: :func:`shifts` and its result, :class:`Roster`;
- :mod:`.outputs`: the files of ``-o DIR``.
"""

from .roster import Roster, shifts

__all__ = ["Roster", "shifts"]
