"""The print queue and its spooler on SQLite and PostgreSQL: one ticket per send however
often it is retried, exact bytes over the network to a raw-port printer, a printer that is
down and comes back (printed exactly once), a printer that breaks mid-job, station order,
and what a person does with uncertain jobs."""

from __future__ import annotations

from datetime import datetime, timedelta
from pathlib import Path

import pytest
from sqlalchemy import func, select, update

from db.store import Store
from models import AuditEvent, PrintJob, PrintState, utcnow
from services.errors import Conflict, DomainError, NotAllowed
from services.printing import jobs as printing
from services.printing.paper import render
from services.printing.printers import (
    PrinterConfig,
    PrinterSetup,
    files_setup,
    load_printer_setup,
    parse_address,
)
from services.printing.spooler import STALE_SENDING, PrintSpooler, backoff
from services.printing.tickets import KitchenTicket
from tests.demo_data import SUPERVISOR, WAITER, demo, staff_id
from tests.ticket_samples import (
    RawPrinter,
    dispatch_slip,
    file_setup,
    free_port,
    kitchen_ticket,
    request,
    tcp_setup,
)

_ = demo  # a fixture: imported so that pytest finds it here


class Clock:
    """The spooler's clock, moved by the test to get past a back-off without waiting."""

    def __init__(self) -> None:
        self.now = utcnow()

    def __call__(self) -> datetime:
        return self.now


def queue(store: Store, *args: object, **kwargs: object) -> printing.PrintJobView:
    return printing.queue_print(store, staff_id(store, WAITER), request(*args, **kwargs))  # type: ignore[arg-type]


def job(store: Store, job_id: int) -> printing.PrintJobView:
    return printing.print_job(store, job_id)


def expected_bytes(store: Store, job_id: int, printer: PrinterConfig) -> bytes:
    with store.read() as s:
        row = s.get(PrintJob, job_id)
        assert row is not None
        return render(row.kind, row.payload, printer, row.id, row.reprint_of)


# ---- one ticket per send -----------------------------------------------------------------------


def test_the_same_key_twice_gives_the_same_job_never_a_second_ticket(demo: Store) -> None:
    first = queue(demo, key="send-A-0012-hot")
    again = queue(demo, key="send-A-0012-hot", rush=True)  # a double tap, a retried send
    assert again.id == first.id
    with demo.read() as s:
        assert s.scalar(select(func.count()).select_from(PrintJob)) == 1
        queued = s.scalar(select(func.count()).where(AuditEvent.action == "print.queued"))
        assert queued == 1
    with pytest.raises(Conflict):
        queue(demo, "bar", key="send-A-0012-hot")


def test_a_job_is_part_of_the_transaction_that_asks_for_it(demo: Store) -> None:
    with pytest.raises(RuntimeError), demo.write() as s:
        printing.add_print_job(s, request(key="send-that-fails"))
        raise RuntimeError("the order could not be saved")
    with demo.read() as s:
        assert s.scalar(select(func.count()).select_from(PrintJob)) == 0


def test_a_job_keeps_its_document_and_table_for_the_queue_screen(demo: Store) -> None:
    view = queue(demo)
    assert (view.state, view.table_number, view.order_ref, view.line_count) == (
        PrintState.QUEUED,
        "12",
        "A-0012",
        2,
    )
    slip = printing.queue_print(
        demo,
        staff_id(demo, WAITER),
        printing.PrintRequest(
            idempotency_key="slip-A-0012", station="cashier", document=dispatch_slip()
        ),
    )
    assert slip.kind == "dispatch_slip"


# ---- printing over the network -------------------------------------------------------------------


def test_a_ticket_goes_to_the_kitchen_printer_byte_for_byte(demo: Store) -> None:
    with RawPrinter() as printer:
        setup = tcp_setup(printer.port)
        queued = queue(demo, rush=True)
        assert PrintSpooler(demo, setup, "tablet-1").run_once() == [queued.id]
        assert printer.got_job.wait(5)
    done = job(demo, queued.id)
    assert done.state == PrintState.PRINTED and done.printed_at is not None
    assert done.attempts == 1 and done.error is None
    sent = expected_bytes(demo, queued.id, setup.printers["hot_kitchen"])
    assert printer.jobs == [sent]
    assert sent.startswith(b"\x1b@\x1c&") and sent.endswith(b"\x1dV\x00")
    assert " RUSH 加急 ".encode("gb18030") in sent
    # Printed means done: the next pass sends nothing.
    assert PrintSpooler(demo, setup, "tablet-1").run_once() == []


