"""Every sentence a person can see has a Chinese translation, with the same {fields}."""

from __future__ import annotations

import ast
import re
import string
from pathlib import Path

import pytest

from screens.localizer import load_catalogue
from screens.registry import HOME_TILES

REPO = Path(__file__).resolve().parents[1]
KV_CALL = re.compile(r"""l\._\(\s*(['"])(.+?)\1""")


def _domain_error_names() -> set[str]:
    import importlib
    import pkgutil

    import services
    from services.errors import DomainError

    for module in pkgutil.walk_packages(services.__path__, "services."):
        importlib.import_module(module.name)
    names, todo = set(), [DomainError]
    while todo:
        cls = todo.pop()
        # An error with its own __init__ takes other things first (a file name); the
        # sentence it gives to super().__init__ is found there.
        if cls is DomainError or "__init__" not in vars(cls):
            names.add(cls.__name__)
        todo.extend(cls.__subclasses__())
    return names


def _kv_sentences() -> set[str]:
    found: set[str] = set()
    for path in (REPO / "screens").rglob("*.kv"):
        found.update(m.group(2) for m in KV_CALL.finditer(path.read_text(encoding="utf-8")))
    return found


# Keyword arguments that carry a sentence a screen will show (required_text(..., required=),
# a refused-PIN sentence, GateStatus(why=...), print_error(sentence=...)).
SENTENCE_KEYWORDS = {"required", "refused", "why", "sentence", "missing"}


class _Module:
    """One source file: its module-level constants of text and what it imports."""

    def __init__(self, name: str, tree: ast.Module) -> None:
        self.name = name
        self.tree = tree
        self.constants: dict[str, ast.expr] = {}
        self.imports: dict[str, tuple[str, str]] = {}  # local name -> (module, name)
        self.modules: dict[str, str] = {}  # local alias -> module
        for node in tree.body:
            if isinstance(node, ast.Assign | ast.AnnAssign) and node.value is not None:
                targets = node.targets if isinstance(node, ast.Assign) else [node.target]
                for target in targets:
                    if isinstance(target, ast.Name):
                        self.constants[target.id] = node.value
            elif isinstance(node, ast.ImportFrom) and node.module:
                for alias in node.names:
                    local = alias.asname or alias.name
                    self.imports[local] = (node.module, alias.name)
                    self.modules[local] = f"{node.module}.{alias.name}"
            elif isinstance(node, ast.Import):
                for alias in node.names:
                    self.modules[alias.asname or alias.name] = alias.name


def _strings(node: ast.AST) -> list[str]:
    """The str constants of a literal: a str, or tuples, lists, sets and dict values of
    them (nested as deep as they go)."""
    if isinstance(node, ast.Constant):
        return [node.value] if isinstance(node.value, str) else []
    if isinstance(node, ast.Tuple | ast.List | ast.Set):
        return [s for element in node.elts for s in _strings(element)]
    if isinstance(node, ast.Dict):
        return [s for value in node.values for s in _strings(value)]
    return []


