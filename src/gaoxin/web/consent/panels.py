"""The consent app's sections of the enterprise profile: none. A firm's consents and who looked at its
data are on its own "Data authorisation" page (``consent:mine``), a bank's consented profiles on
``consent:bank_profiles``; the profile itself widens for a consented bank through ``scopes.py``
(``scoping.grant``), not through a panel."""
