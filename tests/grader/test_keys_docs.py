"""Every setting declared once (grader/base/keys.py, grader/course/keys.py, grader/base/packs.py's tables,
the commands' Click options):
the docs' key tables are drawn from the declarations, the readers accept exactly the declared
keys, of their declared types, and take their declared defaults."""

from __future__ import annotations

from pathlib import Path

import pytest

from grader import keys_docs
from grader.base import packs
from grader.base.keys import VARIABLES, names
from grader.checks import held_out
from grader.course.keys import CourseError, course_keys
from grader.course.toml import load_course

pytestmark = pytest.mark.unit


def test_the_docs_key_tables_are_the_declarations():
    stale = [
        str(page) for page, text in keys_docs.pages().items() if page.read_text(encoding="utf-8") != text
    ]
    assert stale == [], "run python -m grader.keys_docs"
    drawn = "".join(keys_docs.pages().values())
    for block in keys_docs.drawn():
        assert f"<!-- drawn: {block} -->" in drawn, f"no page draws {block}"


def test_a_drawn_block_is_replaced_whole():
    page = "before\n<!-- drawn: environment -->\nedited by hand\n<!-- /drawn -->\nafter\n"
    redrawn = keys_docs.redrawn(page, {"environment": "| the table |\n"})
    assert redrawn == "before\n<!-- drawn: environment -->\n| the table |\n<!-- /drawn -->\nafter\n"


def test_every_variable_is_declared_once():
    assert len(names_of := [v.name for v in VARIABLES]) == len(set(names_of))


COURSE = """
[course]
timezone = "UTC"
[assignments.hw]
exercises = ["losses.mse"]
points = 10
{extra}
"""
TABLES = {  # where each declared table of course.toml is written in a file
    "": "",
    "course": "[course]",
    "limits": "[limits]",
    "assignments.NAME": "",  # the file ends in it
    "assignments.NAME.late": "[assignments.hw.late]",
    "assignments.NAME.submissions": "[assignments.hw.submissions]",
    "assignments.NAME.leaderboard": '[[assignments.hw.leaderboard]]\nexercise = "x"',
    "assignments.NAME.manual.ID": "[assignments.hw.manual.explain]\npoints = 1",
}


@pytest.mark.parametrize("table", sorted(set(course_keys()) - {"assignments.NAME.manual.ID.rubric"}))
def test_a_key_the_declaration_lacks_is_refused_in_every_table(tmp_path, table):
    """Hostile input: a key no table declares, in each table, is refused naming it."""
    text = COURSE.format(extra="") if table in ("", "course") else COURSE.format(extra=TABLES[table])
    if table in ("", "course"):
        text = (
            text.replace("[course]\n", "[course]\nundeclared = 1\n") if table else "undeclared = 1\n" + text
        )
    else:
        text += "undeclared = 1\n"
    path = tmp_path / "course.toml"
    path.write_text(text)
    with pytest.raises(
        CourseError, match=r"undeclared: unknown key; expected one of (\w+, )*\w+$"
    ) as refused:
        load_course(path)
    assert ", ".join(names(course_keys()[table])) in str(refused.value)


@pytest.mark.parametrize(
    "text, key",
    [
        ('name = 5\n[[topics]]\nname = "t"\nexercises = ["f"]\n', "name"),
        ('stubs = ["a"]\n[[topics]]\nname = "t"\nexercises = ["f"]\n', "stubs"),
        ('[[topics]]\nname = "t"\nexercises = ["f"]\nseconds = "fast"\n', "topics.t.seconds"),
        ('[[topics]]\nname = "t"\nexercises = ["f"]\nsympy_free = 1\n', "topics.t.sympy_free"),
    ],
)
def test_a_pack_key_of_another_type_than_declared_is_refused(tmp_path, text, key):
    """Hostile input: pack.toml's values are of their declared types (a number as the pack's
    name or a list as a folder was read as its text on main)."""
    (tmp_path / "pack.toml").write_text(text)
    with pytest.raises(packs.PackError, match=rf"pack.toml: {key}: expected "):
        packs.read_pack(tmp_path)