class _Extractor:
    """Sentences that reach the localizer: given to it as a literal, or through a constant
    (module-level or local, imported or not: a tuple or dict of them, or one looked up in
    it, or looped over), or through a parameter of a helper (`self._button("Cancel")`,
    whose `sentence` goes to tr()), followed until nothing new is found."""

    def __init__(self, modules: dict[str, _Module], callables: set[str]) -> None:
        self.modules = modules
        self.callables = set(callables)
        # function name -> its parameters (by position, by name) that reach the localizer
        self.carriers: dict[str, set[int | str]] = {}
        self.found: set[str] = set()

    def run(self) -> set[str]:
        while True:
            before = (len(self.found), sum(len(v) for v in self.carriers.values()))
            for module in self.modules.values():
                self._visit(module, module.tree, None, {})
            if (len(self.found), sum(len(v) for v in self.carriers.values())) == before:
                return self.found

    def _visit(
        self,
        module: _Module,
        node: ast.AST,
        function: ast.FunctionDef | ast.AsyncFunctionDef | None,
        local: dict[str, list[ast.expr]],
    ) -> None:
        if isinstance(node, ast.FunctionDef | ast.AsyncFunctionDef):
            function, local = node, {}
            # By this code's convention a parameter called `sentence` holds one to be
            # translated where it is shown (print_error stores it for the print queue).
            if "sentence" in _parameters(node):
                self.carriers.setdefault(node.name, set()).update(_parameters(node)["sentence"])
            for inner in ast.walk(node):
                # Every value a local name is given (a sentence chosen in each branch).
                if isinstance(inner, ast.Assign):
                    for target in inner.targets:
                        if isinstance(target, ast.Name):
                            local.setdefault(target.id, []).append(inner.value)
                elif isinstance(inner, ast.For | ast.comprehension):
                    element = ast.Subscript(inner.iter, ast.Constant(0))
                    if isinstance(inner.target, ast.Name):
                        local.setdefault(inner.target.id, []).append(element)
                    elif isinstance(inner.target, ast.Tuple) and len(inner.target.elts) == 2:
                        # `for key, words in WORDS.items()`: the value is the sentence.
                        value = inner.target.elts[1]
                        if isinstance(value, ast.Name):
                            local.setdefault(value.id, []).append(element)
        if isinstance(node, ast.Call):
            self._call(module, node, function, local)
        # A notice kept for later as a (sentence, fields) pair, shown by another screen.
        if (
            isinstance(node, ast.Tuple)
            and len(node.elts) == 2
            and isinstance(node.elts[0], ast.Constant)
            and isinstance(node.elts[0].value, str)
            and isinstance(node.elts[1], ast.Dict)
        ):
            self.found.add(node.elts[0].value)
        for child in ast.iter_child_nodes(node):
            self._visit(module, child, function, local)

    def _call(
        self,
        module: _Module,
        call: ast.Call,
        function: ast.FunctionDef | ast.AsyncFunctionDef | None,
        local: dict[str, list[ast.expr]],
    ) -> None:
        func = call.func
        name = func.attr if isinstance(func, ast.Attribute) else getattr(func, "id", "")
        given: list[ast.expr] = []
        if name in self.callables and call.args:
            given.append(call.args[0])
        for carried in self.carriers.get(name, ()):
            if isinstance(carried, int):
                # A method called on its object: `self` is not among the arguments.
                index = carried - 1 if isinstance(func, ast.Attribute) else carried
                if 0 <= index < len(call.args):
                    given.append(call.args[index])
            given.extend(k.value for k in call.keywords if k.arg == carried)
        given.extend(k.value for k in call.keywords if k.arg in SENTENCE_KEYWORDS)
        for expression in given:
            self._resolve(module, expression, function, local, depth=0)

    def _resolve(
        self,
        module: _Module,
        node: ast.AST,
        function: ast.FunctionDef | ast.AsyncFunctionDef | None,
        local: dict[str, list[ast.expr]],
        depth: int,
    ) -> None:
        if depth > 8:
            return
        again = lambda n, m=module, f=function, lo=local: self._resolve(m, n, f, lo, depth + 1)  # noqa: E731
        if isinstance(node, ast.Constant | ast.Tuple | ast.List | ast.Set | ast.Dict):
            self.found.update(_strings(node))
        elif isinstance(node, ast.Subscript):
            again(node.value)
        elif (
            isinstance(node, ast.Call)
            and isinstance(node.func, ast.Attribute)
            and node.func.attr in ("values", "items", "get")
        ):
            # WORDS.values(), WORDS.items(), WORDS.get(key, "Default"): the dict's
            # sentences, and the default.
            again(node.func.value)
            for default in node.args[1:]:
                again(default)
        elif isinstance(node, ast.IfExp):
            again(node.body)
            again(node.orelse)
        elif isinstance(node, ast.BoolOp):
            for value in node.values:
                again(value)
        elif isinstance(node, ast.Attribute) and isinstance(node.value, ast.Name):
            target = self.modules.get(module.modules.get(node.value.id, ""))
            if target is not None:
                self._resolve(target, ast.Name(node.attr), None, {}, depth + 1)
        elif isinstance(node, ast.Name):
            if node.id in local:
                for value in local[node.id]:
                    again(value)
            elif function is not None and node.id in _parameters(function):
                position, name = _parameters(function)[node.id]
                self.carriers.setdefault(function.name, set()).update({position, name})
            elif node.id in module.constants:
                self._resolve(module, module.constants[node.id], None, {}, depth + 1)
            elif node.id in module.imports:
                source, original = module.imports[node.id]
                if source in self.modules:
                    self._resolve(self.modules[source], ast.Name(original), None, {}, depth + 1)


def _parameters(function: ast.FunctionDef | ast.AsyncFunctionDef) -> dict[str, tuple[int, str]]:
    args = [*function.args.posonlyargs, *function.args.args]
    named = {a.arg: (i, a.arg) for i, a in enumerate(args)}
    named.update({a.arg: (-1, a.arg) for a in function.args.kwonlyargs})
    return named


def sentences_in(sources: dict[str, str], callables: set[str]) -> set[str]:
    """The sentences that the modules (dotted name -> source) give to the localizer."""
    modules = {name: _Module(name, ast.parse(text)) for name, text in sources.items()}
    return _Extractor(modules, callables).run()


