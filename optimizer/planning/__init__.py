"""From a county's data to a checked plan: data sets, scenarios, network designs, runs and sweeps.

Owns: the facility data set (``dataset``: centre, stations, villages), data + matrices -> ``Problem`` (``build``:
fleets, policies, designs, trunk runs), scenario files (``scenario``), one run end to end (``run``), families of runs
(``sweep``). Imports ``network``, ``model``, ``routing``, ``solver``, ``check`` and ``errors``.
"""

from optimizer.planning.dataset import DEFAULT_DATA_DIR, DataSet, Station, Village, load_dataset

__all__ = ["DEFAULT_DATA_DIR", "DataSet", "Station", "Village", "load_dataset"]
