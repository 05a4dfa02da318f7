"""The learner's language (grader/base/i18n.py): where it comes from, what English costs,
and that text from a submission is shown as it is in any language."""

from __future__ import annotations

import pytest

from grader import report
from grader.base import clean, defaults, i18n
from grader.checks.verdict import exercises
from grader.checks.verdict.scoring import Report

pytestmark = pytest.mark.unit

LOCALE_VARIABLES = (defaults.LANGUAGE_ENV, *defaults.LOCALE_ENVS)


class Environment:
    """monkeypatch's setenv, the language read afresh after each change (as ``grade`` starts)."""

    def __init__(self, monkeypatch: pytest.MonkeyPatch) -> None:
        self.monkeypatch = monkeypatch

    def setenv(self, name: str, value: str) -> None:
        self.monkeypatch.setenv(name, value)
        i18n.refresh()


@pytest.fixture
def env(monkeypatch):
    for name in LOCALE_VARIABLES:
        monkeypatch.delenv(name, raising=False)
    i18n.refresh()
    yield Environment(monkeypatch)
    i18n.refresh()


@pytest.mark.parametrize(
    "variables, expected",
    [
        ({}, "en"),
        ({"LANG": "zh_CN.UTF-8"}, "zh_CN"),
        ({"LANG": "C.UTF-8"}, "en"),
        ({"LANG": "fr_FR.UTF-8"}, "en"),  # a language the catalogue lacks: the source
        ({"LANG": "en_US.UTF-8", "LC_MESSAGES": "zh_CN.UTF-8"}, "zh_CN"),
        ({"LC_MESSAGES": "zh_CN.UTF-8", "LC_ALL": "en_GB.UTF-8"}, "en"),
        ({"LANGUAGE": "fr:zh_CN", "LANG": "en_US.UTF-8"}, "zh_CN"),  # a list: its first known
        ({"LANG": "zh_CN.UTF-8", "TORCHGRADE_LANG": "en"}, "en"),
        ({"LANG": "en_US.UTF-8", "TORCHGRADE_LANG": "zh-Hans"}, "zh_CN"),
    ],
)
def test_the_language_comes_from_torchgrade_lang_then_the_locale(env, variables, expected):
    for name, value in variables.items():
        env.setenv(name, value)
    assert i18n.language() == expected


def test_lang_on_the_command_line_wins_wherever_it_stands(env):
    """Click reads --lang where it stands (before the command or among its options); a file
    after ``--`` keeps its name."""
    from click.testing import CliRunner
    from helpers import click_help_kept

    from grader.cli import main

    env.setenv("TORCHGRADE_LANG", "en")
    with click_help_kept():
        for args, lang in (
            (["losses.py", "--lang", "zh_CN", "--help"], "zh_CN"),
            (["--lang=en", "next", "-h"], "en"),
        ):
            i18n.refresh()
            assert CliRunner().invoke(main, args).exit_code == 0
            assert i18n.language() == lang
        wrong = CliRunner().invoke(main, ["--lang", "klingon", "x.py"])
        assert wrong.exit_code == 2 and "--lang: choose one of en, zh_CN (got 'klingon')" in wrong.output
        i18n.refresh()
        env.setenv("TORCHGRADE_LANG", "en")
        CliRunner().invoke(main, ["--", "--lang", "zh_CN"])  # a file named --lang
        assert i18n.language() == "en"


def test_english_opens_no_catalogue(env):
    i18n._catalogue.cache_clear()
    assert i18n._("What to look at:") == "What to look at:"
    assert i18n.ngettext("a check", "checks", 2) == "checks"
    assert i18n._catalogue.cache_info().currsize == 0


def test_chinese_reads_the_compiled_catalogue(env):
    env.setenv("TORCHGRADE_LANG", "zh_CN")
    assert i18n._("What to look at:") == "需要查看的地方："
    assert i18n._("not a message of the catalogue") == "not a message of the catalogue"


def test_a_label_holding_a_templates_separator_is_split_where_its_values_translate(env):
    """ "{0}: {1}.requires_grad after the call" of a label that holds ": " itself: split at the first
    ": ", the label's value fits no template and stayed English in the Chinese report (learner_s32)."""
    env.setenv("TORCHGRADE_LANG", "zh_CN")
    said = i18n.text("grad_of_vector_fn: the caller's x (not requiring grad): x.requires_grad after the call")
    assert said == "grad_of_vector_fn：调用者的 x（不需要梯度）：调用之后的 x.requires_grad"


# A submission's exception text: a catalogue msgid word for word, format fields, an escape sequence
HOSTILE = ("%(what)s: expected %(expected)s, got %(got)s.", "{0} %s %(count)d hint: \x1b[31mred")


def _failed(message: str) -> dict:
    return {
        "id": "softmax_rows",
        "kind": "shape",
        "status": "error",
        "points": 0.0,
        "max_points": 1.0,
        "message": message,
        "visibility": "public",
        "exercises": ["softmax"],
    }


@pytest.mark.parametrize("message", HOSTILE)
@pytest.mark.parametrize("lang", defaults.LANGUAGES)
def test_a_submissions_text_is_shown_as_it_is_in_every_language(env, lang, message):
    """Hostile: a submission's exception text that is a catalogue msgid, or holds format fields,
    is shown as it is (cleaned), never looked up nor formatted. Seen failing with the check's
    message looked up (``clean.text(_(test["message"]))`` in shown.shown_message): the
    msgid came out in Chinese."""
    env.setenv("TORCHGRADE_LANG", lang)
    diagnosis = exercises.judge([_failed(message)])[0].diagnosis
    assert diagnosis.split("\n")[0] == clean.text(message) == message.replace("\x1b[31m", "")