def _python_sentences() -> set[str]:
    """Sentences given to DomainError and its kin, to screen.say(), to tr()/l._(), to the
    helpers that pass theirs on, and those held in constants given to any of them."""
    sources: dict[str, str] = {}
    for folder in ("services", "screens"):
        for path in (REPO / folder).rglob("*.py"):
            dotted = ".".join(path.relative_to(REPO).with_suffix("").parts)
            sources[dotted.removesuffix(".__init__")] = path.read_text(encoding="utf-8")
    found = sentences_in(sources, _domain_error_names() | {"say", "tr", "_", "__init__"})
    from screens.people.change_pin import STEPS

    found.update(STEPS)
    found.update(entry.title for entry in HOME_TILES)
    found.update(
        role.capitalize() for role in ("greeter", "waiter", "supervisor", "cashier", "manager")
    )
    return {s for s in found if s.strip()}


def _fields(sentence: str) -> set[str]:
    return {f for _, f, _, _ in string.Formatter().parse(sentence) if f}


ALL = sorted(_kv_sentences() | _python_sentences())


def test_sentences_were_found() -> None:
    assert "Sign in" in ALL and "Wrong PIN. {left} tries left." in ALL


def test_sentences_held_in_constants_are_found() -> None:
    # Constants given to the localizer later: a module-level tuple looped over, a dict
    # looked up (local or imported), a helper whose parameter reaches tr(), a sentence
    # kept for a validator (required=), and an error message held in a constant.
    sources = {
        "services.words": (
            'STATE_WORDS = {1: "Free", 2: "Needs reset"}\n'
            'NOT_HERE = "That party is not at a table."\n'
            "def check(value):\n"
            "    if not value:\n"
            "        raise DomainError(NOT_HERE)\n"
        ),
        "screens.plan": (
            "from services.words import STATE_WORDS\n"
            'STEPS = ("Current PIN", "New PIN")\n'
            'Reason = Annotated[str, required_text(500, required="Write a reason.")]\n'
            "class Plan:\n"
            "    def draw(self, state, mode):\n"
            "        tr = self.app.localizer._\n"
            "        for step in STEPS:\n"
            "            tr(step)\n"
            "        tr(STATE_WORDS[state])\n"
            '        hints = {"move": "Tap the free table to move the party to."}\n'
            "        tr(hints[mode])\n"
            '        self._button("Back in service", None)\n'
            "    def _button(self, sentence, action):\n"
            "        return Button(text=self.app.localizer._(sentence))\n"
            "    def ignored(self):\n"
            '        return {"code": "menu_category"}\n'
            "    def split(self, kind, done):\n"
            '        KINDS = {1: "Evenly", 2: "By seat"}\n'
            "        for _kind, words in KINDS.items():\n"
            "            self.app.localizer._(words)\n"
            '        self.app.localizer._(KINDS.get(kind, "Discount"))\n'
            "        if done:\n"
            '            sentence = "Table {table}: visit made."\n'
            "        else:\n"
            '            sentence = "Table {table}: drinks refilled."\n'
            "        self.say(sentence, table=1)\n"
        ),
    }
    assert sentences_in(sources, {"tr", "_", "say", "DomainError"}) == {
        "Free",
        "Needs reset",
        "That party is not at a table.",
        "Current PIN",
        "New PIN",
        "Write a reason.",
        "Tap the free table to move the party to.",
        "Back in service",
        "Evenly",
        "By seat",
        "Discount",
        "Table {table}: visit made.",
        "Table {table}: drinks refilled.",
    }


def _problem(sentence: str, zh: dict[str, str]) -> str:
    """Why the sentence has no usable Chinese entry; empty when it has one."""
    if sentence not in zh:
        return f"no Chinese for {sentence!r}"
    if not re.search(r"[\u4e00-\u9fff]", zh[sentence]):
        return f"{sentence!r} -> {zh[sentence]!r}"
    if _fields(zh[sentence]) != _fields(sentence):
        return f"{sentence!r} and {zh[sentence]!r} name different fields"
    return ""


def test_a_sentence_without_chinese_fails() -> None:
    zh = {"Free": "空闲", "Paid": "Paid", "Table {number}": "{number}号桌"}
    assert _problem("Free", zh) == ""
    assert _problem("Needs reset", zh) == "no Chinese for 'Needs reset'"
    assert _problem("Paid", zh) == "'Paid' -> 'Paid'"
    assert "different fields" in _problem("Table {number}", {"Table {number}": "{table}号桌"})


@pytest.mark.parametrize("sentence", ALL)
def test_sentence_has_chinese(sentence: str) -> None:
    problem = _problem(sentence, load_catalogue("zh"))
    assert not problem, problem
