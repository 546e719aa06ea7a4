"""`yusuan` and `python -m generator`: the command line."""
import os


def main() -> None:
    # pydantic looks for plugins through every installed package's metadata (≈ 40 ms) the first time a model is
    # built; the command uses none. A library user's process is left as it is.
    os.environ.setdefault("PYDANTIC_DISABLE_PLUGINS", "__all__")
    from .cli import main as run
    run()


if __name__ == "__main__":
    main()
