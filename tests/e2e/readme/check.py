"""The editor snippets in README.md are the ones the editor tests use: every
lua, toml and elisp block of its "Editors" section must appear verbatim in
a file the tests load (editors/ or tests/e2e/)."""
import pathlib
import re
import sys

root = pathlib.Path(__file__).resolve().parents[3]
readme = (root / "README.md").read_text()
section = readme.split("\n## Editors\n", 1)[1].split("\n## ", 1)[0]
blocks = re.findall(r"```(lua|toml|elisp)\n(.*?)```", section, re.S)
sources = {
    p: p.read_text()
    for d in ("editors/nvim", "editors/helix", "editors/emacs", "tests/e2e")
    for p in (root / d).rglob("*")
    if p.is_file() and p.suffix in (".lua", ".toml", ".el")
}
failures = 0
for lang, body in blocks:
    used = [str(p.relative_to(root)) for p, text in sources.items() if body.strip() in text]
    ok = bool(used)
    failures += not ok
    first = body.strip().splitlines()[0]
    print(f"{'PASS' if ok else 'FAIL'} README {lang} snippet {first!r}" + (f" is in {', '.join(used)}" if ok else " is in no file the tests load"))
if len(blocks) < 3:
    print(f"FAIL expected the lua, toml and elisp snippets, found {len(blocks)}")
    failures += 1
sys.exit(1 if failures else 0)
