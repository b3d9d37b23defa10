"""Sci-tech finance (科创金融), pure: products and their rules, eligibility with gaps, credit lines,
the loan state machine, risk-pool arithmetic and zone statistics. No Django, no database; money is
``Decimal`` 万元 to the fen (see ``money`` for the rounding rules)."""

from gaoxin.finance.eligibility import Check, Firm, Result, check
from gaoxin.finance.lines import credit_line, percentile
from gaoxin.finance.loans import IllegalTransition, LoanError, transition
from gaoxin.finance.money import FEN, MoneyError, parse_money, split
from gaoxin.finance.pools import pool_state
from gaoxin.finance.products import Product, ProductError, load_product, loads_product

__all__ = [
    "FEN",
    "Check",
    "Firm",
    "IllegalTransition",
    "LoanError",
    "MoneyError",
    "Product",
    "ProductError",
    "Result",
    "check",
    "credit_line",
    "load_product",
    "loads_product",
    "parse_money",
    "percentile",
    "pool_state",
    "split",
    "transition",
]
