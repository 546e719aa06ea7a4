"""yusuan 预算文书生成引擎: unit budget specs (YAML) → checked figures → the filings a unit publishes."""
from importlib.metadata import PackageNotFoundError, version

try:
    __version__ = version("yusuan")
except PackageNotFoundError:  # running from a source tree that is not installed
    __version__ = "0.0.0+src"
