"""backtesting.py's trades for a long-only SMA 10/20 crossover with sl= and tp= orders, on GOOG.

Usage: BACKTESTING_PY=/path/to/a/backtesting.py/checkout /usr/bin/python3 \
  services/backtester/src/testing/backtesting-py-sl-tp.py > services/backtester/src/testing/backtesting-py-sl-tp.json
The reference the backtester's protective exits are checked against (backtest-engine.test.ts): each
entry buys all cash at the next open with a stop-loss 5 % and a take-profit 10 % from the signal
bar's close; a cross down closes the position. Bokeh (plotting only) is replaced by a stand-in.
"""
import importlib.abc
import importlib.machinery
import json
import os
import sys
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


class SmaSlTp(Strategy):
    def init(self):
        self.fast = self.I(SMA, self.data.Close, 10)
        self.slow = self.I(SMA, self.data.Close, 20)

    def next(self):
        close = self.data.Close[-1]
        if crossover(self.fast, self.slow) and not self.position:
            self.buy(sl=close * 0.95, tp=close * 1.10)
        elif crossover(self.slow, self.fast) and self.position:
            self.position.close()


here = os.path.dirname(os.path.abspath(__file__))
goog = pd.read_csv(os.path.join(here, "..", "..", "..", "..", "market-data", "GOOG.csv"), index_col=0, parse_dates=True)
stats = Backtest(goog, SmaSlTp, cash=10_000, commission=0.002).run()
trades = stats._trades
print(json.dumps([
    {
        "size": int(t.Size),
        "entryBar": int(t.EntryBar),
        "exitBar": int(t.ExitBar),
        "entryPrice": float(t.EntryPrice),
        "exitPrice": float(t.ExitPrice),
        "pnl": float(t.PnL),
    }
    for t in trades.itertuples()
], indent=1))
