"""Billing (第9条): bills on request, their versions, amounts, splits, payments, house
accounts and invoices."""
