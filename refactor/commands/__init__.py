"""One module per command (audit, check, plan, apply, verify, status, restack, demo, init, guard).

In: the parsed arguments and a console. Out: what the console shows and an exit code, from each module's
`run(args, console)`. Commands stay thin: the work is in `staging`, `planning` and `analysis`; the CLI
only parses and dispatches.
"""
