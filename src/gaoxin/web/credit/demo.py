"""The credit app's part of ``gaoxin demo``: none as a step. The core demo
(``gaoxin.web.platform.demo``) scores every demo zone on the shipped model and publishes the
white-list to the demo bank before the apps' ``DEMO_STEPS`` run, because every step reads them."""
