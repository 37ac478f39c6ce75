"""The tabular output: a plan as a Frictionless Data Package (CSV, Table Schemas, descriptor),
and the gates a package passes (the v2 profiles, sizes and hashes, the project's rules, foreign
keys)."""
