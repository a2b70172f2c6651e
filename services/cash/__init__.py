"""The cash drawer (第9条 ②): float, cash in and out, count, variance."""
