"""Layout families of the synthetic corpus: each draws one kind of referral document into a PDF."""
