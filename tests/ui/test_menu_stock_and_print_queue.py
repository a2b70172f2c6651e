"""The 86 board and the print queue, driven with real taps by the demo supervisor 李娜 Li Na."""

from __future__ import annotations

from sqlalchemy import select, update

from db.store import Store
from models import MenuItem, PrintJob, PrintState, utcnow
from services.printing import jobs as printing
from services.printing.spooler import PrintSpooler
from tests.ticket_samples import free_port, request, tcp_setup
from tests.ui.conftest import Driver

SUPERVISOR = ("Li Na", "8888")


def _in_stock(ui: Driver, code: str) -> bool:
    with ui.app.store.read() as s:
        return bool(s.scalar(select(MenuItem.in_stock).where(MenuItem.code == code)))


def _row(ui: Driver, name: str):  # type: ignore[no-untyped-def]
    from screens.menu.stock import StockRow

    rows = ui.find(StockRow, lambda r: r.name == name)
    assert rows, f"no row for {name!r}"
    return rows[0]


def test_supervisor_86s_a_dish_and_sees_it_sold_out_in_both_languages(ui: Driver) -> None:
    ui.sign_in(*SUPERVISOR)
    ui.tap(ui.button_with_text("Sold out (86)"))
    assert ui.screen.name == "menu_stock"
    assert ui.ids("sold_out_count").text == "Sold out now: 0"

    chicken = _row(ui, "Mouth-watering chicken")
    assert chicken.ids.state_label.text == "Available"
    ui.tap(chicken.ids.toggle)

    chicken = _row(ui, "Mouth-watering chicken")
    assert chicken.ids.state_label.text == "SOLD OUT (86)"
    assert chicken.ids.toggle.text == "Back in stock"
    assert "Mouth-watering chicken is now sold out (86)." in ui.message()
    assert "口水鸡" not in ui.message()
    assert ui.ids("sold_out_count").text == "Sold out now: 1"
    assert ui.button_with_text("Cold dishes (1 sold out)").state == "down"
    assert not _in_stock(ui, "mouth_watering_chicken")
    ui.screenshot("menu-stock-en")

    ui.tap(ui.header("lang_button"))
    chicken = _row(ui, "口水鸡")
    assert chicken.ids.state_label.text == "已沽清（86）"
    assert chicken.ids.toggle.text == "恢复供应"
    assert ui.ids("sold_out_count").text == "当前沽清：1 道"
    assert "已沽清（86）" in ui.message() and "口水鸡" in ui.message()
    assert "Mouth-watering" not in ui.message()  # the dish in Chinese only
    ui.screenshot("menu-stock-zh")

    ui.tap(chicken.ids.toggle)
    assert _row(ui, "口水鸡").ids.state_label.text == "有货"
    assert _in_stock(ui, "mouth_watering_chicken")


def test_finding_a_dish_by_name_on_the_86_board(ui: Driver) -> None:
    ui.sign_in(*SUPERVISOR)
    ui.tap(ui.button_with_text("Sold out (86)"))
    ui.ids("search").insert_text("duck")
    ui.idle()
    duck = _row(ui, "Peking duck, half, with pancakes")
    ui.tap(duck.ids.toggle)
    assert not _in_stock(ui, "peking_duck_half")
    ui.ids("search").text = ""
    ui.ids("search").insert_text("烤鸭")
    ui.idle()
    assert _row(ui, "Peking duck, half, with pancakes").ids.state_label.text == "SOLD OUT (86)"


def _seed_print_jobs(store: Store) -> dict[str, int]:
    """Before the shift: the pastry printer is off, and the app died while printing two
    hot-kitchen tickets."""
    with store.write() as s:
        failing = printing.add_print_job(s, request("pastry", table_number="8")).id
        first = printing.add_print_job(s, request("hot_kitchen", rush=True)).id
        second = printing.add_print_job(s, request("hot_kitchen", table_number="A3")).id
        printed = printing.add_print_job(s, request("bar")).id
        s.execute(
            update(PrintJob)
            .where(PrintJob.id.in_([first, second]))
            .values(state="sending", sending_by="tablet-1", sending_at=utcnow())
        )
        s.execute(update(PrintJob).where(PrintJob.id == printed).values(state="printed"))
    spooler = PrintSpooler(store, tcp_setup(free_port(), "pastry"), "tablet-1")
    spooler.recover()
    spooler.run_once()
    return {"failing": failing, "first": first, "second": second}


def _state(ui: Driver, job_id: int) -> str:
    with ui.app.store.read() as s:
        return str(s.scalar(select(PrintJob.state).where(PrintJob.id == job_id)))


def test_print_queue_shows_what_did_not_print_and_a_person_settles_it(ui: Driver) -> None:
    from screens.printing.queue import PrintJobRow

    jobs = _seed_print_jobs(ui.app.store)
    ui.sign_in(*SUPERVISOR)
    ui.tap(ui.button_with_text("Print queue"))
    assert ui.screen.name == "print_queue"
    rows = {r.job_id: r for r in ui.find(PrintJobRow)}
    assert sorted(rows) == sorted(jobs.values())
    failing = rows[jobs["failing"]]
    assert "Pastry" in failing.what and "Table 8" in failing.what
    assert failing.why.startswith("The printer did not answer: 127.0.0.1:")
    assert failing.why.endswith("\nNot printed yet (tries: 1).")
    assert failing.ids.retry_button.opacity == 1 and failing.ids.reprint_button.disabled
    uncertain = rows[jobs["first"]]
    assert uncertain.why == (
        "The app stopped while this job was printing.\n"
        "Did it print? Look at the printer, then choose."
    )
    assert not uncertain.ids.printed_button.disabled and uncertain.ids.retry_button.disabled
    ui.screenshot("print-queue-en")

    ui.tap(ui.header("lang_button"))
    rows = {r.job_id: r for r in ui.find(PrintJobRow)}
    assert "面点间" in rows[jobs["failing"]].what and "8 号桌" in rows[jobs["failing"]].what
    assert rows[jobs["first"]].ids.reprint_button.text == "重印"
    ui.screenshot("print-queue-zh")
    ui.tap(ui.header("lang_button"))

    ui.tap(_row_of(ui, jobs["first"]).ids.printed_button)
    assert f"Job {jobs['first']} is marked printed." in ui.message()
    assert _state(ui, jobs["first"]) == PrintState.PRINTED

    ui.tap(_row_of(ui, jobs["second"]).ids.reprint_button)
    # This tablet has no printers (no TABLESIDE_PRINTERS): it says so, promising no paper.
    assert f"A reprint of job {jobs['second']} is queued, but this tablet" in ui.message()
    assert _state(ui, jobs["second"]) == PrintState.REPRINTED
    reprints = [r for r in ui.find(PrintJobRow) if f"Reprint of #{jobs['second']}" in r.what]
    assert len(reprints) == 1 and reprints[0].ids.retry_button.opacity == 1

    ui.tap(_row_of(ui, jobs["failing"]).ids.retry_button)
    assert f"Job {jobs['failing']} is next in line, but this tablet has no printers" in ui.message()


def _row_of(ui: Driver, job_id: int):  # type: ignore[no-untyped-def]
    from screens.printing.queue import PrintJobRow

    return ui.find(PrintJobRow, lambda r: r.job_id == job_id)[0]


def test_a_waiter_has_neither_tile(ui: Driver) -> None:
    ui.sign_in("Zhang Wei", "1111")
    from screens.home import HomeTile

    titles = [t.text for t in ui.find(HomeTile)]
    assert "Sold out (86)" not in titles and "Print queue" not in titles
