"""Tickets as the order service will fill them, and a kitchen printer's raw port (9100) on
127.0.0.1 that records what it is sent, for the printing tests."""

from __future__ import annotations

import socket
import struct
import threading
import time
import uuid
from datetime import UTC, datetime
from pathlib import Path

from services.printing.jobs import PrintRequest
from services.printing.printers import PrinterConfig, PrinterSetup
from services.printing.tickets import (
    DispatchSlip,
    KitchenTicket,
    Person,
    TicketLine,
    TicketModifier,
    VoidTicket,
)

# 19:42 in Shanghai (UTC+8), the evening rush.
SENT_AT = datetime(2026, 11, 28, 11, 42, tzinfo=UTC)
ZHANG_WEI = Person(name="张伟 Zhang Wei", number="W01")
ZHOU_MIN = Person(name="王建国 Wang Jianguo", number="M01")

CHICKEN = TicketLine(
    seat=2,
    course_code="cold",
    course_name_en="Cold dishes",
    course_name_zh="冷菜",
    course_sort=1,
    quantity=2,
    name_en="Mouth-watering chicken",
    name_zh="口水鸡",
    note="少辣 🌶️ no coriander",
    allergens=("peanuts", "sesame"),  # type: ignore[arg-type]
    unit_price_minor=4800,
    line_total_minor=9600,
)
DUMPLINGS = TicketLine(
    seat=1,
    course_code="staple",
    course_name_en="Staples",
    course_name_zh="主食",
    course_sort=4,
    quantity=1,
    name_en="Shanghai soup dumplings (8)",
    name_zh="鲜肉小笼包（8只）",
    modifiers=(TicketModifier(name_en="Sesame paste", name_zh="芝麻酱", price_delta_minor=300),),
    unit_price_minor=3500,
    line_total_minor=3500,
)


def kitchen_ticket(
    station: str = "hot_kitchen", rush: bool = False, **changes: object
) -> KitchenTicket:
    ticket = KitchenTicket(
        station=station,
        order_ref="A-0012",
        table_number="12",
        guests=4,
        lines=(DUMPLINGS, CHICKEN),
        rush=rush,
        sent_at=SENT_AT,
        timezone="Asia/Shanghai",
        sent_by=ZHANG_WEI,
    )
    return ticket.model_copy(update=changes)


def dispatch_slip() -> DispatchSlip:
    return DispatchSlip(
        order_ref="A-0012",
        table_number="12",
        guests=4,
        lines=(CHICKEN, DUMPLINGS),
        sent_at=SENT_AT,
        timezone="Asia/Shanghai",
        sent_by=ZHANG_WEI,
    )


def void_ticket() -> VoidTicket:
    return VoidTicket(
        station="cold_kitchen",
        order_ref="A-0012",
        table_number="12",
        lines=(CHICKEN,),
        voided_at=SENT_AT,
        timezone="Asia/Shanghai",
        voided_by=ZHANG_WEI,
        approved_by=ZHOU_MIN,
        reason="Guest changed their mind 客人改单",
    )


def request(
    station: str = "hot_kitchen", key: str | None = None, **changes: object
) -> PrintRequest:
    return PrintRequest(
        idempotency_key=key or f"send-{uuid.uuid4().hex}",
        station=station,
        document=kitchen_ticket(station=station, **changes),
    )


def tcp_setup(port: int, *stations: str, timeout: float = 5.0) -> PrinterSetup:
    return PrinterSetup(
        printers={
            station: PrinterConfig(
                station=station, address=f"tcp://127.0.0.1:{port}", timeout_seconds=timeout
            )
            for station in stations or ("hot_kitchen",)
        }
    )


def file_setup(folder: Path, *stations: str) -> PrinterSetup:
    return PrinterSetup(
        printers={
            station: PrinterConfig(station=station, address=f"file:{folder / station}.prn")
            for station in stations
        }
    )


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


class RawPrinter:
    """What a kitchen printer does on port 9100: take a connection, read the job to the end,
    close. `hold=True` keeps the first connection open after reading it, until `release()`
    (a printer that never answers);
    `reset_after=n` breaks the connection after n bytes (a printer switched off mid-job).
    It serves on 127.0.0.1 only and stops by itself after `lifetime` seconds."""

    def __init__(
        self,
        port: int = 0,
        *,
        hold: bool = False,
        reset_after: int | None = None,
        lifetime: float = 60.0,
    ) -> None:
        self.jobs: list[bytes] = []
        self.connections = 0
        self.got_job = threading.Event()
        self._hold = hold
        self._reset_after = reset_after
        self._deadline = time.monotonic() + lifetime
        self._stop = threading.Event()
        self._release = threading.Event()
        self._server = socket.socket()
        self._server.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        self._server.bind(("127.0.0.1", port))
        self._server.listen(5)
        self._server.settimeout(0.1)
        self.port = int(self._server.getsockname()[1])
        self._thread = threading.Thread(target=self._serve, daemon=True)

    def __enter__(self) -> RawPrinter:
        self._thread.start()
        return self

    def __exit__(self, *_exc: object) -> None:
        self._stop.set()
        self._release.set()
        self._thread.join(5)
        self._server.close()

    def release(self) -> None:
        self._release.set()

    def _alive(self) -> bool:
        return not self._stop.is_set() and time.monotonic() < self._deadline

    def _serve(self) -> None:
        while self._alive():
            try:
                conn, _addr = self._server.accept()
            except TimeoutError:
                continue
            self.connections += 1
            with conn:
                conn.settimeout(0.1)
                data = b""
                while self._alive():
                    try:
                        chunk = conn.recv(4096)
                    except TimeoutError:
                        continue
                    if not chunk:
                        break
                    data += chunk
                    if self._reset_after is not None and len(data) >= self._reset_after:
                        # Close with RST instead of FIN: the sender sees the connection break.
                        conn.setsockopt(
                            socket.SOL_SOCKET, socket.SO_LINGER, struct.pack("ii", 1, 0)
                        )
                        break
                self.jobs.append(data)
                self.got_job.set()
                while self._hold and not self._release.is_set() and self._alive():
                    time.sleep(0.05)
                self._hold = False
