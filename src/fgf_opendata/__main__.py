"""`python -m fgf_opendata` runs the `fgf` command line."""

from .cli import main

main()
