"""Cases: the state machine that carries one referral through the pipeline, its stages and runners."""
