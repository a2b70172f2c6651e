"""The restaurant's printers: one per station, reached over the network (raw TCP, port 9100,
as kitchen printers listen) or written to a file (for trying things out and for tests).

The set-up is a TOML file, the same on every tablet (RELIABILITY: any tablet's spooler may
print any job), for example:

    [stations.hot_kitchen]
    address = "tcp://192.168.1.51:9100"   # or "192.168.1.51:9100", or "file:printouts/hot.prn"
    charset = "gb18030"                     # a Chinese-capable printer (the usual in China)
    columns = 48                            # 80 mm paper; 32 for 58 mm

A station with no printer keeps its jobs queued, with the reason shown on the print queue.
"""

from __future__ import annotations

import os
import socket
import tomllib
from pathlib import Path
from typing import Annotated, Literal

from pydantic import BaseModel, BeforeValidator, ConfigDict, Field, ValidationError, field_validator

from services.errors import DomainError

# Station code -> (English, Chinese), as the heading of a ticket and on the print queue.
STATIONS: dict[str, tuple[str, str]] = {
    "cold_kitchen": ("Cold kitchen", "冷菜间"),
    "hot_kitchen": ("Hot kitchen", "热菜厨房"),
    "bar": ("Bar", "酒水吧"),
    "pastry": ("Pastry", "面点间"),
    "cashier": ("Cashier's desk", "收银台"),
}

RAW_PRINTING_PORT = 9100


class PrinterUnreachable(Exception):
    """Nothing reached the printer (it is off, unplugged, out of the network): safe to retry."""


class PrintOutcomeUnknown(Exception):
    """Bytes may have reached the printer before the connection broke: paper may exist.
    Retrying by itself could print a second ticket, so a person decides."""


def _seconds(value: object) -> object:
    """A printer's timeout is a number of seconds; `true` in a set-up file is not one."""
    if isinstance(value, bool):
        raise ValueError("a timeout is a number of seconds")
    return value


class PrinterConfig(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)

    station: str
    address: str
    # gb18030: Chinese-capable printer (Chinese mode, GB18030 two-byte text);
    # ascii: any other printer (English names only, everything else as placeholders).
    charset: Literal["gb18030", "ascii"] = "gb18030"
    columns: int = Field(default=48, ge=24, le=64)
    timeout_seconds: Annotated[float, BeforeValidator(_seconds)] = Field(default=10.0, gt=0, le=120)

    @field_validator("address")
    @classmethod
    def _address_form(cls, address: str) -> str:
        parse_address(address)
        return address

    @property
    def names(self) -> tuple[str, str]:
        return STATIONS.get(self.station, (self.station, ""))


class PrinterSetup(BaseModel):
    model_config = ConfigDict(frozen=True)

    printers: dict[str, PrinterConfig] = {}

    def for_station(self, station: str) -> PrinterConfig | None:
        return self.printers.get(station)


def parse_address(address: str) -> tuple[str, str, int] | tuple[str, Path]:
    """("tcp", host, port) or ("file", path). A bare "host:port" or "host" is TCP."""
    if address.startswith("file:"):
        path = address.removeprefix("file:")
        if not path:
            raise ValueError("a file address needs a path: file:printouts/bar.prn")
        return ("file", Path(path))
    target = address.removeprefix("tcp://")
    host, _, port_text = target.rpartition(":") if ":" in target else (target, "", "")
    host = host.strip("[]")  # [::1]:9100
    port = int(port_text) if port_text else RAW_PRINTING_PORT
    if not host or not 0 < port < 65536:
        raise ValueError(f"not a printer address: {address!r} (use host:9100 or file:path)")
    return ("tcp", host, port)


def load_printer_setup(path: Path, base_folder: Path | None = None) -> PrinterSetup:
    """Read the printers file. Relative file: addresses are under base_folder (the folder of
    the printers file when not given), so a set-up can be moved with its printouts."""
    base = base_folder or path.parent
    try:
        raw = tomllib.loads(path.read_text(encoding="utf-8"))
    except (OSError, tomllib.TOMLDecodeError) as exc:
        raise DomainError(
            "Printer set-up {file}: {reason}", file=str(path), reason=str(exc)
        ) from exc
    printers: dict[str, PrinterConfig] = {}
    for station, entry in (raw.get("stations") or {}).items():
        try:
            config = PrinterConfig(station=station, **entry)
        except (ValidationError, TypeError) as exc:
            raise DomainError(
                "Printer set-up {file}: {reason}", file=str(path), reason=f"{station}: {exc}"
            ) from exc
        kind, *rest = parse_address(config.address)
        if kind == "file" and not Path(rest[0]).is_absolute():
            config = config.model_copy(update={"address": f"file:{base / rest[0]}"})
        printers[station] = config
    return PrinterSetup(printers=printers)


def files_setup(folder: Path, charset: Literal["gb18030", "ascii"] = "gb18030") -> PrinterSetup:
    """Every station printing to a file in one folder: the demo's set-up with no printers."""
    return PrinterSetup(
        printers={
            station: PrinterConfig(
                station=station, address=f"file:{folder / f'{station}.prn'}", charset=charset
            )
            for station in STATIONS
        }
    )


def deliver(printer: PrinterConfig, data: bytes) -> None:
    """Hand one job's bytes to its printer, or raise PrinterUnreachable / PrintOutcomeUnknown."""
    target = parse_address(printer.address)
    if target[0] == "file":
        _append_to_file(Path(target[1]), data)
    else:
        _send_raw_tcp(str(target[1]), int(target[2]), data, printer.timeout_seconds)


def _append_to_file(path: Path, data: bytes) -> None:
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        with path.open("ab") as f:
            f.write(data)
            f.flush()
            os.fsync(f.fileno())
    except OSError as exc:
        raise PrinterUnreachable(f"{path}: {exc.strerror or exc}") from exc


def _send_raw_tcp(host: str, port: int, data: bytes, timeout: float) -> None:
    try:
        sock = socket.create_connection((host, port), timeout=timeout)
    except OSError as exc:  # refused, no route, timed out: not one byte went out
        raise PrinterUnreachable(f"{host}:{port}: {exc.strerror or exc}") from exc
    try:
        with sock:
            sock.sendall(data)
            # Our half closed: the printer sees the end of the job. It closes its half once
            # it has read everything; only then do we know the ticket reached it.
            sock.shutdown(socket.SHUT_WR)
            while sock.recv(256):  # a printer may answer with status bytes: read past them
                pass
    except OSError as exc:
        raise PrintOutcomeUnknown(f"{host}:{port}: {exc.strerror or exc}") from exc
