"""The cashier's screens (第9条): bills, their splits, payments, discounts and invoices."""
