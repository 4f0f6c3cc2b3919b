from gates.cli import console

raise SystemExit(console())
