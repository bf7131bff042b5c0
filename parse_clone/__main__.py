"""`python -m parse_clone` = the `parse-clone` command."""

from .cli import main

if __name__ == "__main__":
    main()
