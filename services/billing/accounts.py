"""House accounts (客人签单 / 挂账, 第9条 ③): a company account or a hotel room that guests
may sign a bill to.

A signed charge needs a manager's endorsement (原则上应由经理或者以上人员审核而予背书),
a signer authorised on that account, and room under the account's limit: over the limit
it is refused, not warned. A statement lists an account's charges for a month.
"""

from __future__ import annotations

from datetime import date, datetime, time, timedelta
from typing import Annotated

from pydantic import BaseModel, ConfigDict, Field
from sqlalchemy import func, select
from sqlalchemy.orm import Session, aliased

from db.store import Store
from models import AccountSigner, Bill, HouseAccount, Payment, Staff
from services import audit
from services.errors import DomainError, NotFound
from services.i18n import N_
from services.orders.views import staff_label
from services.permissions import Action, require
from services.service_day import restaurant_zone
from services.text import Flag, Name, RecordId, required_text


class AccountInfo(BaseModel):
    model_config = ConfigDict(frozen=True)

    id: int
    code: str
    name: str
    kind: str
    limit_minor: int
    owed_minor: int
    signers: tuple[tuple[int, str], ...]  # (signer id, name) of the authorised signers


class StatementLine(BaseModel):
    model_config = ConfigDict(frozen=True)

    payment_id: int
    at: datetime
    kind: str  # payment (a charge) or refund
    amount_minor: int
    bill_number: int
    invoice_number: int | None
    party_id: int
    signer: str
    endorsed_by: str
    taken_by: str


class Statement(BaseModel):
    model_config = ConfigDict(frozen=True)

    account: AccountInfo
    year: int
    month: int
    lines: tuple[StatementLine, ...]
    charged_minor: int
    refunded_minor: int

    @property
    def total_minor(self) -> int:
        return self.charged_minor - self.refunded_minor


class NewAccount(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)

    code: str = Field(pattern=r"^[a-z][a-z0-9_]{0,31}$")
    name: Name
    kind: str = Field(pattern=r"^(company|room)$")
    limit_minor: int = Field(ge=0, le=100_000_000, strict=True)
    signers: tuple[Name, ...] = Field(default=(), max_length=50)


def owed_on_account(session: Session, account_id: int) -> int:
    """Charges signed to the account less refunds of them (what the account owes)."""
    rows = session.execute(
        select(Payment.kind, func.coalesce(func.sum(Payment.amount_minor), 0))
        .where(Payment.account_id == account_id)
        .group_by(Payment.kind)
    ).all()
    sums = dict(rows)
    return int(sums.get("payment", 0)) - int(sums.get("refund", 0))


def check_charge(
    session: Session, account_id: int | None, signer_id: int | None, amount: int
) -> HouseAccount:
    """Inside the payment's transaction: the account takes this charge, signed by this
    person; else a refusal, and nothing is written."""
    if account_id is None:
        raise DomainError("Choose the house account the guest signs to.")
    account = session.scalar(
        select(HouseAccount).where(HouseAccount.id == account_id).with_for_update()
    )
    if account is None or not account.active:
        raise NotFound("That house account is not open for charges.")
    signer = session.get(AccountSigner, signer_id) if signer_id is not None else None
    if signer is None or signer.account_id != account.id or not signer.active:
        raise DomainError(
            "That person may not sign to the account {account}: only its authorised signers.",
            account=account.name,
        )
    owed = owed_on_account(session, account.id)
    if owed + amount > account.limit_minor:
        raise DomainError(
            "Refused: this charge would take {account} over its limit ({owed} owed of {limit}).",
            account=account.name,
            owed=owed,
            limit=account.limit_minor,
        )
    return account


def _info(session: Session, account: HouseAccount) -> AccountInfo:
    signers = session.execute(
        select(AccountSigner.id, AccountSigner.name)
        .where(AccountSigner.account_id == account.id, AccountSigner.active)
        .order_by(AccountSigner.name)
    ).all()
    return AccountInfo(
        id=account.id,
        code=account.code,
        name=account.name,
        kind=account.kind,
        limit_minor=account.limit_minor,
        owed_minor=owed_on_account(session, account.id),
        signers=tuple((i, n) for i, n in signers),
    )


