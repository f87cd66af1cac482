"""backtesting.py beside our backtester, on the same GOOG.csv and the same grid.

Usage: BACKTESTING_PY=/path/to/a/backtesting.py/checkout python3 bench/backtest/backtesting-py.py run|optimize
`run` is the library's quick-start (one SMA-crossover 10/20 run, its statistics printed), the script
our CLI is timed against; `optimize` prints the wall time of `Backtest.optimize` on the 100-set grid as
JSON. Bokeh (plotting only, not in Debian) is replaced by a stand-in module, which only makes this
script start faster than it would with the real one.
"""
import importlib.abc
import importlib.machinery
import json
import os
import sys
import time
import warnings
from unittest import mock


class _NoBokeh(importlib.abc.MetaPathFinder, importlib.abc.Loader):
    def find_spec(self, name, path, target=None):
        if name == "bokeh" or name.startswith("bokeh."):
            return importlib.machinery.ModuleSpec(name, self, is_package=True)
        return None

    def create_module(self, spec):
        module = mock.MagicMock()
        module.__path__ = []
        module.__name__ = spec.name
        module.__spec__ = spec
        return module

    def exec_module(self, module):
        pass


sys.meta_path.insert(0, _NoBokeh())
sys.path.insert(0, os.environ["BACKTESTING_PY"])
warnings.filterwarnings("ignore")

import pandas as pd  # noqa: E402
from backtesting import Backtest, Strategy  # noqa: E402
from backtesting.lib import crossover  # noqa: E402
from backtesting.test import SMA  # noqa: E402


class SmaCross(Strategy):
    n1 = 10
    n2 = 20

    def init(self):
        self.sma1 = self.I(SMA, self.data.Close, self.n1)
        self.sma2 = self.I(SMA, self.data.Close, self.n2)

    def next(self):
        if crossover(self.sma1, self.sma2):
            self.position.close()
            self.buy()
        elif crossover(self.sma2, self.sma1):
            self.position.close()
            self.sell()


here = os.path.dirname(os.path.abspath(__file__))
goog = pd.read_csv(os.path.join(here, "..", "..", "market-data", "GOOG.csv"), index_col=0, parse_dates=True)
bt = Backtest(goog, SmaCross, cash=10_000, commission=0.002)

if sys.argv[1] == "run":
    print(bt.run())
else:
    started = time.perf_counter()
    bt.optimize(n1=range(5, 55, 5), n2=range(60, 160, 10), maximize="Sharpe Ratio")
    print(json.dumps({"optimizeMs": (time.perf_counter() - started) * 1000}))
