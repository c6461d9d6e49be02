"""How a reader says a table's structure was guessed: a warning that starts with
``REVIEW_MARK``. Normalisation's quality gate stores every fact of such a table with
``needs_review``."""

REVIEW_MARK = "review: "
