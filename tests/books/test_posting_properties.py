"""SPEC §2.5, property tests (hypothesis) of the posting rules: for any sequence of money
events every entry balances, and the staff-advances balance is, at every step, what the
ledger of settlements.rules.owed says the traveler owes."""

from decimal import Decimal

from hypothesis import given
from hypothesis import strategies as st

from books import posting
from settlements.rules import Movements, owed

money = st.decimals(min_value=0, max_value=5000, places=2, allow_nan=False, allow_infinity=False)
EVENTS = st.lists(
    st.one_of(
        st.tuples(st.just("advance_paid"), money),
        st.tuples(st.just("money_returned"), money),
        st.tuples(st.just("reimbursement_paid"), money),
        st.tuples(st.just("deduction_recovered"), money),
        st.tuples(
            st.just("recognized"),
            st.dictionaries(
                st.sampled_from(["viaticos", "taxi", "phone", "internet", "other"]),
                money,
                max_size=4,
            ),
        ),
    ),
    max_size=12,
)


@given(events=EVENTS)
def test_every_entry_balances_and_staff_advances_follow_the_ledger(events):
    journal: list[posting.Posting] = []
    m = dict(disbursed=Decimal(0), recovered=Decimal(0), returned=Decimal(0), reimbursed=Decimal(0))
    recognized = Decimal(0)
    for kind, value in events:
        entry = getattr(posting, kind)(value)
        assert posting.balances(entry)
        assert all((p.debit == 0) != (p.credit == 0) for p in entry)  # one side per line
        assert posting.balances(posting.reversed_postings(entry))
        journal += entry
        if kind == "advance_paid":
            m["disbursed"] += value
        elif kind == "money_returned":
            m["returned"] += value
        elif kind == "reimbursement_paid":
            m["reimbursed"] += value
        elif kind == "deduction_recovered":
            m["recovered"] += value
        else:
            recognized += sum(value.values(), Decimal(0))
        assert posting.staff_balance(journal) == owed(Movements(**m, recognized=recognized))


@given(entry=st.dictionaries(st.sampled_from(["viaticos", "taxi"]), money, max_size=2))
def test_a_reversal_brings_every_account_back_to_zero(entry):
    postings = posting.recognized(entry)
    both = postings + posting.reversed_postings(postings)
    for purpose in {p.purpose for p in both}:
        assert sum(p.debit - p.credit for p in both if p.purpose == purpose) == 0