def test_pack_folders_default_to_their_declared_defaults(tmp_path):
    (tmp_path / "pack.toml").write_text('[[topics]]\nname = "t"\nexercises = ["f"]\n')
    pack, (topic,) = packs.read_pack(tmp_path)
    assert (pack.name, pack.stubs, pack.hints) == (tmp_path.name, tmp_path / "exercises", tmp_path / "hints")
    assert (topic.seconds, topic.sympy_free, topic.reads) == (1.0, False, ())


def test_a_held_out_declaration_is_read_with_its_metric_and_order(tmp_path):
    source = tmp_path / "held_out_t.py"
    source.write_text(
        'HELD_OUT = {"A": HeldOut(f), "B": HeldOut(g, order="asc"), "C": HeldOut(h, metric="m")}\n'
    )
    assert held_out.declared(source) == {
        "A": ("accuracy", "desc"),
        "B": ("accuracy", "asc"),
        "C": ("m", "desc"),
    }
    assert held_out.declared(tmp_path / "none.py") == {}


def test_a_leaderboard_defaults_to_its_held_out_sets_declared_metric_and_order(tmp_path, monkeypatch):
    """A board without ``order`` ranks as its held-out set declares (asc here), not the literal desc."""
    monkeypatch.setattr(held_out, "declared", lambda path: {"SimpleCNN": ("accuracy", "asc")}, raising=False)
    path = tmp_path / "course.toml"
    path.write_text(
        '[assignments.hw]\ntopics = ["cnn"]\npoints = 10\n[[assignments.hw.leaderboard]]\nexercise = "SimpleCNN"\n'
    )
    (board,) = load_course(path).assignment("hw").leaderboard
    assert (board.metric, board.order, board.title) == ("accuracy", "asc", "SimpleCNN accuracy")


def test_the_declared_course_keys_are_all_read(tmp_path):
    """Each declared key of an assignment is accepted where the docs say it is."""
    path = tmp_path / "course.toml"
    keys = names(course_keys()["assignments.NAME"])
    assert {"submissions", "leaderboard", "late", "manual"} <= set(keys)
    path.write_text(COURSE.format(extra='title = "T"\nanonymous = true\nlms_column = "C"\ntwin = "half"'))
    hw = load_course(path).assignment("hw")
    assert (hw.title, hw.anonymous, hw.lms_column, hw.twin) == ("T", True, "C", "half")
    path.write_text(COURSE.format(extra=""))
    hw = load_course(path).assignment("hw")
    assert (hw.title, hw.anonymous, hw.lms_column, hw.twin, hw.late.policy) == (
        "hw",
        False,
        "",
        "zero",
        "none",
    )


def test_the_generator_rewrites_a_stale_page(tmp_path, monkeypatch):
    page = tmp_path / "page.md"
    page.write_text("<!-- drawn: environment -->\nold\n<!-- /drawn -->\n")
    monkeypatch.setattr(keys_docs, "DOCS", tmp_path)
    assert keys_docs.main(["--check"]) == 1
    assert keys_docs.main([]) == 0 and keys_docs.main(["--check"]) == 0
    assert "TORCHGRADE_LANG" in Path(page).read_text()


def test_grade_author_news_pack_toml_is_commented_by_the_declarations_in_the_authors_language(monkeypatch):
    """The descriptions an author reads are the declarations', through the catalogue."""
    import tomllib

    from grader.authoring.scaffold import pack_toml
    from grader.base import i18n

    english = pack_toml("swish")
    assert tomllib.loads(english) == {
        "name": "swish",
        "topics": [{"name": "swish", "seconds": 0.3, "exercises": ["leaky_relu"]}],
    }
    for key in packs.TOPIC_KEYS[:3]:
        assert f"# {key.about}" in english
    monkeypatch.setenv("TORCHGRADE_LANG", "zh_CN")
    i18n.refresh()
    try:
        chinese = pack_toml("swish")
    finally:
        monkeypatch.delenv("TORCHGRADE_LANG")
        i18n.refresh()
    assert tomllib.loads(chinese) == tomllib.loads(english) and "存根的公开函数和类" in chinese
