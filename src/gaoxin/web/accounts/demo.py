"""The accounts app's part of ``gaoxin demo``: none as a step. The core demo
(``gaoxin.web.platform.demo``, ``ACCOUNTS``) creates one user per role before the apps' ``DEMO_STEPS``
run, because every step signs in as one of them."""
