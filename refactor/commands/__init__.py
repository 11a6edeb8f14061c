"""One module per command: each `run(args, console) -> exit code`; the CLI only parses and dispatches."""