def test_json_keys_and_statuses_do_not_follow_the_language(env):
    tests = [_failed("ValueError: boom")]
    english = exercises.judge(tests)[0].to_json()
    env.setenv("TORCHGRADE_LANG", "zh_CN")
    chinese = exercises.judge(tests)[0].to_json()
    assert set(english) == set(chinese) and english["status"] == chinese["status"] == "failed"


def test_the_table_lines_up_in_chinese(env):
    env.setenv("TORCHGRADE_LANG", "zh_CN")
    table = report.to_table(Report([], sandbox="none", device="cpu"), "losses.py")
    header, rule = table.splitlines()[2:4]
    assert header.startswith("主题") and i18n.columns(header) == len(rule)


def test_the_headers_sandbox_and_a_type_failure_are_chinese_in_chinese(env):
    """Every report's header names the sandbox, and a result that is no tensor says what was
    expected, in the learner's language (seen failing: "沙箱：bubblewrap + no-fork seccomp" and
    "期望 a torch.Tensor")."""
    import torch

    from grader.checks.judging.judge import CheckFailed, expect_tensor

    env.setenv("TORCHGRADE_LANG", "zh_CN")
    how = "bubblewrap + no-fork seccomp"  # what grader/engine/worker/sandbox.py's sandbox_status says
    header = report.to_table(Report([], sandbox=how, device="cpu"), "losses.py").splitlines()[0]
    assert "bubblewrap" in header and "no-fork" not in header and "seccomp" in header, header
    with pytest.raises(CheckFailed) as failed:
        expect_tensor([torch.ones(2)], "mse(y_hat, y)")
    assert "a torch.Tensor" not in str(failed.value) and "torch.Tensor" in str(failed.value), failed.value


@pytest.fixture
def course_language(env, monkeypatch, tmp_path):
    """This copy built with a course's language, as `grade release --course` writes it."""
    default = tmp_path / "DEFAULT"
    default.write_text("zh_CN\n")
    monkeypatch.setattr(i18n, "DEFAULT_FILE", default)
    i18n.shipped_default.cache_clear()
    i18n.refresh()
    yield env
    i18n.shipped_default.cache_clear()


@pytest.mark.parametrize(
    "variables, expected",
    [
        ({}, "zh_CN"),
        ({"LANG": "C.UTF-8"}, "zh_CN"),  # a container's locale chooses nothing
        ({"LANG": "fr_FR.UTF-8"}, "zh_CN"),
        ({"LANG": "en_US.UTF-8"}, "en"),  # the learner's own choice wins
        ({"TORCHGRADE_LANG": "en"}, "en"),
    ],
)
def test_a_course_language_is_the_default_of_its_release(course_language, variables, expected):
    for name, value in variables.items():
        course_language.setenv(name, value)
    assert i18n.language() == expected


def test_a_course_file_names_a_language_the_catalogue_has(tmp_path):
    from grader.course.keys import CourseError
    from grader.course.toml import load_course

    path = tmp_path / "course.toml"
    path.write_text('[course]\nname = "c"\nlanguage = "zh_CN"\n')
    assert load_course(path).language == "zh_CN"
    path.write_text('[course]\nname = "c"\nlanguage = "fr"\n')
    with pytest.raises(CourseError, match="language"):
        load_course(path)


def test_the_gradescope_zip_carries_the_course_language(tmp_path):
    import zipfile

    from grader.gradescope.build import build_autograder
    from grader.gradescope.config import Config

    config = Config(language="zh_CN")
    assert Config.from_json(config.to_json()).language == "zh_CN"
    with zipfile.ZipFile(build_autograder(tmp_path / "autograder.zip", config)) as archive:
        assert archive.read("grader/locale/DEFAULT") == b"zh_CN\n"
        assert "grader/locale/zh_CN/LC_MESSAGES/torchgrade.mo" in archive.namelist()
        assert "tests/suites/locale/zh_CN/LC_MESSAGES/torchgrade.mo" in archive.namelist()  # the pack's


def test_a_students_manual_items_and_inquiries_follow_the_language(env):
    """The feedback's sections on manual items and inquiries are in the learner's
    language; what people typed (a comment, a question) is shown as it is."""
    from grader.batch import manual_feedback
    from grader.batch.gradebook import Row

    standing = {
        "manual": {"explain": {"title": "Why max", "marked": False, "max_points": 20}},
        "inquiries": [{"item": "explain", "state": "open", "text": "rubric?", "reply": "", "points": None}],
    }
    row = Row("ada", "h", "v", "graded", "", 0, 0, {"topics": [], "standing": standing})
    english = "\n".join(manual_feedback.feedback_markdown(row))
    env.setenv("TORCHGRADE_LANG", "zh_CN")
    chinese = "\n".join(manual_feedback.feedback_markdown(row))
    assert "not marked yet (0 / 20)" in english and "open: waiting for an answer" in english
    assert "尚未评分 (0 / 20)" in chinese and "成绩申诉" in chinese and "待处理：等待答复" in chinese
    assert "rubric?" in chinese and "not marked yet" not in chinese
