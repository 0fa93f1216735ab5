"""Synthetic referral corpus: realistic documents with the truth beside each (see `generate_corpus`)."""

from referral_intake.synth.corpus import ALL_FAMILIES, FAMILIES, corpus_documents, generate_corpus

__all__ = ["ALL_FAMILIES", "FAMILIES", "corpus_documents", "generate_corpus"]