def house_accounts(store: Store) -> list[AccountInfo]:
    """The open accounts with their signers, for the cashier choosing where to charge."""
    with store.read() as s:
        rows = s.scalars(
            select(HouseAccount).where(HouseAccount.active).order_by(HouseAccount.name)
        ).all()
        return [_info(s, a) for a in rows]


def create_account(store: Store, actor_id: int, command: NewAccount) -> AccountInfo:
    with store.write() as s:
        require(s, actor_id, Action.MANAGE_ACCOUNTS)
        if s.scalar(select(HouseAccount.id).where(HouseAccount.code == command.code)):
            raise DomainError("An account already has the code {code}.", code=command.code)
        account = HouseAccount(
            code=command.code, name=command.name, kind=command.kind, limit_minor=command.limit_minor
        )
        s.add(account)
        s.flush()
        for name in dict.fromkeys(command.signers):
            s.add(AccountSigner(account_id=account.id, name=name))
        s.flush()
        audit.record(
            s,
            action="account.created",
            object_type="house_account",
            object_id=account.id,
            actor_id=actor_id,
            code=account.code,
            limit=account.limit_minor,
            signers=len(command.signers),
        )
        return _info(s, account)


def account_statement(
    store: Store, viewer_id: int, account_id: int, year: int, month: int
) -> Statement:
    """The account's charges and refunds in a month of the restaurant's local calendar."""
    if not (2000 <= year <= 2100 and 1 <= month <= 12):
        raise DomainError("Choose a month from the calendar.")
    with store.read() as s:
        require(s, viewer_id, Action.MANAGE_ACCOUNTS)
        account = s.get(HouseAccount, account_id)
        if account is None:
            raise NotFound("No house account has id {id}.", id=account_id)
        zone = restaurant_zone(s)
        start = datetime.combine(date(year, month, 1), time(), zone)
        following = (start.replace(day=28) + timedelta(days=4)).replace(day=1)
        signer, endorser, taker = aliased(AccountSigner), aliased(Staff), aliased(Staff)
        rows = s.execute(
            select(Payment, Bill, signer.name, endorser, taker)
            .join(Bill, Bill.id == Payment.bill_id)
            .outerjoin(signer, signer.id == Payment.signer_id)
            .outerjoin(endorser, endorser.id == Payment.approved_by_id)
            .join(taker, taker.id == Payment.taken_by_id)
            .where(
                Payment.account_id == account.id,
                Payment.taken_at >= start,
                Payment.taken_at < following,
            )
            .order_by(Payment.taken_at, Payment.id)
        ).all()
        lines = tuple(
            StatementLine(
                payment_id=p.id,
                at=p.taken_at,
                kind=p.kind,
                amount_minor=p.amount_minor,
                bill_number=b.number,
                invoice_number=b.invoice_number,
                party_id=p.party_id,
                signer=signer_name or "",
                endorsed_by=staff_label(e),
                taken_by=staff_label(t),
            )
            for p, b, signer_name, e, t in rows
        )
        return Statement(
            account=_info(s, account),
            year=year,
            month=month,
            lines=lines,
            charged_minor=sum(li.amount_minor for li in lines if li.kind == "payment"),
            refunded_minor=sum(li.amount_minor for li in lines if li.kind == "refund"),
        )


class ChangeSigner(BaseModel):
    """Authorise a person to sign to an account, or (active False) stop them."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    account_id: RecordId
    name: Annotated[str, required_text(80, N_("Write the signer's name as on the account."))]
    active: Flag = True


def change_signer(store: Store, actor_id: int, command: ChangeSigner) -> AccountInfo:
    with store.write() as s:
        require(s, actor_id, Action.MANAGE_ACCOUNTS)
        account = s.get(HouseAccount, command.account_id)
        if account is None:
            raise NotFound("No house account has id {id}.", id=command.account_id)
        signer = s.scalar(
            select(AccountSigner).where(
                AccountSigner.account_id == account.id, AccountSigner.name == command.name
            )
        )
        if signer is None:
            if not command.active:
                raise DomainError("Nobody of that name signs to this account.")
            signer = AccountSigner(account_id=account.id, name=command.name, active=True)
            s.add(signer)
        signer.active = command.active
        s.flush()
        audit.record(
            s,
            action="account.signer_changed",
            object_type="house_account",
            object_id=account.id,
            actor_id=actor_id,
            signer=signer.id,
            active=command.active,
        )
        return _info(s, account)