def test_a_printer_that_is_down_keeps_the_job_queued_and_it_prints_once_when_back(
    demo: Store,
) -> None:
    port = free_port()  # nothing listens there yet: the printer is switched off
    setup = tcp_setup(port)
    queued = queue(demo)
    clock = Clock()
    spooler = PrintSpooler(demo, setup, "tablet-1", clock=clock)

    assert spooler.run_once() == []
    waiting = job(demo, queued.id)
    assert waiting.state == PrintState.QUEUED and waiting.failing
    assert waiting.error_sentence == printing.UNREACHABLE
    assert "127.0.0.1" in (waiting.error or "")
    assert waiting.attempts == 1 and waiting.next_attempt_at >= clock.now + backoff(1)

    assert spooler.run_once() == []  # still in its back-off: not even tried
    assert job(demo, queued.id).attempts == 1
    clock.now += timedelta(seconds=3)
    assert spooler.run_once() == []  # tried again, still down
    assert job(demo, queued.id).attempts == 2

    with RawPrinter(port) as printer:  # switched back on
        clock.now += timedelta(seconds=10)
        assert spooler.run_once() == [queued.id]
        clock.now += timedelta(minutes=5)
        assert spooler.run_once() == []
        assert printer.got_job.wait(5)
    assert printer.connections == 1
    assert printer.jobs == [expected_bytes(demo, queued.id, setup.printers["hot_kitchen"])]
    assert job(demo, queued.id).state == PrintState.PRINTED


def test_retry_now_skips_the_back_off(demo: Store) -> None:
    port = free_port()
    spooler = PrintSpooler(demo, tcp_setup(port), "tablet-1")
    queued = queue(demo)
    spooler.run_once()
    li_na = staff_id(demo, SUPERVISOR)
    with RawPrinter(port) as printer:
        assert spooler.run_once() == []
        printing.retry_now(demo, li_na, printing.ChooseJob(job_id=queued.id))
        assert spooler.run_once() == [queued.id]
        assert printer.got_job.wait(5)
    with pytest.raises(DomainError, match="not waiting for its printer"):
        printing.retry_now(demo, li_na, printing.ChooseJob(job_id=queued.id))


def test_a_printer_that_breaks_mid_job_makes_the_job_uncertain_not_resent(demo: Store) -> None:
    with RawPrinter(reset_after=20) as printer:
        spooler = PrintSpooler(demo, tcp_setup(printer.port), "tablet-1")
        queued = queue(demo)
        assert spooler.run_once() == []
        assert printer.got_job.wait(5)
        assert spooler.run_once() == []
    uncertain = job(demo, queued.id)
    assert uncertain.state == PrintState.UNCERTAIN
    assert uncertain.error_sentence == printing.STOPPED_MID_JOB
    assert printer.connections == 1


def test_each_station_gets_its_tickets_in_order_and_one_stuck_printer_blocks_only_its_own(
    demo: Store, tmp_path: Path
) -> None:
    down = PrinterConfig(station="hot_kitchen", address=f"tcp://127.0.0.1:{free_port()}")
    setup = PrinterSetup(printers={**file_setup(tmp_path, "bar").printers, "hot_kitchen": down})
    spooler = PrintSpooler(demo, setup, "tablet-1")
    first_hot = queue(demo, "hot_kitchen")
    second_hot = queue(demo, "hot_kitchen")
    bar = queue(demo, "bar")
    assert spooler.run_once() == [bar.id]
    assert job(demo, first_hot.id).attempts == 1
    assert job(demo, second_hot.id).attempts == 0  # waits behind the first: no overtaking
    assert (tmp_path / "bar.prn").read_bytes() == expected_bytes(
        demo, bar.id, setup.printers["bar"]
    )


