"""The registry's part of ``gaoxin demo``: none as a step. The core demo (``gaoxin.web.platform.demo``)
synthesises the firms and imports them department by department (``DEPARTMENTS``) through this app's
import service before the apps' ``DEMO_STEPS`` run, because every step reads the register."""
