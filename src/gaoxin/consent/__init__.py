"""Consent (数据授权): the pure rules of a firm's grant of its detailed profile to a bank."""
