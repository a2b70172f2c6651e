"""Checklist templates: the shipped files cover the source articles, bad files are refused."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from services.checklists.templates import (
    DEFAULT_FOLDER,
    ITEM_PROBLEM,
    Area,
    ChecklistKind,
    ChecklistTemplate,
    TemplateError,
    load_template,
    load_templates,
)
from services.errors import DomainError

CJK = re.compile(r"[\u4e00-\u9fff]")

# Things 第4条 names one by one; each must reach the cleaning list.
ARTICLE_4_PHRASES = (
    *("地毯", "油渍", "挂图", "墙基", "窗台", "玻璃窗", "镜子", "边缘", "桌布"),
    *("瓶颈", "加满", "混淆", "碗筷", "刀叉", "盘碟", "裂痕", "花瓶", "人造花", "消毒"),
)

GOOD_ITEM = """
[[items]]
code = "floor_non_slip"
text_en = "Floors are dry and not slippery."
text_zh = "地面注意防滑。"
area = "floors"
critical = true
photo_on_fail = true
source = "第3条 ⑤"
"""

HEADER = """
code = "{code}"
kind = "pre_service_inspection"
title_en = "Inspection"
title_zh = "餐前检查"
source = "第3条"
"""


def _template_text(code: str = "test_inspection", items: str = GOOD_ITEM) -> str:
    return HEADER.format(code=code) + items


def _write(folder: Path, name: str, text: str) -> Path:
    path = folder / name
    path.write_text(text, encoding="utf-8")
    return path


def _item(**changes: str | None) -> str:
    """GOOD_ITEM with some lines replaced (value is the new TOML value) or removed (None)."""
    lines = []
    for line in GOOD_ITEM.strip().splitlines():
        key = line.split("=")[0].strip()
        if key in changes:
            if changes[key] is not None:
                lines.append(f"{key} = {changes[key]}")
        else:
            lines.append(line)
    return "\n" + "\n".join(lines) + "\n"


@pytest.fixture(scope="module")
def shipped() -> dict[str, ChecklistTemplate]:
    loaded = load_templates(DEFAULT_FOLDER)
    assert loaded.errors == [], [line for e in loaded.errors for line in e.lines()]
    return loaded.templates


def _of_kind(shipped: dict[str, ChecklistTemplate], kind: ChecklistKind) -> ChecklistTemplate:
    matches = [t for t in shipped.values() if t.kind is kind]
    assert len(matches) == 1, f"expected one {kind} template, found {len(matches)}"
    return matches[0]


# --- the shipped templates ---------------------------------------------------------------


def test_default_folder_is_the_repo_checklists_folder() -> None:
    assert DEFAULT_FOLDER.name == "checklists"
    assert (DEFAULT_FOLDER.parent / "services" / "checklists" / "templates.py").is_file()


def test_every_kind_is_shipped(shipped: dict[str, ChecklistTemplate]) -> None:
    assert {t.kind for t in shipped.values()} == set(ChecklistKind)


def test_every_item_has_english_and_chinese_text(shipped: dict[str, ChecklistTemplate]) -> None:
    for template in shipped.values():
        assert CJK.search(template.title_zh) and template.title_en.strip()
        for item in template.items:
            assert item.text_en.strip(), item.code
            assert not CJK.search(item.text_en), item.code
            assert CJK.search(item.text_zh), item.code
            assert item.source.startswith("第"), item.code


def _sources(template: ChecklistTemplate) -> set[str]:
    return {item.source for item in template.items}


def test_inspection_covers_every_point_of_article_3(shipped: dict[str, ChecklistTemplate]) -> None:
    inspection = _of_kind(shipped, ChecklistKind.PRE_SERVICE_INSPECTION)
    # ⑦ (fix on the spot, else escalate) is how a fail is handled, not an item.
    assert _sources(inspection) == {f"第3条 {n}" for n in "①②③④⑤⑥"}
    assert inspection.due_minutes_before_opening == 30


def test_inspection_has_air_conditioning_on_half_an_hour_before_opening(
    shipped: dict[str, ChecklistTemplate],
) -> None:
    inspection = _of_kind(shipped, ChecklistKind.PRE_SERVICE_INSPECTION)
    ac_on = [
        item
        for item in inspection.items
        if "第3条 ⑥" in item.source and "30 minutes" in item.text_en and "半小时" in item.text_zh
    ]
    assert len(ac_on) == 1
    assert ac_on[0].critical
    assert ac_on[0].area is Area.ENVIRONMENT


def test_inspection_marks_safety_items_critical(shipped: dict[str, ChecklistTemplate]) -> None:
    inspection = _of_kind(shipped, ChecklistKind.PRE_SERVICE_INSPECTION)
    for code in ("floor_non_slip", "tableware_unchipped", "lights_working"):
        assert inspection.item(code).critical, code
    assert not inspection.item("tables_chairs_aligned").critical


def test_cleaning_covers_every_point_of_article_4(shipped: dict[str, ChecklistTemplate]) -> None:
    cleaning = _of_kind(shipped, ChecklistKind.PRE_SERVICE_CLEANING)
    assert _sources(cleaning) == {f"第4条 {n}" for n in "①②③④⑤⑥⑦"}
    texts_zh = " ".join(item.text_zh for item in cleaning.items)
    for phrase in ARTICLE_4_PHRASES:
        assert phrase in texts_zh, phrase


def test_closing_covers_articles_11_to_13(shipped: dict[str, ChecklistTemplate]) -> None:
    closing = _of_kind(shipped, ChecklistKind.CLOSING)
    sources = _sources(closing)
    for point in ("第11条 ①", "第11条 ②", "第11条 ③", "第11条 ④", "第12条 1", "第12条 2"):
        assert point in sources, point
    assert {"第13条 ①", "第13条 ②"} <= sources
    assert closing.item("glasses_not_nested").critical
    assert closing.due_minutes_before_opening is None


def test_every_area_has_both_labels() -> None:
    for area in Area:
        assert area.label_en and CJK.search(area.label_zh)


# --- refusing bad files ------------------------------------------------------------------


def _refused(path: Path) -> TemplateError:
    with pytest.raises(TemplateError) as caught:
        load_template(path)
    error = caught.value
    assert isinstance(error, DomainError)
    assert path.name in str(error)
    assert error.params["file"] == path.name
    return error


def test_a_good_file_loads(tmp_path: Path) -> None:
    template = load_template(_write(tmp_path, "good.toml", _template_text()))
    assert template.item("floor_non_slip").area is Area.FLOORS


def test_text_is_stripped(tmp_path: Path) -> None:
    text = _template_text(items=_item(text_en='"  Floors are dry.  "'))
    template = load_template(_write(tmp_path, "t.toml", text))
    assert template.items[0].text_en == "Floors are dry."


def test_missing_text_zh_names_the_item(tmp_path: Path) -> None:
    items = GOOD_ITEM.replace("floor_non_slip", "floor_clean") + _item(text_zh=None)
    error = _refused(_write(tmp_path, "no_zh.toml", _template_text(items=items)))
    assert error.message == ITEM_PROBLEM
    assert error.item == 'items[1] (code "floor_non_slip")'
    assert "text_zh" in error.reason and "Field required" in error.reason
    assert str(error).startswith('Checklist template no_zh.toml: items[1] (code "floor_non_slip"):')


def test_blank_text_is_refused(tmp_path: Path) -> None:
    error = _refused(_write(tmp_path, "blank.toml", _template_text(items=_item(text_en='"   "'))))
    assert "text_en" in error.reason and "at least 1 character" in error.reason


def test_english_in_the_chinese_field_is_refused(tmp_path: Path) -> None:
    path = _write(tmp_path, "en.toml", _template_text(items=_item(text_zh='"Floors dry"')))
    assert "Chinese" in _refused(path).reason


def test_overlong_text_is_refused(tmp_path: Path) -> None:
    long_text = '"' + "x" * 301 + '"'
    error = _refused(_write(tmp_path, "long.toml", _template_text(items=_item(text_en=long_text))))
    assert "at most 300 characters" in error.reason


def test_unknown_area_is_refused(tmp_path: Path) -> None:
    error = _refused(_write(tmp_path, "area.toml", _template_text(items=_item(area='"kitchen"'))))
    assert error.item == 'items[0] (code "floor_non_slip")'
    assert error.reason.startswith("area: Input should be")
    assert "'kitchen'" in error.reason


def test_duplicate_item_code_names_the_second_item(tmp_path: Path) -> None:
    path = _write(tmp_path, "dup.toml", _template_text(items=GOOD_ITEM + GOOD_ITEM))
    error = _refused(path)
    assert error.item == 'items[1] (code "floor_non_slip")'
    assert "duplicate item code" in error.reason and "items[0]" in error.reason


def test_empty_item_list_is_refused(tmp_path: Path) -> None:
    error = _refused(_write(tmp_path, "empty.toml", _template_text(items="items = []\n")))
    assert error.item is None
    assert error.reason.startswith("items:") and "at least 1 item" in error.reason


def test_no_items_at_all_is_refused(tmp_path: Path) -> None:
    error = _refused(_write(tmp_path, "none.toml", _template_text(items="")))
    assert error.reason == "items: Field required"


def test_invalid_toml_is_refused(tmp_path: Path) -> None:
    error = _refused(_write(tmp_path, "syntax.toml", _template_text() + "critical = \n"))
    assert error.item is None
    assert error.reason.startswith("not valid TOML:") and "line" in error.reason


def test_unknown_field_is_refused(tmp_path: Path) -> None:
    items = GOOD_ITEM + 'colour = "red"\n'
    error = _refused(_write(tmp_path, "extra.toml", _template_text(items=items)))
    assert error.item == 'items[0] (code "floor_non_slip")'
    assert error.reason.startswith("colour: Extra inputs are not permitted")


def test_unknown_header_field_is_refused(tmp_path: Path) -> None:
    error = _refused(_write(tmp_path, "hdr.toml", "colour = 1\n" + _template_text()))
    assert error.item is None and error.reason.startswith("colour:")


def test_non_utf8_is_refused(tmp_path: Path) -> None:
    path = tmp_path / "gbk.toml"
    path.write_bytes(_template_text().encode("gbk"))
    error = _refused(path)
    assert error.reason.startswith("not UTF-8")


def test_utf8_with_bom_loads(tmp_path: Path) -> None:
    path = tmp_path / "bom.toml"
    path.write_bytes(_template_text().encode("utf-8-sig"))
    assert load_template(path).code == "test_inspection"


@pytest.mark.parametrize(
    ("changes", "field"),
    [
        ({"critical": '"yes"'}, "critical"),
        ({"critical": "1"}, "critical"),
        ({"photo_on_fail": '"false"'}, "photo_on_fail"),
        ({"code": "7"}, "code"),
        ({"code": '"Floor Non Slip"'}, "code"),
        ({"source": '""'}, "source"),
    ],
)
def test_wrong_types_are_refused(tmp_path: Path, changes: dict[str, str], field: str) -> None:
    error = _refused(_write(tmp_path, "types.toml", _template_text(items=_item(**changes))))
    assert error.item is not None and error.item.startswith("items[0]")
    assert error.reason.startswith(f"{field}:")


def test_strict_bool_message_shows_what_was_given(tmp_path: Path) -> None:
    path = _write(tmp_path, "yes.toml", _template_text(items=_item(critical='"yes"')))
    assert _refused(path).reason == "critical: Input should be a valid boolean (got 'yes')"


def test_every_problem_is_listed(tmp_path: Path) -> None:
    items = _item(area='"kitchen"', critical='"yes"')
    error = _refused(_write(tmp_path, "two.toml", _template_text(items=items)))
    assert len(error.problems) == 2
    assert [line.split(": ")[2] for line in error.lines()] == ["area", "critical"]


def test_due_time_must_fit_the_kind(tmp_path: Path) -> None:
    text = "due_minutes_after_closing = 30\n" + _template_text()
    error = _refused(_write(tmp_path, "due.toml", text))
    assert "only for closing" in error.reason


def test_due_minutes_must_be_a_whole_number(tmp_path: Path) -> None:
    text = "due_minutes_before_opening = 30.5\n" + _template_text()
    error = _refused(_write(tmp_path, "float.toml", text))
    assert error.reason.startswith("due_minutes_before_opening:")


def test_unreadable_path_is_refused(tmp_path: Path) -> None:
    error = _refused(tmp_path / "missing.toml")
    assert error.reason.startswith("cannot be read")


# --- loading a folder --------------------------------------------------------------------


def test_folder_with_one_good_and_one_bad_file(tmp_path: Path) -> None:
    _write(tmp_path, "a_good.toml", _template_text(code="good"))
    _write(tmp_path, "b_bad.toml", _template_text(code="bad", items=_item(area='"kitchen"')))
    _write(tmp_path, "notes.txt", "not a template")
    loaded = load_templates(tmp_path)
    assert list(loaded.templates) == ["good"]
    assert len(loaded.errors) == 1
    assert loaded.errors[0].path.name == "b_bad.toml"
    assert "b_bad.toml" in str(loaded.errors[0]) and "area" in str(loaded.errors[0])
    assert [t.code for t in loaded.of_kind(ChecklistKind.PRE_SERVICE_INSPECTION)] == ["good"]


def test_duplicate_template_code_refuses_the_second_file(tmp_path: Path) -> None:
    _write(tmp_path, "a.toml", _template_text(code="same"))
    _write(tmp_path, "b.toml", _template_text(code="same"))
    loaded = load_templates(tmp_path)
    assert list(loaded.templates) == ["same"]
    [error] = loaded.errors
    assert error.path.name == "b.toml"
    assert 'template code "same" is already used by a.toml' in error.reason


def test_missing_folder_is_reported(tmp_path: Path) -> None:
    loaded = load_templates(tmp_path / "nowhere")
    assert loaded.templates == {}
    assert loaded.errors[0].reason == "folder not found"
