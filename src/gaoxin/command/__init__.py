"""The zone command centre's pure core (no Django): periods, computed metrics, target history,
overdue tasks and counts against targets. The straight path and the status come from
``gaoxin.command.targets`` so that "on track" means one thing everywhere.
"""
