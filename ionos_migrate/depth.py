"""Code nested too deep for the parser, caught before libcst sees it.

libcst's native parser recurses on the machine stack. On code nested deep
enough it overflows that stack and the process dies (SIGSEGV); no ``except``
can catch that. With libcst 1.9 on CPython 3.11 these kill it: 1,500 nested
brackets, 12,000 ``and`` terms, 12,000 ``elif`` branches, 20,000 unary minus
signs. CPython's own parser stops much earlier and raises an exception
instead: at 200 nested brackets (its tokenizer) and at about 3,000 levels of
nested expressions or statements (``RecursionError`` or ``MemoryError``).
So a module goes to libcst only when CPython's parser accepts it, or rejects
it for some reason other than depth. A long ``and``/``or`` chain is checked
on its own: CPython keeps it flat, libcst nests it.

All of this runs in the worker, and costs one ``ast.parse`` per module (about
a tenth of what libcst's parse costs). The engine's worker pool also survives
a worker that dies anyway (:mod:`ionos_migrate.pool`).
"""

from __future__ import annotations

import ast
import io
import re
import tokenize

MAX_BRACKETS = 200  # CPython's tokenizer: "too many nested parentheses" above this
MAX_BOOL_TERMS = 3_000  # libcst 1.9 runs fine at 6,000 terms and dies at 12,000
_NESTED_PARENS = "too many nested parentheses"
_BOOL_WORD = re.compile(r"\b(?:and|or)\b")


def too_deep(source: str) -> str | None:
    """Why ``source`` must not go to libcst (it is nested too deep), or None."""
    try:
        tree = ast.parse(source)
    except (RecursionError, MemoryError):
        return "nested deeper than Python's own parser can go"
    except SyntaxError as exc:
        # Newer syntax than this Python's, or a plain syntax error: libcst reports those. Only depth matters here.
        depth = MAX_BRACKETS + 1 if exc.msg == _NESTED_PARENS else bracket_depth(source)
        if depth > MAX_BRACKETS:
            return f"brackets nested more than {MAX_BRACKETS} deep, which Python itself refuses"
        return None
    except ValueError:  # a NUL byte: not Python, and libcst does not crash on it
        return None
    if len(_BOOL_WORD.findall(source)) > MAX_BOOL_TERMS:  # cheap: only then look at the tree
        longest = max((len(node.values) for node in ast.walk(tree) if isinstance(node, ast.BoolOp)), default=0)
        if longest > MAX_BOOL_TERMS:
            return f"an and/or chain of {longest} terms (more than {MAX_BOOL_TERMS})"
    return None


def bracket_depth(source: str) -> int:
    """How deep brackets nest in ``source`` (brackets in strings and comments do not count).

    Tokenizes up to the first error; a tokenizer that itself refuses the depth
    (CPython 3.12 and later use the C tokenizer) counts as one level too deep.
    """
    depth = deepest = 0
    try:
        for token in tokenize.generate_tokens(io.StringIO(source).readline):
            if token.type != tokenize.OP:
                continue
            if token.string in ("(", "[", "{"):
                depth += 1
                deepest = max(deepest, depth)
            elif token.string in (")", "]", "}"):
                depth = max(0, depth - 1)
    except SyntaxError as exc:
        if _NESTED_PARENS in str(exc):
            return MAX_BRACKETS + 1
    except tokenize.TokenError:
        pass  # EOF inside brackets: what was seen so far counts
    return deepest