def test_a_station_without_a_printer_keeps_its_jobs_with_the_reason(demo: Store) -> None:
    queued = queue(demo, "pastry")
    PrintSpooler(demo, PrinterSetup(), "tablet-1").run_once()
    waiting = job(demo, queued.id)
    assert waiting.state == PrintState.QUEUED
    assert waiting.error == "No printer is set up for pastry."


def test_two_spoolers_never_both_send_the_same_job(demo: Store, tmp_path: Path) -> None:
    setup = file_setup(tmp_path, "hot_kitchen")
    queued = queue(demo)
    first = PrintSpooler(demo, setup, "tablet-1")
    second = PrintSpooler(demo, setup, "tablet-2")
    assert first._claim(queued.id) is True
    assert second._claim(queued.id) is False
    assert second.run_once() == []
    assert not (tmp_path / "hot_kitchen.prn").exists()


def test_a_job_another_tablet_left_sending_long_ago_becomes_uncertain(demo: Store) -> None:
    queued = queue(demo)
    with demo.write() as s:
        s.execute(
            update(PrintJob)
            .where(PrintJob.id == queued.id)
            .values(state="sending", sending_by="tablet-9", sending_at=utcnow())
        )
    clock = Clock()
    spooler = PrintSpooler(demo, PrinterSetup(), "tablet-1", clock=clock)
    assert spooler.recover() == []  # not ours, and maybe still printing
    assert spooler.sweep_stale() == []
    clock.now += STALE_SENDING + timedelta(seconds=1)
    assert spooler.sweep_stale() == [queued.id]
    assert job(demo, queued.id).error_sentence == printing.TABLET_GONE


# ---- what a person does with an uncertain job ----------------------------------------------


def _uncertain(store: Store) -> int:
    job_id = _uncertain_candidate(store)
    assert PrintSpooler(store, PrinterSetup(), "tablet-1").recover() == [job_id]
    return job_id


def test_it_printed_settles_an_uncertain_job(demo: Store) -> None:
    job_id = _uncertain(demo)
    assert [j.id for j in printing.open_print_jobs(demo, staff_id(demo, SUPERVISOR))] == [job_id]
    with pytest.raises(NotAllowed):
        printing.confirm_printed(demo, staff_id(demo, WAITER), printing.ChooseJob(job_id=job_id))
    done = printing.confirm_printed(
        demo, staff_id(demo, SUPERVISOR), printing.ChooseJob(job_id=job_id)
    )
    assert done.state == PrintState.PRINTED
    assert printing.open_print_jobs(demo, staff_id(demo, SUPERVISOR)) == []
    with pytest.raises(DomainError, match="not waiting for a decision"):
        printing.confirm_printed(
            demo, staff_id(demo, SUPERVISOR), printing.ChooseJob(job_id=job_id)
        )


def test_reprint_makes_one_linked_job_marked_reprint(demo: Store, tmp_path: Path) -> None:
    job_id = _uncertain(demo)
    li_na = staff_id(demo, SUPERVISOR)
    copy = printing.reprint(
        demo, li_na, printing.Reprint(job_id=job_id, idempotency_key="reprint-of-1-tap")
    )
    assert (
        printing.reprint(
            demo, li_na, printing.Reprint(job_id=job_id, idempotency_key="reprint-of-1-tap")
        ).id
        == copy.id
    )  # double tap
    assert copy.reprint_of == job_id and copy.state == PrintState.QUEUED
    assert job(demo, job_id).state == PrintState.REPRINTED
    setup = file_setup(tmp_path, "hot_kitchen")
    assert PrintSpooler(demo, setup, "tablet-1").run_once() == [copy.id]
    paper = (tmp_path / "hot_kitchen.prn").read_bytes()
    assert " REPRINT 重印 ".encode("gb18030") in paper
    assert f"原单 #{job_id}".encode("gb18030") in paper
    # A printed ticket lost at the pass can be reprinted too; the original stays printed.
    again = printing.reprint(
        demo, li_na, printing.Reprint(job_id=copy.id, idempotency_key="reprint-of-2-tap")
    )
    assert job(demo, copy.id).state == PrintState.PRINTED and again.reprint_of == copy.id
    with pytest.raises(DomainError, match="needs no reprint"):
        printing.reprint(
            demo, li_na, printing.Reprint(job_id=again.id, idempotency_key="reprint-of-3-tap")
        )


