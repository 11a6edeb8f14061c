"""Reading: from a repository's files to per-file facts. Nothing here knows about families or stages.

In: a root folder (and the words a search wants). Out: `SourceFile`s, byte-search answers and
`facts.FileFacts` per file, to `analysis`.

In the order data flows: `files` (discovery, module names, decoding, one file's facts) -> `needles`
(byte prefilters) -> `chunks` (partial parsing: which top-level defs a search can leave unparsed) ->
`lowering` (newer syntax for `ast`) -> `extract` (source to `FileFacts`) -> `facts` (the fact types) ->
`cache` (facts and stats on disk) -> `reader` (reads, searches and parses cheapest first, in `workers`) ->
`parsed` (the facts parsed so far and the focus partial parsing serves: its state in one place).
"""
