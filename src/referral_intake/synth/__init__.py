"""Synthetic referral corpus: realistic documents with the truth beside each (see `generate_corpus`)."""

from referral_intake.synth.corpus import FAMILIES, corpus_documents, generate_corpus

__all__ = ["FAMILIES", "corpus_documents", "generate_corpus"]
