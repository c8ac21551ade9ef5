"""fish: its own quoting, PATH as a list, `set -gx`/`set -e`."""

from __future__ import annotations

TYPE_CHECKING = False
if TYPE_CHECKING:
    from collections.abc import Sequence

from autovenv.hook.shells.base import Shell


def regex_literal(text: str) -> str:
    """`text` as a PCRE2 pattern that matches exactly it (no `re` on the hook path): a
    backslash makes an ASCII character that is not a letter or digit literal; control
    characters are written as code points; the rest stand for themselves."""
    out = []
    for ch in text:
        code = ord(ch)
        if code < 32 or code == 127:
            out.append(f"\\x{{{code:x}}}")
        elif code < 128 and not ch.isalnum():
            out.append("\\" + ch)
        else:
            out.append(ch)
    return "".join(out)


def scope_regex(directory: str) -> str:
    """A pattern for `string match -r` that matches `directory` and the paths below it, and
    names the directories between: _autovenv_d1 (one level below), _autovenv_d2 (two
    levels, when the path is that deep) and _autovenv_deeper (what lies below that). fish
    sets a variable per named group, so one builtin call replaces a walk of three statements
    per level (each fish statement costs about 10 us). '' holds nowhere: a pattern that
    never matches."""
    if not directory:
        return "(?!)"
    top = "" if directory == "/" else regex_literal(directory)
    return (f"(?s)^(?={top}(?:/|\\z))(?=(?<_autovenv_d1>{top}/[^/]+))?"
            f"(?:(?<_autovenv_d2>{top}/[^/]+/[^/]+)(?<_autovenv_deeper>/.+)?)?")


class Fish(Shell):
    name = "fish"
    snippet = "autovenv.fish"
    completion = "completion.fish"

    def quote(self, value: str) -> str:
        # In fish's '...' only \ and ' are special.
        return "'" + value.replace("\\", "\\\\").replace("'", "\\'") + "'"

    def set_env(self, name: str, value: str) -> str:
        if name == "PATH":  # fish keeps PATH as a list
            return "set -gx PATH " + " ".join(self.quote(p) for p in value.split(":"))
        return f"set -gx {name} {self.quote(value)}"

    def unset_env(self, name: str) -> str:
        return f"set -eg {name}"

    def set_local(self, name: str, values: Sequence[str]) -> list[str]:
        return [" ".join([f"set -g {name}", *(self.quote(v) for v in values)])]

    def scope(self, directory: str) -> list[str]:
        return super().scope(directory) + self.set_local("_autovenv_scope_re", [scope_regex(directory)])