# ---- printer set-up ----------------------------------------------------------------------------


def test_printer_setup_file_with_network_and_file_printers(tmp_path: Path) -> None:
    path = tmp_path / "printers.toml"
    path.write_text(
        '[stations.hot_kitchen]\naddress = "192.168.1.51:9100"\n\n'
        '[stations.bar]\naddress = "tcp://bar-printer"\ncharset = "ascii"\ncolumns = 32\n\n'
        '[stations.cashier]\naddress = "file:printouts/cashier.prn"\n',
        encoding="utf-8",
    )
    setup = load_printer_setup(path)
    assert parse_address(setup.printers["hot_kitchen"].address) == ("tcp", "192.168.1.51", 9100)
    assert parse_address(setup.printers["bar"].address) == ("tcp", "bar-printer", 9100)
    assert setup.printers["bar"].columns == 32
    assert setup.printers["cashier"].address == f"file:{tmp_path / 'printouts' / 'cashier.prn'}"
    assert setup.for_station("pastry") is None
    assert set(files_setup(tmp_path).printers) == {
        "cold_kitchen",
        "hot_kitchen",
        "bar",
        "pastry",
        "cashier",
    }


@pytest.mark.parametrize(
    "entry", ['address = "printer:99999"', 'address = "x:9100"\ncharset = "utf8"', "columns = 48"]
)
def test_a_bad_printer_setup_is_refused_with_the_file_and_station(
    tmp_path: Path, entry: str
) -> None:
    path = tmp_path / "printers.toml"
    path.write_text(f"[stations.bar]\n{entry}\n", encoding="utf-8")
    with pytest.raises(DomainError, match=r"Printer set-up .*printers\.toml: bar"):
        load_printer_setup(path)


def test_a_ticket_document_refuses_impossible_content() -> None:
    good = kitchen_ticket().model_dump()
    for bad in ({"lines": []}, {"timezone": "Mars/Base"}, {"sent_at": "2026-11-28T11:42:00"}):
        with pytest.raises(ValueError):
            KitchenTicket.model_validate({**good, **bad})


def test_every_reason_the_spooler_records_reads_in_chinese_too() -> None:
    import string

    from screens.localizer import load_translations

    zh = load_translations("zh")

    def fields(sentence: str) -> set[str]:
        return {f for _, f, _, _ in string.Formatter().parse(sentence) if f}

    for sentence in printing.PRINT_ERRORS:
        chinese = zh.gettext(sentence)
        assert chinese != sentence and fields(chinese) == fields(sentence)


def test_the_example_printer_setup_in_the_docs_loads() -> None:
    setup = load_printer_setup(Path(__file__).resolve().parents[1] / "docs/printers.example.toml")
    assert set(setup.printers) == {"cold_kitchen", "hot_kitchen", "pastry", "bar", "cashier"}


def test_the_background_spooler_recovers_then_prints_what_is_queued(
    demo: Store, tmp_path: Path
) -> None:
    import time

    from services.printing.spooler import SpoolerThread

    left_sending = _uncertain_candidate(demo)
    queued = queue(demo, "bar")
    thread = SpoolerThread(
        PrintSpooler(demo, file_setup(tmp_path, "bar", "hot_kitchen"), "tablet-1"), 0.05
    )
    thread.start()
    try:
        deadline = time.monotonic() + 10
        while job(demo, queued.id).state != PrintState.PRINTED and time.monotonic() < deadline:
            time.sleep(0.05)
    finally:
        thread.stop()
    assert job(demo, queued.id).state == PrintState.PRINTED
    assert job(demo, left_sending).state == PrintState.UNCERTAIN
    assert not (tmp_path / "hot_kitchen.prn").exists()


def _uncertain_candidate(store: Store) -> int:
    """A job this tablet's spooler was sending when the app stopped."""
    queued = queue(store)
    with store.write() as s:
        s.execute(
            update(PrintJob)
            .where(PrintJob.id == queued.id)
            .values(state="sending", sending_by="tablet-1", sending_at=utcnow())
        )
    return queued.id
