"""Single-purpose codemod passes, each a LibCST visitor or transformer over one file.

In: a `framework.context.FileJob` (the file and its stage) and its tree. Out: the edited tree and findings
on the job. Each imports only `framework`; `engine` runs them in order.
"""
