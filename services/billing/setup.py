"""The restaurant's billing set-up as a data file gives it (the [billing] table of
assets/demo/restaurant.toml): tax and service-charge settings, cash rounding, the
payment methods taken, and the house accounts with their authorised signers.

Validated like the other demo files (strict: a limit written as "5000" is a typo to
report, not something to coerce), then written by `add_billing_setup` in the loader's
transaction.
"""

from __future__ import annotations

from typing import Annotated, Literal

from pydantic import BaseModel, ConfigDict, Field, StringConstraints, model_validator
from sqlalchemy.orm import Session

from models import AccountSigner, HouseAccount, PaymentMethod, Restaurant, Section

Code = Annotated[str, StringConstraints(pattern=r"^[a-z][a-z0-9_]*$", max_length=32)]
Text = Annotated[str, StringConstraints(min_length=1, max_length=80, strip_whitespace=True)]
LongText = Annotated[str, StringConstraints(min_length=1, max_length=120, strip_whitespace=True)]
Rate = Annotated[int, Field(ge=0, le=10_000)]


class _Data(BaseModel):
    model_config = ConfigDict(strict=True, extra="forbid")


class PaymentMethodData(_Data):
    code: Code
    name_en: Text
    name_zh: Text
    kind: Literal["cash", "card", "wallet", "account", "other"]
    # A signed charge is owed to the restaurant, not taken: false for house accounts.
    counts_as_takings: bool = True
    needs_reference: bool = False


class HouseAccountData(_Data):
    code: Code
    name: LongText
    kind: Literal["company", "room"]
    limit_minor: Annotated[int, Field(ge=0, le=1_000_000_000)]
    signers: Annotated[list[Text], Field(min_length=1)]


class BillingData(_Data):
    prices_include_tax: bool = True
    service_charge_after_discounts: bool = True
    cash_rounding: Literal["none", "tenth", "unit"] = "none"
    # A section's own service charge by section code (private rooms: often 10-15 %).
    section_service_charges: dict[Code, Rate] = Field(default_factory=dict)
    payment_methods: list[PaymentMethodData] = Field(default_factory=list)
    house_accounts: list[HouseAccountData] = Field(default_factory=list)

    @model_validator(mode="after")
    def _consistent(self) -> BillingData:
        codes = [m.code for m in self.payment_methods]
        if len(set(codes)) != len(codes):
            raise ValueError("Two payment methods have the same code")
        accounts = [a.code for a in self.house_accounts]
        if len(set(accounts)) != len(accounts):
            raise ValueError("Two house accounts have the same code")
        for account in self.house_accounts:
            if len(set(account.signers)) != len(account.signers):
                raise ValueError(f"House account {account.code} lists a signer twice")
        if self.house_accounts and not any(m.kind == "account" for m in self.payment_methods):
            raise ValueError("House accounts need a payment method of kind 'account'")
        return self


def add_billing_setup(
    session: Session, data: BillingData, restaurant: Restaurant, sections: dict[str, Section]
) -> list[str]:
    """Write the set-up; returns its problems (an unknown section code) instead of writing
    half of it."""
    unknown = sorted(set(data.section_service_charges) - set(sections))
    if unknown:
        return [f"No section has the code {code!r}" for code in unknown]
    restaurant.prices_include_tax = data.prices_include_tax
    restaurant.service_charge_after_discounts = data.service_charge_after_discounts
    restaurant.cash_rounding = data.cash_rounding
    for code, rate in data.section_service_charges.items():
        sections[code].service_charge_bp = rate
    session.add_all(
        PaymentMethod(**m.model_dump(), sort=i, active=True)
        for i, m in enumerate(data.payment_methods)
    )
    for a in data.house_accounts:
        account = HouseAccount(
            code=a.code, name=a.name, kind=a.kind, limit_minor=a.limit_minor, active=True
        )
        account_signers = [AccountSigner(name=n, active=True) for n in a.signers]
        session.add(account)
        session.flush()
        for signer in account_signers:
            signer.account_id = account.id
        session.add_all(account_signers)
    return []
